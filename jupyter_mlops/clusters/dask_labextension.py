"""dask-labextension's server routes, answered by jupyter-mlops; jupyter-server-proxy's raw
port proxy closed.

dask-labextension (a dependency) brings the individual dashboard panes (task stream, progress,
worker memory, graph, ...) as dockable Lab panels, and a cluster list. Its frontend talks to
`/dask/...` on the Jupyter server. We answer every one of those paths ourselves, from the
server's own `ClusterManager`, so its list and our Cluster panel show the same clusters and its
panes load through our authenticated, sandboxed dashboard proxy (`dashboard.py`):

- `GET /dask/clusters`, `GET /dask/clusters/{id}`: our clusters, in its cluster model shape.
- `PUT /dask/clusters`: start a cluster with our defaults (its "NEW" button).
- `PATCH /dask/clusters/{id}`: scale or adapt (its "Scale" dialog sends its whole model).
- `DELETE /dask/clusters/{id}`: stop the cluster (204, as its frontend expects).
- `GET /dask/dashboard-check/{url}`: active only for the dashboard of one of our clusters; any
  other URL is answered inactive without a request.
- `GET /dask/dashboard/{id}/...`: a redirect to our keyed proxy for a cluster it serves, else
  404; never jupyter-server-proxy. Anything else under `/dask/`: 404.
- `/proxy/...` (jupyter-server-proxy's raw routes): 403 naming `MLOpsApp.allow_raw_port_proxy`.

Why: dask-labextension's own handlers keep a second, in-memory cluster manager (a second list
that would disagree with ours), proxy dashboards through jupyter-server-proxy, and its
dashboard check fetches any URL a caller names (a request-forgery helper). jupyter-server-proxy
serves `/proxy/<port>/...` through `LocalProxyHandler`, which ignores `host_allowlist`, so any
page of the Lab's origin could reach every local port (databases, other users' servers).
Named `ServerProxy.servers` (e.g. `/code-server/`) are not under `/proxy/` and keep working.

Jupyter loads server extensions alphabetically: `dask_labextension` mounts its routes before
ours. So these routes go at the front of tornado's router (`MLOpsApp.initialize_handlers`
mounts every capability's `front_routes`), where they win whatever loads before or after us.
Our `jupyter-config` also turns dask-labextension's server extension off (we serve all of it);
a user who enables it again still meets these routes first.
"""

from __future__ import annotations

import json
import re
import urllib.parse
from typing import Annotated, Any, ClassVar

from jupyter_server.utils import url_path_join
from pydantic import BaseModel, ConfigDict, Field, RootModel
from tornado import httpclient, web

from ..core.errors import ErrorCode, MLOpsError, NotFoundError
from ..core.openapi import Contract, ErrorBody
from ..core.rest import EVERY_VERB, APIHandler, RefusingHandler
from .capability import CLUSTERS
from .entities import MAX_COUNT, AdaptRange, AdaptState, ClusterInfo, StartCluster
from .manager import ClusterManager

RAW_PROXY_TRAIT = "MLOpsApp.allow_raw_port_proxy"
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class DaskClusterModel(BaseModel):
    """One cluster as dask-labextension's frontend reads it (`IClusterModel`)."""

    id: str
    name: str
    scheduler_address: str
    dashboard_link: str
    """Our proxied dashboard (absolute path on this server), or the cluster's direct URL."""
    workers: int
    memory: str
    cores: int
    adapt: AdaptState | None = None


class DaskClusterModels(RootModel[list[DaskClusterModel]]):
    """`GET /dask/clusters`: a JSON array, as dask-labextension expects."""


class DaskClusterUpdate(BaseModel):
    """`PATCH /dask/clusters/{id}`: dask-labextension sends its whole cluster model with
    `workers` or `adapt` changed; the other fields are ignored."""

    model_config = ConfigDict(extra="ignore")

    workers: Annotated[int, Field(strict=True, ge=0, le=MAX_COUNT)] | None = None
    adapt: AdaptRange | None = None


class DashboardCheck(BaseModel):
    """`GET /dask/dashboard-check/{url}`: dask-labextension's `DashboardURLInfo`."""

    url: str
    isActive: bool
    effectiveUrl: str | None = None
    plots: dict[str, str] = Field(default_factory=dict)


def _format_bytes(size: int) -> str:
    from dask.utils import format_bytes  # dask only once a cluster is listed

    return str(format_bytes(size))


