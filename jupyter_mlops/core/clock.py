"""The one wall clock of the store: epoch milliseconds, as MLflow and every table record times.

Every capability stamps rows with `now_ms()`; one definition keeps the unit and the rounding
the same everywhere (and gives a test one place to look at).
"""

from __future__ import annotations

import time


def now_ms() -> int:
    """Milliseconds since the epoch (wall clock, truncated)."""
    return time.time_ns() // 1_000_000
