"""Metrics from merged partition statistics: overall, per slice, and their curves.

Classifier figures come from confusion counts (exact on any number of partitions); ROC AUC is
exact on an in-memory frame (scikit-learn's `roc_auc_score` on every row) and, on Dask, the
area under the curve of `ROC_BINS`-wide score histograms (said in the evaluation's notes).
"""

from __future__ import annotations

from typing import Any

from .partition_stats import OVERALL, PartitionStats


def confusion(groups: Any, key: str, group: str, classes: list[Any]) -> Any:
    """The confusion matrix (rows: true class, columns: predicted) of one group."""
    import numpy as np

    rows = groups[(groups["key"] == key) & (groups["group"] == group)]
    index = {_label(c): i for i, c in enumerate(classes)}
    matrix = np.zeros((len(classes), len(classes)))
    for y_true, y_pred, n in rows[["y_true", "y_pred", "n"]].itertuples(index=False):
        if _label(y_true) in index and _label(y_pred) in index:
            matrix[index[_label(y_true)], index[_label(y_pred)]] += n
    return matrix


def _label(value: Any) -> str:
    """Labels compared as text: 1, 1.0 and numpy's 1 are one class."""
    try:
        number = float(value)
        return str(int(number)) if number.is_integer() else str(number)
    except (TypeError, ValueError):
        return str(value)


def label_metrics(matrix: Any, positive: int | None) -> dict[str, float]:
    """Accuracy, precision, recall, F1 from a confusion matrix (of `positive`'s index for two
    classes, else macro averages)."""
    import numpy as np

    total = matrix.sum()
    tp = np.diag(matrix)
    predicted, actual = matrix.sum(axis=0), matrix.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted > 0, tp / predicted, 0.0)
        recall = np.where(actual > 0, tp / actual, 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    chosen: tuple[Any, ...]
    if positive is not None:
        chosen = (precision[positive], recall[positive], f1[positive])
    else:
        present = actual > 0
        chosen = tuple(
            float(v[present].mean()) if present.any() else 0.0 for v in (precision, recall, f1)
        )
    return {
        "accuracy": float(tp.sum() / total) if total else 0.0,
        "precision": float(chosen[0]),
        "recall": float(chosen[1]),
        "f1": float(chosen[2]),
        "n": float(total),
    }


def classifier_metrics(
    stats: PartitionStats, classes: list[Any], positive: int | None
) -> dict[str, float]:
    """Every overall classifier metric the statistics hold."""
    metrics = label_metrics(confusion(stats.groups, OVERALL, OVERALL, classes), positive)
    metrics.pop("n")
    if stats.n_scored:
        metrics["log_loss"] = stats.log_loss_sum / stats.n_scored
        metrics["brier"] = stats.brier_sum / stats.n_scored
        count, confidence, hits = stats.calibration
        metrics["calibration_error"] = float(abs(confidence - hits).sum() / count.sum())
        metrics["roc_auc"] = histogram_auc(stats, positive)
    return metrics


def histogram_auc(stats: PartitionStats, positive: int | None) -> float:
    """ROC AUC from the score histograms (binary: of the positive class; else one-vs-rest
    macro average over classes present)."""
    import numpy as np

    indices = [positive] if positive is not None else range(stats.roc_positive.shape[0])
    areas = []
    for index in indices:
        fpr, tpr = roc_points(stats, index)
        if fpr is not None:
            areas.append(float(np.trapezoid(tpr, fpr)))
    return float(np.mean(areas)) if areas else float("nan")


def roc_points(stats: PartitionStats, index: int) -> tuple[Any, Any]:
    """False and true positive rates at each histogram threshold, from 0 up to 1."""
    import numpy as np

    pos, neg = stats.roc_positive[index][::-1], stats.roc_negative[index][::-1]
    if pos.sum() == 0 or neg.sum() == 0:
        return None, None
    tpr = np.concatenate([[0.0], np.cumsum(pos) / pos.sum()])
    fpr = np.concatenate([[0.0], np.cumsum(neg) / neg.sum()])
    return fpr, tpr


def exact_auc(y_true: Any, proba: Any, classes: list[Any], positive: int | None) -> float:
    """scikit-learn's ROC AUC on every row (in-memory frames)."""
    import numpy as np
    from sklearn.metrics import roc_auc_score

    if positive is not None and len(classes) == 2:
        truth = np.asarray([_label(v) for v in y_true]) == _label(classes[positive])
        if truth.all() or not truth.any():
            return float("nan")
        return float(roc_auc_score(truth, np.asarray(proba)[:, positive]))
    labels = [_label(c) for c in classes]
    truth = np.asarray([_label(v) for v in y_true])
    try:
        return float(roc_auc_score(truth, np.asarray(proba), multi_class="ovr", labels=labels))
    except ValueError:
        return float("nan")


def slice_metrics_classifier(
    stats: PartitionStats, key: str, classes: list[Any], positive: int | None
) -> dict[str, dict[str, float]]:
    """Label metrics per value of slice column `key`."""
    groups = stats.groups
    values = sorted(groups.loc[groups["key"] == key, "group"].unique(), key=str)
    return {
        str(value): label_metrics(confusion(groups, key, value, classes), positive)
        for value in values
    }


def regression_figures(row: Any) -> dict[str, float]:
    """MAE, RMSE, R2, MAPE and n from one row of summed errors."""
    import math

    n = float(row["n"])
    if n == 0:
        return {"n": 0.0}
    mean = row["sum_y"] / n
    total = row["sum_y2"] - n * mean * mean
    return {
        "mae": float(row["sum_ae"] / n),
        "rmse": float(math.sqrt(row["sum_se"] / n)),
        "r2": float(1 - row["sum_se"] / total) if total > 0 else float("nan"),
        "mape": float(row["sum_ape"] / row["n_ape"]) if row["n_ape"] else float("nan"),
        "n": n,
    }


def regressor_metrics(stats: PartitionStats) -> dict[str, float]:
    """Overall MAE, RMSE, R2, MAPE."""
    groups = stats.groups
    row = groups[(groups["key"] == OVERALL)].iloc[0]
    metrics = regression_figures(row)
    metrics.pop("n")
    return metrics


def slice_metrics_regressor(stats: PartitionStats, key: str) -> dict[str, dict[str, float]]:
    """Regression figures per value of slice column `key`."""
    groups = stats.groups[stats.groups["key"] == key]
    return {str(row["group"]): regression_figures(row) for _, row in groups.iterrows()}
