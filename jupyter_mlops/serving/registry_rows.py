"""The registry's rows in and out: lookups that raise NotFound naming the field, reference
resolution, and the conversion of rows to the dataclasses `ModelRegistry` returns.

Shared by `registry` (models, versions, aliases), `registry_admin` (renames and deletions) and
`endpoint_records` (endpoints); every function takes the caller's session.
"""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..core.clock import now_ms as now_ms
from ..core.errors import NotFoundError
from .entities import Endpoint, ModelVersion, RegisteredModel
from .model_uri import ModelRef
from .tables import AliasRow, EndpointRow, ModelRow, ModelVersionRow


def model_row(session: Session, name: str) -> ModelRow:
    """A model's row (NotFound, field `name`)."""
    row = session.get(ModelRow, name)
    if row is None:
        raise NotFoundError(f"no registered model named {name!r}", field="name")
    return row


def version_row(session: Session, name: str, version: int) -> ModelVersionRow:
    """A version's row (NotFound, field `version`)."""
    row = session.get(ModelVersionRow, (name, version))
    if row is None:
        raise NotFoundError(f"model {name!r} has no version {version}", field="version")
    return row


def endpoint_row(session: Session, name: str) -> EndpointRow:
    """An endpoint's row (NotFound, field `endpoint`)."""
    row = session.get(EndpointRow, name)
    if row is None:
        raise NotFoundError(f"no endpoint named {name!r}", field="endpoint")
    return row


def latest_version(session: Session, name: str) -> int | None:
    """A model's highest version number (None without versions)."""
    return session.scalar(
        select(func.max(ModelVersionRow.version)).where(ModelVersionRow.name == name)
    )


def resolve(session: Session, ref: ModelRef) -> int:
    """The version number a reference points to: its alias's, its number, else the latest."""
    if ref.alias:
        row = session.get(AliasRow, (ref.name, ref.alias))
        if row is None:
            model_row(session, ref.name)
            raise NotFoundError(f"model {ref.name!r} has no alias {ref.alias!r}", field="alias")
        return row.version
    if ref.version is not None:
        return version_row(session, ref.name, ref.version).version
    latest = latest_version(session, ref.name)
    if latest is None:
        raise NotFoundError(f"no registered model named {ref.name!r}", field="name")
    return int(latest)


def aliases_of(session: Session, name: str, version: int) -> list[str]:
    """The aliases pointing at one version."""
    return list(
        session.scalars(
            select(AliasRow.alias).where(AliasRow.name == name, AliasRow.version == version)
        )
    )


def read_model(session: Session, name: str) -> RegisteredModel:
    """One registered model with its latest version and aliases."""
    row = model_row(session, name)
    aliases = {
        a.alias: a.version for a in session.scalars(select(AliasRow).where(AliasRow.name == name))
    }
    return to_model(row, latest_version(session, name), aliases)


def to_model(row: ModelRow, latest: int | None, aliases: dict[str, int]) -> RegisteredModel:
    """A model row as the dataclass."""
    return RegisteredModel(
        name=row.name,
        description=row.description,
        tags=json.loads(row.tags or "{}"),
        creation_time=row.creation_time,
        last_update_time=row.last_update_time,
        latest_version=latest,
        aliases=aliases,
        created_by=row.created_by,
        updated_by=row.updated_by,
    )


def to_version(row: ModelVersionRow, aliases: list[str]) -> ModelVersion:
    """A version row as the dataclass."""
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
        created_by=row.created_by,
        last_update_time=row.last_update_time or row.creation_time,
    )


def to_endpoint(row: EndpointRow) -> Endpoint:
    """An endpoint row as the dataclass."""
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
        created_by=row.created_by,
        updated_by=row.updated_by,
    )
