"""A whole table's mergeable summary: its columns, its rows, its numeric co-moments.

The pandas engine summarises the frame once with exact limits; the Dask engine summarises each
partition with bounded limits and merges the summaries. Both finish with `finalize.build`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from .associations import MAX_ASSOCIATED_COLUMNS, JointCounts
from .columns import (
    ColumnSummary,
    Encoded,
    NumericSummary,
    ValuesSummary,
    column_kind,
    is_integer_dtype,
    numeric_array,
    read_column,
)
from .correlation import BLOCK_ROWS, CoMoments
from .row_facts import RowHashes
from .samples import MissingBlocks, RowSample, block_counts, block_starts
from .sketches import SketchLimits

MAX_CORRELATED_COLUMNS = 30


@dataclass(frozen=True)
class Schema:
    """Column names (their string forms, made unique), dtypes and kinds, in frame order."""

    names: list[str]
    dtypes: list[str]
    kinds: list[str]
    integer: list[bool]

    @classmethod
    def of(cls, frame: pd.DataFrame) -> Schema:
        """The schema of a pandas frame (for Dask: of its `_meta`)."""
        dtypes = list(frame.dtypes)
        return cls(
            names=unique_names(frame.columns),
            dtypes=[str(dtype) for dtype in dtypes],
            kinds=[column_kind(dtype) for dtype in dtypes],
            integer=[is_integer_dtype(dtype) for dtype in dtypes],
        )

    @property
    def correlated(self) -> list[int]:
        """Positions of the numeric columns correlated with each other (the first 30)."""
        numeric = [i for i, kind in enumerate(self.kinds) if kind == "numeric"]
        return numeric[:MAX_CORRELATED_COLUMNS]

    @property
    def associated(self) -> list[int]:
        """Positions of the columns whose Cramér's V is computed (the first few non-numeric)."""
        positions = [i for i, kind in enumerate(self.kinds) if kind in ("values", "boolean")]
        return positions[:MAX_ASSOCIATED_COLUMNS]

    @property
    def associations_truncated(self) -> bool:
        """Whether categorical columns beyond the cap were left out of the associations."""
        return sum(kind in ("values", "boolean") for kind in self.kinds) > MAX_ASSOCIATED_COLUMNS

    @property
    def correlations_truncated(self) -> bool:
        """Whether numeric columns beyond the cap were left out of the correlations."""
        return sum(kind == "numeric" for kind in self.kinds) > MAX_CORRELATED_COLUMNS


def unique_names(columns: Any) -> list[str]:
    """Column labels as strings, with " (2)", " (3)"... added to repeats."""
    names: list[str] = []
    seen: set[str] = set()
    for label in columns:
        base = label if isinstance(label, str) else str(label)
        name, suffix = base, 2
        while name in seen:
            name, suffix = f"{base} ({suffix})", suffix + 1
        seen.add(name)
        names.append(name)
    return names


@dataclass(frozen=True)
class FrameSummary:
    """Everything a profile is computed from, for some rows of a table."""

    n_rows: int
    memory_bytes: int
    columns: list[ColumnSummary]
    rows: RowHashes
    comoments: CoMoments
    sample: RowSample
    missing: MissingBlocks
    joint: JointCounts

    def merge(self, other: FrameSummary, limits: SketchLimits) -> FrameSummary:
        """These rows followed by `other`'s (same schema)."""
        return FrameSummary(
            n_rows=self.n_rows + other.n_rows,
            memory_bytes=self.memory_bytes + other.memory_bytes,
            columns=[a.merge(b, limits) for a, b in zip(self.columns, other.columns, strict=True)],  # type: ignore[arg-type]
            rows=self.rows.merge(other.rows, limits.row_hashes),
            comoments=self.comoments.merge(other.comoments),
            sample=self.sample.merge(other.sample),
            missing=self.missing.merge(other.missing),
            joint=self.joint.merge(other.joint),
        )


