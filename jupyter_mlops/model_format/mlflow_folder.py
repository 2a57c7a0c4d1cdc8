"""MLflow model folders (an `MLmodel` YAML beside the model file), read without running them.

MLflow 3 saves scikit-learn models as skops by default (`mlflow.sklearn.log_model`:
`flavors.sklearn.serialization_format: skops`, `pickled_model: model.skops`). Such a folder
becomes a folder of the workbench's format (`workbench_folder`): the same `model.skops`
bytes, checked against the allow-list of `trust.trusted_types_for` (the folder's own
`skops_trusted_types` is never read), and an `MLmodel.json` whose input schema comes from
MLflow's signature (column names and types, or a tensor's width), else from the estimator.

Any other serialization (`pickle`, `cloudpickle`, a custom `PythonModel`, another flavor)
would run code when loaded: such a folder is described (flavor, signature, file) with
`format = PICKLE_FORMAT` and `not_servable = "pickle format"`, its file copied unread. The
registry records it as a version that no loader will load (see `NOT_SERVABLE_TAG`).

`MLmodel` is parsed with YAML's safe loader (a `!!python` tag is an error, never code), and
the file it names must be a plain file directly in the folder.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..core.clock import now_ms
from ..core.errors import ErrorCode, MLOpsError
from .sklearn_folder import (
    EXAMPLE_FILE,
    FORMAT,
    FORMAT_VERSION,
    INFO_FILE,
    MODEL_FILE,
    ColumnSpec,
    InputSchema,
    ModelInfo,
    infer_schema,
)
from .trust import trusted_types_for

MLMODEL_FILE = "MLmodel"
PICKLE_FORMAT = "mlflow/pickle"
NOT_SERVABLE_TAG = "mlops.not_servable"
PICKLE_REASON = "pickle format"
NO_FILES_REASON = "no model files at its source"
_MAX_MLMODEL_BYTES = 1 << 20
# MLflow's column types (mlflow.types.DataType) as pandas dtypes.
_DTYPES = {
    "double": "float64",
    "float": "float32",
    "long": "int64",
    "integer": "int32",
    "boolean": "bool",
    "string": "object",
    "binary": "object",
    "datetime": "datetime64[ns]",
}
_PREDICT_METHODS = ("predict", "predict_proba", "predict_log_proba", "decision_function",
                    "transform", "score_samples")  # fmt: skip


@dataclass(frozen=True)
class MlflowModel:
    """What an `MLmodel` file says, checked: the flavor, the model file and its format."""

    flavor: str
    model_file: str
    serialization: str
    schema: InputSchema | None
    run_id: str | None
    model_id: str | None
    description: str

    @property
    def not_servable(self) -> str | None:
        """Why the workbench will not load it (None for a skops scikit-learn model)."""
        return None if self.flavor == "sklearn" and self.serialization == "skops" else PICKLE_REASON


def is_mlflow_folder(folder: Path) -> bool:
    """Whether `folder` is an MLflow model folder (and not one of the workbench's format)."""
    return (folder / MLMODEL_FILE).is_file() and not (folder / INFO_FILE).is_file()


def _bad(folder: Path, why: str) -> MLOpsError:
    return MLOpsError(f"source: {folder / MLMODEL_FILE} {why}", ErrorCode.BAD_REQUEST, "source")


def read_mlflow_model(folder: Path) -> MlflowModel:
    """The checked contents of `folder/MLmodel` (BAD_REQUEST, field `source`, otherwise)."""
    import yaml

    path = folder / MLMODEL_FILE
    if path.is_symlink() or not path.is_file() or path.stat().st_size > _MAX_MLMODEL_BYTES:
        raise _bad(folder, "is not a plain file of at most 1 MiB")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise _bad(folder, f"is not YAML ({' '.join(str(error).split())[:200]})") from None
    flavors = raw.get("flavors") if isinstance(raw, dict) else None
    if not isinstance(flavors, dict) or not flavors:
        raise _bad(folder, "has no flavors")
    sklearn = flavors.get("sklearn")
    pyfunc = flavors.get("python_function")
    if isinstance(sklearn, dict):
        flavor = "sklearn"
        model_file = sklearn.get("pickled_model") or ""
        serialization = str(sklearn.get("serialization_format") or "pickle")
    elif isinstance(pyfunc, dict):
        flavor = f"python_function ({pyfunc.get('loader_module') or 'custom PythonModel'})"
        model_file = pyfunc.get("model_path") or pyfunc.get("python_model") or ""
        serialization = "cloudpickle"
    else:
        flavor, model_file, serialization = "/".join(sorted(flavors)), "", "unknown"
    model_file = str(model_file)
    if model_file and (Path(model_file).name != model_file or model_file in (".", "..")):
        raise _bad(folder, f"names a model file outside the folder ({model_file!r})")
    if flavor == "sklearn" and serialization == "skops" and model_file != MODEL_FILE:
        raise _bad(folder, f"names a skops file other than {MODEL_FILE} ({model_file!r})")
    signature = raw.get("signature") if isinstance(raw.get("signature"), dict) else {}
    return MlflowModel(
        flavor=flavor,
        model_file=model_file,
        serialization=serialization,
        schema=_signature_schema(signature.get("inputs")),
        run_id=str(raw["run_id"]) if raw.get("run_id") else None,
        model_id=str(raw["model_id"]) if raw.get("model_id") else None,
        description=f"MLflow {flavor} model, {serialization}",
    )


def _signature_schema(inputs: Any) -> InputSchema | None:
    """The input schema of an MLflow signature's `inputs` (a JSON text), if it reads as one."""
    try:
        specs = json.loads(inputs) if isinstance(inputs, str) else None
    except ValueError:
        return None
    if not isinstance(specs, list) or not specs or not all(isinstance(s, dict) for s in specs):
        return None
    if len(specs) == 1 and specs[0].get("type") == "tensor":
        tensor = specs[0].get("tensor-spec") or {}
        shape = tensor.get("shape") or []
        if len(shape) != 2 or not isinstance(shape[1], int) or shape[1] < 1:
            return None
        dtype = str(tensor.get("dtype") or "") or None
        return InputSchema([ColumnSpec(str(i), dtype) for i in range(shape[1])], False)
    if not all("name" in s for s in specs):
        columns = [ColumnSpec(str(i), _DTYPES.get(str(s.get("type")))) for i, s in enumerate(specs)]
        return InputSchema(columns, False)
    return InputSchema([ColumnSpec(str(s["name"]), _DTYPES.get(str(s.get("type")))) for s in specs],
                       True)  # fmt: skip


def _example(folder: Path) -> dict[str, Any] | None:
    """MLflow's `input_example.json` when it is a frame in split orient (ours is too)."""
    path = folder / EXAMPLE_FILE
    if path.is_symlink() or not path.is_file() or path.stat().st_size > _MAX_MLMODEL_BYTES:
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    if isinstance(raw, dict) and isinstance(raw.get("columns"), list):
        data = raw.get("data")
        if isinstance(data, list) and all(isinstance(row, list) for row in data):
            return {"columns": [str(c) for c in raw["columns"]], "data": data[:5]}
    return None


def workbench_folder(folder: Path, destination: Path) -> tuple[ModelInfo, MlflowModel]:
    """Write the workbench-format folder for the MLflow model folder `folder` into
    `destination` (see the module docstring); the model file is read once and copied as
    read. A skops file needing untrusted types is refused (FORBIDDEN, field `model`) before
    anything in it is built."""
    model = read_mlflow_model(folder)
    destination.mkdir(parents=True, exist_ok=True)
    if model.not_servable is None:
        info = _skops_info(folder, destination, model)
    else:
        info = _described_info(folder, destination, model)
    (destination / INFO_FILE).write_text(json.dumps(asdict(info), indent=2))
    shutil.copyfile(folder / MLMODEL_FILE, destination / MLMODEL_FILE)
    example = _example(folder)
    if example is not None:
        (destination / EXAMPLE_FILE).write_text(json.dumps(example))
    return info, model


def _model_bytes(folder: Path, name: str) -> bytes:
    path = folder / name
    if not name or path.is_symlink() or not path.is_file():
        raise MLOpsError(
            f"source: {folder} has no model file {name!r}", ErrorCode.NOT_FOUND, "source"
        )
    return path.read_bytes()


def _skops_info(folder: Path, destination: Path, model: MlflowModel) -> ModelInfo:
    import hashlib

    import skops.io

    data = _model_bytes(folder, MODEL_FILE)
    types = trusted_types_for(data)
    estimator = skops.io.loads(data, trusted=types)
    (destination / MODEL_FILE).write_bytes(data)
    classes = getattr(estimator, "classes_", None)
    return ModelInfo(
        format=FORMAT,
        format_version=FORMAT_VERSION,
        model_file=MODEL_FILE,
        estimator_class=f"{type(estimator).__module__}.{type(estimator).__qualname__}",
        trusted_types=types,
        predict_methods=[m for m in _PREDICT_METHODS if callable(getattr(estimator, m, None))],
        input_schema=model.schema or infer_schema(estimator),
        classes=None if classes is None else [_plain(c) for c in classes],
        run_id=model.run_id,
        artifact_path=folder.name,
        created_time=now_ms(),
        versions={"format": "mlflow", "serialization": "skops"},
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _described_info(folder: Path, destination: Path, model: MlflowModel) -> ModelInfo:
    """A pickled model's description; its file is copied unread (nothing here unpickles)."""
    data = _model_bytes(folder, model.model_file) if model.model_file else b""
    if model.model_file:
        (destination / model.model_file).write_bytes(data)
    import hashlib

    return ModelInfo(
        format=PICKLE_FORMAT,
        format_version=FORMAT_VERSION,
        model_file=model.model_file,
        estimator_class=model.description,
        trusted_types=[],
        predict_methods=[],
        input_schema=model.schema or InputSchema([], True),
        run_id=model.run_id,
        artifact_path=folder.name,
        created_time=now_ms(),
        versions={"format": "mlflow", "serialization": model.serialization},
        sha256=hashlib.sha256(data).hexdigest(),
    )


def metadata_only_folder(destination: Path, run_id: str | None) -> ModelInfo:
    """Write the folder of a version whose source holds no model files: MLflow's registry
    records any source string (`runs:/<id>/model` of a run it never saw), so the version is
    kept as metadata only and marked not servable (`NO_FILES_REASON`)."""
    import hashlib

    destination.mkdir(parents=True, exist_ok=True)
    info = ModelInfo(
        format=PICKLE_FORMAT,
        format_version=FORMAT_VERSION,
        model_file="",
        estimator_class="MLflow model version (metadata only: no files at its source)",
        trusted_types=[],
        predict_methods=[],
        input_schema=InputSchema([], True),
        run_id=run_id,
        artifact_path="model",
        created_time=now_ms(),
        versions={"format": "mlflow", "serialization": "none"},
        sha256=hashlib.sha256(b"").hexdigest(),
    )
    (destination / INFO_FILE).write_text(json.dumps(asdict(info), indent=2))
    return info


def _plain(value: Any) -> Any:
    try:
        return value.item()  # numpy scalars
    except AttributeError:
        return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def check_servable(tags: dict[str, str], what: str) -> None:
    """Refuse to load or deploy a version the registry marked not servable, saying why."""
    reason = tags.get(NOT_SERVABLE_TAG)
    if reason:
        why = (
            "the registry recorded only its metadata; register a source that holds a model"
            if reason == NO_FILES_REASON
            else "a pickled MLflow model runs code when loaded; "
            "log it with serialization_format='skops' or mlops.log_model"
        )
        raise MLOpsError(
            f"{what} is not servable: {reason} ({why})",
            ErrorCode.BAD_REQUEST,
            "model",
        )


def not_servable_sha256(folder: Path) -> str:
    """The registry's hash for a version kept but not servable: the pickled file's bytes
    behind a prefix, so it pins them yet never passes a loader's check (`load_model` compares
    the plain hashes), even if the version's tag is removed."""
    import hashlib

    from .sklearn_folder import read_model_info

    info = read_model_info(folder)
    name = Path(info.model_file).name if info.model_file else ""
    path = folder / name
    data = path.read_bytes() if name and path.is_file() and not path.is_symlink() else b""
    return hashlib.sha256(b"mlops-not-servable\0" + data).hexdigest()
