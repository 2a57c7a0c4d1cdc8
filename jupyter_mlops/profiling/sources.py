"""Files to profile: CSV or Parquet, local paths or fsspec URLs, read lazily through Dask
(`open_source`), or, small ones, whole with pandas (`read_frame`).

Errors a user can fix (no such file, a format we do not read, a file that does not parse) are
`MLOpsError`s naming `field`, so the REST API answers 4xx and a notebook shows one line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..core.errors import ErrorCode, MLOpsError, NotFoundError

CSV_SUFFIXES = (".csv", ".tsv", ".txt", ".csv.gz", ".csv.bz2", ".csv.zip", ".csv.xz", ".tsv.gz")
PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")
CSV_BLOCK_SIZE = "64MB"
# Bytes Dask reads to guess CSV column types.
CSV_SAMPLE_BYTES = 1 << 20
# Rows read to recognise timestamp columns in a CSV.
DATE_SAMPLE_ROWS = 500
_MISMATCH_ROW = re.compile(
    r"^\|\s*(?P<column>[^|]+?)\s*\|\s*(?P<found>[^|]+?)\s*\|\s*(?P<expected>[^|]+?)\s*\|"
)


def file_format(path: str) -> str | None:
    """ "csv" or "parquet" from the path's suffix (a folder of Parquet files is "parquet")."""
    lower = path.lower().rstrip("/")
    if lower.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if lower.endswith(CSV_SUFFIXES):
        return "csv"
    local = Path(path)
    if "://" not in path and local.is_dir() and any(local.glob("*.parq*")):
        return "parquet"
    return None


def is_url(path: str) -> bool:
    """Whether `path` is a URL (s3://, https://, ...) rather than a local path."""
    return "://" in path and not path.startswith("file://")


def check_source(path: str, field: str = "data") -> str:
    """The format of `path`, after checking it exists (locally) and is CSV or Parquet."""
    if not is_url(path):
        local = Path(path.removeprefix("file://")).expanduser()
        if not local.exists():
            raise NotFoundError(f"no such file: {path}", field=field)
    fmt = file_format(path)
    if fmt is None:
        raise MLOpsError(
            f"cannot profile {Path(path).name!r}: CSV (.csv, .tsv, compressed) and Parquet "
            "(.parquet, .pq, or a folder of them) are supported",
            field=field,
        )
    return fmt


def open_source(
    path: str,
    field: str = "data",
    dtype: dict[str, str] | None = None,
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
    label: str | None = None,
) -> Any:
    """A lazy Dask DataFrame over a CSV or Parquet file (checked first, see `check_source`).

    `delimiter` and `encoding` apply to CSV (defaults: tab for .tsv, else comma; UTF-8);
    errors name the file as `label` (default: `path`).
    """
    import dask.dataframe as dd

    fmt = check_source(path, field)
    try:
        if fmt == "parquet":
            return dd.read_parquet(path)
        lower = path.lower()
        compressed = not lower.endswith((".csv", ".tsv", ".txt"))
        sep = delimiter or ("\t" if ".tsv" in lower else ",")
        dates = [c for c in date_columns(path, sep, encoding=encoding) if c not in (dtype or {})]
        return dd.read_csv(
            path,
            sep=sep,
            blocksize=None if compressed else CSV_BLOCK_SIZE,
            compression="infer",
            sample=CSV_SAMPLE_BYTES,
            dtype=dtype,
            parse_dates=dates or None,
            encoding=encoding or "utf-8",
        )
    except (OSError, ValueError) as exc:
        raise read_error(path, exc, field, label) from exc


