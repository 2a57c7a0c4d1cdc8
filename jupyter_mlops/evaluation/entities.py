"""What an evaluation returns, as data that round-trips through JSON (rendering is apart)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

CLASSIFIER = "classifier"
REGRESSOR = "regressor"
MODEL_TYPES = (CLASSIFIER, REGRESSOR)


@dataclass
class GroupFairness:
    """Fairness of one sensitive feature: per-group figures, and the gap between groups.

    `by_group[group][metric]`; `difference[metric]` is max - min over groups and
    `ratio[metric]` min / max (1.0 is parity), as fairlearn's `MetricFrame` reports them.
    """

    by_group: dict[str, dict[str, float]]
    difference: dict[str, float]
    ratio: dict[str, float]


@dataclass
class Evaluation:
    """An evaluation of one model on one dataset.

    `metrics` are over every row; `slices[column][value]` the same metrics per slice value
    (with `n`, the rows in it); `fairness[column]` per sensitive feature; `importance[feature]`
    the permutation importance `{"mean", "std"}` (the drop of the main metric);
    `latency_ms` (`p50`, `p99`, `mean`) when an endpoint was evaluated; `figures` are plotly
    figure JSON by name; `notes` say what was approximated and why.
    """

    model_type: str
    n_rows: int
    metrics: dict[str, float]
    slices: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    fairness: dict[str, GroupFairness] = field(default_factory=dict)
    importance: dict[str, dict[str, float]] = field(default_factory=dict)
    latency_ms: dict[str, float] | None = None
    classes: list[Any] | None = None
    engine: str = "pandas"
    model: str | None = None
    run_id: str | None = None
    notes: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def main_metric(self) -> str:
        """The metric gates compare by default: ROC AUC / accuracy, or RMSE."""
        if self.model_type == REGRESSOR:
            return "rmse"
        return "roc_auc" if "roc_auc" in self.metrics else "accuracy"

    def to_dict(self, figures: bool = True) -> dict[str, Any]:
        """JSON-ready dict; `figures=False` leaves the plotly figures out."""
        data = asdict(self)
        if not figures:
            data.pop("figures")
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Evaluation:
        """Rebuild from `to_dict` output."""
        values = dict(data)
        values["fairness"] = {
            key: GroupFairness(**value) for key, value in (values.get("fairness") or {}).items()
        }
        return cls(**values)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{key}</td><td>{value:.4g}</td></tr>" for key, value in self.metrics.items()
        )
        return (
            f"<b>Evaluation</b> ({self.model_type}, {self.n_rows} rows, {self.engine})"
            f"<table>{rows}</table>"
        )


# Metrics where lower is better (gates flip the comparison for them).
LOWER_IS_BETTER = frozenset({"log_loss", "mae", "rmse", "mape", "brier", "calibration_error"})
