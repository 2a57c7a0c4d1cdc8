"""scikit-learn models as folders: saved with skops, described by `MLmodel.json`.

This module sits below tracking (which logs model folders as run artifacts) and serving (which
loads them); it imports neither.

A logged model is a folder `<artifact root>/<name>/` holding

- `model.skops`: the fitted estimator (skops format: loading runs no pickle code);
- `MLmodel.json`: how to call it (`ModelInfo`): the estimator class, scikit-learn/skops/Python
  versions, the prediction methods, the classes of a classifier, the input schema, the sha256
  of `model.skops` and (for information only) the skops types it needs;
- `input_example.json`: up to 5 rows of the training input, as `{"columns", "data"}`.

The input schema lists each column's name and dtype, inferred from the training `X` (a
DataFrame gives names and dtypes; an array gives positions and its dtype; without `X`, the
estimator's `feature_names_in_`/`n_features_in_`). `load_model` and `prepare_input` are what
serving uses to load a model and turn request data into a frame the model accepts.

Loading trusts nothing the folder says: `load_model(folder, expected_sha256=..., trusted=...)`
refuses a folder whose `model.skops` and `MLmodel.json` do not hash to `expected_sha256` (the
hash tracking recorded in the store at `log_model`, or the registry at registration; see
`pinning.py` and `tracking.model_files`) and a file that needs types outside the allow-list of
`trust.py` or the caller's `trusted`, naming them. The bytes hashed are the bytes parsed and
loaded (each file is read once).
"""

from __future__ import annotations

import contextlib
import json
import platform
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from importlib import metadata
from pathlib import Path
from typing import Any

from ..core.clock import now_ms
from ..core.errors import MLOpsError, NotFoundError
from .pinning import INFO_FILE as INFO_FILE  # re-exported: the folder's file names
from .pinning import MODEL_FILE as MODEL_FILE
from .pinning import check_pinned
from .trust import file_sha256, trusted_types_for

EXAMPLE_FILE = "input_example.json"
FORMAT = "jupyter-mlops/sklearn"
FORMAT_VERSION = 1
_PREDICT_METHODS = ("predict", "predict_proba", "predict_log_proba", "decision_function",
                    "transform", "score_samples")  # fmt: skip


@dataclass(frozen=True)
class ColumnSpec:
    """One input column: its name (a position for unnamed input) and its dtype, if known."""

    name: str
    dtype: str | None


@dataclass(frozen=True)
class InputSchema:
    """The columns a model expects; `named` is False for positional (array) input."""

    columns: list[ColumnSpec]
    named: bool


@dataclass(frozen=True)
class ModelInfo:
    """The contents of `MLmodel.json`; `trusted_types` is informational, never trusted."""

    format: str
    format_version: int
    model_file: str
    estimator_class: str
    trusted_types: list[str]
    predict_methods: list[str]
    input_schema: InputSchema
    classes: list[Any] | None = None
    run_id: str | None = None
    artifact_path: str | None = None
    created_time: int = 0
    versions: dict[str, str] = field(default_factory=dict)
    sha256: str | None = None
    """sha256 of the model file when saved; informational (the store's record is what counts)."""


def infer_schema(estimator: Any, X: Any = None) -> InputSchema:
    """The input schema from training data `X`, else from what the fitted estimator knows."""
    import numpy as np
    import pandas as pd

    if isinstance(X, pd.DataFrame):
        return InputSchema([ColumnSpec(str(c), str(t)) for c, t in X.dtypes.items()], True)
    if X is not None:
        array = np.asarray(X)
        width = array.shape[1] if array.ndim == 2 else 1
        return InputSchema([ColumnSpec(str(i), str(array.dtype)) for i in range(width)], False)
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None:
        return InputSchema([ColumnSpec(str(n), None) for n in names], True)
    width = int(getattr(estimator, "n_features_in_", 0) or 0)
    return InputSchema([ColumnSpec(str(i), None) for i in range(width)], False)


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package in ("scikit-learn", "skops", "numpy", "pandas"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[package] = metadata.version(package)
    return found


def _json_safe(value: Any) -> Any:
    try:
        return value.item()  # numpy scalars
    except AttributeError:
        return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def _example(X: Any) -> dict[str, Any] | None:
    import numpy as np
    import pandas as pd

    if X is None:
        return None
    frame = X if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X))
    head = frame.head(5)
    data = [[_json_safe(v) for v in row] for row in head.itertuples(index=False)]
    return {"columns": [str(c) for c in head.columns], "data": data}


