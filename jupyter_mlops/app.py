"""The Jupyter server extension: opens the store, builds services, mounts the routes."""

from __future__ import annotations

from jupyter_server.extension.application import ExtensionApp
from jupyter_server.utils import url_path_join
from traitlets import Bool, Float, Int, Type, Unicode

from .capabilities import available_capabilities
from .core import schema
from .core.config import export_to_environment, resolve_data_dir, resolve_db_url
from .core.db import Database
from .core.server_link import export_server_link, restore_environment

API_PREFIX = "/mlops/api"


class MLOpsApp(ExtensionApp):
    """jupyter-mlops inside Jupyter Server.

    Capabilities contribute routes and services through their `handlers` module (see
    `jupyter_mlops.capabilities`); swappable services are `Type` traitlets on this class.
    """

    name = "jupyter_mlops"
    load_other_extensions = True

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

    cluster_manager_class = Type(
        default_value="jupyter_mlops.clusters.manager.ClusterManager",
        klass="jupyter_mlops.clusters.manager.ClusterManager",
        help="The class that owns the server's Dask clusters (see docs/clusters.md).",
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

    tracking_store_class = Type(
        default_value="jupyter_mlops.tracking.store.TrackingStore",
        klass="jupyter_mlops.tracking.base_store.BaseTrackingStore",
        help="The tracking store class (a BaseTrackingStore subclass) the REST API, and the "
        "kernels and jobs this server starts, build (see jupyter_mlops.core.services).",
    ).tag(config=True)

    def initialize_settings(self) -> None:
        """Open and upgrade the store, share its location with child processes, build services."""
        data_dir = resolve_data_dir(self.data_dir or None)
        url = resolve_db_url(self.db_url or None, data_dir)
        self._previous_store_env = export_to_environment(url, data_dir)
        self.database = Database(url)
        revisions = schema.upgrade(self.database.engine)
        self.log.info(
            "jupyter-mlops store %s at revision %s", self.database.masked_url, ", ".join(revisions)
        )
        self.settings.update(mlops_database=self.database, mlops_data_dir=data_dir)
        # Kernels, jobs and endpoints this server starts reach it through the exported link.
        # The port is only final once the server binds it (port 0, port retries): export again
        # when the loop starts, before any kernel can be started.
        serverapp = self.serverapp
        assert serverapp is not None, "an extension app is initialised by its server"
        self._previous_link_env = export_server_link(serverapp)
        serverapp.io_loop.add_callback(export_server_link, serverapp)
        for capability in available_capabilities():
            setup = getattr(capability.load(), "setup", None)
            if setup is not None:
                setup(self)

    def initialize_handlers(self) -> None:
        """Mount every available capability's routes under `/mlops/api/`, and its
        `ABSOLUTE_ROUTES` (if any) under the server's base URL (e.g. `/mlops/mlflow/...`)."""
        for capability in available_capabilities():
            module = capability.load()
            for path, handler in module.ROUTES:
                self.handlers.append((url_path_join(API_PREFIX, path), handler))
            for path, handler in getattr(module, "ABSOLUTE_ROUTES", []):
                self.handlers.append((url_path_join("/", path), handler))

    async def stop_extension(self) -> None:
        """Close the capabilities' services (in reverse order), then the store."""
        for capability in reversed(available_capabilities()):
            teardown = getattr(capability.load(), "teardown", None)
            if teardown is not None:
                await teardown(self)
        restore_environment(self._previous_link_env)
        # A process that hosted this server (tests, an embedding app) gets its store back.
        restore_environment(self._previous_store_env)
        self.database.close()
