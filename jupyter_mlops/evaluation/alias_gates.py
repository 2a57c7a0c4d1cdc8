"""Passing gates in place of an approval, for protected aliases whose gates say so.

Issue 23's protected aliases move with an approval, or with passing gates "where the model says
so": `gates_suffice` in the gates of the alias (else of the model). The team services call
`gates_passed` before refusing a move (registered with `approvals.allow_by_gates` by `install`):
it allows the move when the newest gate run of that version has every gate's result, none
failed, and was not refused, overridden or in error.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from .gate_spec import GateSpec
from .tables import GateRunRow, GateSpecRow

NOT_PASSED = ("refused", "overridden", "error", "failed", "queued")


def gates_passed(session: Session, model: str, alias: str, version: int) -> bool:
    """Whether `model`'s gates suffice to move `alias` and a gate run of `version` passed."""
    spec_row = session.get(GateSpecRow, (model, alias)) or session.get(GateSpecRow, (model, ""))
    if spec_row is None or not GateSpec.model_validate_json(spec_row.spec).gates_suffice:
        return False
    run = session.scalars(
        select(GateRunRow)
        .where(GateRunRow.model_name == model, GateRunRow.version == version)
        .order_by(GateRunRow.created_time.desc())
        .limit(1)
    ).first()
    if run is None or run.status in NOT_PASSED:
        return False
    results = json.loads(run.results or "[]")
    return bool(results) and all(r.get("passed") is not False for r in results)


def install() -> None:
    """Let the team services ask `gates_passed` before refusing a protected alias move."""
    from . import team_hooks

    approvals = team_hooks._module("approvals")
    if approvals is not None and hasattr(approvals, "allow_by_gates"):
        approvals.allow_by_gates(gates_passed)
