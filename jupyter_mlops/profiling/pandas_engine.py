"""The exact engine: one pass of vectorised pandas/numpy over an in-memory frame."""

from __future__ import annotations

import os

import pandas as pd

from .entities import Profile
from .finalize import build_profile
from .frame import Schema, summarize_frame
from .sketches import SketchLimits

# Columns are summarised in parallel threads, up to this many.
MAX_THREADS = 4


def profile_pandas(
    frame: pd.DataFrame, *, source: str | None = None, sample: float | int | None = None
) -> Profile:
    """The exact profile of `frame`: every statistic computed on every value."""
    schema = Schema.of(frame)
    workers = min(os.cpu_count() or 1, MAX_THREADS)
    summary = summarize_frame(frame, schema, SketchLimits.exact(), workers=workers)
    return build_profile(summary, schema, engine="pandas", source=source, sample=sample)
