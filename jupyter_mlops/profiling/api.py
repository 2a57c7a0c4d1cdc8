"""`jupyter_mlops.profile`: pick the engine for what was given, profile it, optionally save it.

pandas and Dask are imported when a profile is made, not when this module is (the server and
`%load_ext` import it).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..core.errors import MLOpsError
from .entities import Profile
from .sources import is_url, mismatched_columns, open_source, read_error, read_frame
from .store import check_name, save_profile

if TYPE_CHECKING:
    import pandas as pd

ProgressCallback = Callable[[float], None]

ENGINES = ("auto", "pandas", "dask")
# Rows per partition when a pandas frame is profiled with engine="dask".
ROWS_PER_PARTITION = 250_000


def profile(
    data: Any,
    *,
    engine: str = "auto",
    sample: int | float | None = None,
    name: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> Profile:
    """Profile a pandas DataFrame, a Dask DataFrame, or a CSV/Parquet file (path or URL).

    `engine="auto"` uses pandas (exact) for in-memory frames and Dask (one pass, bounded
    memory, approximate distinct counts and quantiles flagged in the profile) for Dask frames
    and files, on the attached Dask cluster when there is a default client. `sample` profiles
    a random subset: a number of rows (int) or a fraction (float in (0, 1]). `name` labels the
    profile and saves it in the store under that name (see `load_profile`). `on_progress`
    receives the finished share (0..1) of a Dask computation.
    """
    if engine not in ENGINES:
        raise MLOpsError(
            f"engine must be one of {', '.join(ENGINES)}, not {engine!r}", field="engine"
        )
    _check_sample(sample)
    if name is not None:
        name = check_name(name)  # before the work, not after it
    import pandas as pd

    from .pandas_engine import profile_pandas

    if isinstance(data, (str, os.PathLike)):
        result = profile_file(
            os.fspath(data), engine=engine, sample=sample, on_progress=on_progress
        )
    elif isinstance(data, pd.Series):
        result = _profile_pandas_frame(data.to_frame(), engine, sample, on_progress)
    elif isinstance(data, pd.DataFrame):
        result = _profile_pandas_frame(data, engine, sample, on_progress)
    elif _is_dask_frame(data):
        frame = _sample_dask(data.to_frame() if data.ndim == 1 else data, sample)
        if engine == "pandas":
            result = profile_pandas(frame.compute(), sample=sample)
        else:
            from .dask_engine import profile_dask

            result = profile_dask(frame, sample=sample, on_progress=on_progress)
    else:
        raise MLOpsError(
            "profile() takes a pandas or Dask DataFrame, or the path of a CSV or Parquet file; "
            f"got {type(data).__name__}",
            field="data",
        )
    if name is not None:
        result = save_profile(result, name)
    return result


def profile_file(
    path: str,
    *,
    engine: str = "auto",
    sample: int | float | None = None,
    on_progress: ProgressCallback | None = None,
    field: str = "data",
    delimiter: str | None = None,
    encoding: str | None = None,
    label: str | None = None,
) -> Profile:
    """Profile a CSV or Parquet file read through Dask (larger-than-memory files work);
    `engine="pandas"` reads a local file whole with pandas instead (exact, no Dask imported).

    `delimiter` and `encoding` apply to CSV files. Errors reading it are `MLOpsError`s naming
    `field`, with the parser's own cause, calling the file `label` (default: `path`).
    """
    from .pandas_engine import profile_pandas

    options: dict[str, Any] = {"delimiter": delimiter, "encoding": encoding, "label": label}
    if engine == "pandas" and not is_url(path):
        whole = _sample_pandas(read_frame(path, field, **options), sample)
        return profile_pandas(whole, source=path, sample=sample)
    from .dask_engine import profile_dask

    frame = open_source(path, field, **options)
    for attempt in range(2):
        try:
            frame = _sample_dask(frame, sample)
            if engine == "pandas":
                return profile_pandas(frame.compute(), source=path, sample=sample)
            return profile_dask(frame, source=path, sample=sample, on_progress=on_progress)
        except (OSError, ValueError) as exc:
            # Dask types CSV columns from a sample; a column that turns out otherwise later
            # is read again as text.
            retyped = mismatched_columns(exc)
            if attempt == 0 and retyped:
                frame = open_source(path, field, dtype=retyped, **options)
                continue
            raise read_error(path, exc, field, label) from exc
    raise AssertionError("unreachable")


def _profile_pandas_frame(
    frame: pd.DataFrame,
    engine: str,
    sample: int | float | None,
    on_progress: ProgressCallback | None,
) -> Profile:
    from .pandas_engine import profile_pandas

    frame = _sample_pandas(frame, sample)
    if engine != "dask":  # Dask not imported: 0.7 s of CPU, a quarter of profiling 200k rows
        return profile_pandas(frame, sample=sample)
    import dask
    import dask.dataframe as dd

    from .dask_engine import profile_dask

    partitions = max(1, min(64, -(-len(frame) // ROWS_PER_PARTITION)))
    # Keep the frame's own dtypes: Dask would turn object columns into strings and hide
    # mixed types.
    with dask.config.set({"dataframe.convert-string": False}):
        frame = dd.from_pandas(frame, npartitions=partitions, sort=False)
    return profile_dask(frame, sample=sample, on_progress=on_progress)


def check_sample(sample: int | float | None) -> int | float | None:
    """A number of rows (a whole number >= 1) or a fraction in (0, 1]; ValueError otherwise."""
    if sample is None:
        return None
    if isinstance(sample, bool) or not isinstance(sample, (int, float)):
        raise ValueError("sample must be a number of rows or a fraction")
    if isinstance(sample, int):
        if sample < 1:
            raise ValueError("sample must be at least 1 row")
        return sample
    if not math.isfinite(sample) or not 0.0 < sample <= 1.0:
        raise ValueError("a sample fraction must be a finite number in (0, 1]")
    return sample


def _check_sample(sample: Any) -> None:
    try:
        check_sample(sample)
    except ValueError as exc:
        raise MLOpsError(str(exc), field="sample") from None


def _sample_pandas(frame: pd.DataFrame, sample: int | float | None) -> pd.DataFrame:
    if sample is None:
        return frame
    if isinstance(sample, int):
        return frame if sample >= len(frame) else frame.sample(n=sample, random_state=0)
    return frame if sample >= 1.0 else frame.sample(frac=sample, random_state=0)


def _sample_dask(frame: Any, sample: int | float | None) -> Any:
    if sample is None or sample == 1.0:
        return frame
    if isinstance(sample, int):
        # Dask samples by fraction: counting the rows first costs one cheap pass.
        total = len(frame)
        if sample >= total:
            return frame
        return frame.sample(frac=sample / total, random_state=0)
    return frame.sample(frac=sample, random_state=0)


def _is_dask_frame(data: Any) -> bool:
    try:
        import dask.dataframe as dd
    except ImportError:
        return False
    return isinstance(data, (dd.DataFrame, dd.Series))
