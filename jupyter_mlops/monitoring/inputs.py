"""What `drift` takes as a side, made into a `DataSummary`: pandas or Dask frames, CSV/Parquet
paths, stored profiles, or summaries already made.

Apart from `summaries` (the summary types and how a pandas frame is summarised), so that
`profile_reference`, which builds summaries, is not imported by the module it imports.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .summaries import DEFAULT_CAPACITY, DataSummary, summarize_frame


def summarize(
    data: Any, columns: list[str] | None = None, capacity: int = DEFAULT_CAPACITY
) -> DataSummary:
    """The summary of a pandas or Dask frame, a CSV/Parquet path, or a stored `Profile`.

    A `DataSummary` is returned as it is. A Dask frame (or a file, read through Dask) is
    summarised per partition and merged up a tree: memory is bounded by `capacity` per column.
    """
    if isinstance(data, DataSummary):
        return data
    if isinstance(data, pd.DataFrame):
        return summarize_frame(data, columns, capacity)
    if _is_profile(data):
        from .profile_reference import summary_from_profile

        return summary_from_profile(data, columns)
    if isinstance(data, str):
        from ..profiling.sources import open_source

        summary = summarize(open_source(data), columns, capacity)
        summary.source = data
        return summary
    if _is_dask_frame(data):
        return _summarize_dask(data, columns, capacity)
    raise TypeError(
        "drift takes pandas or Dask DataFrames, CSV/Parquet paths, stored profiles or "
        f"summaries, not {type(data).__name__}"
    )


def _summarize_dask(frame: Any, columns: list[str] | None, capacity: int) -> DataSummary:
    from dask.base import compute
    from dask.delayed import delayed

    names = list(frame.columns) if columns is None else columns
    parts = [delayed(summarize_frame)(part, names, capacity) for part in frame[names].to_delayed()]
    # A merge tree: each level halves the number of summaries, each merge compresses once.
    while len(parts) > 1:
        parts = [
            delayed(DataSummary.merge)(parts[i], parts[i + 1]) if i + 1 < len(parts) else parts[i]
            for i in range(0, len(parts), 2)
        ]
    (summary,) = compute(parts[0])
    return summary  # type: ignore[no-any-return]


def _is_dask_frame(data: Any) -> bool:
    return type(data).__module__.startswith("dask") and hasattr(data, "to_delayed")


def _is_profile(data: Any) -> bool:
    return type(data).__name__ == "Profile" and hasattr(data, "columns") and hasattr(data, "n_rows")
