"""The evaluation task the jobs runner runs in a child process: one gate run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def run_gates(progress: Callable[[float], None], gate_run_id: str) -> dict[str, Any]:
    """Run gate run `gate_run_id`'s gates and act on them; returns its status and failures."""
    from .promotion import execute_gate_run

    progress(0.02)
    run = execute_gate_run(str(gate_run_id), progress)
    progress(1.0)
    return {"status": run.status, "failed": run.failed, "message": run.message}