def read_frame(
    path: str,
    field: str = "data",
    *,
    delimiter: str | None = None,
    encoding: str | None = None,
    label: str | None = None,
) -> Any:
    """A small CSV or Parquet file read whole into a pandas DataFrame, with `open_source`'s
    options and errors: no Dask to import (seconds, the first time in a process) for a file
    profiled within a request."""
    import pandas as pd

    fmt = check_source(path, field)
    try:
        if fmt == "parquet":
            return pd.read_parquet(path)
        sep = delimiter or ("\t" if ".tsv" in path.lower() else ",")
        dates = date_columns(path, sep, encoding=encoding)
        return pd.read_csv(
            path,
            sep=sep,
            compression="infer",
            parse_dates=dates or None,
            encoding=encoding or "utf-8",
        )
    except (OSError, ValueError) as exc:
        raise read_error(path, exc, field, label) from exc


def date_columns(
    path: str, sep: str, rows: int = DATE_SAMPLE_ROWS, encoding: str | None = None
) -> list[str]:
    """Text columns of a CSV whose first values are (almost all) timestamps: CSV has no types,
    and pandas no longer guesses dates, so these are parsed as datetimes."""
    import pandas as pd
    from pandas.api import types as ptypes

    try:
        sample = pd.read_csv(path, sep=sep, nrows=rows, compression="infer", encoding=encoding)
    except (OSError, ValueError):
        return []  # the real read reports the problem
    found = []
    for column in sample.columns:
        if not (ptypes.is_object_dtype(sample[column]) or ptypes.is_string_dtype(sample[column])):
            # Read as numbers (or booleans, or nothing): every value is a number, never a
            # date. Skipping them here saves a third of profiling a small numeric CSV.
            continue
        values = sample[column].dropna()
        if values.empty or pd.to_numeric(values, errors="coerce").notna().mean() > 0.5:
            continue
        parsed = pd.to_datetime(values, format="ISO8601", errors="coerce")
        if parsed.notna().mean() >= 0.95:
            found.append(str(column))
    return found


def read_error(path: str, exc: BaseException, field: str, label: str | None = None) -> MLOpsError:
    """A readable error for a file that could not be read or parsed: the parser's own cause
    (not Dask's wrapper), naming the file as `label` (default: `path`)."""
    shown = label or path
    if isinstance(exc, FileNotFoundError):
        return NotFoundError(f"no such file: {shown}", field=field)
    if isinstance(exc, PermissionError):
        return MLOpsError(f"cannot read {shown}: permission denied", ErrorCode.FORBIDDEN, field)
    return MLOpsError(f"cannot read {shown}: {parser_cause(exc)}", field=field)


_RAGGED = re.compile(r"Expected (?P<expected>\d+) fields in line (?P<line>\d+), saw (?P<saw>\d+)")


def parser_cause(exc: BaseException) -> str:
    """What the parser said, in words: Dask wraps pandas' errors in "An error occurred while
    calling the read_csv method..." with the real message after "Original Message:"."""
    text = str(exc).strip()
    if "Original Message:" in text:
        text = text.split("Original Message:", 1)[1].strip()
    if "No columns to parse" in text:
        return "the file has no columns (it is empty)"
    ragged = _RAGGED.search(text)
    if ragged is not None:
        return (
            f"line {ragged['line']} has {ragged['saw']} fields where the header has "
            f"{ragged['expected']}"
        )
    if isinstance(exc, UnicodeDecodeError):
        return f"the file is not {exc.encoding} text (byte {exc.start}); choose its encoding"
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def mismatched_columns(exc: BaseException) -> dict[str, str]:
    """Columns Dask's CSV reader typed from its sample but found otherwise later, with the
    dtype to read them as: float64 for integers that turn out to have gaps or decimals, text
    for the rest (parsed from Dask's "Mismatched dtypes" table)."""
    text = str(exc)
    if "Mismatched dtypes" not in text:
        return {}
    columns = {}
    for line in text.splitlines():
        match = _MISMATCH_ROW.match(line.strip())
        if match is None or match["column"] == "Column":
            continue
        numbers = {match["found"], match["expected"]} <= {"int64", "float64"}
        columns[match["column"]] = "float64" if numbers else "object"
    return columns
