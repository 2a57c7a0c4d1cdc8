"""`drift(reference, current)`: which columns moved, by how much, and why that test.

Both sides are summarised once (`inputs.summarize`: pandas or Dask frames, CSV/Parquet
paths, stored profiles, or summaries already made), then each shared column gets a test
(`stat_tests.choose_test`, or the caller's choice) and the report says whether the dataset
drifted: at least `dataset_share` of its columns did. The report is data (JSON round trip) and
imports no rendering: `monitoring.charts.drift_figure` draws it, and `monitoring.display` makes
IPython show it as that figure.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from ..core.errors import MLOpsError
from .inputs import summarize
from .plot_data import plot_data
from .stat_test_registry import KIND_PREFIX, check_tests, run_test, stat_test
from .stat_tests import choose_test
from .summaries import DEFAULT_CAPACITY, DataSummary

DATASET_SHARE = 0.5


@dataclass
class ColumnDrift:
    """One column's verdict, the test behind it and what a chart draws."""

    column: str
    kind: str
    test: str
    reason: str
    statistic: float | None
    p_value: float | None
    threshold: float
    drifted: bool
    reference_count: int
    current_count: int
    reference_missing: int
    current_missing: int
    exact: bool
    plot: dict[str, Any] = field(default_factory=dict)
    # The statistic expected with no drift at these sizes (Jensen-Shannon), judged net of it.
    noise: float | None = None

    @property
    def score(self) -> float:
        """How far past (or short of) its threshold the column is: > 1 means drifted."""
        if self.statistic is None:
            return 0.0
        if self.p_value is not None:  # a test with a p-value drifts below its threshold
            p = self.p_value
            return self.threshold / p if p > 0 else math.inf
        return self.statistic / self.threshold if self.threshold else math.inf


@dataclass
class DriftReport:
    """Per-column drift, the share of drifted columns and the dataset's verdict."""

    columns: list[ColumnDrift]
    share_drifted: float
    dataset_drifted: bool
    dataset_share: float
    reference_rows: int
    current_rows: int
    missing_columns: list[str] = field(default_factory=list)

    @property
    def drifted_columns(self) -> list[str]:
        """Names of the drifted columns, most drifted first."""
        return [c.column for c in self.ordered() if c.drifted]

    def ordered(self) -> list[ColumnDrift]:
        """Columns with drifted ones first, then by how far past their threshold."""
        return sorted(self.columns, key=lambda c: (not c.drifted, -_finite(c.score)))

    def __getitem__(self, column: str) -> ColumnDrift:
        for result in self.columns:
            if result.column == column:
                return result
        raise KeyError(column)

    # --- serialisation -----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data (infinite statistics as the strings "Infinity"/"-Infinity")."""
        data = asdict(self)
        for column in data["columns"]:
            for key in ("statistic", "p_value"):
                column[key] = _json_float(column[key])
        return data

    def to_json(self, indent: int | None = None) -> str:
        """The report as strict JSON."""
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DriftReport:
        """Rebuild from `to_dict` output."""
        known = {f.name for f in fields(ColumnDrift)}
        columns = []
        for column in data["columns"]:
            values = {k: v for k, v in column.items() if k in known}
            for key in ("statistic", "p_value"):
                values[key] = _float(values.get(key))
            columns.append(ColumnDrift(**values))
        top = {f.name for f in fields(cls)} - {"columns"}
        return cls(columns=columns, **{k: v for k, v in data.items() if k in top})

    @classmethod
    def from_json(cls, text: str) -> DriftReport:
        """Rebuild from `to_json` output."""
        return cls.from_dict(json.loads(text))

    # --- display -----------------------------------------------------------------------

    def summary(self) -> str:
        """One line: the verdict and the drifted columns."""
        verdict = "drift" if self.dataset_drifted else "no dataset drift"
        names = ", ".join(self.drifted_columns) or "none"
        n = len(self.columns)
        return (
            f"{verdict}: {len(self.drifted_columns)} of {n} columns drifted "
            f"({self.share_drifted:.0%}, threshold {self.dataset_share:.0%}): {names}"
        )

    def __repr__(self) -> str:
        return f"<DriftReport {self.summary()}>"


