"""From a table's summary to its `Profile`: statistics, column types, correlations, alerts."""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timezone
from typing import Any

import numpy as np
import pandas as pd

from .alerts import AlertThresholds, find_alerts
from .column_types import TypeEvidence, infer_type
from .columns import NumericSummary, ValuesSummary
from .entities import (
    QUANTILE_KEYS,
    ColumnProfile,
    Correlations,
    Histogram,
    MissingMatrix,
    Profile,
    SampleRows,
    clean_float,
)
from .frame import FrameSummary, Schema
from .sketches import HLL_RELATIVE_ERROR

HISTOGRAM_BINS = 30
TOP_VALUES = 10
MAX_VALUE_LENGTH = 200
QUANTILES = [float(q) for q in QUANTILE_KEYS]


def build_profile(
    summary: FrameSummary,
    schema: Schema,
    *,
    engine: str,
    source: str | None = None,
    sample: float | int | None = None,
    scheduler: str | None = None,
    n_partitions: int | None = None,
    thresholds: AlertThresholds | None = None,
) -> Profile:
    """The profile of the table `summary` summarises."""
    columns: dict[str, ColumnProfile] = {}
    for i, name in enumerate(schema.names):
        columns[name] = finalize_column(
            name, schema.dtypes[i], schema.integer[i], summary.columns[i]
        )
    n_duplicates = summary.rows.n_duplicates if schema.names else 0
    correlations = _correlations(summary, schema, columns)
    block_rows, block_counts = summary.missing.rebinned()
    approximate_distinct = any(c.distinct_is_approximate for c in columns.values())
    return Profile(
        n_rows=summary.n_rows,
        n_columns=len(schema.names),
        n_duplicate_rows=n_duplicates,
        duplicates_are_approximate=not summary.rows.exact,
        memory_bytes=summary.memory_bytes,
        fingerprint=_fingerprint(summary, schema),
        columns=columns,
        correlations=correlations,
        alerts=find_alerts(columns, summary.n_rows, n_duplicates, thresholds or AlertThresholds()),
        engine=engine,
        scheduler=scheduler,
        n_partitions=n_partitions,
        created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        quantile_rank_error=max(
            (c.sketch.rank_error for c in summary.columns if isinstance(c, NumericSummary)),
            default=0.0,
        ),
        distinct_relative_error=HLL_RELATIVE_ERROR if approximate_distinct else None,
        source=source,
        sample=sample,
        samples=SampleRows(
            columns=list(schema.names),
            head=[[json_value(v) for v in row] for row in summary.sample.head],
            random=[[json_value(v) for v in row] for row in summary.sample.random],
        ),
        missing_matrix=MissingMatrix(list(schema.names), block_rows, block_counts),
        associations=_associations(summary, schema, columns),
    )


def _associations(
    summary: FrameSummary, schema: Schema, columns: dict[str, ColumnProfile]
) -> Correlations | None:
    keep = [
        i
        for i in schema.associated
        if columns[schema.names[i]].type in ("categorical", "boolean")
        and summary.joint.values.get(i) is not None
    ]
    if len(keep) < 2:
        return None
    matrix: list[list[float | None]] = []
    for i in keep:
        row: list[float | None] = []
        for j in keep:
            if i == j:
                row.append(1.0)
            else:
                value = summary.joint.cramers_v(min(i, j), max(i, j))
                row.append(None if value is None else round(value, 6))
        matrix.append(row)
    return Correlations(
        method="cramers_v",
        columns=[schema.names[i] for i in keep],
        matrix=matrix,
        truncated=schema.associations_truncated or len(keep) < len(schema.associated),
    )


