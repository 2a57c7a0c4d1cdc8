"""The endpoints' records in the store (`ModelRegistry`'s endpoint methods, as a mixin).

An endpoint's record says what it serves (an alias it follows, or a pinned version with the
previous one for rollback), where (host, port, workers) and what the supervisor last saw
(state, pid, restarts, message). Endpoint processes read `endpoint_version` twice a second to
follow promotions. Each method is one session.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..core.db import Database
from ..core.errors import ErrorCode, MLOpsError
from ..core.team import audit, notifications
from ..core.team.identity import current_user
from ..core.team.permissions import Permission, require
from ..model_format.mlflow_folder import NOT_SERVABLE_TAG, PICKLE_REASON, check_servable
from .entities import Endpoint
from .model_uri import ModelRef, check_name
from .registry_rows import endpoint_row, now_ms, resolve, to_endpoint, version_row
from .tables import EndpointRow

ENDPOINT_FIELDS = {
    "alias", "version", "previous_version", "host", "port", "workers", "persistent", "auth",
    "state", "pid", "restarts", "message",
}  # fmt: skip


class EndpointRecords:
    """Create, read, change and forget endpoint records (mixed into `ModelRegistry`)."""

    database: Database

    def create_endpoint(
        self,
        name: str,
        ref: ModelRef,
        host: str,
        port: int,
        workers: int = 1,
        persistent: bool = False,
        auth: bool = False,
        allow_pickle: bool = False,
    ) -> Endpoint:
        """Record a new endpoint serving `ref` (an alias it follows, else a pinned version);
        an MLflow pickle only when `allow_pickle` (the server's `allow_pickle_models`)."""
        check_name(name, "name", "endpoint name")
        now = now_ms()
        with self.database.session(write=True) as session:
            require(session, Permission.EDIT, model=ref.name, action="deploy it")
            if session.get(EndpointRow, name) is not None:
                raise MLOpsError(f"an endpoint named {name!r} exists", ErrorCode.CONFLICT, "name")
            version = resolve(session, ref)
            # An MLflow pickle is recorded in the registry but never served.
            tags = json.loads(version_row(session, ref.name, version).tags or "{}")
            if not (allow_pickle and tags.get(NOT_SERVABLE_TAG) == PICKLE_REASON):
                check_servable(tags, f"{ref.name} version {version}")
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
                created_by=current_user(),
                updated_by=current_user(),
            )
            session.add(row)
            session.flush()
            after = {"model": ref.name, "alias": ref.alias, "version": row.version, "port": port}
            audit.record(session, "endpoint.create", "endpoint", name, after=after)
            return to_endpoint(row)

    def get_endpoint(self, name: str) -> Endpoint:
        """One endpoint."""
        with self.database.session() as session:
            return to_endpoint(endpoint_row(session, name))

    def list_endpoints(self) -> list[Endpoint]:
        """Every endpoint, by name."""
        with self.database.session() as session:
            rows = session.scalars(select(EndpointRow).order_by(EndpointRow.name)).all()
            return [to_endpoint(row) for row in rows]

    def update_endpoint(self, name: str, **changes: Any) -> Endpoint:
        """Change an endpoint's recorded fields (the supervisor's state, a pinned version)."""
        unknown = set(changes) - ENDPOINT_FIELDS
        if unknown:
            raise ValueError(f"unknown endpoint fields {sorted(unknown)}")
        with self.database.session(write=True) as session:
            row = endpoint_row(session, name)
            if "version" in changes and changes["version"] is not None:
                version_row(session, row.model_name, changes["version"])
            before = {key: getattr(row, key) for key in changes}
            for key, value in changes.items():
                setattr(row, key, value)
            row.update_time = now_ms()
            _audit_change(session, row, before, changes)
            session.flush()
            return to_endpoint(row)

    def delete_endpoint(self, name: str) -> None:
        """Forget an endpoint (its process must be stopped first)."""
        with self.database.session(write=True) as session:
            row = endpoint_row(session, name)
            audit.record(
                session, "endpoint.delete", "endpoint", name, before={"model": row.model_name}
            )
            session.delete(row)

    def check_endpoint_delete(self, name: str) -> None:
        """Refuse (403) deleting an endpoint that serves traffic (running) without MANAGE on its
        model, or a stopped one without EDIT."""
        with self.database.session() as session:
            row = endpoint_row(session, name)
            live = row.state in ("running", "starting", "restarting")
            needed = Permission.MANAGE if live else Permission.EDIT
            require(session, needed, model=row.model_name, action=f"delete endpoint {name}")

    def endpoint_version(self, name: str) -> int:
        """The version an endpoint should serve now (its alias's, else its pinned one)."""
        with self.database.session() as session:
            row = endpoint_row(session, name)
            if row.alias:
                return resolve(session, ModelRef(row.model_name, alias=row.alias))
            assert row.version is not None
            return row.version


# Changes a user makes (what is served, how) are audited as updates; the supervisor's process
# states only when they matter to someone (a failure, a restart, a stop).
_AUDITED_FIELDS = {"alias", "version", "auth", "workers", "persistent"}


def _audit_change(
    session: Session, row: EndpointRow, before: dict[str, Any], changes: dict[str, Any]
) -> None:
    name = row.name
    user_change = {k: v for k, v in changes.items() if k in _AUDITED_FIELDS and before[k] != v}
    if user_change:
        row.updated_by = current_user()
        was = {k: before[k] for k in user_change}
        audit.record(session, "endpoint.update", "endpoint", name, before=was, after=user_change)
    state = changes.get("state")
    if state == before.get("state"):
        return
    if state == "failed":
        audit.record(session, "endpoint.failed", "endpoint", name, after={"message": row.message})
        notifications.notify(
            session,
            "endpoint.failed",
            f"endpoint {name} failed: {row.message or ''}".strip(),
            endpoint=name,
            model=row.model_name,
            message=row.message,
        )
    elif state == "restarting":
        audit.record(
            session, "endpoint.restart", "endpoint", name, after={"restarts": row.restarts}
        )
        notifications.notify(
            session,
            "endpoint.restarted",
            f"endpoint {name} restarted ({row.restarts})",
            endpoint=name,
            model=row.model_name,
            restarts=row.restarts,
        )
    elif state == "stopped":
        audit.record(session, "endpoint.stop", "endpoint", name, before={"state": before["state"]})
