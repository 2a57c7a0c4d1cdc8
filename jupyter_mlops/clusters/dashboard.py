"""The Dask dashboard through the Jupyter server: an authenticated proxy, HTTP and websockets.

`/mlops/api/clusters/{id}/dashboard/<path>` forwards to the dashboard of a cluster the server
started whose scheduler runs in the server's process, at `127.0.0.1` and the port that
scheduler object bound (read from the object, never from what a scheduler reports over the
wire). Connected clusters and schedulers running elsewhere are not proxied: the Lab opens their
own dashboard URL directly. So no request, and no scheduler, can aim the proxy at another port
or host.

Proxied responses carry a CSP `sandbox` without `allow-same-origin`: the page runs in a unique
origin, so a script in it cannot use the user's Jupyter session (cookies, XSRF token, the
REST API), even if the dashboard's HTML were hostile. The Lab must frame it without
`allow-same-origin` too (an iframe sandbox with it would hand the session back).

A page in a unique origin gets no SameSite=Lax cookie on its own requests (scripts, styles,
Bokeh's websocket), so the login cookie cannot authenticate them. The path does instead:
`clusters/{id}/dashboard/{key}/...`, where `key` is an HMAC of the cluster id under a secret
the manager draws at start; authenticated callers learn it from `dashboard_path`. The key opens
that cluster's dashboard only (what the dashboard shows, no REST API, no code), until the
server stops. Without it the route answers 403 like every other route.

Why our own proxy rather than jupyter-server-proxy's `/proxy/<port>/`: the
target is looked up from the cluster the server manages, so no port or host comes from the
URL (nothing else on the machine is exposed, and no `host_allowlist` is needed for a remote
scheduler); it is one dependency fewer; and it is covered by the same auth as every other
route. Dask's dashboard pages use relative links and Bokeh derives its websocket URL from the
page's, so both work under this prefix, behind any reverse proxy or JupyterHub base URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import urllib.parse
from typing import ClassVar

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import httpclient, iostream, web
from tornado.tcpclient import TCPClient

from ..core.errors import ErrorCode, MLOpsError, NotFoundError
from ..core.openapi import Contract
from ..core.rest import APIHandler
from .capability import CLUSTERS

# No allow-same-origin: the proxied page gets an opaque origin, not the Lab's.
SANDBOX = "sandbox allow-scripts allow-forms allow-popups allow-downloads"

# Headers that describe one hop, or carry the user's Jupyter credentials, never go upstream.
_REQUEST_DROP = {
    "host", "cookie", "authorization", "connection", "keep-alive", "te", "trailer",
    "transfer-encoding", "upgrade", "proxy-authorization", "proxy-connection", "x-xsrftoken",
}  # fmt: skip
_RESPONSE_DROP = {
    "connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding",
    "set-cookie", "content-security-policy", "server", "date", "upgrade",
}  # fmt: skip


class DashboardProxyHandler(APIHandler):
    """`GET /mlops/api/clusters/{id}/dashboard/<path>`: the cluster's Dask dashboard."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract(
            "The Dask dashboard of a cluster the server started (pages, data, websockets)",
            binary=True,
        )
    }

    @property
    def content_security_policy(self) -> str:
        """Jupyter's page policy (the Lab may frame it) plus a sandbox without same-origin."""
        policy: str = JupyterHandler.content_security_policy.fget(self)  # type: ignore[attr-defined]
        return f"{policy}; {SANDBOX}"

    def _key_matches(self) -> bool:
        cluster_id = self.path_kwargs.get("cluster_id", "")
        key = self.path_kwargs.get("path", "").partition("/")[0]
        manager = self.services.find(CLUSTERS)
        return manager is not None and manager.dashboard_key_matches(cluster_id, key)

    def check_origin(self, origin_to_satisfy_tornado: str = "") -> bool:
        """A sandboxed page sends `Origin: null` (Bokeh's websocket): its path key vouches."""
        return self._key_matches() or bool(super().check_origin(origin_to_satisfy_tornado))

    @allow_unauthenticated  # the path's key authenticates: see the module docstring
    async def get(self, cluster_id: str, path: str) -> None:
        """Forward one request (or tunnel a websocket) to the dashboard of `cluster_id`.

        `path` starts with the cluster's dashboard key; without the right key the request is
        refused (403 anonymous, 404 for a logged-in user, who finds the key in `dashboard_path`).
        """
        manager = self.service(CLUSTERS)
        key, _, path = path.partition("/")
        if not manager.dashboard_key_matches(cluster_id, key):
            if self.current_user is None:
                raise web.HTTPError(403, "authentication required")
            raise NotFoundError(
                "path: no such dashboard page (open the cluster's dashboard_path)", field="path"
            )
        target = await manager.dashboard_url(cluster_id)
        upstream = f"{target}/{path}" + (f"?{self.request.query}" if self.request.query else "")
        if self.request.headers.get("Upgrade", "").lower() == "websocket":
            await self._tunnel(target, upstream)
        else:
            prefix = url_path_join(self.base_url, manager.dashboard_root(cluster_id))
            await self._forward(prefix, target, upstream)

    async def _forward(self, prefix: str, target: str, upstream: str) -> None:
        headers = {
            name: value
            for name, value in self.request.headers.get_all()
            if name.lower() not in _REQUEST_DROP
        }
        response = await httpclient.AsyncHTTPClient().fetch(
            upstream, headers=headers, follow_redirects=False, raise_error=False,
            request_timeout=60,
        )  # fmt: skip
        if response.code == 599:
            raise MLOpsError(
                f"the dashboard at {target} does not answer ({response.error})",
                ErrorCode.UNAVAILABLE,
            )
        self.set_status(response.code, response.reason)
        for name, value in response.headers.get_all():
            lower = name.lower()
            if lower in _RESPONSE_DROP or lower == "content-type":
                continue
            if lower == "location":
                value = _rewrite_location(prefix, target, value)
            self.add_header(name, value)
        if response.code in (204, 304):
            self.finish()
            return
        content_type = response.headers.get("Content-Type", "application/octet-stream")
        self.finish(response.body, set_content_type=content_type)

    async def _tunnel(self, target: str, upstream: str) -> None:
        """Relay a websocket byte for byte: the dashboard answers the handshake itself."""
        parsed = urllib.parse.urlsplit(upstream)
        host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
        try:
            remote = await TCPClient().connect(host, port, timeout=10)
        except Exception as exc:
            raise MLOpsError(
                f"the dashboard at {target} does not answer ({exc})", ErrorCode.UNAVAILABLE
            ) from None
        path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}"]
        for name, value in self.request.headers.get_all():
            if name.lower() not in _REQUEST_DROP or name.lower() in ("connection", "upgrade"):
                lines.append(f"{name}: {value}")
        await remote.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        browser = self.detach()
        await asyncio.gather(_pipe(browser, remote), _pipe(remote, browser))


def _rewrite_location(prefix: str, target: str, location: str) -> str:
    # Dask redirects `/` to the absolute `/status`: keep redirects under our prefix.
    if location.startswith(target):
        location = location[len(target) :] or "/"
    if location.startswith("/"):
        return prefix + location
    return location


async def _pipe(source: iostream.IOStream, sink: iostream.IOStream) -> None:
    try:
        while True:
            await sink.write(await source.read_bytes(65536, partial=True))
    except iostream.StreamClosedError:
        pass
    finally:
        with contextlib.suppress(Exception):
            sink.close()
