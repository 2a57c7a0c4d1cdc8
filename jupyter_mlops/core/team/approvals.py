"""Moving a protected alias: a request, decided by a second user with MANAGE.

An alias is protected by configuration (`MLOpsApp.protected_aliases`) or by its model's tag
`mlops.protected_aliases`. `check_alias_move` is what the registry calls before it moves an
alias: an unprotected alias moves for anyone with EDIT; a protected one only to a version an
approval was given for (the approval is then marked applied), or back to the older version
it pointed to before (a rollback, allowed to editors and audited as such). Everything else
is FORBIDDEN with a message that says to request an approval.

`request` (EDIT), `approve` and `reject` (MANAGE, and never the requester) are audited and
notified. Gates (the evaluation capability) attach their results to a request with `gates`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..clock import now_ms as _now_ms
from ..errors import ErrorCode, MLOpsError, NotFoundError
from . import audit, notifications
from .identity import current_user
from .permissions import Permission, require
from .settings import protected_aliases
from .tables import ApprovalRow

STATES = ("pending", "approved", "rejected", "applied")

# Checks that let a protected alias move without an approval: the evaluation capability adds
# one (a passed gate run for the version, where the model's gates say they suffice). Each is
# called with (session, model, alias, version) and returns True to allow the move.
GATE_CHECKS: list[Callable[[Session, str, str, int], bool]] = []


def allow_by_gates(check: Callable[[Session, str, str, int], bool]) -> None:
    """Add a check that lets a protected alias move without an approval (once per check)."""
    if check not in GATE_CHECKS:
        GATE_CHECKS.append(check)


@dataclass(frozen=True)
class Approval:
    """A request to point `model@alias` at `version`, and its decision."""

    id: int
    model: str
    alias: str
    version: int
    state: str
    requested_by: str
    requested_at: int
    comment: str | None
    decided_by: str | None
    decided_at: int | None
    decision_comment: str | None
    gates: Any


def _approval(row: ApprovalRow) -> Approval:
    return Approval(
        row.id,
        row.model,
        row.alias,
        row.version,
        row.state,
        row.requested_by,
        row.requested_at,
        row.comment,
        row.decided_by,
        row.decided_at,
        row.decision_comment,
        None if row.gates is None else json.loads(row.gates),
    )


def is_protected(alias: str, model_tags: dict[str, str] | None = None) -> bool:
    """Whether moving `alias` of a model with `model_tags` needs an approval."""
    return alias in protected_aliases(model_tags)


def check_alias_move(
    session: Session,
    model: str,
    alias: str,
    version: int,
    *,
    current: int | None,
    previous: int | None,
    model_tags: dict[str, str] | None = None,
) -> str:
    """Allow or refuse pointing `model@alias` (now at `current`) at `version`; returns how it
    is allowed: `edit` (not protected), `rollback`, `approved`, `gates` (a passed gate run
    where the model's gates suffice, see `allow_by_gates`) or `unchanged`."""
    require(session, Permission.EDIT, model=model, action=f"move {model}@{alias}")
    if not is_protected(alias, model_tags) or current == version:
        return "edit" if current != version else "unchanged"
    # Back to the (older) version it pointed to before: a rollback, for editors. Forward again
    # is a promotion, which needs an approval of its own.
    if current is not None and version == previous and version < current:
        return "rollback"
    row = session.scalars(
        select(ApprovalRow)
        .where(
            ApprovalRow.model == model,
            ApprovalRow.alias == alias,
            ApprovalRow.version == version,
            ApprovalRow.state == "approved",
        )
        .order_by(ApprovalRow.id.desc())
        .limit(1)
    ).first()
    if row is None and any(check(session, model, alias, version) for check in GATE_CHECKS):
        return "gates"
    if row is None:
        raise MLOpsError(
            f"{model}@{alias} is protected: moving it to version {version} needs an approval "
            "by a second user with MANAGE (request one: POST /mlops/api/approvals)",
            ErrorCode.FORBIDDEN,
            "alias",
        )
    row.state = "applied"
    return "approved"


def request(
    session: Session,
    model: str,
    alias: str,
    version: int,
    comment: str | None = None,
    gates: Any = None,
) -> Approval:
    """Ask for `model@alias` to point at `version` (needs EDIT); notifies `approval.requested`.
    A pending request for the same alias and version is returned instead of a second one."""
    require(session, Permission.EDIT, model=model, action="request an approval")
    existing = session.scalars(
        select(ApprovalRow).where(
            ApprovalRow.model == model,
            ApprovalRow.alias == alias,
            ApprovalRow.version == version,
            ApprovalRow.state == "pending",
        )
    ).first()
    if existing is not None:
        return _approval(existing)
    row = ApprovalRow(
        model=model,
        alias=alias,
        version=version,
        state="pending",
        requested_by=current_user(),
        requested_at=_now_ms(),
        comment=comment,
        gates=None if gates is None else json.dumps(gates, default=str),
    )
    session.add(row)
    session.flush()
    after = {"id": row.id, "alias": alias, "version": version, "state": "pending"}
    audit.record(session, "approval.request", "model", model, after=after, comment=comment)
    notifications.notify(
        session,
        "approval.requested",
        f"{row.requested_by} asks to move {model}@{alias} to version {version}",
        model=model,
        alias=alias,
        version=version,
        approval_id=row.id,
        comment=comment,
    )
    return _approval(row)


def decide(
    session: Session, approval_id: int, approve: bool, comment: str | None = None
) -> Approval:
    """Approve or reject a pending request: needs MANAGE on the model, and another user than
    the one who asked. An approved request is applied by the registry's next alias move."""
    row = session.get(ApprovalRow, approval_id)
    if row is None:
        raise NotFoundError(f"no approval request {approval_id}", field="approval_id")
    verb = "approve" if approve else "reject"
    require(session, Permission.MANAGE, model=row.model, action=f"{verb} a request")
    if row.state != "pending":
        raise MLOpsError(
            f"approval request {approval_id} is {row.state}, not pending",
            ErrorCode.CONFLICT,
            "state",
        )
    who = current_user()
    if approve and who == row.requested_by:
        raise MLOpsError(
            "an approval must come from a second user, not the one who asked",
            ErrorCode.FORBIDDEN,
            "permission",
        )
    before = {"id": row.id, "state": row.state}
    row.state = "approved" if approve else "rejected"
    row.decided_by, row.decided_at, row.decision_comment = who, _now_ms(), comment
    audit.record(
        session,
        f"approval.{verb}",
        "model",
        row.model,
        before=before,
        after={"id": row.id, "alias": row.alias, "version": row.version, "state": row.state},
        comment=comment,
    )
    notifications.notify(
        session,
        f"approval.{'approved' if approve else 'rejected'}",
        f"{who} {verb}d moving {row.model}@{row.alias} to version {row.version}",
        model=row.model,
        alias=row.alias,
        version=row.version,
        approval_id=row.id,
        comment=comment,
    )
    session.flush()
    return _approval(row)


def get(session: Session, approval_id: int) -> Approval:
    """One request."""
    row = session.get(ApprovalRow, approval_id)
    if row is None:
        raise NotFoundError(f"no approval request {approval_id}", field="approval_id")
    return _approval(row)


def list_requests(
    session: Session, model: str | None = None, state: str | None = None, limit: int = 100
) -> list[Approval]:
    """Requests, newest first, of one model and/or in one state."""
    statement = select(ApprovalRow)
    if model:
        statement = statement.where(ApprovalRow.model == model)
    if state:
        statement = statement.where(ApprovalRow.state == state)
    rows = session.scalars(statement.order_by(ApprovalRow.id.desc()).limit(limit)).all()
    return [_approval(row) for row in rows]
