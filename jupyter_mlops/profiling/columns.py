"""One column's mergeable summary: what a partition (or a whole pandas frame) contributes.

Columns fall in four kinds decided by dtype alone, so every partition of a Dask frame agrees:
`numeric` (ints, floats, timedeltas in seconds), `datetime`, `boolean`, and `values`
(strings, categoricals, objects: anything counted by value).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.api import types as ptypes

from .moments import Moments
from .sketches import QuantileSketch, SketchLimits, ValueCounts

NUMBER_TYPES = (int, float, complex, Decimal, np.number)
UNHASHABLE_TYPES = (list, dict, set, np.ndarray)


def column_kind(dtype: Any) -> str:
    """The summary kind of a column of `dtype`."""
    if ptypes.is_bool_dtype(dtype):
        return "boolean"
    if ptypes.is_datetime64_any_dtype(dtype):
        return "datetime"
    if ptypes.is_timedelta64_dtype(dtype):
        return "numeric"
    if ptypes.is_numeric_dtype(dtype) and not ptypes.is_complex_dtype(dtype):
        return "numeric"
    return "values"


def is_integer_dtype(dtype: Any) -> bool:
    """Integers (not booleans): their statistics print as ints."""
    return bool(ptypes.is_integer_dtype(dtype)) and not ptypes.is_bool_dtype(dtype)


@dataclass(frozen=True)
class NumericSummary:
    """Numbers (or datetimes as int64 nanoseconds): moments, extremes, quantiles, counts."""

    kind: str
    count: int
    n_missing: int
    n_infinite: int
    moments: Moments
    minimum: float | None
    maximum: float | None
    n_zeros: int
    n_negative: int
    sketch: QuantileSketch
    values: ValueCounts

    def merge(self, other: NumericSummary, limits: SketchLimits) -> NumericSummary:
        """Both summaries as one."""
        return NumericSummary(
            kind=self.kind,
            count=self.count + other.count,
            n_missing=self.n_missing + other.n_missing,
            n_infinite=self.n_infinite + other.n_infinite,
            moments=self.moments.merge(other.moments),
            minimum=_combine(min, self.minimum, other.minimum),
            maximum=_combine(max, self.maximum, other.maximum),
            n_zeros=self.n_zeros + other.n_zeros,
            n_negative=self.n_negative + other.n_negative,
            sketch=self.sketch.merge(other.sketch, limits.quantile_points),
            values=self.values.merge(other.values, limits.distinct_values, limits.heavy_values),
        )

    def compressed(self, limits: SketchLimits) -> NumericSummary:
        """The same summary with its quantile sketch compressed to the limits."""
        return replace(self, sketch=self.sketch.compressed(limits.quantile_points))


@dataclass(frozen=True)
class ValuesSummary:
    """Values counted one by one (strings, categories, objects, booleans).

    `value_types` counts the Python types met in object columns ("number", "string", "list",
    ...); the text lengths are those of the values' string forms.
    """

    kind: str
    count: int
    n_missing: int
    values: ValueCounts
    value_types: dict[str, int]
    min_length: int | None
    max_length: int | None
    total_length: int
    n_with_space: int

    def merge(self, other: ValuesSummary, limits: SketchLimits) -> ValuesSummary:
        """Both summaries as one."""
        return ValuesSummary(
            kind=self.kind,
            count=self.count + other.count,
            n_missing=self.n_missing + other.n_missing,
            values=self.values.merge(other.values, limits.distinct_values, limits.heavy_values),
            value_types=dict(Counter(self.value_types) + Counter(other.value_types)),
            min_length=_combine(min, self.min_length, other.min_length),
            max_length=_combine(max, self.max_length, other.max_length),
            total_length=self.total_length + other.total_length,
            n_with_space=self.n_with_space + other.n_with_space,
        )


ColumnSummary = NumericSummary | ValuesSummary


def _combine(pick: Any, a: Any, b: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    return pick(a, b)


@dataclass(frozen=True)
class Encoded:
    """A column as codes into its distinct present values (-1: missing), the values in order
    of first appearance: what counting an object string column made, reused by the row
    hashes and the joint counts instead of hashing the strings again."""

    codes: np.ndarray
    uniques: np.ndarray


@dataclass(frozen=True)
class ColumnRead:
    """One pass over a column: its summary, which rows are missing (as `Series.isna`), and
    its codes when it was counted through them."""

    summary: ColumnSummary
    missing: np.ndarray
    encoded: Encoded | None = None


def summarize_column(series: pd.Series, kind: str, limits: SketchLimits) -> ColumnSummary:
    """The summary of one column (a whole frame's or one partition's)."""
    return read_column(series, kind, limits).summary


def read_column(series: pd.Series, kind: str, limits: SketchLimits) -> ColumnRead:
    """`summarize_column`, with the missing mask and codes the summary was computed from."""
    if kind in ("numeric", "datetime"):
        return _summarize_numbers(series, kind, limits)
    return _summarize_values(series, kind, limits)


# --- numbers -----------------------------------------------------------------------------


def numeric_array(series: pd.Series, kind: str) -> np.ndarray:
    """float64 values with NaN for missing (datetimes: int64 nanoseconds since the epoch)."""
    if kind == "datetime":
        values = series
        if not ptypes.is_datetime64_any_dtype(values.dtype):
            values = pd.to_datetime(values, errors="coerce")
        if getattr(values.dtype, "tz", None) is not None:
            values = values.dt.tz_convert("UTC").dt.tz_localize(None)
        raw = values.to_numpy(dtype="datetime64[ns]")
        result = raw.view(np.int64).astype(np.float64)
        result[np.isnat(raw)] = np.nan
        return np.asarray(result, dtype=np.float64)
    if ptypes.is_timedelta64_dtype(series.dtype):
        seconds = series.dt.total_seconds()
        return np.asarray(seconds.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)
    if not ptypes.is_numeric_dtype(series.dtype):  # a partition that disagrees with its meta
        series = pd.to_numeric(series, errors="coerce")
    return np.asarray(series.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)


def _summarize_numbers(series: pd.Series, kind: str, limits: SketchLimits) -> ColumnRead:
    array = numeric_array(series, kind)
    missing = np.isnan(array)
    finite = np.isfinite(array)
    values = np.sort(array[finite])
    n = int(values.size)
    # One sort gives the extremes, the quantiles, the zero/negative counts and the distinct
    # values with their counts (run lengths), all in O(n).
    zero_start = int(np.searchsorted(values, 0.0, side="left"))
    zero_end = int(np.searchsorted(values, 0.0, side="right"))
    if n:
        starts = np.flatnonzero(np.concatenate([[True], values[1:] != values[:-1]]))
        run_counts = np.diff(np.append(starts, n))
        counts = pd.Series(run_counts, index=pd.Index(values[starts]), copy=False)
    else:
        counts = pd.Series([], dtype=np.int64, index=pd.Index([], dtype=np.float64))
    summary = NumericSummary(
        kind=kind,
        count=n,
        n_missing=int(missing.sum()),
        n_infinite=int(array.size - n - missing.sum()),
        moments=Moments.of(values),
        minimum=float(values[0]) if n else None,
        maximum=float(values[-1]) if n else None,
        n_zeros=zero_end - zero_start,
        n_negative=zero_start,
        sketch=QuantileSketch.of_sorted(values, limits.quantile_points),
        values=ValueCounts.of(counts, limits.distinct_values, limits.heavy_values),
    )
    # NaN is what `isna` calls missing in a numpy column read as is; a column coerced to
    # numbers (a partition that disagrees with its meta) or an extension array (an Arrow
    # float can hold a NaN that is not null) asks pandas.
    as_is = isinstance(series.dtype, np.dtype) and series.dtype.kind in "iufmM"
    return ColumnRead(summary, missing if as_is else series.isna().to_numpy(dtype=bool))


# --- values ------------------------------------------------------------------------------


def type_category(value: Any) -> str:
    """The family of a Python value, for the mixed-types check."""
    if isinstance(value, (bool, np.bool_)):
        return "boolean"
    if isinstance(value, NUMBER_TYPES):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (bytes, bytearray)):
        return "bytes"
    if isinstance(value, (pd.Timestamp, np.datetime64)) or hasattr(value, "isoformat"):
        return "datetime"
    if isinstance(value, (list, tuple, np.ndarray)):
        return "list"
    if isinstance(value, dict):
        return "dict"
    return type(value).__name__


def _text_shape(values: pd.Index | pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Length and has-whitespace of each value's text (once per distinct value), in Arrow."""
    if isinstance(values, pa.Array):
        texts = values
    elif ptypes.is_string_dtype(values.dtype) and values.dtype != object:
        texts = pa.array(values.to_numpy(dtype=object), type=pa.large_string())
    else:
        texts = pa.array([str(value) for value in values], type=pa.large_string())
    lengths = pc.utf8_length(texts).to_numpy(zero_copy_only=False).astype(np.int64)
    spaced = pc.match_substring_regex(texts, r"\s").to_numpy(zero_copy_only=False)
    return lengths, np.asarray(spaced, dtype=bool)


