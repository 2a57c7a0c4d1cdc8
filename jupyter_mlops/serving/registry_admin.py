"""Registry edits besides registering and aliasing (what MLflow's client offers): create a model
before its first version, change a model's description and tags, rename a model, delete a
model, a version, a model's or a version's tag. `RegistryAdmin` is mixed into `ModelRegistry`.

Each method is one write session on the registry's database. A model or version an endpoint
serves (by number or through an alias) is not renamed or deleted (CONFLICT): the endpoint's
record and processes name it. Files follow the rows: a renamed model's folder moves to its new
name (moved back if the transaction fails), a deleted model's or version's folder is removed
after commit.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from ..core import artifact_store
from ..core.db import Database
from ..core.errors import ErrorCode, MLOpsError, NotFoundError
from ..core.team import audit
from ..core.team.identity import current_user
from ..core.team.permissions import Permission, forget_object, grant_owner, rename_object, require
from ..core.team.settings import PROTECTED_ALIASES_TAG
from .entities import RegisteredModel
from .model_uri import check_name
from .registry_rows import model_row, now_ms, read_model
from .tables import AliasRow, EndpointRow, ModelRow, ModelVersionRow


def _refuse_if_served(session: Session, name: str, version: int | None = None) -> None:
    """CONFLICT when an endpoint serves the model (or, given `version`, that version)."""
    endpoints = session.scalars(select(EndpointRow).where(EndpointRow.model_name == name)).all()
    if version is not None:
        aliases = {
            a.alias
            for a in session.scalars(
                select(AliasRow).where(AliasRow.name == name, AliasRow.version == version)
            )
        }
        endpoints = [e for e in endpoints if e.version == version or e.alias in aliases]
    if endpoints:
        what = f"model {name!r}" + (f" version {version}" if version is not None else "")
        names = ", ".join(sorted(e.name for e in endpoints))
        raise MLOpsError(
            f"{what} is served by endpoint(s) {names}; delete them first",
            ErrorCode.CONFLICT,
            "name",
        )


def create_model(
    registry: RegistryAdmin,
    name: str,
    description: str | None = None,
    tags: dict[str, str] | None = None,
) -> None:
    """Record a model without versions yet (CONFLICT if the name is taken); its first
    registered version becomes version 1."""
    check_name(name)
    now = now_ms()
    with registry.database.session(write=True) as session:
        require(session, Permission.EDIT, model=name, action="create a model")
        if session.get(ModelRow, name) is not None:
            raise MLOpsError(
                f"a registered model named {name!r} exists already", ErrorCode.CONFLICT, "name"
            )
        session.add(
            ModelRow(
                name=name,
                description=description,
                tags=json.dumps(tags or {}),
                creation_time=now,
                last_update_time=now,
                created_by=current_user(),
                updated_by=current_user(),
            )
        )
        grant_owner(session, model=name)
        audit.record(session, "model.create", "model", name, after={"description": description})


class RegistryAdmin:
    """Changing and deleting models, versions and tags (mixed into `ModelRegistry`)."""

    database: Database
    models_root: Path

    def delete_model(self, name: str) -> None:
        """Delete a model, its versions, aliases and files; refused while an endpoint serves it."""
        with self.database.session(write=True) as session:
            row = model_row(session, name)
            require(session, Permission.MANAGE, model=name, action="delete it")
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
            audit.record(session, "model.delete", "model", name, before={"name": name})
            forget_object(session, "model", name)
            session.delete(row)
        shutil.rmtree(self.models_root / name, ignore_errors=True)

    def update_model(
        self,
        name: str,
        description: str | None = None,
        tags: dict[str, str] | None = None,
    ) -> RegisteredModel:
        """Set a model's description and/or merge tags into its tags."""
        with self.database.session(write=True) as session:
            row = model_row(session, name)
            old_tags = json.loads(row.tags or "{}")
            # Who may protect or unprotect an alias is who may approve moving it.
            protecting = bool(tags) and PROTECTED_ALIASES_TAG in (tags or {})
            needed = Permission.MANAGE if protecting else Permission.EDIT
            require(session, needed, model=name, action="change it")
            before = {"description": row.description, "tags": old_tags}
            if description is not None:
                row.description = description
            if tags:
                row.tags = json.dumps({**old_tags, **tags})
            row.last_update_time, row.updated_by = now_ms(), current_user()
            after = {"description": row.description, "tags": json.loads(row.tags or "{}")}
            audit.record(session, "model.update", "model", name, before=before, after=after)
        with self.database.session() as session:
            return read_model(session, name)

    def rename_model(self, name: str, new_name: str) -> RegisteredModel:
        """Rename a model with its versions, aliases and files (CONFLICT if `new_name` is taken;
        not while an endpoint serves it)."""
        check_name(new_name, field="new_name")
        old_dir = self.models_root / name
        new_dir = self.models_root / new_name
        moved = False
        try:
            with self.database.session(write=True) as session:
                row = model_row(session, name)
                if name == new_name:
                    return read_model(session, name)
                if session.get(ModelRow, new_name) is not None:
                    raise MLOpsError(
                        f"a registered model named {new_name!r} exists already",
                        ErrorCode.CONFLICT,
                        "new_name",
                    )
                _refuse_if_served(session, name)
                require(session, Permission.MANAGE, model=name, action="rename it")
                rename_object(session, "model", name, new_name)
                audit.record(
                    session, "model.rename", "model", new_name, before=name, after=new_name
                )
                if new_dir.exists():  # left by a registration whose transaction failed
                    shutil.rmtree(new_dir)
                session.execute(
                    insert(ModelRow).values(
                        name=new_name,
                        description=row.description,
                        tags=row.tags,
                        creation_time=row.creation_time,
                        last_update_time=now_ms(),
                        created_by=row.created_by,
                        updated_by=current_user(),
                        last_version=row.last_version,
                    )
                )
                aliases = [
                    {
                        "name": new_name,
                        "alias": a.alias,
                        "version": a.version,
                        "previous_version": a.previous_version,
                        "update_time": a.update_time,
                        "updated_by": a.updated_by,
                    }
                    for a in session.scalars(select(AliasRow).where(AliasRow.name == name))
                ]
                session.execute(delete(AliasRow).where(AliasRow.name == name))
                versions = session.execute(
                    select(ModelVersionRow.version, ModelVersionRow.storage_location).where(
                        ModelVersionRow.name == name
                    )
                ).all()
                for number, location in versions:
                    session.execute(
                        update(ModelVersionRow)
                        .where(ModelVersionRow.name == name, ModelVersionRow.version == number)
                        .values(
                            name=new_name, storage_location=_relocated(location, old_dir, new_dir)
                        )
                    )
                if aliases:
                    session.execute(insert(AliasRow), aliases)
                session.execute(delete(ModelRow).where(ModelRow.name == name))
                session.expunge_all()
                if old_dir.exists():
                    new_dir.parent.mkdir(parents=True, exist_ok=True)
                    old_dir.rename(new_dir)
                    moved = True
        except BaseException:
            if moved and new_dir.exists() and not old_dir.exists():
                new_dir.rename(old_dir)
            raise
        with self.database.session() as session:
            return read_model(session, new_name)

    def delete_version(self, name: str, version: int) -> None:
        """Delete a version, the aliases pointing at it and its files (the model stays, even
        without versions; its next version still gets a new number: `ModelRow.last_version`)."""
        with self.database.session(write=True) as session:
            model_row(session, name).last_update_time = now_ms()
            row = session.get(ModelVersionRow, (name, version))
            if row is None:
                raise NotFoundError(f"model {name!r} has no version {version}", field="version")
            _refuse_if_served(session, name, version)
            aliased = session.scalar(
                select(AliasRow.alias).where(AliasRow.name == name, AliasRow.version == version)
            )
            needed = Permission.MANAGE if aliased is not None else Permission.EDIT
            require(session, needed, model=name, action=f"delete version {version}")
            audit.record(
                session, "version.delete", "model", f"{name}/{version}", before={"version": version}
            )
            stored = row.storage_location
            location = Path(stored)
            session.execute(
                delete(AliasRow).where(AliasRow.name == name, AliasRow.version == version)
            )
            session.delete(row)
        if artifact_store.is_remote(stored):  # on object storage (`registry._publish`)
            artifact_store.delete(stored)
            return
        root = self.models_root.resolve()
        if location.resolve().is_relative_to(root) and location.resolve() != root:
            shutil.rmtree(location, ignore_errors=True)

    def delete_model_tag(self, name: str, key: str) -> None:
        """Remove one tag of a model (NotFound when it has no such tag)."""
        with self.database.session(write=True) as session:
            row = model_row(session, name)
            needed = Permission.MANAGE if key == PROTECTED_ALIASES_TAG else Permission.EDIT
            require(session, needed, model=name, action="remove a tag")
            tags = json.loads(row.tags or "{}")
            if key not in tags:
                raise NotFoundError(f"model {name!r} has no tag {key!r}", field="key")
            audit.record(session, "model.tag_delete", "model", name, before={key: tags[key]})
            del tags[key]
            row.tags = json.dumps(tags)
            row.last_update_time, row.updated_by = now_ms(), current_user()

    def delete_version_tag(self, name: str, version: int, key: str) -> None:
        """Remove one tag of a version (NotFound when it has no such tag)."""
        with self.database.session(write=True) as session:
            require(session, Permission.EDIT, model=name, action="remove a tag")
            row = session.get(ModelVersionRow, (name, version))
            if row is None:
                model_row(session, name)
                raise NotFoundError(f"model {name!r} has no version {version}", field="version")
            tags = json.loads(row.tags or "{}")
            if key not in tags:
                raise NotFoundError(
                    f"model {name!r} version {version} has no tag {key!r}", field="key"
                )
            where = f"{name}/{version}"
            audit.record(session, "version.tag_delete", "model", where, before={key: tags[key]})
            del tags[key]
            row.tags = json.dumps(tags)
            row.last_update_time = now_ms()


def _relocated(location: str, old_dir: Path, new_dir: Path) -> str:
    """A version folder's path once its model's folder moved (kept if it lay elsewhere)."""
    path = Path(location)
    try:
        return str(new_dir / path.relative_to(old_dir))
    except ValueError:
        return location
