"""The endpoint process's answers as pydantic models: the contracts of its routes.

They declare the shapes for `GET /openapi.json` and the tests; the routes write their answers
with orjson directly (the scoring hot path does not pay for a validation of its own output).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class HealthOut(BaseModel):
    """`GET /health`: ready (`ok`, 200) or `loading` (503, without model and version);
    `instance` is the nonce the server started the process with (`endpoint_env.INSTANCE_ENV`),
    absent when run by hand."""

    status: str
    model: str | None = None
    version: int | None = None
    instance: str | None = None


class InvocationsOut(BaseModel):
    """`POST /invocations`: MLflow's scoring answer."""

    predictions: list[Any]


class PredictOut(BaseModel):
    """`POST /predict`: predictions with the version that made them; probabilities and classes
    when the model has `predict_proba`."""

    predictions: list[Any]
    model_version: int
    request_id: str
    probabilities: list[list[float]] | None = None
    classes: list[Any] | None = None


class VersionInfoOut(BaseModel):
    """`GET /version` (JSON; `Accept: text/plain` answers MLflow's protocol version)."""

    model: str | None
    version: int
    estimator_class: str
    versions: dict[str, Any]
    jupyter_mlops: str
    pid: int


class SchemaColumn(BaseModel):
    """One input column: its name and dtype (None: any)."""

    name: str
    dtype: str | None = None


class InputSchemaOut(BaseModel):
    """The model's input signature: named columns, or positional ones."""

    named: bool
    columns: list[SchemaColumn]


class SchemaOut(BaseModel):
    """`GET /schema`: what the model takes, an example, its predict methods and classes."""

    model: str | None
    version: int
    input_schema: InputSchemaOut
    example: Any = None
    predict_methods: list[str]
    classes: list[Any] | None = None
