"""Free 127.0.0.1 ports for the servers the tests start: each test process has a block of its own.

A port from `bind(0)` comes out of the kernel's ephemeral range, which every process shares:
between one test's check and its server's bind, a test in another xdist worker (or an outgoing
connection) could take the same port, and the test then talked to another test's server (a
team server's start wait was answered by another worker's Jupyter with its HTML page). Here a
test process hands out ports below the ephemeral range, from a block of its own (by its xdist
worker number), in turn: a port comes back only once the whole block has been handed out, and
each is still checked free before it is handed out. Where the kernel's ephemeral range starts
too low for the blocks, ports come from `bind(0)` as before.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

#: The blocks lie between these ports (below Linux's default ephemeral range, 32768-60999).
_FIRST, _END = 16_000, 32_500
#: Blocks: xdist workers gw0..gw4 each get one (gw5 shares gw0's, and so on).
_BLOCKS = 5
_BLOCK = (_END - _FIRST) // _BLOCKS
#: A port handed out is followed by this many unused ones: a server's endpoints start at the
#: base port a test gives it and take the next free ports (the supervisor's `_free_port`).
_STEP = 5

_next: int | None = None
#: Spans handed out for the whole session (a Lab's endpoint ports): never handed out again.
_kept: list[range] = []


def _ephemeral_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768


def _worker_index() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker[2:]) if worker[2:].isdigit() else 0


def _is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _any_free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def free_port(span: int = 1, keep: bool = False) -> int:
    """A port that is free now and that no other test process is handed; the `span - 1` ports
    after it are left out too (a server's endpoints take them). `keep`: the span is never
    handed out again in this process (a session-long server's)."""
    global _next
    if _ephemeral_start() < _END:
        return _any_free_port()
    first = _FIRST + (_worker_index() % _BLOCKS) * _BLOCK
    last = first + _BLOCK - max(span, _STEP)
    if _next is None:
        _next = first
    for _ in range(_BLOCK):
        port = _next
        _next = port + max(span, _STEP)
        if _next > last:
            _next = first
        taken = range(port, port + span)
        if any(kept.start < taken.stop and taken.start < kept.stop for kept in _kept):
            continue
        if _is_free(port):
            if keep:
                _kept.append(taken)
            return port
    raise RuntimeError(f"no free port in this test process's block {first}-{first + _BLOCK}")
