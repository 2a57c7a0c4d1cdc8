"""The `mlflow-artifacts` paths the facade hands out, resolved to the runs' artifact folders.

A run's `artifact_uri` is `mlflow-artifacts:/<experiment_id>/<run_id>/artifacts`; MLflow's
client sends `<experiment_id>/<run_id>/artifacts/<file>` to the proxy routes, which land in
the run's artifact folder of the workbench (the one the Experiments panel shows). Paths are
resolved by the tracking store, which refuses any that leaves the run's folder.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from ..core.errors import MLOpsError
from ..core.paths import check_path, shown_path
from ..tracking.store import TrackingStore
from . import messages as m
from .default_experiment import DEFAULT_EXPERIMENT_ID, DefaultExperiment
from .errors import INVALID_PARAMETER_VALUE, RESOURCE_DOES_NOT_EXIST, MlflowError


def split_run_path(store: TrackingStore, path: str) -> tuple[str, str]:
    """`(run_id, path inside the run's artifacts)` of a proxy path; errors in MLflow's codes.

    A path no file system could hold (a segment past 255 bytes) is `INVALID_PARAMETER_VALUE`
    naming it, before any file call (which would fail with ENAMETOOLONG)."""
    try:
        check_path(path)
    except ValueError as error:
        raise MlflowError(
            f"Invalid artifact path {shown_path(path)}: {error}", INVALID_PARAMETER_VALUE, "path"
        ) from None
    parts = [part for part in PurePosixPath(path.strip("/")).parts if part not in ("", ".")]
    if len(parts) < 3 or parts[2] != "artifacts":
        raise MlflowError(
            f"Artifact path {path!r} is not <experiment_id>/<run_id>/artifacts/...",
            INVALID_PARAMETER_VALUE if len(parts) >= 3 else RESOURCE_DOES_NOT_EXIST,
            "path",
        )
    experiment_id, run_id = parts[0], parts[1]
    try:
        run = store.get_run(run_id)
    except MLOpsError as error:
        raise MlflowError(
            f"Run with id={run_id} not found", RESOURCE_DOES_NOT_EXIST, "path"
        ) from error
    if run.experiment_id != experiment_id and not (
        experiment_id == DEFAULT_EXPERIMENT_ID
        and DefaultExperiment(store).own_id() == run.experiment_id
    ):
        raise MlflowError(
            f"Run {run_id} is not in experiment {experiment_id}", RESOURCE_DOES_NOT_EXIST, "path"
        )
    return run_id, "/".join(parts[3:])


def list_folder(store: TrackingStore, path: str) -> m.ArtifactsAnswer:
    """The entries of one folder, their paths relative to it ([] for a missing folder, as
    MLflow's artifact server answers)."""
    run_id, inside = split_run_path(store, path)
    try:
        found = store.list_artifacts(run_id, inside or None)
    except MLOpsError as error:
        if error.http_status == 404:
            return m.ArtifactsAnswer()
        raise
    prefix = inside.strip("/")
    files = []
    for info in found:
        relative = info.path[len(prefix) + 1 :] if prefix and info.path != prefix else info.path
        if info.path == prefix:  # the path is a file: MLflow lists it by its name
            relative = PurePosixPath(info.path).name
        files.append(m.FileInfoMessage(path=relative, is_dir=info.is_dir, file_size=info.file_size))
    return m.ArtifactsAnswer(files=files)


def file_to_send(store: TrackingStore, path: str) -> Path:
    """The artifact file a download asks for (`RESOURCE_DOES_NOT_EXIST` for a missing one)."""
    run_id, inside = split_run_path(store, path)
    target = store.artifact_path(run_id, inside)
    if not target.is_file():
        raise MlflowError(f"Artifact {path!r} does not exist", RESOURCE_DOES_NOT_EXIST, "path")
    return target


def receive_file(store: TrackingStore, path: str, data: bytes) -> None:
    """Store an uploaded artifact at its path in the run's artifacts."""
    run_id, inside = split_run_path(store, path)
    if not inside:
        raise MlflowError("An artifact upload needs a file name", INVALID_PARAMETER_VALUE, "path")
    store.write_artifact(run_id, inside, data)
