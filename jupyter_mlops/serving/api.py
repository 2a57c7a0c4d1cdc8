"""The registry's Python API: `register_model`, aliases, `load_model("models:/...")`, `deploy`.

Kernels, jobs and scripts use the store this process resolves (`get_database()` and the data
dir), like the tracking API. `deploy` and `stop_endpoint` ask the Jupyter server that started
this kernel (its supervisor owns endpoint processes); outside one, run `jupyter-mlops serve`.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core import artifact_store
from ..core.config import resolve_data_dir
from ..core.errors import ErrorCode, MLOpsError
from ..core.server_link import ServerLink, ServerUnreachable
from ..core.store import get_database
from ..model_format import INFO_FILE, save_model
from ..tracking.logging_artifacts import TRAINING_PROFILE_FILE
from .endpoint_files import read_token
from .entities import Alias, Endpoint, ModelVersion, RegisteredModel
from .model_uri import ModelRef, check_name, parse_ref
from .registry import ModelRegistry

log = logging.getLogger(__name__)

_RUN_ID = re.compile(r"^[0-9a-f]{32}$")
RUNS_SCHEME = "runs:/"
_lock = threading.Lock()
_cached: tuple[tuple[str, Path], ModelRegistry] | None = None


def get_registry() -> ModelRegistry:
    """The registry of this process's store and data dir."""
    global _cached
    database = get_database()
    data_dir = resolve_data_dir()
    with _lock:
        key = (database.url, data_dir)
        if _cached is None or _cached[0] != key or _cached[1].database is not database:
            _cached = (key, ModelRegistry(database, data_dir))
        return _cached[1]


def training_profile_name(name: str, version: int) -> str:
    """The stored profile name of a version's training data."""
    return f"model:{name}/v{version}:training"


def register_model(
    source: Any,
    name: str,
    *,
    X: Any = None,
    description: str | None = None,
    tags: dict[str, str] | None = None,
) -> ModelVersion:
    """Register a new version of model `name` and return it.

    `source` is a run id (its `model` artifact), `runs:/<run_id>/<path>`, a model folder's
    path, or a fitted scikit-learn estimator. `X` (the training data) gives an estimator its
    input schema and example, and is profiled: the profile is stored as the version's
    `training_profile`, the baseline drift monitoring compares traffic with. Without `X`, a
    run's model folder that holds a training profile (`log_model(..., X=...)`) gives it.
    """
    from ..tracking.process_client import get_client

    return register_version(
        get_registry(),
        lambda: get_client().store,
        source,
        name,
        X=X,
        description=description,
        tags=tags,
    )


def register_version(
    registry: ModelRegistry,
    tracking_store: Callable[[], Any],
    source: Any,
    name: str,
    *,
    X: Any = None,
    description: str | None = None,
    tags: dict[str, str] | None = None,
) -> ModelVersion:
    """`register_model` on a given registry; `tracking_store()` gives the runs' store."""
    check_name(name)
    run_id: str | None = None
    notebook_path: str | None = None
    expected_sha256: str | None = None
    with tempfile.TemporaryDirectory(prefix="mlops-register-") as scratch:
        if isinstance(source, str) and (source.startswith("runs:/") or _RUN_ID.match(source)):
            run_id, folder, notebook_path, expected_sha256 = _run_model_folder(
                tracking_store(), source
            )
            label = f"runs:/{run_id}/{folder.name}"
        elif isinstance(source, (str, os.PathLike)):
            folder = Path(source)
            if not (folder / INFO_FILE).is_file():
                raise MLOpsError(
                    f"{source!r} is not a run id, a runs:/ URI or a model folder", field="source"
                )
            label = str(folder.resolve())
        elif callable(getattr(source, "predict", None)) or callable(
            getattr(source, "transform", None)
        ):
            folder = Path(scratch) / "model"
            save_model(folder, source, X)
            label = f"estimator:{type(source).__module__}.{type(source).__qualname__}"
        else:
            raise MLOpsError(
                "source must be a run id, runs:/<run_id>/<path>, a model folder or a fitted "
                f"estimator, not {type(source).__name__}",
                field="source",
            )
        profile = _training_profile(X, folder)
        version = registry.create_version(
            name,
            folder,
            label,
            run_id=run_id,
            description=description,
            tags=tags,
            notebook_path=notebook_path,
            expected_sha256=expected_sha256,
        )
    if profile is not None:
        from ..profiling.store import ProfileStore

        profile_name = training_profile_name(name, version.version)
        ProfileStore(registry.database).save(profile, profile_name)
        registry.set_training_profile(name, version.version, profile_name)
        return registry.get_version(ModelRef(name, version=version.version))
    return version


def _run_model_folder(store: Any, source: str) -> tuple[str, Path, str | None, str]:
    """A run's model folder, its notebook and the sha256 `log_model` recorded for its file.

    A folder without a recorded hash (copied in with `log_artifact`, or written by hand) is
    refused: its file is not known to be the one the run produced (FORBIDDEN, field `source`).
    """
    from ..tracking.artifacts import resolve_inside
    from ..tracking.model_files import model_file_sha256

    if source.startswith("runs:/"):
        run_id, _, path = source[len("runs:/") :].partition("/")
        path = path.strip("/") or "model"
    else:
        run_id, path = source, "model"
    run = store.get_run(run_id)
    remote = artifact_store.is_remote(run.artifact_uri)
    if remote:
        location = artifact_store.child(run.artifact_uri, path, field="source")
        if not artifact_store.exists(artifact_store.child(location, INFO_FILE)):
            raise MLOpsError(
                f"run {run_id} has no model at {path!r}", ErrorCode.NOT_FOUND, "source"
            )
    else:
        folder = Path(resolve_inside(Path(run.artifact_uri), path, field="source"))
        if not (folder / INFO_FILE).is_file():
            raise MLOpsError(
                f"run {run_id} has no model at {path!r}", ErrorCode.NOT_FOUND, "source"
            )
    recorded = model_file_sha256(store.database, run.run_id, path)
    if recorded is None:
        raise MLOpsError(
            f"source: run {run.run_id} has no model {path!r} logged with log_model (no recorded "
            "hash), so its files are not trusted; log it with jupyter_mlops.log_model",
            ErrorCode.FORBIDDEN,
            field="source",
        )
    if remote:  # registration copies and checks the downloaded files against `recorded`
        folder = artifact_store.local_copy(location, recorded)
    return run.run_id, folder, run.notebook_path, recorded


