"""The monitoring task the jobs runner runs in a child process: evaluate one claimed window."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any


def evaluate_window(progress: Callable[[float], None], window_id: int) -> dict[str, Any]:
    """Evaluate window `window_id` (claimed by a ticker); returns what it found, report aside."""
    from .service import MonitorService

    progress(0.05)
    service = MonitorService.of_this_process()
    result = service.run_window(int(window_id))
    progress(1.0)
    found = asdict(result)
    found.pop("report", None)
    return found
