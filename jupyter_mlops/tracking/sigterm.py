"""Flush metrics and end runs when the process is asked to stop (SIGTERM).

`atexit` does not run when a process dies of a signal, so a SIGTERM (a job cancelled, a
container stopped, a kernel killed after it ignored its shutdown request) used to lose every
buffered point. `on_sigterm(callback)` installs one handler, in the main thread, that runs the
callbacks (last registered first: end the runs KILLED, then flush and close the writer) and
then does what the previous handler would have done: call it when it was a Python function, or
restore the default and re-send the signal, so the process still dies of SIGTERM.

Not covered: a handler installed later by someone else replaces this one; a SIGTERM arriving
while the main thread is inside one long C call runs the handler only when the call returns;
SIGKILL cannot be caught: it loses what was logged in the writer's last interval (0.25 s), and
the heartbeat's reaper marks the run KILLED (see `tracking.heartbeat`).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

log = logging.getLogger(__name__)

_callbacks: list[Callable[[], None]] = []
_lock = threading.Lock()
_installed_in: int | None = None  # the pid whose handler is installed (a fork keeps it)


def on_sigterm(callback: Callable[[], None]) -> bool:
    """Run `callback` when SIGTERM arrives (once registered; callbacks must not raise).

    Returns whether the handler is in place: not when called outside the main thread before
    it was installed, nor when SIGTERM is ignored or handled outside Python (it cannot chain).
    """
    with _lock:
        if callback not in _callbacks:
            _callbacks.append(callback)
    return _install()


def _install() -> bool:
    global _installed_in
    if _installed_in is not None:
        return True
    if threading.current_thread() is not threading.main_thread():
        return False
    previous = signal.getsignal(signal.SIGTERM)
    if previous is signal.SIG_IGN or previous is None:
        return False

    def handle(signum: int, frame: FrameType | None) -> None:
        _run_callbacks()
        if callable(previous):
            previous(signum, frame)
            return
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)

    signal.signal(signal.SIGTERM, handle)
    _installed_in = os.getpid()
    return True


def _run_callbacks() -> None:
    with _lock:
        callbacks: list[Any] = list(reversed(_callbacks))
    for callback in callbacks:
        try:
            callback()
        except Exception:
            log.exception("jupyter-mlops: a SIGTERM cleanup failed")
