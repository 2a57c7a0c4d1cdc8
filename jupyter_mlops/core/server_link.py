"""How a kernel, a job or an endpoint process reaches the Jupyter server that started it.

The app exports the server's URL and a token into its environment at start
(`link_environment`, exported by `MLOpsApp`), so every kernel, terminal and job it starts
inherits them. Any capability then calls the server's REST API (`ServerLink.request`), e.g.
clusters made in a notebook are the server's and show in the Lab's Cluster panel.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import ErrorCode, MLOpsError

SERVER_URL_ENV = "JUPYTER_MLOPS_SERVER_URL"
SERVER_TOKEN_ENV = "JUPYTER_MLOPS_SERVER_TOKEN"
HUB_TOKEN_ENV = "JUPYTERHUB_API_TOKEN"
# Set by mlflow_compat's setup for the server's kernels (named here: core cannot import it).
MLFLOW_TOKEN_ENV = "MLFLOW_TRACKING_TOKEN"
CREDENTIAL_ENVS = (SERVER_TOKEN_ENV, HUB_TOKEN_ENV, MLFLOW_TOKEN_ENV)
API_PATH = "mlops/api"


class ServerUnreachable(Exception):
    """No Jupyter server with the clusters API answers; the reason is the message."""


@dataclass(frozen=True)
class ServerLink:
    """The server's base URL (with its base_url path) and the token to authenticate with."""

    url: str
    token: str | None

    @classmethod
    def from_environment(cls) -> ServerLink | None:
        """The link the server exported, or None outside a server's kernels."""
        url = os.environ.get(SERVER_URL_ENV)
        if not url:
            return None
        token = os.environ.get(SERVER_TOKEN_ENV) or os.environ.get(HUB_TOKEN_ENV) or None
        return cls(url if url.endswith("/") else url + "/", token)

    @property
    def base_path(self) -> str:
        """The server's base_url path, e.g. `/` or `/user/ada/`: browser links start here."""
        return urllib.parse.urlparse(self.url).path or "/"

    def request(
        self, method: str, path: str, body: dict[str, Any] | None = None, timeout: float = 600
    ) -> Any:
        """Call `/mlops/api/<path>`; API errors become `MLOpsError` with their field."""
        url = self.url + API_PATH + "/" + path
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"token {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            raise _api_error(exc, url) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ServerUnreachable(
                f"the Jupyter server at {self.url} does not answer ({reason})"
            ) from None

    def probe(self, path: str) -> None:
        """Raise `ServerUnreachable` unless the server answers `GET path` with our token."""
        try:
            self.request("GET", path, timeout=10)
        except MLOpsError as exc:
            raise ServerUnreachable(
                f"the Jupyter server at {self.url} refused {path} ({exc.message})"
            ) from None


def _api_error(exc: urllib.error.HTTPError, url: str) -> MLOpsError:
    try:
        body = json.loads(exc.read() or b"{}")
    except ValueError:
        body = {}
    message = body.get("message") or f"{exc.code} {exc.reason} from {url}"
    try:
        code = ErrorCode(body.get("error"))
    except ValueError:
        code = {404: ErrorCode.NOT_FOUND, 403: ErrorCode.FORBIDDEN}.get(
            exc.code, ErrorCode.UNAVAILABLE
        )
    return MLOpsError(message, code, body.get("field"))


def server_url_for(serverapp: Any) -> str | None:
    """The URL a kernel on this machine uses to reach `serverapp`, or None on a Unix socket."""
    if getattr(serverapp, "sock", ""):
        return None
    ip = serverapp.ip or "127.0.0.1"
    if ip in ("0.0.0.0", "*"):
        ip = "127.0.0.1"
    elif ip == "::":
        ip = "::1"
    host = f"[{ip}]" if ":" in ip else ip
    scheme = "https" if getattr(serverapp, "certfile", None) else "http"
    return f"{scheme}://{host}:{serverapp.port}{serverapp.base_url}"


def link_environment(serverapp: Any) -> dict[str, str | None]:
    """The server's URL and token as its kernels read them (None: unset); empty on a socket.

    The token is the server's own (`IdentityProvider.token`): the kernel runs as the same
    user, who can already read it from the server's runtime file. With no token (JupyterHub
    sets `JUPYTERHUB_API_TOKEN` for its single-user servers, which the link also uses).
    """
    url = server_url_for(serverapp)
    if url is None:
        return {}
    token = getattr(getattr(serverapp, "identity_provider", None), "token", "") or ""
    return {SERVER_URL_ENV: url, SERVER_TOKEN_ENV: token or None}


def without_credentials(env: Mapping[str, str], keep: Iterable[str] = ()) -> dict[str, str]:
    """`env` less the server's credentials (`CREDENTIAL_ENVS`) other than those in `keep`."""
    kept = set(keep)
    return {k: v for k, v in env.items() if k not in CREDENTIAL_ENVS or k in kept}


def task_environment(env: Mapping[str, str]) -> dict[str, str]:
    """What a task process gets: the store comes by inheritance; of the credentials only the
    server link's one token (a monitor's task starts retraining runs through the server), never
    the MLflow token (no task calls MLflow) nor the Hub token when the server has its own."""
    keep = SERVER_TOKEN_ENV if env.get(SERVER_TOKEN_ENV) else HUB_TOKEN_ENV
    return without_credentials(env, keep=(keep,))