class _DaskHandler(APIHandler):
    @property
    def manager(self) -> ClusterManager:
        manager = self.service(CLUSTERS)
        return manager

    def proxied_base(self, cluster_id: str) -> str:
        """Absolute path of a cluster's dashboard through our proxy (trailing slash)."""
        return url_path_join(self.base_url, self.manager.dashboard_root(cluster_id)) + "/"

    def model(self, info: ClusterInfo) -> DaskClusterModel:
        if info.dashboard_path:
            link = url_path_join(self.base_url, info.dashboard_path)
        else:
            link = info.dashboard_url or ""
        name = info.name if info.status == "running" else f"{info.name} [{info.status}]"
        return DaskClusterModel(
            id=info.id,
            name=name,
            scheduler_address=info.scheduler_address or "",
            dashboard_link=link,
            workers=len(info.workers),
            memory=_format_bytes(info.memory_limit),
            cores=info.threads,
            adapt=info.adapt,
        )


class DaskClustersHandler(_DaskHandler):
    """`GET /dask/clusters` lists our clusters; `PUT` starts one with the server's defaults."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("dask-labextension: the server's clusters", response=DaskClusterModels),
        "put": Contract(
            "dask-labextension: start a cluster with the server's defaults",
            response=DaskClusterModel,
        ),
    }

    @web.authenticated
    async def get(self) -> None:
        """Reply with every cluster of the server's manager, in dask-labextension's shape."""
        listing = await self.manager.list()
        self.reply(DaskClusterModels([self.model(info) for info in listing.clusters]))

    @web.authenticated
    async def put(self) -> None:
        """Start a cluster as `POST /mlops/api/clusters {}` would; reply 200 with its model."""
        self.reply(self.model(await self.manager.start(StartCluster())))


class DaskClusterHandler(_DaskHandler):
    """`GET/PATCH/DELETE /dask/clusters/{id}` on the server's manager."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("dask-labextension: one cluster", response=DaskClusterModel),
        "put": Contract("dask-labextension: refused (the server names its clusters)"),
        "patch": Contract(
            "dask-labextension: scale or adapt a cluster",
            response=DaskClusterModel,
            body=DaskClusterUpdate,
        ),
        "delete": Contract("dask-labextension: stop a cluster", status=204),
    }

    @web.authenticated
    async def get(self, cluster_id: str) -> None:
        """Reply with the cluster's model; 404 naming `id` when unknown."""
        self.reply(self.model(await self.manager.get(cluster_id)))

    @web.authenticated
    async def put(self, cluster_id: str) -> None:
        """Starting a cluster under a chosen id is not supported: ids are the server's."""
        raise MLOpsError(
            "id: the server names its clusters; start one with PUT /dask/clusters", field="id"
        )

    @web.authenticated
    async def patch(self, cluster_id: str) -> None:
        """Adapt when the body has `adapt`, else scale to `workers`."""
        change = self.parse_body(DaskClusterUpdate)
        if change.adapt is not None:
            info = await self.manager.adapt(cluster_id, change.adapt)
        elif change.workers is not None:
            info = await self.manager.scale(cluster_id, change.workers)
        else:
            raise MLOpsError("workers: give workers or adapt", field="workers")
        self.reply(self.model(info))

    @web.authenticated
    async def delete(self, cluster_id: str) -> None:
        """Stop the cluster (forget one connected by address); answer 204."""
        await self.manager.close(cluster_id)
        self.set_status(204)
        self.finish()


def _normalize(url: str, request: Any) -> str:
    """As dask-labextension does: a path is on this server; a trailing `status` is dropped."""
    if not url.startswith(("http://", "https://")):
        url = url_path_join(f"{request.protocol}://{request.host}", url)
    url = url.split("?", 1)[0].split("#", 1)[0]
    for suffix in ("/status/", "/status"):
        if url.endswith(suffix):
            url = url[: -len(suffix)]
    return url.rstrip("/")