def save_model(folder: Path, estimator: Any, X: Any = None, run_id: str | None = None) -> ModelInfo:
    """Write the model folder for `estimator` (see the module docstring) and return its info."""
    from .skops_import import skops_io

    skops_io()  # the first full import writes the trust lists' cache that endpoints read
    import skops.io

    folder.mkdir(parents=True, exist_ok=True)
    model_file = folder / MODEL_FILE
    partial = folder / f".{MODEL_FILE}.partial"
    skops.io.dump(estimator, partial)
    sha256 = file_sha256(partial)
    partial.replace(model_file)
    classes = getattr(estimator, "classes_", None)
    info = ModelInfo(
        format=FORMAT,
        format_version=FORMAT_VERSION,
        model_file=MODEL_FILE,
        estimator_class=f"{type(estimator).__module__}.{type(estimator).__qualname__}",
        trusted_types=sorted(skops.io.get_untrusted_types(file=model_file)),
        predict_methods=[m for m in _PREDICT_METHODS if callable(getattr(estimator, m, None))],
        input_schema=infer_schema(estimator, X),
        classes=None if classes is None else [_json_safe(c) for c in classes],
        run_id=run_id,
        artifact_path=folder.name,
        created_time=now_ms(),
        versions=_versions(),
        sha256=sha256,
    )
    (folder / INFO_FILE).write_text(json.dumps(asdict(info), indent=2))
    example = _example(X)
    if example is not None:
        (folder / EXAMPLE_FILE).write_text(json.dumps(example))
    return info


def read_model_info(folder: Path) -> ModelInfo:
    """Read `MLmodel.json` of a model folder."""
    return _parse_info(_info_bytes(folder), folder / INFO_FILE)


def _info_bytes(folder: Path) -> bytes:
    path = folder / INFO_FILE
    try:
        return path.read_bytes()
    except OSError:
        raise NotFoundError(f"no model at {folder} (no {INFO_FILE})", field="model") from None


def _parse_info(data: bytes, path: Path) -> ModelInfo:
    try:
        raw = json.loads(data)
        schema = raw.pop("input_schema")
        columns = [ColumnSpec(**column) for column in schema["columns"]]
        known = {f.name for f in fields(ModelInfo)}
        kept = {key: value for key, value in raw.items() if key in known}
        return ModelInfo(input_schema=InputSchema(columns, schema["named"]), **kept)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise MLOpsError(
            f"model: {path} is not a model description ({exc})", field="model"
        ) from None


def load_model(
    folder: Path, expected_sha256: str | None = None, trusted: Iterable[str] = ()
) -> tuple[Any, ModelInfo]:
    """Load the estimator of a model folder, trusting only the allow-list and `trusted`.

    `expected_sha256`: the hash recorded when the model was logged or registered (`pinning`:
    of the model file and `MLmodel.json`, or of the model file alone for older records); a
    folder whose bytes hash differently is refused (FORBIDDEN, field `model`) before skops
    reads it. The types listed in `MLmodel.json` are never trusted. A file needing other types
    is refused naming them.
    """
    from .skops_import import skops_io

    skops_io()  # skops.io, its trust lists from the cache (a cold start: ~2 s less)
    import skops.io

    info_bytes = _info_bytes(folder)
    info = _parse_info(info_bytes, folder / INFO_FILE)
    name = Path(info.model_file).name
    if name != info.model_file or name in ("", ".", ".."):
        raise MLOpsError(f"model: {INFO_FILE} names a model file outside the folder", field="model")
    path = folder / name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise NotFoundError(
            f"model: no model file at {path} ({exc.strerror})", field="model"
        ) from None
    if expected_sha256 is not None:
        check_pinned(expected_sha256, data, info_bytes, folder)
    estimator = skops.io.loads(data, trusted=trusted_types_for(data, trusted))
    return estimator, info


def prepare_input(schema: InputSchema, data: Any) -> Any:
    """Request data (a DataFrame, records, `{"columns", "data"}` or rows) as the model's input.

    Named schemas get a DataFrame with exactly the schema's columns in order (extra columns
    are dropped) cast to the recorded dtypes; missing columns or values that do not convert
    are an `MLOpsError` naming them (field `inputs`).
    """
    import numpy as np
    import pandas as pd

    if isinstance(data, dict) and "columns" in data and "data" in data:
        frame = pd.DataFrame(data["data"], columns=data["columns"])
    elif isinstance(data, pd.DataFrame):
        frame = data
    else:
        rows = data.tolist() if isinstance(data, np.ndarray) else data
        if not isinstance(rows, list) or not rows:
            raise MLOpsError("inputs must be a non-empty list of rows", field="inputs")
        if isinstance(rows[0], dict):
            frame = pd.DataFrame(rows)
        else:
            frame = pd.DataFrame(rows)
            if schema.named:
                if frame.shape[1] != len(schema.columns):
                    raise MLOpsError(
                        f"each row needs {len(schema.columns)} values, got {frame.shape[1]}",
                        field="inputs",
                    )
                frame.columns = [c.name for c in schema.columns]
    if not schema.named:
        if frame.shape[1] != len(schema.columns):
            raise MLOpsError(
                f"each row needs {len(schema.columns)} values, got {frame.shape[1]}",
                field="inputs",
            )
        frame.columns = [c.name for c in schema.columns]
    names = [c.name for c in schema.columns]
    frame.columns = [str(c) for c in frame.columns]
    missing = [name for name in names if name not in frame.columns]
    if missing:
        shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
        raise MLOpsError(f"missing input columns: {shown}", field="inputs")
    frame = frame[names]
    for column in schema.columns:
        if column.dtype is None:
            continue
        try:
            frame[column.name] = frame[column.name].astype(column.dtype)
        except (TypeError, ValueError):
            raise MLOpsError(
                f"column {column.name!r} does not convert to {column.dtype}", field="inputs"
            ) from None
    return frame if schema.named else frame.to_numpy()