def _training_profile(X: Any, folder: Path) -> Any:
    from ..profiling import Profile

    if X is not None:
        import numpy as np
        import pandas as pd

        from ..profiling import profile

        frame = X if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X))
        return profile(frame.rename(columns=str))
    stored = folder / TRAINING_PROFILE_FILE
    if stored.is_file():
        return Profile.from_json(stored.read_text())
    return None


def get_model_version(
    name: str, version: int | None = None, alias: str | None = None
) -> ModelVersion:
    """A registered version: by number, by alias, else the latest. Its `training_profile` names
    the stored profile of its training data (`jupyter_mlops.load_profile(...)`)."""
    if version is not None and alias is not None:
        raise MLOpsError("give a version or an alias, not both", field="alias")
    return get_registry().get_version(ModelRef(check_name(name), alias=alias, version=version))


def list_models() -> list[RegisteredModel]:
    """Every registered model with its latest version and aliases."""
    return get_registry().list_models()


def list_model_versions(name: str) -> list[ModelVersion]:
    """A model's versions, newest first."""
    return get_registry().list_versions(name)


def set_model_alias(name: str, alias: str, version: int) -> Alias:
    """Point `alias` (e.g. "champion") at a version. Endpoints following the alias roll to it
    within about a second, without failing a request."""
    return get_registry().set_alias(name, alias, int(version))


def delete_model_alias(name: str, alias: str) -> None:
    """Remove an alias."""
    get_registry().delete_alias(name, alias)


def load_model(model_uri: str) -> Any:
    """The estimator behind `models:/NAME@ALIAS`, `models:/NAME/3` or `models:/NAME/latest`
    (`NAME@ALIAS` and `NAME/3` work too), or a run's logged model `runs:/RUN_ID/FOLDER`
    (registered or not). Its file is checked against the hash recorded when it was saved."""
    if isinstance(model_uri, str) and model_uri.startswith(RUNS_SCHEME):
        from ..tracking.logging_artifacts import load_model as load_run_model

        run_id, _, folder = model_uri[len(RUNS_SCHEME) :].partition("/")
        if not _RUN_ID.match(run_id):
            raise MLOpsError(f"{model_uri!r} is not runs:/<run_id>/<folder>", field="model_uri")
        return load_run_model(run_id, folder.strip("/") or "model")
    registry = get_registry()
    estimator, _info = registry.load(registry.get_version(parse_ref(model_uri, "model_uri")))
    return estimator


def deploy(
    model: str,
    name: str | None = None,
    *,
    port: int | None = None,
    workers: int = 1,
    persistent: bool = False,
    auth: bool = True,
) -> Endpoint:
    """Start an endpoint for `model` (`NAME@ALIAS` follows the alias; `NAME/3` pins a version)
    in the Jupyter server that runs this kernel; returns it once it answers `/health`. With
    `auth` (the default) callers send `Authorization: Bearer <endpoint.token>`."""
    body = {
        "model": model,
        "name": name,
        "port": port,
        "workers": workers,
        "persistent": persistent,
        "auth": auth,
    }
    _server("POST", "endpoints", body)
    return get_endpoint(name or parse_ref(model).name)


def promote(endpoint_name: str, version: int) -> Endpoint:
    """Serve `version` on an endpoint (moving the alias it follows, else its pinned version);
    returns once every worker serves it. No request fails meanwhile."""
    _server("POST", f"endpoints/{endpoint_name}/promote", {"version": int(version)})
    return get_endpoint(endpoint_name)


def rollback(endpoint_name: str) -> Endpoint:
    """Serve again the version an endpoint served before its last promote."""
    _server("POST", f"endpoints/{endpoint_name}/rollback", {})
    return get_endpoint(endpoint_name)


def stop_endpoint(name: str) -> None:
    """Stop an endpoint started by the server and forget it."""
    _server("DELETE", f"endpoints/{name}")


def get_endpoint(name: str) -> Endpoint:
    """An endpoint's record: what it serves, its URL, its process state, and its bearer token
    (`.token`, None without auth): send `Authorization: Bearer <token>`."""
    registry = get_registry()
    endpoint = registry.get_endpoint(name)
    return dataclasses.replace(endpoint, token=read_token(registry.data_dir, endpoint.name))


def rotate_endpoint_token(name: str) -> str:
    """Give an endpoint a new bearer token (through the Jupyter server); the old one is refused
    once this returns."""
    token: str = _server("POST", f"endpoints/{name}/token", {})["token"]
    return token


def list_endpoints() -> list[Endpoint]:
    """Every endpoint."""
    return get_registry().list_endpoints()


def _server(method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    link = ServerLink.from_environment()
    if link is None:
        raise MLOpsError(
            "no Jupyter server to start the endpoint in (this is not a server's kernel); run "
            "`jupyter-mlops serve NAME@ALIAS` instead",
            ErrorCode.UNAVAILABLE,
        )
    try:
        return link.request(method, path, body)
    except ServerUnreachable as exc:
        raise MLOpsError(str(exc), ErrorCode.UNAVAILABLE) from None
