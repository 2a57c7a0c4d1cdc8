"""The endpoint process's bearer token check.

The token comes from a file (`$JUPYTER_MLOPS_ENDPOINT_TOKEN_FILE`: the supervisor's endpoints,
whose token can be rotated) or from `$JUPYTER_MLOPS_ENDPOINT_TOKEN` (a standalone
`jupyter-mlops serve --auth`). A file is re-read when it changes (`refresh`, called by the
worker every `poll_s`), so a rotated token replaces the old one in every worker without a
restart. A file that cannot be read keeps the token last read: the endpoint never opens up.
"""

from __future__ import annotations

import hmac
import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger("jupyter_mlops.serving.endpoint")

TOKEN_ENV = "JUPYTER_MLOPS_ENDPOINT_TOKEN"
TOKEN_FILE_ENV = "JUPYTER_MLOPS_ENDPOINT_TOKEN_FILE"


class EndpointAuth:
    """Whether a request carries the endpoint's bearer token (always true without one)."""

    def __init__(self, token: str | None = None, token_file: str | None = None) -> None:
        self.token_file = Path(token_file) if token_file else None
        self._token = token.encode() if token else None
        self._stamp: tuple[int, int] | None = None
        if self.token_file is not None:
            self.refresh()
            if self._token is None:
                raise RuntimeError(f"no bearer token in {self.token_file}")

    @classmethod
    def from_environment(cls, environ: Any = None) -> EndpointAuth:
        """The check `$JUPYTER_MLOPS_ENDPOINT_TOKEN_FILE` or `$..._TOKEN` describes."""
        environ = os.environ if environ is None else environ
        return cls(environ.get(TOKEN_ENV) or None, environ.get(TOKEN_FILE_ENV) or None)

    @property
    def enabled(self) -> bool:
        """Whether requests need a token."""
        return self._token is not None

    def refresh(self) -> None:
        """Re-read the token file if it changed (a rotation)."""
        if self.token_file is None:
            return
        try:
            stat = self.token_file.stat()
            stamp = (stat.st_mtime_ns, stat.st_ino)
            if stamp == self._stamp:
                return
            token = self.token_file.read_text().strip()
        except OSError as exc:
            log.warning("endpoint could not read its token file: %s", exc)
            return
        if token:
            self._token, self._stamp = token.encode(), stamp

    def authorized(self, headers: Any) -> bool:
        """Whether `headers` hold `Authorization: Bearer <token>` (compared in constant time)."""
        if self._token is None:
            return True
        scheme, _, given = headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), self._token
        )
