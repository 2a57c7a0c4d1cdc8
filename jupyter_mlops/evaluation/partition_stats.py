"""Mergeable statistics of one partition's predictions: the engine of `evaluate` on any frame.

A pandas frame is one partition; a Dask frame gives one `PartitionStats` per partition, summed
with `merge`. Everything the metrics need is a count or a sum, so the merged figures equal those
of one pass over all rows: confusion counts per group (classifiers), sums of errors per group
(regressors), log-loss sums, calibration bins, and per-class score histograms (ROC on Dask).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .entities import CLASSIFIER

OVERALL = "__all__"
CALIBRATION_BINS = 10
ROC_BINS = 1000
EPS = 1e-15
REGRESSION_SUMS = ("n", "sum_y", "sum_y2", "sum_ae", "sum_se", "sum_ape", "n_ape")


@dataclass
class PartitionStats:
    """The sums of one or more partitions (see the module doc)."""

    model_type: str
    groups: Any  # DataFrame: key, group, y_true, y_pred, n  |  key, group, <REGRESSION_SUMS>
    n_rows: int = 0
    log_loss_sum: float = 0.0
    brier_sum: float = 0.0
    n_scored: int = 0
    calibration: Any = None  # (3, CALIBRATION_BINS): count, sum of confidence, sum of hits
    roc_positive: Any = None  # (n_classes, ROC_BINS): scores of rows of that class
    roc_negative: Any = None  # (n_classes, ROC_BINS): scores of the class, rows of others

    def merge(self, other: PartitionStats) -> PartitionStats:
        """The sums of both."""
        import pandas as pd

        keys = ["key", "group", "y_true", "y_pred"] if self.model_type == CLASSIFIER else [
            "key", "group"
        ]  # fmt: skip
        groups = pd.concat([self.groups, other.groups]).groupby(keys, dropna=False).sum()
        return PartitionStats(
            self.model_type,
            groups.reset_index(),
            self.n_rows + other.n_rows,
            self.log_loss_sum + other.log_loss_sum,
            self.brier_sum + other.brier_sum,
            self.n_scored + other.n_scored,
            _add(self.calibration, other.calibration),
            _add(self.roc_positive, other.roc_positive),
            _add(self.roc_negative, other.roc_negative),
        )


def _add(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def classifier_stats(
    y_true: Any,
    y_pred: Any,
    proba: Any,
    classes: list[Any] | None,
    group_columns: dict[str, Any],
) -> PartitionStats:
    """Counts and sums of one partition of a classifier's predictions.

    `group_columns` maps a slice or sensitive column's name to its values (aligned).
    """
    import numpy as np
    import pandas as pd

    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    frames = [_count(OVERALL, np.full(len(y_true), OVERALL, dtype=object), y_true, y_pred)]
    for key, values in group_columns.items():
        frames.append(_count(key, np.asarray(values, dtype=object), y_true, y_pred))
    stats = PartitionStats(CLASSIFIER, pd.concat(frames, ignore_index=True), len(y_true))
    if proba is not None and classes:
        _score_sums(stats, y_true, np.asarray(proba, dtype=float), classes)
    return stats


def _count(key: str, groups: Any, y_true: Any, y_pred: Any) -> Any:
    import pandas as pd

    frame = pd.DataFrame({"group": groups, "y_true": y_true, "y_pred": y_pred})
    frame["group"] = frame["group"].astype(str)
    counted = frame.groupby(["group", "y_true", "y_pred"], dropna=False).size()
    counted = counted.rename("n").reset_index()
    counted.insert(0, "key", key)
    return counted


def _score_sums(stats: PartitionStats, y_true: Any, proba: Any, classes: list[Any]) -> None:
    import numpy as np
    import pandas as pd

    codes = pd.Categorical(y_true, categories=classes).codes
    known = codes >= 0
    codes, proba = codes[known], proba[known]
    rows = np.arange(len(codes))
    stats.n_scored = len(codes)
    stats.log_loss_sum = float(-np.log(np.clip(proba[rows, codes], EPS, 1.0)).sum())
    if proba.shape[1] == 2:  # scikit-learn's binary Brier score: of the positive class
        stats.brier_sum = float(((proba[:, 1] - (codes == 1)) ** 2).sum())
    else:  # the multi-class Brier score: summed over classes
        onehot = np.zeros_like(proba)
        onehot[rows, codes] = 1.0
        stats.brier_sum = float(((proba - onehot) ** 2).sum(axis=1).sum())
    # Binary: the positive class's score against being positive; else confidence vs correct.
    if proba.shape[1] == 2:
        confidence, hits = proba[:, 1], (codes == 1).astype(float)
    else:
        confidence, hits = proba.max(axis=1), (proba.argmax(axis=1) == codes).astype(float)
    bins = np.minimum((confidence * CALIBRATION_BINS).astype(int), CALIBRATION_BINS - 1)
    calibration = np.zeros((3, CALIBRATION_BINS))
    np.add.at(calibration[0], bins, 1.0)
    np.add.at(calibration[1], bins, confidence)
    np.add.at(calibration[2], bins, hits)
    stats.calibration = calibration
    cells = np.minimum((proba * ROC_BINS).astype(int), ROC_BINS - 1)
    positive = np.zeros((proba.shape[1], ROC_BINS))
    negative = np.zeros((proba.shape[1], ROC_BINS))
    for index in range(proba.shape[1]):
        mine = codes == index
        positive[index] = np.bincount(cells[mine, index], minlength=ROC_BINS)
        negative[index] = np.bincount(cells[~mine, index], minlength=ROC_BINS)
    stats.roc_positive, stats.roc_negative = positive, negative


def regressor_stats(y_true: Any, y_pred: Any, group_columns: dict[str, Any]) -> PartitionStats:
    """Sums of errors of one partition of a regressor's predictions, overall and per group."""
    import numpy as np
    import pandas as pd

    y = np.asarray(y_true, dtype=float)
    error = np.asarray(y_pred, dtype=float) - y
    nonzero = y != 0
    ape = np.where(nonzero, np.abs(error) / np.where(nonzero, np.abs(y), 1.0), 0.0)
    base = pd.DataFrame(
        {
            "n": 1,
            "sum_y": y,
            "sum_y2": y * y,
            "sum_ae": np.abs(error),
            "sum_se": error * error,
            "sum_ape": ape,
            "n_ape": nonzero.astype(int),
        }
    )
    frames = []
    for key, values in [(OVERALL, np.full(len(y), OVERALL, dtype=object)), *group_columns.items()]:
        grouped = base.groupby(pd.Series(np.asarray(values, dtype=object)).astype(str).to_numpy())
        summed = grouped.sum().rename_axis("group").reset_index()
        summed.insert(0, "key", key)
        frames.append(summed)
    return PartitionStats("regressor", pd.concat(frames, ignore_index=True), len(y))
