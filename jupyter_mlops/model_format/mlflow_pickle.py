"""Serving a pickled MLflow scikit-learn model, only where the administrator opted in.

DANGEROUS by nature: unpickling runs whatever code the file holds. The registry records such a
model as a version marked not servable (`mlflow_folder.NOT_SERVABLE_TAG`: `pickle format`)
with a salted hash that no other loader accepts. `MLOpsApp.allow_pickle_models = True` makes
the endpoint supervisor accept such a version at deploy and start its endpoint processes with
`ALLOW_PICKLE_ENV=1` (it sets the variable to "0" otherwise, so the server's own environment
has no say); only then does `load_pickled` read the file, after checking its bytes against the
salted hash recorded at registration. Only the `sklearn` flavor (`pickle`, `cloudpickle`) is
served: a custom `PythonModel` needs MLflow's own loader and its code folders.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..core.errors import ErrorCode, MLOpsError
from .mlflow_folder import PICKLE_FORMAT, not_servable_sha256
from .sklearn_folder import infer_schema, read_model_info

ALLOW_PICKLE_ENV = "JUPYTER_MLOPS_ENDPOINT_ALLOW_PICKLE"
_SERIALIZATIONS = ("pickle", "cloudpickle")
_PREDICT_METHODS = ("predict", "predict_proba", "predict_log_proba", "decision_function",
                    "transform", "score_samples")  # fmt: skip


def pickle_allowed() -> bool:
    """Whether this endpoint process was started by a supervisor allowing pickles."""
    return os.environ.get(ALLOW_PICKLE_ENV) == "1"


def load_pickled(folder: Path, expected_sha256: str | None) -> tuple[Any, Any]:
    """The estimator and `ModelInfo` of a pickled MLflow scikit-learn version's folder; its
    file's bytes must match the registry's salted hash (FORBIDDEN otherwise), and a flavor
    other than `sklearn` is refused (BAD_REQUEST, field `model`)."""
    info = read_model_info(folder)
    serialization = info.versions.get("serialization", "")
    if info.format != PICKLE_FORMAT or not info.estimator_class.startswith("MLflow sklearn "):
        raise MLOpsError(
            f"{folder.name}: only MLflow scikit-learn models (pickle or cloudpickle) are served "
            f"with allow_pickle_models, not {info.estimator_class!r}",
            ErrorCode.BAD_REQUEST,
            "model",
        )
    if serialization not in _SERIALIZATIONS or not info.model_file:
        raise MLOpsError(
            f"{folder.name}: unknown serialization {serialization!r}",
            ErrorCode.BAD_REQUEST,
            "model",
        )
    path = folder / Path(info.model_file).name
    if expected_sha256 is None or not_servable_sha256(folder) != expected_sha256:
        raise MLOpsError(
            f"{path.name}: its bytes are not those the registry recorded; refusing to unpickle",
            ErrorCode.FORBIDDEN,
            "model",
        )
    data = path.read_bytes()
    if serialization == "cloudpickle":
        import importlib

        estimator = importlib.import_module("cloudpickle").loads(data)  # ships no type stubs
    else:
        import pickle

        estimator = pickle.loads(data)  # the administrator opted in; the hash was checked
    classes = getattr(estimator, "classes_", None)
    schema = info.input_schema if info.input_schema.columns else infer_schema(estimator)
    return estimator, replace(
        info,
        predict_methods=[m for m in _PREDICT_METHODS if callable(getattr(estimator, m, None))],
        classes=None if classes is None else [_plain(c) for c in classes],
        input_schema=schema,
    )


def _plain(value: Any) -> Any:
    try:
        return value.item()  # numpy scalars
    except AttributeError:
        return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)
