"""`ModelRegistry`: registered models, their versions and aliases, and endpoints, in the store.

Each public method is one session. A new version copies the model folder it is registered from
into `<data dir>/serving/models/<name>/v<version>/` (inside the write transaction that assigns
the number, so two registrations at once get two numbers and two folders) and records the
sha256 of its model file; `load` checks that hash before skops reads the file. A version
registered from a run gives `expected_sha256` (the hash tracking recorded at `log_model`): the
copy's model file must hash to it, else nothing is registered (FORBIDDEN, field `source`), so a
file swapped in the run's artifact folder after `log_model` never becomes a version.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.db import Database
from ..core.errors import ErrorCode, MLOpsError, NotFoundError
from ..model_format import MODEL_FILE, ModelInfo, load_model, read_model_info
from . import registry_admin
from .entities import Alias, Endpoint, ModelVersion, RegisteredModel
from .model_uri import ModelRef, check_alias, check_name
from .tables import AliasRow, EndpointRow, ModelRow, ModelVersionRow

MODELS_FOLDER = Path("serving") / "models"
_REGISTER_ATTEMPTS = 5
_ENDPOINT_FIELDS = {
    "alias", "version", "previous_version", "host", "port", "workers", "persistent", "auth",
    "state", "pid", "restarts", "message",
}  # fmt: skip


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def file_sha256(path: Path) -> str:
    """The sha256 of a file, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _model_file_hash(folder: Path, source: str) -> str:
    path = folder / MODEL_FILE
    if path.is_symlink() or not path.is_file():
        raise MLOpsError(
            f"source: {source} has no model file {MODEL_FILE}", ErrorCode.NOT_FOUND, "source"
        )
    return file_sha256(path)


def _version(row: ModelVersionRow, aliases: list[str]) -> ModelVersion:
    info = json.loads(row.info)
    return ModelVersion(
        name=row.name,
        version=row.version,
        source=row.source,
        run_id=row.run_id,
        storage_location=row.storage_location,
        content_hash=row.content_hash,
        estimator_class=row.estimator_class,
        creation_time=row.creation_time,
        input_schema=info.get("input_schema", {}),
        predict_methods=list(info.get("predict_methods", [])),
        versions=dict(info.get("versions", {})),
        description=row.description,
        tags=json.loads(row.tags or "{}"),
        training_profile=row.training_profile,
        notebook_path=row.notebook_path,
        aliases=sorted(aliases),
    )


def _endpoint(row: EndpointRow) -> Endpoint:
    return Endpoint(
        name=row.name,
        model_name=row.model_name,
        alias=row.alias,
        version=row.version,
        previous_version=row.previous_version,
        host=row.host,
        port=row.port,
        workers=row.workers,
        persistent=row.persistent,
        auth=row.auth,
        state=row.state,
        pid=row.pid,
        restarts=row.restarts,
        message=row.message,
        creation_time=row.creation_time,
        update_time=row.update_time,
    )


