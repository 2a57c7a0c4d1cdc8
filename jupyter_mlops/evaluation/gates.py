"""The gates: each compares a candidate version with the served one, or with a budget.

`run_gates` evaluates both versions on the holdout once and then checks, in order: schema,
holdout metric, slices, fairness, data validation, latency. `progress(fraction)` is called
after each step. A gate whose threshold is unset is skipped (passed None).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..core.errors import MLOpsError
from .entities import LOWER_IS_BETTER, REGRESSOR, Evaluation
from .gate_spec import GateSpec
from .store import GateResult

if TYPE_CHECKING:
    from ..serving.entities import StoredInputSchema


def read_holdout(spec: GateSpec) -> Any:
    """The holdout rows (Parquet, else CSV)."""
    import pandas as pd

    if not spec.holdout or not spec.target:
        raise MLOpsError("the gates need a holdout file and its target column", field="holdout")
    path = spec.holdout
    frame = pd.read_csv(path) if path.endswith(".csv") else pd.read_parquet(path)
    if spec.target not in frame.columns:
        raise MLOpsError(f"the holdout has no column {spec.target!r}", field="target")
    return frame


def schema_gate(candidate: StoredInputSchema, served: StoredInputSchema | None) -> GateResult:
    """The candidate takes only columns the served version takes, with the same dtypes where
    both know them (so today's callers' payloads still fit)."""
    if served is None:
        return GateResult("schema", None, "no served version to compare with")
    mine = {c["name"]: c.get("dtype") for c in candidate.get("columns", [])}
    theirs = {c["name"]: c.get("dtype") for c in served.get("columns", [])}
    if bool(candidate.get("named")) != bool(served.get("named")):
        return GateResult("schema", False, "one takes named columns, the other positions")
    extra = sorted(set(mine) - set(theirs))
    changed = sorted(
        name
        for name in set(mine) & set(theirs)
        if mine[name] and theirs[name] and mine[name] != theirs[name]
    )
    passed = not extra and not changed
    detail = (
        "compatible"
        if passed
        else (f"new columns {extra}" if extra else "")
        + (f" changed dtypes {changed}" if changed else "")
    )
    return GateResult("schema", passed, detail.strip(), {"new": extra, "changed": changed})


def _better_or_equal(metric: str, candidate: float, served: float, tolerance: float) -> bool:
    if metric in LOWER_IS_BETTER:
        return candidate <= served + tolerance
    return candidate >= served - tolerance


def metric_gate(spec: GateSpec, candidate: Evaluation, served: Evaluation | None) -> GateResult:
    """The candidate's holdout metric is at least the served one's minus the tolerance."""
    metric = spec.metric or candidate.main_metric
    if spec.tolerance is None:
        return GateResult("holdout_metric", None, "no tolerance declared")
    if metric not in candidate.metrics:
        raise MLOpsError(f"unknown metric {metric!r}", field="metric")
    mine = candidate.metrics[metric]
    if served is None:
        return GateResult(
            "holdout_metric",
            None,
            f"{metric} {mine:.4f}; nothing served yet",
            {"metric": metric, "candidate": mine},
        )
    theirs = served.metrics[metric]
    passed = _better_or_equal(metric, mine, theirs, spec.tolerance)
    detail = f"{metric} {mine:.4f} vs served {theirs:.4f} (tolerance {spec.tolerance:g})"
    values = {"metric": metric, "candidate": mine, "served": theirs, "tolerance": spec.tolerance}
    return GateResult("holdout_metric", passed, detail, values)


def slice_gate(spec: GateSpec, candidate: Evaluation, served: Evaluation | None) -> GateResult:
    """No slice of the candidate is worse than the served version's by more than allowed."""
    if spec.max_slice_drop is None or not spec.slices:
        return GateResult("slices", None, "no slice threshold declared")
    if served is None:
        return GateResult("slices", None, "nothing served yet")
    metric = spec.slice_metric or ("rmse" if candidate.model_type == REGRESSOR else "accuracy")
    worse = []
    compared: dict[str, Any] = {}
    for column in spec.slices:
        for value, figures in candidate.slices.get(column, {}).items():
            before = served.slices.get(column, {}).get(value, {}).get(metric)
            if before is None or metric not in figures:
                continue
            compared[f"{column}={value}"] = {"candidate": figures[metric], "served": before}
            if not _better_or_equal(metric, figures[metric], before, spec.max_slice_drop):
                worse.append(f"{column}={value}: {figures[metric]:.4f} vs {before:.4f}")
    detail = ("worse slices: " + "; ".join(worse)) if worse else f"no slice {metric} dropped more"
    return GateResult("slices", not worse, detail, {"metric": metric, "slices": compared})


