"""What a model (or a protected alias) declares its candidates must pass before they serve.

Every gate is optional: a threshold left unset skips its gate. The holdout is a Parquet or CSV
file (path or URI pandas reads) with the target column; both the candidate and the served
version are evaluated on it, now, so they are compared on the same rows.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

GATE_NAMES = ("schema", "holdout_metric", "slices", "fairness", "latency", "data_validation")


class GateSpec(BaseModel):
    """The gates of a model; see docs/evaluation.md for each field."""

    model_config = ConfigDict(extra="forbid")

    holdout: str | None = Field(None, description="Parquet/CSV file of labelled holdout rows")
    target: str | None = Field(None, description="The holdout's label column")
    model_type: Literal["classifier", "regressor"] = "classifier"
    positive_label: str | int | float | bool | None = None
    schema_compatible: bool = Field(True, description="Input schema compatible with the served")
    metric: str | None = Field(None, description="Compared metric (default roc_auc/accuracy/rmse)")
    tolerance: float | None = Field(
        0.0, ge=0, description="Candidate >= served - tolerance (None: no metric gate)"
    )
    slices: list[str] = Field(default_factory=list, description="Holdout columns to slice by")
    slice_metric: str | None = Field(None, description="Per-slice metric (accuracy / rmse)")
    max_slice_drop: float | None = Field(None, ge=0, description="No slice worse by more")
    sensitive_features: list[str] = Field(default_factory=list)
    fairness_metric: str = Field("selection_rate", description="MetricFrame measure compared")
    max_fairness_difference: float | None = Field(None, ge=0)
    max_p99_ms: float | None = Field(None, gt=0, description="p99 latency budget")
    load_requests: int = Field(200, ge=10, le=100_000, description="Requests of the load test")
    load_concurrency: int = Field(4, ge=1, le=64)
    load_rows: int = Field(1, ge=1, le=10_000, description="Rows per request")
    validate_data: bool = Field(True, description="Holdout valid against the constraints")
    auto_promote: bool = Field(False, description="Drift loop: promote when every gate passes")
    gates_suffice: bool = Field(
        False,
        description="A passed gate run for a version moves a protected alias without an approval",
    )
