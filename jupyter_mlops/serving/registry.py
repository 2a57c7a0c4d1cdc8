"""`ModelRegistry`: registered models, their versions and aliases, and endpoints, in the store.

Each public method is one session. A new version copies the model folder it is registered from
into `<data dir>/serving/models/<name>/v<version>/` (inside the write transaction that assigns
the number, so two registrations at once get two numbers and two folders) and records the
pinning hash of its model file and `MLmodel.json` (`model_format.folder_sha256`); `load`
checks that hash before skops reads the file, so editing `classes` or the signature after
registration is refused too. A version registered from a run gives `expected_sha256` (the
hash tracking recorded at `log_model`): the copy must match it, else nothing is registered
(FORBIDDEN, field `source`), so a file swapped in the run's artifact folder after `log_model`
never becomes a version. A model
file that needs types outside the model format's allow-list is refused too (FORBIDDEN, field
`source`), before anything in it is built.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from ..core import artifact_store
from ..core.db import Database
from ..core.errors import ErrorCode, MLOpsError
from ..core.team import audit, notifications
from ..core.team.identity import current_user
from ..core.team.permissions import Permission, grant_owner, require
from ..model_format import (
    INFO_FILE,
    MODEL_FILE,
    ModelInfo,
    check_pinned,
    folder_sha256,
    load_model,
    read_model_info,
    trusted_types_for,
)
from ..model_format.mlflow_folder import (
    NOT_SERVABLE_TAG,
    PICKLE_REASON,
    check_servable,
    not_servable_sha256,
)
from .endpoint_records import EndpointRecords
from .entities import ModelVersion, RegisteredModel
from .model_uri import ModelRef, check_name
from .registry_admin import RegistryAdmin
from .registry_aliases import RegistryAliases
from .registry_rows import (
    aliases_of,
    latest_version,
    model_row,
    now_ms,
    read_model,
    resolve,
    to_model,
    to_version,
    version_row,
)
from .tables import AliasRow, ModelRow, ModelVersionRow

MODELS_FOLDER = Path("serving") / "models"
_REGISTER_ATTEMPTS = 5


def _pin(folder: Path, source: str, expected_sha256: str | None) -> str:
    """The pinning hash of the copy `folder` (its model file and `MLmodel.json`), refusing a
    copy that `expected_sha256` does not pin or whose model file needs types outside the
    allow-list (checking builds nothing): no loader would load it."""
    links = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_symlink())
    if links:
        raise MLOpsError(
            f"source: {source} holds symbolic links ({', '.join(links[:5])}); not registered",
            ErrorCode.FORBIDDEN,
            field="source",
        )
    path = folder / MODEL_FILE
    if not path.is_file():
        raise MLOpsError(
            f"source: {source} has no model file {MODEL_FILE}", ErrorCode.NOT_FOUND, "source"
        )
    data, info = path.read_bytes(), (folder / INFO_FILE).read_bytes()
    try:
        if expected_sha256 is not None:
            check_pinned(expected_sha256, data, info, Path(source), field="source")
        trusted_types_for(data)
    except MLOpsError as exc:
        raise MLOpsError(f"{exc.message}; not registered", exc.code, "source") from None
    return folder_sha256(data, info)


def _publish(folder: Path, name: str, number: int) -> str:
    """Where a new version's files stay: `folder` itself under a local artifact root; under a
    remote one, a copy at `<root>/registry/<name>/v<number>-<random>` (a renamed model's old
    name may be registered again: its prefix must not meet the old files), the local copy
    removed so no reader depends on this machine's disk."""
    root = artifact_store.resolve_artifact_root()
    if not artifact_store.is_remote(root):
        return str(folder)
    location = artifact_store.child(root, f"registry/{name}/v{number}-{uuid.uuid4().hex[:8]}")
    artifact_store.upload(folder, location)
    shutil.rmtree(folder, ignore_errors=True)
    return location


