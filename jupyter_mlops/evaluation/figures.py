"""Plotly figures of an evaluation, as figure JSON (what the Lab's plotly views draw)."""

from __future__ import annotations

import json
from typing import Any

from .entities import Evaluation
from .metrics import confusion, roc_points
from .partition_stats import OVERALL, PartitionStats


def _json(figure: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(figure.to_json())
    return data


def evaluation_figures(
    evaluation: Evaluation, stats: PartitionStats, positive: int | None
) -> dict[str, dict[str, Any]]:
    """Confusion matrix, ROC, calibration (classifiers), importance and per-group bars."""
    import plotly.graph_objects as go

    figures: dict[str, dict[str, Any]] = {}
    classes = evaluation.classes or []
    if classes:
        matrix = confusion(stats.groups, OVERALL, OVERALL, classes)
        names = [str(c) for c in classes]
        figure = go.Figure(go.Heatmap(z=matrix.tolist(), x=names, y=names, colorscale="Blues"))
        figure.update_layout(title="Confusion matrix", xaxis_title="predicted", yaxis_title="true")
        figures["confusion_matrix"] = _json(figure)
    if stats.roc_positive is not None:
        figure = go.Figure()
        indices = [positive] if positive is not None else range(len(classes))
        for index in indices:
            fpr, tpr = roc_points(stats, index)
            if fpr is not None:
                figure.add_scatter(x=fpr.tolist(), y=tpr.tolist(), name=str(classes[index]))
        figure.add_scatter(x=[0, 1], y=[0, 1], name="chance", line={"dash": "dot"})
        figure.update_layout(
            title="ROC curve", xaxis_title="false positive rate", yaxis_title="true positive rate"
        )
        figures["roc"] = _json(figure)
        count, confidence, hits = stats.calibration
        seen = count > 0
        figure = go.Figure()
        figure.add_scatter(
            x=(confidence[seen] / count[seen]).tolist(),
            y=(hits[seen] / count[seen]).tolist(),
            mode="lines+markers",
            name="model",
        )
        figure.add_scatter(x=[0, 1], y=[0, 1], name="perfect", line={"dash": "dot"})
        figure.update_layout(
            title="Calibration", xaxis_title="mean predicted", yaxis_title="observed share"
        )
        figures["calibration"] = _json(figure)
    if evaluation.importance:
        ranked = sorted(evaluation.importance.items(), key=lambda item: item[1]["mean"])
        figure = go.Figure(
            go.Bar(
                x=[v["mean"] for _, v in ranked],
                y=[k for k, _ in ranked],
                error_x={"array": [v["std"] for _, v in ranked]},
                orientation="h",
            )
        )
        figure.update_layout(title="Permutation importance", xaxis_title="score drop")
        figures["importance"] = _json(figure)
    for column, fairness in evaluation.fairness.items():
        groups = list(fairness.by_group)
        measures = [m for m in next(iter(fairness.by_group.values()), {}) if m != "n"]
        figure = go.Figure(
            [
                go.Bar(name=m, x=groups, y=[fairness.by_group[g][m] for g in groups])
                for m in measures
            ]
        )
        figure.update_layout(title=f"By group: {column}", barmode="group")
        figures[f"groups_{column}"] = _json(figure)
    return figures
