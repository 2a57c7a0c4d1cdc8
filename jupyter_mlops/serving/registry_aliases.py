"""A registered model's aliases (`ModelRegistry`'s alias methods, as a mixin).

An alias (`NAME@ALIAS`) points at one version and remembers the one before it (for rollback).
A protected alias moves only with an approval or passed gates, or back as a rollback
(`core.team.approvals`), and removing one needs MANAGE; every move is audited. Endpoints
following an alias switch when the supervisor hears of the move
(`EndpointSupervisor.after_alias_moved`). Each method is one session.
"""

from __future__ import annotations

import json

from ..core.db import Database
from ..core.errors import NotFoundError
from ..core.team import approvals, audit
from ..core.team.identity import current_user
from ..core.team.permissions import Permission, require
from .entities import Alias
from .model_uri import check_alias
from .registry_rows import model_row, now_ms, version_row
from .tables import AliasRow


class RegistryAliases:
    """Set, read and remove aliases (mixed into `ModelRegistry`)."""

    database: Database

    def set_alias(self, name: str, alias: str, version: int) -> Alias:
        """Point `alias` at `version`; the version it pointed to becomes `previous_version`."""
        check_alias(alias)
        now = now_ms()
        with self.database.session(write=True) as session:
            version_row(session, name, version)
            model = model_row(session, name)
            row = session.get(AliasRow, (name, alias))
            current = row.version if row is not None else None
            # Protected aliases move only with an approval (or back, as a rollback).
            how = approvals.check_alias_move(
                session,
                name,
                alias,
                version,
                current=current,
                previous=row.previous_version if row is not None else None,
                model_tags=json.loads(model.tags or "{}"),
            )
            if row is None:
                row = AliasRow(name=name, alias=alias, version=version, update_time=now)
                session.add(row)
            elif row.version != version:
                row.previous_version, row.version, row.update_time = row.version, version, now
            if how != "unchanged":
                row.updated_by = current_user()
                audit.record(
                    session,
                    "alias.rollback" if how == "rollback" else "alias.set",
                    "model",
                    name,
                    before={"alias": alias, "version": current},
                    after={"alias": alias, "version": version},
                    comment={"approved": "approved request", "gates": "passed gates"}.get(how),
                )
            session.flush()
            return Alias(
                name, alias, row.version, row.previous_version, row.update_time, row.updated_by
            )

    def get_alias(self, name: str, alias: str) -> Alias:
        """One alias."""
        with self.database.session() as session:
            row = session.get(AliasRow, (name, alias))
            if row is None:
                raise NotFoundError(f"model {name!r} has no alias {alias!r}", field="alias")
            return Alias(
                name, alias, row.version, row.previous_version, row.update_time, row.updated_by
            )

    def delete_alias(self, name: str, alias: str) -> None:
        """Remove an alias (an endpoint following it keeps serving what it loaded)."""
        with self.database.session(write=True) as session:
            row = session.get(AliasRow, (name, alias))
            if row is None:
                raise NotFoundError(f"model {name!r} has no alias {alias!r}", field="alias")
            tags = json.loads(model_row(session, name).tags or "{}")
            needed = Permission.MANAGE if approvals.is_protected(alias, tags) else Permission.EDIT
            require(session, needed, model=name, action=f"remove {name}@{alias}")
            before = {"alias": alias, "version": row.version}
            audit.record(session, "alias.delete", "model", name, before=before)
            session.delete(row)
