"""Fairness per sensitive feature, with fairlearn's `MetricFrame` as the engine.

A classifier's rows are first counted per `(group, true label, predicted label)` (the merged
partition statistics), and `MetricFrame` runs on those counts with the counts as sample weights:
the same figures as on every row, whatever the number of partitions. Labels are made binary
(the positive class against the rest) so selection rate, TPR and FPR are defined for any
number of classes. A regressor's groups are compared on MAE and mean prediction error from the
summed errors (MetricFrame needs rows, which a merged Dask evaluation no longer has).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from .entities import GroupFairness
from .metrics import _label, regression_figures
from .partition_stats import PartitionStats

CLASSIFIER_MEASURES = ("selection_rate", "true_positive_rate", "false_positive_rate", "accuracy")


def classifier_fairness(stats: PartitionStats, key: str, positive_label: Any) -> GroupFairness:
    """Selection rate, TPR, FPR and accuracy per group of `key`; differences and ratios."""
    import numpy as np
    from fairlearn.metrics import (
        MetricFrame,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )
    from sklearn.metrics import accuracy_score

    rows = stats.groups[stats.groups["key"] == key]
    positive = _label(positive_label)
    y_true = np.asarray([_label(v) == positive for v in rows["y_true"]], dtype=int)
    y_pred = np.asarray([_label(v) == positive for v in rows["y_pred"]], dtype=int)
    weights = rows["n"].to_numpy(dtype=float)
    metrics = {
        "selection_rate": partial(selection_rate, pos_label=1),
        "true_positive_rate": partial(true_positive_rate, pos_label=1),
        "false_positive_rate": partial(false_positive_rate, pos_label=1),
        "accuracy": accuracy_score,
    }
    frame = MetricFrame(
        metrics=metrics,
        y_true=y_true,
        y_pred=y_pred,
        sensitive_features=rows["group"].astype(str).to_numpy(),
        sample_params={name: {"sample_weight": weights} for name in metrics},
    )
    by_group = {
        str(group): {name: float(value) for name, value in values.items()}
        for group, values in frame.by_group.iterrows()
    }
    counts = rows.groupby("group")["n"].sum()
    for group, values in by_group.items():
        values["n"] = float(counts.get(group, 0))
    return GroupFairness(
        by_group=by_group,
        difference={k: float(v) for k, v in frame.difference().items()},
        ratio={k: float(v) for k, v in frame.ratio().items()},
    )


def regressor_fairness(stats: PartitionStats, key: str) -> GroupFairness:
    """MAE, RMSE and mean error per group of `key`; max - min and min / max over groups."""
    rows = stats.groups[stats.groups["key"] == key]
    by_group: dict[str, dict[str, float]] = {}
    for _, row in rows.iterrows():
        figures = regression_figures(row)
        by_group[str(row["group"])] = {
            "mae": figures.get("mae", float("nan")),
            "rmse": figures.get("rmse", float("nan")),
            "n": figures["n"],
        }
    difference, ratio = {}, {}
    for measure in ("mae", "rmse"):
        values = [g[measure] for g in by_group.values() if g["n"] > 0]
        if values:
            difference[measure] = max(values) - min(values)
            ratio[measure] = min(values) / max(values) if max(values) > 0 else 1.0
    return GroupFairness(by_group, difference, ratio)