def fairness_gate(spec: GateSpec, candidate: Evaluation) -> GateResult:
    """Each sensitive feature's gap (max - min over groups) stays under the threshold."""
    if spec.max_fairness_difference is None or not spec.sensitive_features:
        return GateResult("fairness", None, "no fairness threshold declared")
    over, values = [], {}
    for column in spec.sensitive_features:
        gap = candidate.fairness[column].difference.get(spec.fairness_metric)
        if gap is None:
            raise MLOpsError(
                f"no fairness measure {spec.fairness_metric!r}", field="fairness_metric"
            )
        values[column] = gap
        if gap > spec.max_fairness_difference:
            over.append(f"{column}: {spec.fairness_metric} difference {gap:.4f}")
    detail = "; ".join(over) if over else f"differences under {spec.max_fairness_difference:g}"
    return GateResult("fairness", not over, detail, values)


def validation_gate(spec: GateSpec, holdout: Any, constraints: Any) -> GateResult:
    """The holdout satisfies the candidate's data constraints."""
    from .validation import validate

    if not spec.validate_data:
        return GateResult("data_validation", None, "not asked")
    if constraints is None:
        return GateResult("data_validation", None, "the version carries no constraints")
    report = validate(holdout, constraints)
    return GateResult("data_validation", report.ok, report.summary(), report.to_dict())


def latency_gate(spec: GateSpec, model_ref: str, holdout: Any, features: list[str]) -> GateResult:
    """The version, started on a free port, answers under its p99 budget at the given load."""
    from .latency import measure_latency

    if spec.max_p99_ms is None:
        return GateResult("latency", None, "no latency budget declared")
    sample = holdout[features].head(spec.load_rows)
    rows = sample.astype(object).where(sample.notna(), None).to_dict(orient="records")
    figures = measure_latency(model_ref, rows, spec.load_requests, spec.load_concurrency)
    passed = figures["p99_ms"] <= spec.max_p99_ms
    detail = (
        f"p99 {figures['p99_ms']:.1f} ms {'<=' if passed else '>'} {spec.max_p99_ms:g} ms "
        f"({spec.load_requests} requests, {spec.load_concurrency} at once)"
    )
    return GateResult("latency", passed, detail, figures)


def run_gates(
    spec: GateSpec,
    candidate_ref: str,
    served_ref: str | None,
    candidate_schema: StoredInputSchema,
    served_schema: StoredInputSchema | None,
    constraints: Any,
    progress: Callable[[float], None] = lambda _f: None,
) -> tuple[list[GateResult], Evaluation, Evaluation | None]:
    """Every gate of `spec` for the candidate against the served version, and the two
    evaluations compared (the served one None when nothing is served)."""
    from .evaluator import evaluate

    holdout = read_holdout(spec)
    results = [schema_gate(candidate_schema, served_schema)]
    progress(0.1)
    groups = list(dict.fromkeys(spec.slices + spec.sensitive_features))
    options: dict[str, Any] = {
        "model_type": spec.model_type,
        "slices": spec.slices,
        "sensitive_features": spec.sensitive_features,
        "positive_label": spec.positive_label,
        "importance": False,
        "log": False,
    }
    candidate = evaluate(candidate_ref, holdout, spec.target, **options)
    progress(0.35)
    served = evaluate(served_ref, holdout, spec.target, **options) if served_ref else None
    progress(0.6)
    results += [
        metric_gate(spec, candidate, served),
        slice_gate(spec, candidate, served),
        fairness_gate(spec, candidate),
    ]
    features = [c for c in holdout.columns if c != spec.target and c not in groups]
    from .predictors import schema_features

    features = schema_features(candidate_schema) or features
    results.append(validation_gate(spec, holdout[features], constraints))
    progress(0.7)
    results.append(latency_gate(spec, candidate_ref, holdout, features))
    progress(0.95)
    return results, candidate, served
