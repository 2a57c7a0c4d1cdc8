"""Calls into the team services (permissions, audit, approvals) when this installation has them.

The team services live in `jupyter_mlops.core.team`; an installation without them still gates,
and records an override or a pending promotion in the gate run alone (`available()` says
which). Modules are looked up at call time so that evaluation works with or without them.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType
from typing import Any

from ..core.db import Database

_TEAM = "jupyter_mlops.core.team"


def _module(name: str) -> ModuleType | None:
    try:
        if importlib.util.find_spec(f"{_TEAM}.{name}") is None:
            return None
        return importlib.import_module(f"{_TEAM}.{name}")
    except ImportError:
        return None


def available() -> bool:
    """Whether the team services (permissions and audit) are installed."""
    return _module("permissions") is not None and _module("audit") is not None


def require_manage(database: Database, model: str, user: str | None, action: str) -> None:
    """Refuse (403) unless `user` holds MANAGE on `model`; nothing without team services."""
    permissions = _module("permissions")
    if permissions is None:
        return
    with database.session() as session:
        permissions.require(
            session, permissions.Permission.MANAGE, model=model, user=user, action=action
        )


def audit(database: Database, action: str, model: str, after: dict[str, Any]) -> bool:
    """Add an audit entry; False when there is no audit trail to add it to."""
    module = _module("audit")
    if module is None:
        return False
    module.record_now(database, action, "model", model, after=after)
    return True


def request_approval(
    database: Database, model: str, alias: str, version: int, gates: Any
) -> int | None:
    """Ask for `model@alias` to move to `version` (an approval request); its id, or None."""
    approvals = _module("approvals")
    if approvals is None:
        return None
    with database.session(write=True) as session:
        approval = approvals.request(
            session, model, alias, version, comment="gates of the drift loop", gates=gates
        )
        return int(approval.id)


def find_approval(database: Database, model: str, version: int) -> dict[str, Any] | None:
    """The newest approval request for moving one of `model`'s aliases to `version` (its id,
    alias and state), or None (none asked, or no team services)."""
    approvals = _module("approvals")
    if approvals is None:
        return None
    with database.session() as session:
        for found in approvals.list_requests(session, model=model):
            if int(found.version) == int(version):
                return {"id": int(found.id), "alias": found.alias, "state": found.state}
    return None
