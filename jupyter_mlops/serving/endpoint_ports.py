"""Choosing the port an endpoint the server deploys binds (127.0.0.1, from `base_port` up).

The choice is a probe, not a reservation: another process may bind the port between the probe
and the endpoint's own bind, so a deploy tries up to `PORT_ATTEMPTS` ports (the supervisor
tells a port taken that way by its process's `/health` nonce, see `supervisor`).
"""

from __future__ import annotations

import socket
from collections.abc import Collection

from ..core.errors import ErrorCode, MLOpsError

PORT_ATTEMPTS = 3  # ports a deploy tries when the one it chose is taken before its process binds
PORT_RANGE = 1000  # ports looked at from the base port


def port_free(host: str, port: int) -> bool:
    """True when `port` can be bound on `host` now."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def first_free_port(host: str, base_port: int, taken: Collection[int]) -> int:
    """The first port from `base_port` that no recorded endpoint has (`taken`) and that is
    free on `host`; UNAVAILABLE when none of `PORT_RANGE` is."""
    for port in range(base_port, base_port + PORT_RANGE):
        if port not in taken and port_free(host, port):
            return port
    raise MLOpsError(f"no free port from {base_port}", ErrorCode.UNAVAILABLE, "port")