class DashboardCheckHandler(_DaskHandler):
    """`GET /dask/dashboard-check/{url}`: is `url` the dashboard of one of our clusters?

    Recognised: our proxied path (`.../mlops/api/clusters/{id}/dashboard/{key}`, any host),
    `.../dask/dashboard/{id}`, and `http://127.0.0.1:<port>` (or localhost) of a cluster whose
    scheduler runs in the server. Only then is anything fetched, and only the cluster's real
    dashboard at the port the server bound (`ClusterManager.dashboard_url`). Any other URL is
    answered `isActive: false` without a request: the server fetches no URL a caller names.
    """

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract(
            "dask-labextension: whether a URL is one of the server's cluster dashboards",
            response=DashboardCheck,
        )
    }

    async def _cluster_of(self, url: str) -> str | None:
        parsed = urllib.parse.urlsplit(url)
        path = parsed.path.rstrip("/")
        proxied = re.fullmatch(
            re.escape(url_path_join(self.base_url, "mlops/api/clusters"))
            + r"/(?P<id>[^/]+)/dashboard/(?P<key>[^/]+)",
            path,
        )
        if proxied and self.manager.dashboard_key_matches(proxied["id"], proxied["key"]):
            return proxied["id"]
        ours = re.fullmatch(
            re.escape(url_path_join(self.base_url, "dask/dashboard")) + r"/(?P<id>[^/]+)", path
        )
        ports = await self.manager.dashboard_ports()
        if ours and ours["id"] in ports:
            return ours["id"]
        try:
            port = parsed.port
        except ValueError:
            return None
        if parsed.hostname in _LOOPBACK and path == "" and port is not None:
            return next((cid for cid, p in ports.items() if p == port), None)
        return None

    @web.authenticated
    async def get(self, url: str) -> None:
        """Reply with the plots of our cluster's dashboard, or inactive (nothing fetched)."""
        url = _normalize(urllib.parse.unquote(url), self.request)
        inactive = DashboardCheck(url=url, isActive=False)
        cluster_id = await self._cluster_of(url)
        if cluster_id is None:
            self.reply(inactive)
            return
        target = await self.manager.dashboard_url(cluster_id)
        response = await httpclient.AsyncHTTPClient().fetch(
            f"{target}/individual-plots.json",
            follow_redirects=False,
            raise_error=False,
            request_timeout=10,
        )
        if response.code != 200:
            self.reply(inactive)
            return
        effective = f"{self.request.protocol}://{self.request.host}{self.proxied_base(cluster_id)}"
        try:
            plots = json.loads(response.body)
            self.reply(DashboardCheck(url=url, isActive=True, effectiveUrl=effective, plots=plots))
        except ValueError:  # not JSON, or not {name: route} (pydantic's error is a ValueError)
            self.reply(inactive)


class DaskDashboardHandler(_DaskHandler):
    """`GET /dask/dashboard/{id}/{path}`: dask-labextension's own (jupyter-server-proxy) proxy
    is never used. For a cluster our proxy serves, a redirect to the same page there (its list
    points the pane launcher at `dask/dashboard/{id}` when a cluster is selected in it);
    anything else is a 404."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract(
            "dask-labextension's dashboard path: redirected to the server's dashboard proxy",
            status=302,
        )
    }

    @web.authenticated
    async def get(self, cluster_id: str, path: str) -> None:
        """Redirect to our keyed proxy, or 404 naming `id`."""
        if cluster_id not in await self.manager.dashboard_ports():
            raise NotFoundError(
                f"id: no dashboard served for cluster {cluster_id!r} (dask-labextension's "
                "jupyter-server-proxy route is not used; see /mlops/api/clusters)",
                field="id",
            )
        query = f"?{self.request.query}" if self.request.query else ""
        self.redirect(self.proxied_base(cluster_id) + path + query)


class DaskOtherHandler(RefusingHandler, _DaskHandler):
    """Any other path under `/dask/`: 404 (dask-labextension's own handlers never answer)."""

    contract: ClassVar[dict[str, Contract]] = {
        verb: Contract("dask-labextension routes jupyter-mlops does not serve: 404", status=404)
        for verb in EVERY_VERB
    }

    def refusal(self) -> Exception:
        """Why this path is refused."""
        return NotFoundError(
            f"path: {self.request.path} is not a dask-labextension route jupyter-mlops serves",
            field="path",
        )


class RawProxyRefusedHandler(RefusingHandler):
    """`/proxy/...`: jupyter-server-proxy's raw port routes (`/proxy/<port>`,
    `/proxy/<host>:<port>`, `/proxy/absolute/...`), refused with 403 (HTTP and websockets)."""

    contract: ClassVar[dict[str, Contract]] = {
        verb: Contract(
            f"jupyter-server-proxy's raw port proxy: refused unless {RAW_PROXY_TRAIT}",
            response=ErrorBody,
            status=403,
        )
        for verb in EVERY_VERB
    }

    def refusal(self) -> Exception:
        """Why this path is refused."""
        return MLOpsError(
            "jupyter-server-proxy's raw port proxy (/proxy/<port>, /proxy/<host>:<port>, "
            "/proxy/absolute/...) is closed by jupyter-mlops: it would open any port of this "
            "machine to every page of the Lab's origin. Named servers (c.ServerProxy.servers) "
            f"still work; set c.{RAW_PROXY_TRAIT} = True to open it.",
            ErrorCode.FORBIDDEN,
            field="path",
        )


def front_routes(app: Any) -> list[tuple[str, type]]:
    """The routes above, relative to the base URL, in matching order (see the module doc)."""
    routes: list[tuple[str, type]] = [
        ("dask/clusters", DaskClustersHandler),
        ("dask/clusters/(?P<cluster_id>[^/]+)", DaskClusterHandler),
        ("dask/dashboard-check/(?P<url>.+)", DashboardCheckHandler),
        ("dask/dashboard/(?P<cluster_id>[^/]+)/(?P<path>.*)", DaskDashboardHandler),
        ("dask/(?P<path>.*)", DaskOtherHandler),
    ]
    if not app.allow_raw_port_proxy:
        routes.append(("proxy/(?P<target>.*)", RawProxyRefusedHandler))
    return routes
