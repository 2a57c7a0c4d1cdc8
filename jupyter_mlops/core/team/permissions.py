"""READ / EDIT / MANAGE per experiment and registered model (as MLflow's auth plugin names them).

A user's permission on an object is, in order: MANAGE for configured admins
(`MLOpsApp.team_admins`); else their own grant on the object (the creator of a model or an
experiment is granted MANAGE when it is created); else the configured default
(`MLOpsApp.default_permission`, EDIT unless configured). An object nobody owns (made before
permissions were recorded) is managed by anyone the default lets edit, so a single user's store
behaves as it always did. Services call `require(session, ...)` before they change anything;
a refusal is `MLOpsError(FORBIDDEN)` naming the permission (HTTP 403).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..clock import now_ms
from ..errors import ErrorCode, MLOpsError
from . import audit
from .identity import current_user
from .settings import get_settings
from .tables import PermissionRow

OBJECT_TYPES = ("experiment", "model")


class Permission(IntEnum):
    """What a user may do on an object; each level includes those below."""

    READ = 1
    EDIT = 2
    MANAGE = 3

    @classmethod
    def parse(cls, text: str, field: str = "permission") -> Permission:
        """`READ`, `EDIT` or `MANAGE` (any case); a 400 naming `field` otherwise."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise MLOpsError(
                f"{field}: {text!r} is not one of READ, EDIT, MANAGE", field=field
            ) from None


@dataclass(frozen=True)
class Grant:
    """A user's recorded permission on one object."""

    object_type: str
    object_id: str
    user: str
    permission: str
    granted_by: str
    time: int


def _object(model: str | None, experiment: str | int | None) -> tuple[str, str]:
    if (model is None) == (experiment is None):
        raise ValueError("name exactly one of model= or experiment=")
    return ("model", str(model)) if model is not None else ("experiment", str(experiment))


def effective(
    session: Session,
    user: str,
    *,
    model: str | None = None,
    experiment: str | int | None = None,
) -> Permission:
    """The permission `user` holds on a model or an experiment."""
    if user in get_settings().admins:
        return Permission.MANAGE
    object_type, object_id = _object(model, experiment)
    grants = session.execute(
        select(PermissionRow.user, PermissionRow.permission).where(
            PermissionRow.object_type == object_type, PermissionRow.object_id == object_id
        )
    ).all()
    return from_grants(user, [(grantee, permission) for grantee, permission in grants])


def from_grants(user: str, grants: Sequence[tuple[str, str]]) -> Permission:
    """The permission `user` holds on an object with these `(user, permission)` grants (what
    `effective` decides once it has read them; the run-creating hot path reads them itself)."""
    settings = get_settings()
    if user in settings.admins:
        return Permission.MANAGE
    default = Permission.parse(settings.default_permission, "default_permission")
    for grantee, permission in grants:
        if grantee == user:
            return Permission[permission]
    owned = any(permission == Permission.MANAGE.name for _user, permission in grants)
    if not owned and default >= Permission.EDIT:
        return Permission.MANAGE
    return default


def require(
    session: Session,
    permission: Permission,
    *,
    model: str | None = None,
    experiment: str | int | None = None,
    user: str | None = None,
    action: str = "",
) -> None:
    """Refuse (FORBIDDEN, 403, naming the permission) unless the user (default: the current
    actor) holds `permission` on the model or experiment."""
    who = user or current_user()
    held = effective(session, who, model=model, experiment=experiment)
    refuse_below(permission, held, who, model=model, experiment=experiment, action=action)


def refuse_below(
    permission: Permission,
    held: Permission,
    who: str,
    *,
    model: str | None = None,
    experiment: str | int | None = None,
    action: str = "",
) -> None:
    """`require`'s refusal (FORBIDDEN naming the permission) when `held` is below `permission`."""
    if held < permission:
        object_type, object_id = _object(model, experiment)
        doing = f" to {action}" if action else ""
        raise MLOpsError(
            f"{who} needs {permission.name} permission on {object_type} {object_id!r}{doing} "
            f"(has {held.name})",
            ErrorCode.FORBIDDEN,
            "permission",
        )


def grant_owner(
    session: Session, *, model: str | None = None, experiment: str | int | None = None
) -> None:
    """Make the current actor the owner (MANAGE) of an object they just created (replacing any
    grant they held on the name before it existed)."""
    object_type, object_id = _object(model, experiment)
    who = current_user()
    existing = session.get(PermissionRow, (object_type, object_id, who))
    if existing is not None:
        existing.permission = Permission.MANAGE.name
    else:
        session.add(
            PermissionRow(
                object_type=object_type,
                object_id=object_id,
                user=who,
                permission=Permission.MANAGE.name,
                granted_by=who,
                time=now_ms(),
            )
        )


def set_permission(
    session: Session, object_type: str, object_id: str, user: str, permission: Permission | None
) -> Grant | None:
    """Grant `user` a permission on an object (None: remove their grant). The actor needs
    MANAGE on it; the change is audited."""
    if object_type not in OBJECT_TYPES:
        raise MLOpsError(
            f"object_type must be one of {', '.join(OBJECT_TYPES)}", field="object_type"
        )
    kw = {"model": object_id} if object_type == "model" else {"experiment": object_id}
    require(session, Permission.MANAGE, action="change permissions", **kw)
    row = session.get(PermissionRow, (object_type, object_id, user))
    before = row.permission if row is not None else None
    now = now_ms()
    if permission is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        row = PermissionRow(
            object_type=object_type,
            object_id=object_id,
            user=user,
            permission=permission.name,
            granted_by=current_user(),
            time=now,
        )
        session.add(row)
    else:
        row.permission, row.granted_by, row.time = permission.name, current_user(), now
    audit.record(
        session,
        "permission.set" if permission is not None else "permission.remove",
        object_type,
        object_id,
        before={"user": user, "permission": before},
        after={"user": user, "permission": permission.name if permission else None},
    )
    session.flush()
    return None if permission is None or row is None else _grant(row)


def list_grants(session: Session, object_type: str, object_id: str) -> list[Grant]:
    """Everyone's recorded permission on one object."""
    rows = session.scalars(
        select(PermissionRow)
        .where(PermissionRow.object_type == object_type, PermissionRow.object_id == object_id)
        .order_by(PermissionRow.user)
    ).all()
    return [_grant(row) for row in rows]


def _grant(row: PermissionRow) -> Grant:
    return Grant(row.object_type, row.object_id, row.user, row.permission, row.granted_by, row.time)


def rename_object(session: Session, object_type: str, old_id: str, new_id: str) -> None:
    """Carry an object's grants over to its new name (a renamed model)."""
    for row in session.scalars(
        select(PermissionRow).where(
            PermissionRow.object_type == object_type, PermissionRow.object_id == old_id
        )
    ).all():
        session.add(
            PermissionRow(
                object_type=object_type,
                object_id=new_id,
                user=row.user,
                permission=row.permission,
                granted_by=row.granted_by,
                time=row.time,
            )
        )
        session.delete(row)


def forget_object(session: Session, object_type: str, object_id: str) -> None:
    """Remove every grant on a deleted object (a new one of the same name starts afresh)."""
    session.execute(
        delete(PermissionRow).where(
            PermissionRow.object_type == object_type, PermissionRow.object_id == object_id
        )
    )
