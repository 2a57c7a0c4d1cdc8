"""What `evaluate` can call: a fitted estimator, a registered version, or a running endpoint.

Each predictor says which columns the model takes (`features`: None when it does not say) and
returns predictions and, when the model has them, class probabilities. The endpoint predictor
sends the rows in batches over HTTP and keeps each batch's round-trip time.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..core.errors import ErrorCode, MLOpsError

if TYPE_CHECKING:
    from ..serving.entities import StoredInputSchema

ENDPOINT_PREFIX = "endpoint:"


def schema_features(schema: StoredInputSchema | None) -> list[str] | None:
    """The column names of a stored input schema (`{"named", "columns": [{"name"}]}`)."""
    if not schema or not schema.get("named"):
        return None
    return [str(column["name"]) for column in schema.get("columns", [])] or None


@dataclass
class EstimatorPredictor:
    """A fitted scikit-learn style estimator in this process."""

    estimator: Any
    label: str = "estimator"
    features: list[str] | None = None

    def __post_init__(self) -> None:
        if self.features is None:
            names = getattr(self.estimator, "feature_names_in_", None)
            self.features = [str(n) for n in names] if names is not None else None

    @property
    def classes(self) -> list[Any] | None:
        """The classes `predict_proba` orders its columns by, if any."""
        classes = getattr(self.estimator, "classes_", None)
        return list(classes) if classes is not None else None

    def predict(self, X: Any) -> tuple[Any, Any]:
        """Predictions and (for a classifier that has them) probabilities."""
        predictions = self.estimator.predict(X)
        proba = None
        if callable(getattr(self.estimator, "predict_proba", None)):
            proba = self.estimator.predict_proba(X)
        return predictions, proba


@dataclass
class EndpointPredictor:
    """A running endpoint: `POST /predict` in batches of `batch_rows`, timing each batch."""

    url: str
    token: str | None = None
    batch_rows: int = 500
    label: str = "endpoint"
    features: list[str] | None = None
    classes: list[Any] | None = None
    latencies_ms: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.url = self.url.rstrip("/")
        if self.features is None:
            answer = self._call("GET", "/schema")
            self.features = schema_features(answer.get("input_schema"))

    def predict(self, X: Any) -> tuple[Any, Any]:
        """Send `X` in batches; predictions and probabilities (when the endpoint gives them)."""
        import numpy as np

        predictions: list[Any] = []
        probabilities: list[Any] = []
        columns = [str(c) for c in X.columns]
        for start in range(0, len(X), self.batch_rows):
            chunk = X.iloc[start : start + self.batch_rows]
            rows = chunk.astype(object).where(chunk.notna(), None).to_numpy().tolist()
            started = time.perf_counter()
            answer = self._call("POST", "/predict", {"columns": columns, "data": rows})
            self.latencies_ms.append((time.perf_counter() - started) * 1000)
            predictions.extend(answer["predictions"])
            if answer.get("probabilities") is not None:
                probabilities.extend(answer["probabilities"])
                self.classes = answer.get("classes")
        proba = np.asarray(probabilities, dtype=float) if probabilities else None
        return np.asarray(predictions), proba

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:500]
            raise MLOpsError(
                f"endpoint {self.url} answered {exc.code}: {detail}", ErrorCode.UNAVAILABLE, "model"
            ) from None
        except OSError as exc:
            raise MLOpsError(
                f"endpoint {self.url} did not answer: {exc}", ErrorCode.UNAVAILABLE, "model"
            ) from None


def resolve_predictor(model: Any, batch_rows: int = 500) -> Any:
    """A predictor for `model`: an estimator, `models:/NAME@ALIAS` (or `NAME/3`), a predictor,
    `endpoint:NAME` (a registered endpoint) or an endpoint's `http(s)://` URL."""
    if isinstance(model, (EstimatorPredictor, EndpointPredictor)):
        return model
    if isinstance(model, str):
        if model.startswith(("http://", "https://")):
            return EndpointPredictor(model, batch_rows=batch_rows, label=model)
        if model.startswith(ENDPOINT_PREFIX):
            return endpoint_predictor(model[len(ENDPOINT_PREFIX) :], batch_rows)
        return registered_predictor(model)
    if callable(getattr(model, "predict", None)):
        return EstimatorPredictor(model, label=f"{type(model).__name__}")
    raise MLOpsError(
        "model must be a fitted estimator, models:/NAME@ALIAS, NAME/VERSION, endpoint:NAME or "
        f"an endpoint URL, not {type(model).__name__}",
        field="model",
    )


def registered_predictor(uri: str) -> EstimatorPredictor:
    """A registered version, loaded (and its file hash checked) in this process."""
    from ..serving.api import get_registry
    from ..serving.model_uri import parse_ref

    registry = get_registry()
    version = registry.get_version(parse_ref(uri, "model"))
    estimator, _info = registry.load(version)
    return EstimatorPredictor(
        estimator, label=version.uri, features=schema_features(version.input_schema)
    )


def endpoint_predictor(name: str, batch_rows: int = 500) -> EndpointPredictor:
    """The endpoint registered as `name` (with its bearer token when it has one)."""
    from ..serving.api import get_endpoint

    endpoint = get_endpoint(name)
    return EndpointPredictor(endpoint.url, endpoint.token, batch_rows, label=f"endpoint:{name}")