def drift(
    reference: Any,
    current: Any,
    columns: list[str] | None = None,
    tests: str | dict[str, str] | None = None,
    thresholds: float | dict[str, float] | None = None,
    dataset_share: float = DATASET_SHARE,
    capacity: int = DEFAULT_CAPACITY,
) -> DriftReport:
    """Compare `current` with `reference` column by column.

    Each side is a pandas or Dask DataFrame, a CSV/Parquet path, a stored `Profile` (a reference
    without its data; coarser) or a `DataSummary`. `tests` overrides the automatic choice: one
    test name for every column it applies to, `{column: test}`, or `{"kind:numeric": test}` for
    every column of a kind (a column's own choice first); any test registered with
    `stat_test_registry.register_stat_test` is taken by name. `thresholds` is one number,
    or a dict by column or by test name. The dataset drifted when at least `dataset_share` of
    the columns did. Two columns of one frame with the same name are a `DuplicateColumnsError`
    (a ValueError); values up to the float limit (+-1.8e308) are compared like any others.
    """
    _check_options(tests, thresholds, dataset_share)
    ref = _summary(reference, columns, capacity, "reference")
    cur = _summary(current, columns, capacity, "current")
    names = [name for name in ref.columns if name in cur.columns]
    if columns is not None:
        unknown = [name for name in columns if name not in names]
        if unknown:
            raise MLOpsError(
                f"columns not on both sides: {', '.join(map(repr, unknown))}", field="columns"
            )
    missing = sorted(set(ref.columns) ^ set(cur.columns))
    results = [_column_drift(ref, cur, name, tests, thresholds) for name in names]
    drifted = sum(r.drifted for r in results)
    share = drifted / len(results) if results else 0.0
    return DriftReport(
        columns=results,
        share_drifted=share,
        dataset_drifted=bool(results) and share >= dataset_share,
        dataset_share=dataset_share,
        reference_rows=ref.n_rows,
        current_rows=cur.n_rows,
        missing_columns=missing,
    )


class DuplicateColumnsError(MLOpsError, ValueError):
    """A frame names two columns alike: which one a report row meant would be a guess."""


def _check_unique_columns(data: Any, side: str) -> None:
    names: Any = getattr(data, "columns", None)
    if not hasattr(names, "duplicated"):  # pandas and Dask frames; summaries key by name
        return
    # Summaries key columns by str(name): 1 and "1" would collide as well.
    seen = Counter(str(name) for name in names)
    duplicates = sorted(name for name, count in seen.items() if count > 1)
    if duplicates:
        raise DuplicateColumnsError(
            f"{side} has duplicate column names: {', '.join(map(repr, duplicates))}; "
            "rename them (e.g. frame.columns = [...]) before comparing",
            field=side,
        )


def _summary(data: Any, columns: list[str] | None, capacity: int, side: str) -> DataSummary:
    _check_unique_columns(data, side)
    try:
        return summarize(data, columns, capacity)
    except TypeError as exc:
        raise MLOpsError(str(exc), field=side) from None
    except KeyError as exc:
        raise MLOpsError(f"{side} has no column {exc.args[0]!r}", field="columns") from None


def _column_drift(
    ref: DataSummary,
    cur: DataSummary,
    name: str,
    tests: str | dict[str, str] | None,
    thresholds: float | dict[str, float] | None,
) -> ColumnDrift:
    reference, current = ref.columns[name], cur.columns[name]
    test, reason = choose_test(reference, current)
    key, chosen = _chosen(tests, name, reference.kind)
    if isinstance(tests, str) and not stat_test(tests).applies_to(reference, current):
        chosen = None  # one test for every column: only the columns it applies to
    if chosen is not None:
        test, reason = chosen, f"{chosen}, chosen by the caller"
        if key.startswith(KIND_PREFIX):
            reason += f" for {reference.kind} columns"
    threshold = _threshold(thresholds, name, test)
    try:
        result = run_test(test, reference, current, threshold)
    except ValueError as exc:
        raise MLOpsError(str(exc), field=f"tests.{key}") from None
    return ColumnDrift(
        column=name,
        kind=reference.kind,
        test=test,
        reason=reason,
        statistic=result.statistic,
        p_value=result.p_value,
        threshold=result.threshold,
        drifted=result.drifted,
        reference_count=reference.count,
        current_count=current.count,
        reference_missing=reference.n_missing,
        current_missing=current.n_missing,
        exact=reference.exact and current.exact,
        plot=plot_data(reference, current),
        noise=result.noise,
    )


def _chosen(tests: str | dict[str, str] | None, column: str, kind: str) -> tuple[str, str | None]:
    """The caller's test for a column and the key choosing it: the column's own, else its
    kind's (`kind:numeric`), else none (the automatic choice)."""
    if isinstance(tests, str):
        return column, tests
    for key in (column, KIND_PREFIX + kind):
        if key in (tests or {}):
            return key, (tests or {})[key]
    return column, None


def _threshold(thresholds: float | dict[str, float] | None, column: str, test: str) -> float:
    default = stat_test(test).threshold
    if thresholds is None:
        return default
    if isinstance(thresholds, (int, float)):
        return float(thresholds)
    if column in thresholds:
        return float(thresholds[column])
    return float(thresholds.get(test, default))


def _check_options(
    tests: str | dict[str, str] | None,
    thresholds: float | dict[str, float] | None,
    dataset_share: float,
) -> None:
    check_tests(tests)
    values = [thresholds] if isinstance(thresholds, (int, float)) else (thresholds or {}).values()
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise MLOpsError("thresholds must be numbers", field="thresholds")
        if not math.isfinite(value) or value < 0:
            raise MLOpsError("thresholds must be finite and >= 0", field="thresholds")
    if not 0 < dataset_share <= 1:
        raise MLOpsError("dataset_share must be in (0, 1]", field="dataset_share")


def _finite(value: float) -> float:
    return value if math.isfinite(value) else 1e300


def _json_float(value: float | None) -> float | str | None:
    if value is None or math.isfinite(value):
        return value
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def _float(value: Any) -> float | None:
    if value is None:
        return None
    return float(value)
