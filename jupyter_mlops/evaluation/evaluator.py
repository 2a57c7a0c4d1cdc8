"""`jupyter_mlops.evaluate`: a model's metrics, slices, fairness and importance on a dataset.

The rows go through the model once: an in-memory frame as one partition, a Dask frame
partition by partition (each partition predicted and reduced to counts and sums where it lives,
then merged: see `partition_stats`). Permutation importance (scikit-learn's) runs on a sample
of at most `importance_rows` rows held in memory.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import reduce
from typing import Any

from ..core.errors import MLOpsError
from .entities import CLASSIFIER, MODEL_TYPES, Evaluation
from .partition_stats import PartitionStats, classifier_stats, regressor_stats

TARGET = "__mlops_target__"
EVALUATION_FILE = "evaluation/evaluation.json"
_UNSAFE = re.compile(r"[^\w\-.]+")


@dataclass
class _Plan:
    """How the frame's columns are used: the model's inputs, the target, the group columns."""

    features: list[str]
    target: str
    groups: list[str]
    slices: list[str]
    sensitive: list[str]


def evaluate(
    model: Any,
    data: Any,
    targets: Any,
    *,
    model_type: str = CLASSIFIER,
    slices: list[Any] | None = None,
    sensitive_features: list[Any] | None = None,
    positive_label: Any = None,
    importance: bool = True,
    importance_rows: int = 5000,
    n_repeats: int = 5,
    batch_rows: int = 500,
    log: bool = True,
    run_id: str | None = None,
    random_state: int = 0,
) -> Evaluation:
    """Evaluate `model` on `data` against `targets` and (with `log`) record it in a run.

    - `model`: a fitted estimator, `"models:/NAME@ALIAS"` / `"NAME/3"` (a registered version,
      loaded here), `"endpoint:NAME"` or an endpoint URL (rows sent in batches of `batch_rows`;
      the evaluation also gives `latency_ms`).
    - `data`: a pandas or Dask DataFrame; `targets`: a column of it, or aligned values.
    - `slices` / `sensitive_features`: column names of `data` or aligned Series. They group the
      rows and reach the model only when its input schema names them.
    - `positive_label`: the class selection rate, precision and recall are about (two classes:
      default the second of the model's classes).

    Logged (into `run_id`, the active run, else a new run): the metrics as `eval_<name>`, the
    whole evaluation as `evaluation/evaluation.json`, and plotly figures under `figures/`.
    """
    if model_type not in MODEL_TYPES:
        raise MLOpsError(f"model_type must be one of {', '.join(MODEL_TYPES)}", field="model_type")
    from .predictors import EndpointPredictor, EstimatorPredictor, resolve_predictor

    predictor = resolve_predictor(model, batch_rows)
    is_dask = hasattr(data, "npartitions") and hasattr(data, "map_partitions")
    frame, plan = _plan(data, targets, slices or [], sensitive_features or [], predictor)
    if is_dask:
        from dask.base import compute
        from dask.delayed import delayed

        parts = frame.to_delayed()
        pieces = compute(
            *[delayed(_partition_stats)(part, predictor, plan, model_type) for part in parts]
        )
        stats = reduce(PartitionStats.merge, [piece for piece, _ in pieces])
        exact = None
    else:
        stats, exact = _partition_stats(frame, predictor, plan, model_type, keep=True)
    evaluation = Evaluation(
        model_type=model_type,
        n_rows=stats.n_rows,
        metrics={},
        engine="dask" if is_dask else "pandas",
        model=predictor.label,
    )
    positive = _finish(evaluation, stats, exact, predictor, plan, positive_label)
    if importance and isinstance(predictor, EstimatorPredictor):
        evaluation.importance = _importance(
            predictor, frame, plan, model_type, importance_rows, n_repeats, random_state, is_dask
        )
        if is_dask:
            evaluation.notes.append(
                f"permutation importance on a sample of at most {importance_rows} rows"
            )
    if isinstance(predictor, EndpointPredictor) and predictor.latencies_ms:
        evaluation.latency_ms = _latency(predictor.latencies_ms)
    if is_dask and "roc_auc" in evaluation.metrics:
        evaluation.notes.append("ROC AUC from 1000-bin score histograms merged over partitions")
    from .figures import evaluation_figures

    evaluation.figures = evaluation_figures(evaluation, stats, positive)
    if log:
        evaluation.run_id = log_evaluation(evaluation, run_id)
    return evaluation


def _plan(
    data: Any, targets: Any, slices: list[Any], sensitive: list[Any], predictor: Any
) -> tuple[Any, _Plan]:
    """The frame with target and group columns attached, and which column plays which part."""
    if not hasattr(data, "columns"):
        raise MLOpsError("data must be a pandas or Dask DataFrame", field="data")
    frame = data
    columns = [str(c) for c in data.columns]
    if isinstance(targets, str):
        if targets not in columns:
            raise MLOpsError(f"targets: no column {targets!r} in data", field="targets")
        target = targets
    else:
        frame = frame.assign(**{TARGET: _aligned(targets, data, "targets")})
        target = TARGET
    names: dict[str, list[str]] = {"slices": [], "sensitive_features": []}
    for field_name, given in (("slices", slices), ("sensitive_features", sensitive)):
        for index, item in enumerate(given):
            if isinstance(item, str):
                if item not in columns:
                    raise MLOpsError(f"{field_name}: no column {item!r} in data", field=field_name)
                names[field_name].append(item)
            else:
                name = str(getattr(item, "name", None) or f"{field_name}_{index}")
                frame = frame.assign(**{name: _aligned(item, data, field_name)})
                names[field_name].append(name)
    groups = list(dict.fromkeys(names["slices"] + names["sensitive_features"]))
    if predictor.features is not None:
        missing = [c for c in predictor.features if c not in frame.columns]
        if missing:
            raise MLOpsError(
                f"data lacks the model's input columns {', '.join(missing[:10])}", field="data"
            )
        features = list(predictor.features)
    else:
        features = [c for c in columns if c != target and c not in groups]
    plan = _Plan(features, target, groups, names["slices"], names["sensitive_features"])
    return frame, plan


def _aligned(values: Any, data: Any, field: str) -> Any:
    """Values given beside `data`: a Series keeps its index; anything else is positional."""
    import numpy as np
    import pandas as pd

    if hasattr(data, "npartitions"):
        if not hasattr(values, "npartitions"):
            raise MLOpsError(
                f"{field}: with a Dask frame, give a column name or a Dask Series", field=field
            )
        return values
    if isinstance(values, pd.Series):
        if len(values) != len(data):
            raise MLOpsError(f"{field}: {len(values)} values for {len(data)} rows", field=field)
        return values.set_axis(data.index) if not values.index.equals(data.index) else values
    array = np.asarray(values)
    if array.ndim != 1 or len(array) != len(data):
        raise MLOpsError(f"{field}: one value per row of data ({len(data)})", field=field)
    return pd.Series(array, index=data.index)


def _partition_stats(
    part: Any, predictor: Any, plan: _Plan, model_type: str, keep: bool = False
) -> tuple[PartitionStats, Any]:
    """One partition's statistics (and, with `keep`, its targets and scores for exact AUC)."""
    y_true = part[plan.target].to_numpy()
    groups = {column: part[column].to_numpy() for column in plan.groups}
    if len(part) == 0:
        y_pred, proba = y_true[:0], None
    else:
        y_pred, proba = predictor.predict(part[plan.features])
    if model_type == CLASSIFIER:
        stats = classifier_stats(y_true, y_pred, proba, predictor.classes, groups)
    else:
        stats = regressor_stats(y_true, y_pred, groups)
    return stats, ((y_true, proba) if keep else None)


def _finish(
    evaluation: Evaluation,
    stats: PartitionStats,
    exact: Any,
    predictor: Any,
    plan: _Plan,
    positive_label: Any,
) -> int | None:
    """Fill metrics, slices and fairness; returns the positive class's index (two classes)."""
    from . import fairness, metrics

    if evaluation.model_type != CLASSIFIER:
        evaluation.metrics = metrics.regressor_metrics(stats)
        for column in plan.slices:
            evaluation.slices[column] = metrics.slice_metrics_regressor(stats, column)
        for column in plan.sensitive:
            evaluation.fairness[column] = fairness.regressor_fairness(stats, column)
        return None
    classes = predictor.classes or sorted(
        {*stats.groups["y_true"].tolist(), *stats.groups["y_pred"].tolist()}, key=str
    )
    evaluation.classes = [_plain(c) for c in classes]
    positive = None
    if len(classes) == 2:
        labels = [metrics._label(c) for c in classes]
        wanted = metrics._label(positive_label) if positive_label is not None else labels[1]
        if wanted not in labels:
            raise MLOpsError(
                f"positive_label {positive_label!r} is not one of the classes {classes}",
                field="positive_label",
            )
        positive = labels.index(wanted)
    elif positive_label is not None:
        labels = [metrics._label(c) for c in classes]
        if metrics._label(positive_label) in labels:
            positive = labels.index(metrics._label(positive_label))
    evaluation.metrics = metrics.classifier_metrics(stats, classes, positive)
    if exact is not None and exact[1] is not None and "roc_auc" in evaluation.metrics:
        evaluation.metrics["roc_auc"] = metrics.exact_auc(exact[0], exact[1], classes, positive)
    for column in plan.slices:
        evaluation.slices[column] = metrics.slice_metrics_classifier(
            stats, column, classes, positive
        )
    if plan.sensitive:
        chosen = classes[positive] if positive is not None else classes[-1]
        if positive is None:
            evaluation.notes.append(f"fairness: class {chosen!r} against the rest")
        for column in plan.sensitive:
            evaluation.fairness[column] = fairness.classifier_fairness(stats, column, chosen)
    return positive


def _plain(value: Any) -> Any:
    """A numpy scalar as its Python value (for JSON)."""
    return value.item() if hasattr(value, "item") else value


def _importance(
    predictor: Any,
    frame: Any,
    plan: _Plan,
    model_type: str,
    rows: int,
    n_repeats: int,
    random_state: int,
    is_dask: bool,
) -> dict[str, dict[str, float]]:
    """scikit-learn's permutation importance on at most `rows` rows."""
    from sklearn.inspection import permutation_importance

    columns = [*plan.features, plan.target]
    if is_dask:
        total = int(frame.shape[0].compute()) if hasattr(frame.shape[0], "compute") else 0
        fraction = min(1.0, rows / total) if total else 1.0
        sample = frame[columns].sample(frac=fraction, random_state=random_state).compute()
    else:
        sample = frame[columns]
        if len(sample) > rows:
            sample = sample.sample(n=rows, random_state=random_state)
    if len(sample) == 0:
        return {}
    scoring = "accuracy" if model_type == CLASSIFIER else "neg_root_mean_squared_error"
    result = permutation_importance(
        predictor.estimator,
        sample[plan.features],
        sample[plan.target],
        scoring=scoring,
        n_repeats=n_repeats,
        random_state=random_state,
    )
    return {
        str(name): {"mean": float(mean), "std": float(std)}
        for name, mean, std in zip(
            plan.features, result.importances_mean, result.importances_std, strict=True
        )
    }


def _latency(latencies: list[float]) -> dict[str, float]:
    import numpy as np

    values = np.asarray(latencies)
    return {
        "p50": float(np.percentile(values, 50)),
        "p99": float(np.percentile(values, 99)),
        "mean": float(values.mean()),
        "batches": float(len(values)),
    }


def log_evaluation(evaluation: Evaluation, run_id: str | None = None) -> str:
    """Record `evaluation` in `run_id`, else the active run, else a new run; returns its id."""
    from ..tracking import fluent
    from ..tracking.logging_artifacts import FIGURES_FOLDER, log_text

    started = None
    if run_id is None:
        active = fluent.active_run()
        if active is None:
            started = fluent.start_run(name=f"evaluate {evaluation.model or 'model'}")
            run_id = started.get().run_id
        else:
            run_id = active.get().run_id
    try:
        evaluation.run_id = run_id
        numbers = {
            f"eval_{key}": value
            for key, value in evaluation.metrics.items()
            if value == value  # NaN is not a metric value
        }
        if evaluation.latency_ms:
            numbers.update({f"eval_latency_{k}_ms": v for k, v in evaluation.latency_ms.items()})
        fluent.log_metrics(numbers, run_id=run_id)
        fluent.flush()
        summary = json.dumps(evaluation.to_dict(figures=False), default=str)
        log_text(summary, EVALUATION_FILE, run_id)
        for name, figure in evaluation.figures.items():
            safe = _UNSAFE.sub("_", name)
            log_text(json.dumps(figure), f"{FIGURES_FOLDER}/eval_{safe}.json", run_id)
    finally:
        if started is not None:
            fluent.end_run()
    return run_id