def _value_types(present: pd.Series) -> dict[str, int]:
    """How many values of each `type_category` an object column holds."""
    if ptypes.infer_dtype(present, skipna=False) == "string":
        # Every value a str (pandas checks in C): what the loop below would count, without a
        # Python call per row (27% of profiling 200,000 rows with 4 object string columns).
        return {"string": len(present)} if len(present) else {}
    return dict(Counter(type_category(v) for v in present.to_numpy()))


def _hashable(value: Any) -> Any:
    return repr(value) if isinstance(value, UNHASHABLE_TYPES) else value


def _object_strings(series: pd.Series) -> pa.Array | None:
    """An object column whose present values are all `str`, as one Arrow string array (None
    and NaN as nulls); None for any other column."""
    if series.dtype != object or ptypes.infer_dtype(series, skipna=True) != "string":
        return None
    try:
        return pa.array(series.to_numpy(), type=pa.large_string(), from_pandas=True)
    except (pa.ArrowException, UnicodeError):  # e.g. a lone surrogate: count it in pandas
        return None


def _summarize_strings(texts: pa.Array, kind: str, limits: SketchLimits) -> ColumnRead:
    """`_summarize_values` of an object string column, counted once in Arrow: one hash pass
    encodes the values as codes (no per-row `isna`, mask or Python hashing of each str),
    counted with `bincount`; then the text shape of the distinct values. The codes are kept
    for the row hashes and the joint counts."""
    encoded = pc.dictionary_encode(texts)  # distinct values in order of first appearance
    values = encoded.dictionary
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    missing = codes < 0
    weights = np.bincount(codes[~missing], minlength=len(values)).astype(np.int64)
    uniques = values.to_numpy(zero_copy_only=False)
    counts = pd.Series(weights, index=pd.Index(uniques, dtype=object))
    lengths, spaced = _text_shape(values)
    count = int(weights.sum())
    summary = ValuesSummary(
        kind=kind,
        count=count,
        n_missing=texts.null_count,
        values=ValueCounts.of(counts, limits.distinct_values, limits.heavy_values),
        value_types={"string": count} if count else {},
        min_length=int(lengths.min()) if lengths.size else None,
        max_length=int(lengths.max()) if lengths.size else None,
        total_length=int((lengths * weights).sum()),
        n_with_space=int(weights[spaced].sum()),
    )
    return ColumnRead(summary, missing, Encoded(codes, uniques))