def summarize_frame(
    frame: pd.DataFrame, schema: Schema, limits: SketchLimits, workers: int = 1
) -> FrameSummary:
    """Summarise `frame` (a whole table or one partition) whose columns follow `schema`.

    Each column is read once: its summary, its missing cells per block of rows, and, for an
    object string column, its codes, which the row hashes and the joint counts then use
    instead of hashing the strings again. With `workers > 1` the columns, then the row
    hashes and joint counts, are summarised on that many threads (numpy, Arrow and pandas'
    hashing release the GIL); Dask partitions use one each, since Dask already runs
    partitions in parallel.
    """
    starts = block_starts(len(frame))
    with ThreadPoolExecutor(max_workers=max(workers, 1)) as pool:
        column_jobs = [
            pool.submit(_read_column, frame.iloc[:, i], kind, limits, starts)
            for i, kind in enumerate(schema.kinds)
        ]
        reads = [job.result() for job in column_jobs]
        columns = [summary for summary, _, _ in reads]
        encoded = {i: codes for i, (_, _, codes) in enumerate(reads) if codes is not None}
        rows_job = pool.submit(RowHashes.of, frame, limits.row_hashes, encoded)
        joint_job = pool.submit(JointCounts.of, frame, schema.associated, encoded)
        comoments = _comoments(frame, schema, columns)
        rows = rows_job.result()
    return FrameSummary(
        n_rows=len(frame),
        memory_bytes=_memory_bytes(frame, columns),
        columns=columns,
        rows=rows,
        comoments=comoments,
        sample=RowSample.of(frame),
        missing=MissingBlocks.of_counts(starts, [blocks for _, blocks, _ in reads]),
        joint=joint_job.result(),
    )


def _read_column(
    series: pd.Series, kind: str, limits: SketchLimits, starts: np.ndarray
) -> tuple[ColumnSummary, np.ndarray, Encoded | None]:
    # The missing mask is reduced to its blocks here: only the counts are kept.
    read = read_column(series, kind, limits)
    return read.summary, block_counts(read.missing, starts), read.encoded


# Past this many distinct strings, a per-value sizing in Python costs more than pandas' own.
_SIZED_BY_DISTINCT = 100_000


def _memory_bytes(frame: pd.DataFrame, columns: list[ColumnSummary]) -> int:
    """pandas' deep memory usage of `frame`, an object string column's sized from its exact
    value counts (one `sys.getsizeof` per distinct string, not per row: pandas' per-row sizing
    was a third of profiling a frame of object strings)."""
    total = 0
    for i, summary in enumerate(columns):
        column = frame.iloc[:, i]
        if (
            column.dtype == object
            and isinstance(summary, ValuesSummary)
            and summary.values.exact
            and set(summary.value_types) <= {"string"}
            and len(summary.values.counts) <= _SIZED_BY_DISTINCT
        ):
            counts = summary.values.counts
            sizes = sum(sys.getsizeof(value) * int(n) for value, n in counts.items())
            total += column.to_numpy().nbytes + sizes + summary.n_missing * sys.getsizeof(None)
        else:
            total += int(column.memory_usage(deep=True, index=False))
    return total


def _comoments(frame: pd.DataFrame, schema: Schema, columns: list[ColumnSummary]) -> CoMoments:
    correlated = schema.correlated
    if not correlated or not len(frame):
        return CoMoments.empty(len(correlated))
    # The columns' means (already known) condition the co-moment sums.
    means = [columns[i].moments.mean for i in correlated]  # type: ignore[union-attr]
    series = [frame.iloc[:, i] for i in correlated]
    # One block of rows at a time in one reused column-major buffer: a whole n x p matrix
    # (120 MB at 1M rows x 15 columns) was written to fresh pages, and faulting them in cost
    # as much as the products.
    buffer = np.empty((min(len(frame), BLOCK_ROWS), len(correlated)), order="F")

    def blocks() -> Iterator[np.ndarray]:
        for start in range(0, len(frame), BLOCK_ROWS):
            block = buffer[: min(BLOCK_ROWS, len(frame) - start)]
            for k, column in enumerate(series):
                block[:, k] = numeric_array(column.iloc[start : start + BLOCK_ROWS], "numeric")
            yield block

    return CoMoments.of_blocks(blocks(), len(correlated), np.asarray(means, dtype=np.float64))


def merge_summaries(summaries: list[FrameSummary], limits: SketchLimits) -> FrameSummary:
    """Merge a non-empty list of summaries (one node of the Dask engine's tree).

    Quantile sketches are concatenated first and compressed once at the end: a compression
    per pair would add its rank error once per input instead of once per tree level.
    """
    unbounded = limits.with_quantile_points(None)
    result = summaries[0]
    for summary in summaries[1:]:
        result = result.merge(summary, unbounded)
    columns = [
        column.compressed(limits) if isinstance(column, NumericSummary) else column
        for column in result.columns
    ]
    return replace(result, columns=columns)