class ModelRegistry:
    """Models, versions, aliases and endpoints of one store; model files under `data_dir`."""

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
        now = _now_ms()
        with self.database.session(write=True) as session:
            model = session.get(ModelRow, name, with_for_update=True)
            if model is None:
                model = ModelRow(name=name, tags="{}", creation_time=now, last_update_time=now)
                session.add(model)
            model.last_update_time = now
            latest = session.scalar(
                select(func.max(ModelVersionRow.version)).where(ModelVersionRow.name == name)
            )
            number = (latest or 0) + 1
            destination = self.models_root / name / f"v{number}"
            if destination.exists():  # left by a registration whose transaction failed
                shutil.rmtree(destination)
            shutil.copytree(folder, destination)
            try:
                # The hash of the copy, not of the source: what is checked is what is kept.
                content_hash = _model_file_hash(destination, source)
                if expected_sha256 is not None and content_hash != expected_sha256.lower():
                    raise MLOpsError(
                        f"source: the model file of {source} changed since it was logged "
                        f"(sha256 {content_hash}, recorded {expected_sha256}); not registered",
                        ErrorCode.FORBIDDEN,
                        field="source",
                    )
                row = ModelVersionRow(
                    name=name,
                    version=number,
                    source=source,
                    run_id=run_id,
                    storage_location=str(destination),
                    content_hash=content_hash,
                    estimator_class=info.estimator_class,
                    info=json.dumps(asdict(info)),
                    description=description,
                    tags=json.dumps(tags or {}),
                    notebook_path=notebook_path,
                    creation_time=now,
                )
                session.add(row)
                session.flush()
            except BaseException:
                shutil.rmtree(destination, ignore_errors=True)
                raise
            return _version(row, [])

    def set_training_profile(self, name: str, version: int, profile_name: str) -> None:
        """Record the stored profile of the version's training data (its monitoring baseline)."""
        with self.database.session(write=True) as session:
            self._version_row(session, name, version).training_profile = profile_name

    def update_version(
        self,
        name: str,
        version: int,
        description: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> ModelVersion:
        """Set a version's description and/or merge tags into its tags."""
        with self.database.session(write=True) as session:
            row = self._version_row(session, name, version)
            if description is not None:
                row.description = description
            if tags:
                row.tags = json.dumps({**json.loads(row.tags or "{}"), **tags})
            session.flush()
            return _version(row, self._aliases_of(session, name, version))

    def get_version(self, ref: ModelRef) -> ModelVersion:
        """The version a reference points to (its alias, its number, else the latest)."""
        with self.database.session() as session:
            number = self._resolve(session, ref)
            row = self._version_row(session, ref.name, number)
            return _version(row, self._aliases_of(session, ref.name, number))

    def resolve(self, ref: ModelRef) -> int:
        """The version number a reference points to now."""
        with self.database.session() as session:
            return self._resolve(session, ref)

    def list_versions(self, name: str) -> list[ModelVersion]:
        """A model's versions, newest first."""
        with self.database.session() as session:
            self._model_row(session, name)
            rows = session.scalars(
                select(ModelVersionRow)
                .where(ModelVersionRow.name == name)
                .order_by(ModelVersionRow.version.desc())
            ).all()
            aliases: dict[int, list[str]] = {}
            for alias in session.scalars(select(AliasRow).where(AliasRow.name == name)):
                aliases.setdefault(alias.version, []).append(alias.alias)
            return [_version(row, aliases.get(row.version, [])) for row in rows]

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
            return [
                self._model(row, latest.get(row.name), aliases.get(row.name, {})) for row in rows
            ]

    def get_model(self, name: str) -> RegisteredModel:
        """One registered model."""
        with self.database.session() as session:
            row = self._model_row(session, name)
            latest = session.scalar(
                select(func.max(ModelVersionRow.version)).where(ModelVersionRow.name == name)
            )
            aliases = {
                a.alias: a.version
                for a in session.scalars(select(AliasRow).where(AliasRow.name == name))
            }
            return self._model(row, latest, aliases)

    def update_model(
        self, name: str, description: str | None = None, tags: dict[str, str] | None = None
    ) -> RegisteredModel:
        """Set a model's description and/or merge tags into its tags."""
        with self.database.session(write=True) as session:
            row = self._model_row(session, name)
            if description is not None:
                row.description = description
            if tags:
                row.tags = json.dumps({**json.loads(row.tags or "{}"), **tags})
            row.last_update_time = _now_ms()
        return self.get_model(name)

    def delete_model(self, name: str) -> None:
        """Delete a model, its versions, aliases and files; refused while an endpoint serves it."""
        with self.database.session(write=True) as session:
            row = self._model_row(session, name)
            serving = session.scalars(
                select(EndpointRow.name).where(EndpointRow.model_name == name)
            ).all()
            if serving:
                raise MLOpsError(
                    f"model {name!r} is served by endpoint(s) {', '.join(serving)}; delete them "
                    "first",
                    ErrorCode.CONFLICT,
                    "name",
                )
            for alias in session.scalars(select(AliasRow).where(AliasRow.name == name)):
                session.delete(alias)
            for version in session.scalars(
                select(ModelVersionRow).where(ModelVersionRow.name == name)
            ):
                session.delete(version)
            session.flush()
            session.delete(row)
        shutil.rmtree(self.models_root / name, ignore_errors=True)

    def rename_model(self, name: str, new_name: str) -> RegisteredModel:
        """Rename a model with its versions, aliases and files (not while an endpoint serves
        it; see `registry_admin`)."""
        registry_admin.rename_model(self, name, new_name)
        return self.get_model(new_name)

    def delete_version(self, name: str, version: int) -> None:
        """Delete a version, its aliases and files (not while an endpoint serves it)."""
        registry_admin.delete_version(self, name, version)

    def delete_model_tag(self, name: str, key: str) -> None:
        """Remove one tag of a model."""
        registry_admin.delete_model_tag(self, name, key)

    def delete_version_tag(self, name: str, version: int, key: str) -> None:
        """Remove one tag of a version."""
        registry_admin.delete_version_tag(self, name, version, key)

    def load(self, version: ModelVersion, trusted: Iterable[str] = ()) -> tuple[Any, ModelInfo]:
        """The estimator of a version; a model file whose sha256 is not the one recorded at
        registration is refused before it is read (`model_format.load_model`)."""
        return load_model(
            Path(version.storage_location), expected_sha256=version.content_hash, trusted=trusted
        )

    # --- aliases -------------------------------------------------------------------------

    def set_alias(self, name: str, alias: str, version: int) -> Alias:
        """Point `alias` at `version`; the version it pointed to becomes `previous_version`."""
        check_alias(alias)
        now = _now_ms()
        with self.database.session(write=True) as session:
            self._version_row(session, name, version)
            row = session.get(AliasRow, (name, alias))
            if row is None:
                row = AliasRow(name=name, alias=alias, version=version, update_time=now)
                session.add(row)
            elif row.version != version:
                row.previous_version, row.version, row.update_time = row.version, version, now
            session.flush()
            return Alias(name, alias, row.version, row.previous_version, row.update_time)

    def get_alias(self, name: str, alias: str) -> Alias:
        """One alias."""
        with self.database.session() as session:
            row = session.get(AliasRow, (name, alias))
            if row is None:
                raise NotFoundError(f"model {name!r} has no alias {alias!r}", field="alias")
            return Alias(name, alias, row.version, row.previous_version, row.update_time)

    def delete_alias(self, name: str, alias: str) -> None:
        """Remove an alias (an endpoint following it keeps serving what it loaded)."""
        with self.database.session(write=True) as session:
            row = session.get(AliasRow, (name, alias))
            if row is None:
                raise NotFoundError(f"model {name!r} has no alias {alias!r}", field="alias")
            session.delete(row)

    # --- endpoints -----------------------------------------------------------------------

    def create_endpoint(
        self,
        name: str,
        ref: ModelRef,
        host: str,
        port: int,
        workers: int = 1,
        persistent: bool = False,
        auth: bool = False,
    ) -> Endpoint:
        """Record a new endpoint serving `ref` (an alias it follows, else a pinned version)."""
        check_name(name, "name", "endpoint name")
        now = _now_ms()
        with self.database.session(write=True) as session:
            if session.get(EndpointRow, name) is not None:
                raise MLOpsError(f"an endpoint named {name!r} exists", ErrorCode.CONFLICT, "name")
            version = self._resolve(session, ref)
            row = EndpointRow(
                name=name,
                model_name=ref.name,
                alias=ref.alias,
                version=None if ref.alias else version,
                host=host,
                port=port,
                workers=workers,
                persistent=persistent,
                auth=auth,
                state="starting",
                restarts=0,
                creation_time=now,
                update_time=now,
            )
            session.add(row)
            session.flush()
            return _endpoint(row)

    def get_endpoint(self, name: str) -> Endpoint:
        """One endpoint."""
        with self.database.session() as session:
            return _endpoint(self._endpoint_row(session, name))

    def list_endpoints(self) -> list[Endpoint]:
        """Every endpoint, by name."""
        with self.database.session() as session:
            rows = session.scalars(select(EndpointRow).order_by(EndpointRow.name)).all()
            return [_endpoint(row) for row in rows]

    def update_endpoint(self, name: str, **changes: Any) -> Endpoint:
        """Change an endpoint's recorded fields (the supervisor's state, a pinned version)."""
        unknown = set(changes) - _ENDPOINT_FIELDS
        if unknown:
            raise ValueError(f"unknown endpoint fields {sorted(unknown)}")
        with self.database.session(write=True) as session:
            row = self._endpoint_row(session, name)
            if "version" in changes and changes["version"] is not None:
                self._version_row(session, row.model_name, changes["version"])
            for key, value in changes.items():
                setattr(row, key, value)
            row.update_time = _now_ms()
            session.flush()
            return _endpoint(row)

    def delete_endpoint(self, name: str) -> None:
        """Forget an endpoint (its process must be stopped first)."""
        with self.database.session(write=True) as session:
            session.delete(self._endpoint_row(session, name))

    def endpoint_version(self, name: str) -> int:
        """The version an endpoint should serve now (its alias's, else its pinned one)."""
        with self.database.session() as session:
            row = self._endpoint_row(session, name)
            if row.alias:
                return self._resolve(session, ModelRef(row.model_name, alias=row.alias))
            assert row.version is not None
            return row.version

    # --- rows ----------------------------------------------------------------------------

    @staticmethod
    def _model(row: ModelRow, latest: int | None, aliases: dict[str, int]) -> RegisteredModel:
        return RegisteredModel(
            name=row.name,
            description=row.description,
            tags=json.loads(row.tags or "{}"),
            creation_time=row.creation_time,
            last_update_time=row.last_update_time,
            latest_version=latest,
            aliases=aliases,
        )

    @staticmethod
    def _model_row(session: Session, name: str) -> ModelRow:
        row = session.get(ModelRow, name)
        if row is None:
            raise NotFoundError(f"no registered model named {name!r}", field="name")
        return row

    @staticmethod
    def _version_row(session: Session, name: str, version: int) -> ModelVersionRow:
        row = session.get(ModelVersionRow, (name, version))
        if row is None:
            raise NotFoundError(f"model {name!r} has no version {version}", field="version")
        return row

    @staticmethod
    def _endpoint_row(session: Session, name: str) -> EndpointRow:
        row = session.get(EndpointRow, name)
        if row is None:
            raise NotFoundError(f"no endpoint named {name!r}", field="endpoint")
        return row

    def _resolve(self, session: Session, ref: ModelRef) -> int:
        if ref.alias:
            row = session.get(AliasRow, (ref.name, ref.alias))
            if row is None:
                self._model_row(session, ref.name)
                raise NotFoundError(f"model {ref.name!r} has no alias {ref.alias!r}", field="alias")
            return row.version
        if ref.version is not None:
            return self._version_row(session, ref.name, ref.version).version
        latest = session.scalar(
            select(func.max(ModelVersionRow.version)).where(ModelVersionRow.name == ref.name)
        )
        if latest is None:
            raise NotFoundError(f"no registered model named {ref.name!r}", field="name")
        return int(latest)

    @staticmethod
    def _aliases_of(session: Session, name: str, version: int) -> list[str]:
        return list(
            session.scalars(
                select(AliasRow.alias).where(AliasRow.name == name, AliasRow.version == version)
            )
        )