def _summarize_values(series: pd.Series, kind: str, limits: SketchLimits) -> ColumnRead:
    texts = _object_strings(series)
    if texts is not None:
        return _summarize_strings(texts, kind, limits)
    missing = series.isna()
    present = series[~missing]
    value_types: dict[str, int] = {}
    if series.dtype == object:
        value_types = _value_types(present)
    try:
        counts = present.value_counts(sort=False)
    except TypeError:  # lists, dicts or sets in cells: count them by their repr
        counts = present.map(_hashable).value_counts(sort=False)
    if isinstance(series.dtype, pd.CategoricalDtype):
        counts = counts[counts > 0]
        counts.index = pd.Index(counts.index.astype(object))
    lengths, spaced = _text_shape(counts.index)
    weights = counts.to_numpy(dtype=np.int64)
    summary = ValuesSummary(
        kind=kind,
        count=int(weights.sum()),
        n_missing=int(missing.sum()),
        values=ValueCounts.of(counts, limits.distinct_values, limits.heavy_values),
        value_types=value_types,
        min_length=int(lengths.min()) if lengths.size else None,
        max_length=int(lengths.max()) if lengths.size else None,
        total_length=int((lengths * weights).sum()),
        n_with_space=int(weights[spaced].sum()),
    )
    return ColumnRead(summary, missing.to_numpy(dtype=bool))