class ModelRegistry(RegistryAdmin, RegistryAliases, EndpointRecords):
    """Models, versions, aliases and endpoints of one store; model files under `data_dir`.

    Renames and deletions come from `RegistryAdmin`, aliases from `RegistryAliases`, endpoint
    records from `EndpointRecords`.
    """

    def __init__(self, database: Database, data_dir: str | Path) -> None:
        self.database = database
        self.data_dir = Path(data_dir)
        self.models_root = self.data_dir / MODELS_FOLDER

    # --- models and versions -------------------------------------------------------------

    def create_version(
        self,
        name: str,
        folder: Path,
        source: str,
        *,
        run_id: str | None = None,
        description: str | None = None,
        tags: dict[str, str] | None = None,
        notebook_path: str | None = None,
        expected_sha256: str | None = None,
    ) -> ModelVersion:
        """Register the model folder `folder` as the next version of `name` (created if new).

        Concurrent registrations get consecutive numbers: the model row is locked while the
        number is chosen, and a lost race to create the model is retried. The model file is
        always `MODEL_FILE` inside the folder (never a path read from `MLmodel.json`).
        `expected_sha256`: the hash recorded when the model was logged; a copy whose model file
        hashes otherwise is deleted and refused (FORBIDDEN, field `source`).
        """
        check_name(name)
        info = read_model_info(folder)
        for attempt in range(_REGISTER_ATTEMPTS):
            try:
                return self._insert_version(
                    name,
                    folder,
                    info,
                    source,
                    run_id,
                    description,
                    tags,
                    notebook_path,
                    expected_sha256,
                )
            except MLOpsError as exc:
                if exc.code is not ErrorCode.CONFLICT or attempt == _REGISTER_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _insert_version(
        self,
        name: str,
        folder: Path,
        info: ModelInfo,
        source: str,
        run_id: str | None,
        description: str | None,
        tags: dict[str, str] | None,
        notebook_path: str | None,
        expected_sha256: str | None,
    ) -> ModelVersion:
        now = now_ms()
        with self.database.session(write=True) as session:
            model = session.get(ModelRow, name, with_for_update=True)
            require(session, Permission.EDIT, model=name, action="register a version")
            user = current_user()
            if model is None:
                model = ModelRow(
                    name=name, tags="{}", creation_time=now, last_update_time=now, created_by=user
                )
                session.add(model)
                grant_owner(session, model=name)
            model.last_update_time, model.updated_by = now, user
            # Never a deleted version's number again (MLflow's rule): past the highest given.
            number = max(model.last_version or 0, latest_version(session, name) or 0) + 1
            model.last_version = number
            destination = self.models_root / name / f"v{number}"
            if destination.exists():  # left by a registration whose transaction failed
                shutil.rmtree(destination)
            # Links are copied as links and refused: a link could bring files from outside.
            shutil.copytree(folder, destination, symlinks=True)
            stored = str(destination)
            try:
                # The hash of the copy, not of the source: what is checked is what is kept.
                if (tags or {}).get(NOT_SERVABLE_TAG):  # MLflow pickle: kept, never loaded
                    content_hash = not_servable_sha256(destination)
                else:
                    content_hash = _pin(destination, source, expected_sha256)
                stored = _publish(destination, name, number)
                row = ModelVersionRow(
                    name=name,
                    version=number,
                    source=source,
                    run_id=run_id,
                    storage_location=stored,
                    content_hash=content_hash,
                    estimator_class=info.estimator_class,
                    info=json.dumps(asdict(info)),
                    description=description,
                    tags=json.dumps(tags or {}),
                    notebook_path=notebook_path,
                    creation_time=now,
                    created_by=user,
                    last_update_time=now,
                )
                session.add(row)
                session.flush()
                after = {"version": number, "source": source, "run_id": run_id}
                audit.record(session, "version.create", "model", name, after=after)
                notifications.notify(
                    session,
                    "model.version_registered",
                    f"{user} registered {name} version {number}",
                    model=name,
                    version=number,
                    source=source,
                    run_id=run_id,
                )
            except BaseException:
                shutil.rmtree(destination, ignore_errors=True)
                if stored != str(destination):
                    artifact_store.delete(stored)
                raise
            return to_version(row, [])

    def set_training_profile(self, name: str, version: int, profile_name: str) -> None:
        """Record the stored profile of the version's training data (its monitoring baseline)."""
        with self.database.session(write=True) as session:
            version_row(session, name, version).training_profile = profile_name

    def update_version(
        self,
        name: str,
        version: int,
        description: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> ModelVersion:
        """Set a version's description and/or merge tags into its tags (its update time is
        now when either is given)."""
        with self.database.session(write=True) as session:
            require(session, Permission.EDIT, model=name, action="change a version")
            row = version_row(session, name, version)
            before = {"description": row.description, "tags": json.loads(row.tags or "{}")}
            if description is not None:
                row.description = description
            if tags:
                row.tags = json.dumps({**json.loads(row.tags or "{}"), **tags})
            if description is not None or tags:
                row.last_update_time = now_ms()
            after = {"description": row.description, "tags": json.loads(row.tags or "{}")}
            audit.record(
                session, "version.update", "model", f"{name}/{version}", before=before, after=after
            )
            session.flush()
            return to_version(row, aliases_of(session, name, version))

    def touch_version(self, name: str, version: int) -> None:
        """Mark a version and its model updated now (a change made through aliases and tags,
        such as MLflow's stage transition, that should read as one update of the version)."""
        now = now_ms()
        with self.database.session(write=True) as session:
            require(session, Permission.EDIT, model=name, action="change a version")
            version_row(session, name, version).last_update_time = now
            model = model_row(session, name)
            model.last_update_time, model.updated_by = now, current_user()

    def get_version(self, ref: ModelRef) -> ModelVersion:
        """The version a reference points to (its alias, its number, else the latest)."""
        with self.database.session() as session:
            number = resolve(session, ref)
            row = version_row(session, ref.name, number)
            return to_version(row, aliases_of(session, ref.name, number))

    def resolve(self, ref: ModelRef) -> int:
        """The version number a reference points to now."""
        with self.database.session() as session:
            return resolve(session, ref)

    def list_versions(self, name: str) -> list[ModelVersion]:
        """A model's versions, newest first."""
        with self.database.session() as session:
            model_row(session, name)
            rows = session.scalars(
                select(ModelVersionRow)
                .where(ModelVersionRow.name == name)
                .order_by(ModelVersionRow.version.desc())
            ).all()
            aliases: dict[int, list[str]] = {}
            for alias in session.scalars(select(AliasRow).where(AliasRow.name == name)):
                aliases.setdefault(alias.version, []).append(alias.alias)
            return [to_version(row, aliases.get(row.version, [])) for row in rows]

    def list_models(self) -> list[RegisteredModel]:
        """Every registered model, the most recently updated first."""
        with self.database.session() as session:
            latest = dict(
                session.execute(
                    select(ModelVersionRow.name, func.max(ModelVersionRow.version)).group_by(
                        ModelVersionRow.name
                    )
                ).all()
            )
            aliases: dict[str, dict[str, int]] = {}
            for alias in session.scalars(select(AliasRow)):
                aliases.setdefault(alias.name, {})[alias.alias] = alias.version
            rows = session.scalars(
                select(ModelRow).order_by(ModelRow.last_update_time.desc(), ModelRow.name)
            ).all()
            return [to_model(row, latest.get(row.name), aliases.get(row.name, {})) for row in rows]

    def get_model(self, name: str) -> RegisteredModel:
        """One registered model."""
        with self.database.session() as session:
            return read_model(session, name)

    def load(
        self, version: ModelVersion, trusted: Iterable[str] = (), allow_pickle: bool = False
    ) -> tuple[Any, ModelInfo]:
        """The estimator of a version; a model file whose sha256 is not the one recorded at
        registration is refused before it is read (`model_format.load_model`); a version
        marked not servable (an MLflow pickle) is refused saying so, unless `allow_pickle`
        (an endpoint of a server with `allow_pickle_models`: `model_format.mlflow_pickle`)."""
        pickled = allow_pickle and version.tags.get(NOT_SERVABLE_TAG) == PICKLE_REASON
        if not pickled:
            check_servable(version.tags, f"{version.name} version {version.version}")
        # A version on object storage is downloaded first; the hash is checked on the local
        # copy's bytes before skops reads them.
        folder = artifact_store.local_copy(version.storage_location, version.content_hash)
        if pickled:
            from ..model_format.mlflow_pickle import load_pickled

            estimator, info = load_pickled(folder, version.content_hash)
            return estimator, info
        return load_model(folder, expected_sha256=version.content_hash, trusted=trusted)
