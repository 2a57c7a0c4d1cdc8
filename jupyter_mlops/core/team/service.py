"""`TeamService`: the team's reads and changes on one store, each in one session.

What the REST adapter (`jupyter_mlops/team/handlers.py`) and the CLI call; capabilities call
the module functions (`permissions.require`, `audit.record`, `approvals.check_alias_move`,
`notifications.notify`) inside their own sessions instead.
"""

from __future__ import annotations

from typing import Any

from ..db import Database
from . import approvals, audit, notifications, permissions
from .approvals import Approval
from .permissions import Grant, Permission


class TeamService:
    """Audit trail, permissions, approvals and the delivery log of `database`."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def audit(self, **filters: Any) -> audit.AuditPage:
        """A page of the audit trail (see `audit.query` for the filters)."""
        return audit.query(self.database, **filters)

    def grants(self, object_type: str, object_id: str) -> list[Grant]:
        """Everyone's recorded permission on an object."""
        with self.database.session() as session:
            return permissions.list_grants(session, object_type, object_id)

    def my_permission(self, user: str, object_type: str, object_id: str) -> Permission:
        """What `user` may do on an object."""
        key = "model" if object_type == "model" else "experiment"
        with self.database.session() as session:
            return permissions.effective(session, user, **{key: object_id})

    def set_grant(
        self, object_type: str, object_id: str, user: str, permission: Permission | None
    ) -> Grant | None:
        """Grant (or, with None, remove) a user's permission; the actor needs MANAGE."""
        with self.database.session(write=True) as session:
            return permissions.set_permission(session, object_type, object_id, user, permission)

    def request_approval(
        self, model: str, alias: str, version: int, comment: str | None, gates: Any = None
    ) -> Approval:
        """Ask for `model@alias` to move to `version`."""
        with self.database.session(write=True) as session:
            return approvals.request(session, model, alias, version, comment, gates)

    def decide(self, approval_id: int, approve: bool, comment: str | None) -> Approval:
        """Approve or reject a pending request (MANAGE, a second user)."""
        with self.database.session(write=True) as session:
            return approvals.decide(session, approval_id, approve, comment)

    def approval(self, approval_id: int) -> Approval:
        """One request."""
        with self.database.session() as session:
            return approvals.get(session, approval_id)

    def approvals(self, model: str | None = None, state: str | None = None) -> list[Approval]:
        """Requests, newest first."""
        with self.database.session() as session:
            return approvals.list_requests(session, model, state)

    def deliveries(self, limit: int = 100) -> list[notifications.Delivery]:
        """The notification delivery log, newest first."""
        return notifications.deliveries(self.database, limit)