def _fingerprint(summary: FrameSummary, schema: Schema) -> str:
    # Order-independent: the same rows with the same names and dtypes give the same print.
    text = "|".join(
        [str(summary.n_rows), str(summary.rows.checksum), *schema.names, *schema.dtypes]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _correlations(
    summary: FrameSummary, schema: Schema, columns: dict[str, ColumnProfile]
) -> Correlations | None:
    positions = schema.correlated
    if not positions:
        return None
    matrix = summary.comoments.pearson()
    keep = [k for k, i in enumerate(positions) if columns[schema.names[i]].type == "numeric"]
    if not keep:
        return None
    return Correlations(
        method="pearson",
        columns=[schema.names[positions[k]] for k in keep],
        matrix=[[matrix[a][b] for b in keep] for a in keep],
        truncated=schema.correlations_truncated,
    )


def finalize_column(name: str, dtype: str, integer: bool, summary: Any) -> ColumnProfile:
    """The `ColumnProfile` of one column's summary."""
    if isinstance(summary, NumericSummary):
        return _numeric_column(name, dtype, integer, summary)
    return _values_column(name, dtype, summary)


def _numeric_column(name: str, dtype: str, integer: bool, s: NumericSummary) -> ColumnProfile:
    is_datetime = s.kind == "datetime"
    n_distinct = s.values.n_distinct
    column_type = infer_type(
        TypeEvidence(
            s.kind, integer, s.count, s.n_missing, n_distinct, not s.values.exact, {}, None, 0.0
        )
    )
    is_flag = column_type == "boolean"  # two integer values (a 0/1 target): counted, not binned

    def show(value: float | None) -> Any:
        if value is None:
            return None
        if is_datetime:
            return _iso(value)
        return int(value) if integer else clean_float(value)

    quantiles = None
    histogram = None
    if s.count:
        quantiles = dict(
            zip(QUANTILE_KEYS, [show(q) for q in s.sketch.quantiles(QUANTILES)], strict=True)
        )
        if not is_flag:
            edges = _histogram_edges(s.minimum, s.maximum, n_distinct, integer)
            counts = s.sketch.histogram(edges)
            shown_edges = [_iso(e) for e in edges] if is_datetime else [float(e) for e in edges]
            histogram = Histogram(shown_edges, counts)
    return ColumnProfile(
        name=name,
        type=column_type,
        dtype=dtype,
        count=s.count,
        n_missing=s.n_missing,
        n_distinct=n_distinct,
        distinct_is_approximate=not s.values.exact,
        mean=(_iso(s.moments.mean) if is_datetime else clean_float(s.moments.mean))
        if s.count
        else None,
        std=None if is_datetime else clean_float(s.moments.std),
        min=show(s.minimum),
        max=show(s.maximum),
        quantiles=quantiles,
        quantiles_are_approximate=not s.sketch.exact,
        n_zeros=None if is_datetime else s.n_zeros,
        n_negative=None if is_datetime else s.n_negative,
        n_infinite=None if is_datetime else s.n_infinite,
        skewness=None if is_datetime or is_flag else clean_float(s.moments.skewness),
        histogram=histogram,
        top_values=[[show(v), c] for v, c in s.values.top(TOP_VALUES)],
        top_values_are_approximate=not s.values.exact,
    )


def _histogram_edges(
    low: float | None, high: float | None, n_distinct: int, integer: bool = False
) -> np.ndarray:
    assert low is not None and high is not None
    if low == high:  # numpy's convention for a single value
        return np.array([low - 0.5, high + 0.5])
    if integer:
        # Whole numbers per bin, edges half-way between them: no empty comb teeth.
        width = max(1, math.ceil((high - low + 1) / HISTOGRAM_BINS))
        bins = math.ceil((high - low + 1) / width)
        return low - 0.5 + width * np.arange(bins + 1, dtype=np.float64)
    bins = max(1, min(HISTOGRAM_BINS, n_distinct))
    return np.linspace(low, high, bins + 1)


def _values_column(name: str, dtype: str, s: ValuesSummary) -> ColumnProfile:
    n_distinct = s.values.n_distinct
    mean_length = s.total_length / s.count if s.count else None
    column_type = infer_type(
        TypeEvidence(
            s.kind,
            False,
            s.count,
            s.n_missing,
            n_distinct,
            not s.values.exact,
            s.value_types,
            mean_length,
            s.n_with_space / s.count if s.count else 0.0,
        )
    )
    top = s.values.top(TOP_VALUES)
    is_boolean = column_type == "boolean"
    mean = None
    if is_boolean and s.count:
        trues = sum(count for value, count in top if bool(value))
        mean = trues / s.count
    return ColumnProfile(
        name=name,
        type=column_type,
        dtype=dtype,
        count=s.count,
        n_missing=s.n_missing,
        n_distinct=n_distinct,
        distinct_is_approximate=not s.values.exact,
        mean=mean,
        top_values=[[json_value(v), c] for v, c in top],
        top_values_are_approximate=not s.values.exact,
        value_types=s.value_types or None,
        min_length=None if is_boolean else s.min_length,
        mean_length=None if is_boolean else clean_float(mean_length),
        max_length=None if is_boolean else s.max_length,
    )


def _iso(nanoseconds: float) -> str:
    return str(pd.Timestamp(round(nanoseconds)).isoformat())


def json_value(value: Any) -> Any:
    """A cell value as a JSON scalar: bools, ints, finite floats, strings (long ones cut)."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return clean_float(value)
    if isinstance(value, (pd.Timestamp, datetime)):
        return value.isoformat()
    text = value if isinstance(value, str) else str(value)
    if len(text) > MAX_VALUE_LENGTH:
        return text[: MAX_VALUE_LENGTH - 1] + "…"
    return text
