"""The Jupyter server extension: opens the store, builds services, mounts the routes."""

from __future__ import annotations

from jupyter_server.extension.application import ExtensionApp
from jupyter_server.utils import url_path_join
from traitlets import Bool, Dict, Enum, Float, Int, List, Type, Unicode

from .capabilities import declared_capabilities
from .core import artifact_store, schema
from .core.capability import (
    Capability,
    Services,
    Teardown,
    check_provided,
    resolve,
    run_teardown,
)
from .core.config import resolve_data_dir, resolve_db_url, store_environment
from .core.db import Database
from .core.exported_environment import ExportedEnvironment
from .core.server_link import link_environment

API_PREFIX = "/mlops/api"


class MLOpsApp(ExtensionApp):
    """jupyter-mlops inside Jupyter Server.

    Capabilities contribute routes and services by declaration (see `core.capability` and
    `jupyter_mlops.capabilities`); swappable services are `Type` traitlets on this class.
    """

    name = "jupyter_mlops"
    load_other_extensions = True

    capabilities = List(
        Unicode(),
        default_value=None,
        allow_none=True,
        help='The capabilities this server runs, e.g. ["profiling", "tracking"]; those they '
        "require start with them, the others' routes answer 404. None: every installed one.",
    ).tag(config=True)

    extra_capabilities = List(
        Unicode(),
        help='A deployment\'s own capabilities: "module:NAME" of a core.capability.Capability '
        "(see CONTRIBUTING.md, 'Adding a capability').",
    ).tag(config=True)

    db_url = Unicode(
        "",
        help="SQLAlchemy URL of the store (e.g. postgresql+psycopg://user:pw@host/db). Empty: "
        "$JUPYTER_MLOPS_DB_URL, else SQLite at <data_dir>/mlops.db.",
    ).tag(config=True)

    data_dir = Unicode(
        "",
        help="Folder for the default SQLite store and artifacts. Empty: "
        "$JUPYTER_MLOPS_DATA_DIR, else <jupyter data dir>/mlops.",
    ).tag(config=True)

    artifact_root = Unicode(
        "",
        help="Where run artifacts, registered model files, request logs and monitor windows "
        "live: a folder or any fsspec URI (s3://bucket/prefix, gs://..., file:///...). Empty: "
        "$JUPYTER_MLOPS_ARTIFACT_ROOT, else <data_dir>/artifacts. Credentials come from the "
        "environment (AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL, ...), see docs/deploy.md.",
    ).tag(config=True)

    cluster_backend = Enum(
        ["local", "gateway"],
        default_value="local",
        help="Where the Cluster panel and %mlops cluster start clusters: 'local' (this machine, "
        "or ClusterManager.cluster_class) or 'gateway' (a Dask Gateway: gateway_address, "
        "gateway_proxy_address, gateway_auth; see docs/deploy.md).",
    ).tag(config=True)

    gateway_address = Unicode(
        "", help="The Dask Gateway's HTTP address (its proxy's), e.g. http://gateway:8000."
    ).tag(config=True)

    gateway_proxy_address = Unicode(
        "", help="The gateway's scheduler proxy, e.g. gateway://gateway:8786 (empty: the same)."
    ).tag(config=True)

    gateway_auth = Unicode(
        "", help="The gateway's auth: basic, kerberos or jupyterhub (empty: dask config)."
    ).tag(config=True)

    gateway_max_workers = Int(
        100, help="Most workers a start, scale or adapt may ask a gateway for."
    ).tag(config=True)

    cluster_manager_class = Type(
        default_value="jupyter_mlops.clusters.manager.ClusterManager",
        klass="jupyter_mlops.clusters.manager.ClusterManager",
        help="The class that owns the server's Dask clusters (see docs/clusters.md).",
    ).tag(config=True)

    allow_raw_port_proxy = Bool(
        False,
        help="Let jupyter-server-proxy's raw routes (/proxy/<port>, /proxy/<host>:<port>, "
        "/proxy/absolute/...) through. They open any port of this machine (host_allowlist does "
        "not apply to /proxy/<port>) to every page of the Lab's origin. Off: jupyter-mlops "
        "answers them 403; named ServerProxy.servers work either way (see docs/clusters.md).",
    ).tag(config=True)

    jobs_scheduler = Bool(
        True,
        help="Run the job scheduler inside the server. Turn off when a standalone "
        "`jupyter-mlops scheduler` serves the store (both together are safe, not needed).",
    ).tag(config=True)

    jobs_scheduler_interval = Float(5.0, help="Seconds between the scheduler's checks.").tag(
        config=True
    )

    jobs_concurrency = Int(2, help="How many job runs and tasks execute at once.").tag(config=True)
    jobs_warm_kernels = Bool(
        True,
        help="After a notebook run takes a warm kernel, start the next one for that kernelspec "
        "in the background, so the next run (a scheduled firing) executes at once. Off: each "
        "run starts its own kernel.",
    ).tag(config=True)

    monitoring_ticker = Bool(
        True,
        help="Evaluate monitors' windows as they end (turn off where a standalone "
        "`jupyter-mlops monitors tick` runs from cron).",
    ).tag(config=True)
    monitoring_interval = Float(
        30.0, help="Seconds between checks for monitor windows that have ended."
    ).tag(config=True)

    serving_base_port = Int(
        8000,
        help="The first port tried for a deployed endpoint (127.0.0.1); the next free one is "
        "taken when it is busy. $JUPYTER_MLOPS_SERVING_BASE_PORT overrides it.",
    ).tag(config=True)
    serving_warm_spare = Bool(
        True,
        help="Keep one spare endpoint process with the serving libraries imported, and start "
        "deployed, restarted and adopted endpoints from it (the first is started by the first "
        "deploy). Off: each endpoint process imports them at its start.",
    ).tag(config=True)
    allow_pickle_models = Bool(
        False,
        help="DANGEROUS: let endpoints serve pickled MLflow scikit-learn models (pickle or "
        "cloudpickle). Unpickling runs whatever code the file holds, with the endpoint's "
        "rights: turn on only when every user who can log or register a model is trusted "
        "(the analogue of MLflow's MLFLOW_ALLOW_PICKLE_DESERIALIZATION). See docs/mlflow.md.",
    ).tag(config=True)

    tracking_store_class = Type(
        default_value="jupyter_mlops.tracking.store.TrackingStore",
        klass="jupyter_mlops.tracking.base_store.BaseTrackingStore",
        help="The tracking store class (a BaseTrackingStore subclass) the REST API, and the "
        "kernels and jobs this server starts, build (see jupyter_mlops.core.services).",
    ).tag(config=True)

    default_permission = Enum(
        ["READ", "EDIT", "MANAGE"],
        default_value="EDIT",
        help="What a user may do on an experiment or a model nobody granted them anything on "
        "(see docs/team.md). EDIT: everyone edits; a single user notices nothing.",
    ).tag(config=True)

    team_admins = List(
        Unicode(), help="Users who MANAGE every experiment and model (approve, delete, grant)."
    ).tag(config=True)

    protected_aliases = List(
        Unicode(),
        help='Aliases (e.g. ["production"]) that move only with an approval by a second user '
        "with MANAGE (a model adds its own with the tag mlops.protected_aliases).",
    ).tag(config=True)

    notifications = List(
        Dict(),
        help='Notification channels: {"url": ..., "events": [...], "secret_env": ...} for a '
        'webhook, {"to": [...], "smtp_host": ..., "smtp_port": ...} for email (docs/team.md).',
    ).tag(config=True)

    notifications_interval = Float(
        1.0, help="Seconds between the notification dispatcher's passes."
    ).tag(config=True)

    def initialize_settings(self) -> None:
        """Open and upgrade the store, share its location with child processes, then set up
        the capabilities asked for, each after those whose services it needs."""
        # What `stop_extension` undoes, even after a start that failed half-way.
        self._teardowns: list[Teardown] = []
        self._environment = ExportedEnvironment()
        self.enabled_capabilities: list[Capability] = resolve(
            declared_capabilities(self.extra_capabilities), self.capabilities
        )
        data_dir = resolve_data_dir(self.data_dir or None)
        url = resolve_db_url(self.db_url or None, data_dir)
        # Kernels, jobs, endpoints and workers this server starts use the same store and root.
        root = artifact_store.resolve_artifact_root(self.artifact_root or None, data_dir)
        self._environment.update(
            {**store_environment(url, data_dir), artifact_store.ARTIFACT_ROOT_ENV: root}
        )
        self.database = Database(url)
        self.resolved_data_dir = data_dir
        revisions = schema.upgrade(self.database.engine)
        self.log.info(
            "jupyter-mlops store %s at revision %s, artifacts at %s; capabilities: %s",
            self.database.masked_url,
            ", ".join(revisions),
            root,
            ", ".join(c.name for c in self.enabled_capabilities),
        )
        self.services = Services()
        self.settings.update(
            mlops_database=self.database,
            mlops_data_dir=data_dir,
            mlops_services=self.services,
            mlops_capabilities=[c.name for c in self.enabled_capabilities],
        )
        # Kernels, jobs and endpoints this server starts reach it through the exported link.
        # The port is only final once the server binds it (port 0, port retries): export again
        # when the loop starts, before any kernel can be started.
        serverapp = self.serverapp
        assert serverapp is not None, "an extension app is initialised by its server"
        environment = self._environment
        environment.update(link_environment(serverapp))
        serverapp.io_loop.add_callback(lambda: environment.update(link_environment(serverapp)))
        for capability in self.enabled_capabilities:
            setup = getattr(capability.load(), "setup", None)
            if setup is not None:
                teardown = setup(self)
                if teardown is not None:
                    self._teardowns.append(teardown)
            check_provided(capability, self.services)

    def initialize_handlers(self) -> None:
        """Mount every enabled capability's routes under `/mlops/api/`, and its
        `ABSOLUTE_ROUTES` (if any) under the server's base URL (e.g. `/mlops/mlflow/...`)."""
        for capability in self.enabled_capabilities:
            module = capability.load()
            for path, handler in module.ROUTES:
                self.handlers.append((url_path_join(API_PREFIX, path), handler))
            for path, handler in getattr(module, "ABSOLUTE_ROUTES", []):
                self.handlers.append((url_path_join("/", path), handler))
        self._mount_front_routes()

    def _mount_front_routes(self) -> None:
        """Mount every capability's `front_routes(app)` AHEAD of all other routes.

        Tornado tries one rule per server extension, in load order, and Jupyter loads them
        alphabetically: `dask_labextension`'s `/dask/...` handlers would answer before ours. A
        rule at the front of the router wins whatever loads before or after us (see
        `clusters/dask_labextension.py`). They are listed in `front_handlers` (and the
        `mlops_front_handlers` setting) for the OpenAPI document and the route tests.
        """
        serverapp = self.serverapp
        assert serverapp is not None, "an extension app is initialised by its server"
        web_app = serverapp.web_app
        self.front_handlers: list[tuple[str, type]] = []  # like `handlers`: no base URL
        for capability in self.enabled_capabilities:
            routes = getattr(capability.load(), "front_routes", None)
            if routes is not None:
                self.front_handlers += [(url_path_join("/", p), h) for p, h in routes(self)]
        base_url = web_app.settings["base_url"]
        front = [(url_path_join(base_url, path), handler) for path, handler in self.front_handlers]
        web_app.settings["mlops_front_handlers"] = front
        if front:
            rules = [(pattern, handler, {"name": self.name}) for pattern, handler in front]
            # Tornado's public `add_handlers` appends a host rule (before the wildcard one);
            # the rules it added move to the front of the router, ahead of other extensions.
            router = web_app.default_router
            before = list(router.rules)
            web_app.add_handlers(".*$", rules)
            added = [rule for rule in router.rules if not any(rule is old for old in before)]
            router.rules[:] = added + before

    async def stop_extension(self) -> None:
        """Close the capabilities' services (in reverse order), then the store; after a start
        that failed half-way, what was started."""
        for teardown in reversed(getattr(self, "_teardowns", [])):
            await run_teardown(teardown)
        # A process that hosted this server (tests, an embedding app) gets its variables back.
        environment = getattr(self, "_environment", None)
        if environment is not None:
            environment.restore()
        database = getattr(self, "database", None)
        if database is not None:
            database.close()
