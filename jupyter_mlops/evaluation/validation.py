"""`jupyter_mlops.validate(data, constraints)`: the violations of each column.

Every check is a count (missing values, out-of-range values, unknown categories, duplicates,
wrong type), so a Dask frame is checked in one `compute` without collecting its rows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ..core.errors import MLOpsError
from .constraint_set import Constraints


@dataclass
class Violation:
    """One failed check of one column: `n` rows of `n_rows` broke it."""

    check: str
    detail: str
    n: int = 0
    share: float = 0.0


@dataclass
class ValidationReport:
    """The violations per column (a missing required column is a `missing` violation)."""

    n_rows: int
    violations: dict[str, list[Violation]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether nothing was violated."""
        return not any(self.violations.values())

    @property
    def n_violations(self) -> int:
        """How many checks failed."""
        return sum(len(v) for v in self.violations.values())

    def raise_if_invalid(self, field: str = "data") -> ValidationReport:
        """Raise a 400 `MLOpsError` (naming `field`) listing the violations; else return self.
        A job notebook's first cell calls it to fail early on bad input."""
        if not self.ok:
            raise MLOpsError(f"invalid {field}: {self.summary()}", field=field)
        return self

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "ok": self.ok,
            "n_rows": self.n_rows,
            "violations": {k: [asdict(v) for v in vs] for k, vs in self.violations.items() if vs},
        }

    def summary(self) -> str:
        """One line per failed check."""
        if self.ok:
            return f"{self.n_rows} rows: no violation"
        return "; ".join(
            f"{column}: {v.detail}" for column, found in self.violations.items() for v in found
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{c}</td><td>{v.check}</td><td>{v.detail}</td></tr>"
            for c, found in self.violations.items()
            for v in found
        )
        state = "valid" if self.ok else "violations"
        return f"<b>{state}</b> ({self.n_rows} rows)<table>{rows}</table>"


def validate(data: Any, constraints: Any) -> ValidationReport:
    """Check `data` (pandas or Dask) against `constraints` (a `Constraints`, its dict,
    YAML/JSON text, or a registered version's: `models:/NAME/VERSION`, `models:/NAME@ALIAS`);
    returns the violations per column."""
    import pandas as pd

    rules = _as_constraints(constraints)
    if not hasattr(data, "columns"):
        raise MLOpsError("data must be a pandas or Dask DataFrame", field="data")
    present = {str(c) for c in data.columns}
    report = ValidationReport(n_rows=0)
    counts: dict[tuple[str, str], Any] = {("", "rows"): data.shape[0]}
    for name in rules.required:
        if name not in present:
            report.violations.setdefault(name, []).append(
                Violation("missing", "required column is missing")
            )
    for name, rule in rules.columns.items():
        if name not in present:
            continue
        column = data[name]
        counts[(name, "missing")] = column.isna().sum()
        numeric = pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(
            column.dtype
        )
        if rule.type == "numeric" and not numeric:
            report.violations.setdefault(name, []).append(
                Violation("type", f"expected numbers, got dtype {column.dtype}")
            )
        elif numeric:
            if rule.min is not None:
                counts[(name, "below")] = (column < rule.min).sum()
            if rule.max is not None:
                counts[(name, "above")] = (column > rule.max).sum()
        if rule.allowed is not None:
            allowed = list(rule.allowed) + [str(v) for v in rule.allowed]
            counts[(name, "unknown")] = (
                ~column.isna() & ~column.astype(str).isin([str(v) for v in allowed])
            ).sum()
        if rule.unique:
            counts[(name, "distinct")] = column.nunique()
            counts[(name, "present")] = ~column.isna().sum()
    values = _compute(counts)
    n_rows = int(values[("", "rows")])
    report.n_rows = n_rows
    for (name, kind), value in values.items():
        if not name:
            continue
        rule = rules.columns[name]
        count = int(value)
        found = _violation(
            kind, count, n_rows, rule, values.get((name, "present")), rules.tolerance
        )
        if found is not None:
            report.violations.setdefault(name, []).append(found)
    return report


def _violation(
    kind: str, count: int, n_rows: int, rule: Any, present: Any, tolerance: float
) -> Violation | None:
    share = count / n_rows if n_rows else 0.0
    if kind in ("below", "above", "unknown") and share <= tolerance:
        return None  # within the share of stragglers the constraints allow
    if kind == "missing" and rule.completeness is not None:
        complete = 1 - share
        if complete + 1e-9 < rule.completeness:
            return Violation(
                "completeness",
                f"{count} missing ({share:.1%}); at least {rule.completeness:.1%} must be present",
                count,
                share,
            )
    elif kind == "below" and count:
        return Violation("range", f"{count} values below {rule.min:g}", count, share)
    elif kind == "above" and count:
        return Violation("range", f"{count} values above {rule.max:g}", count, share)
    elif kind == "unknown" and count:
        return Violation("category", f"{count} values not in the allowed categories", count, share)
    elif kind == "distinct" and present is not None and count < int(present):
        duplicates = int(present) - count
        return Violation(
            "unique", f"{duplicates} duplicated values", duplicates, duplicates / max(n_rows, 1)
        )
    return None


def _compute(counts: dict[tuple[str, str], Any]) -> dict[tuple[str, str], Any]:
    """Dask counts in one pass; plain values as they are."""
    lazy = {k: v for k, v in counts.items() if hasattr(v, "dask")}
    if not lazy:
        return counts
    from dask.base import compute

    results = compute(*lazy.values())
    return {**counts, **dict(zip(lazy, results, strict=True))}


def _as_constraints(value: Any) -> Constraints:
    if isinstance(value, Constraints):
        return value
    if isinstance(value, str) and value.startswith("models:/"):
        from .version_refs import carried_constraints, version_ref

        carried = carried_constraints(version_ref(value))
        if carried is None:
            raise MLOpsError(f"{value} carries no constraints", field="constraints")
        return _as_constraints(carried)
    if isinstance(value, str):
        return Constraints.from_text(value)
    if isinstance(value, dict):
        return Constraints.from_dict(value)
    raise MLOpsError("constraints: a Constraints, a dict, or YAML/JSON text", field="constraints")
