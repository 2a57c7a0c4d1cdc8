""" "Why is v7 in production?": one registered version's story, read from the store.

Who registered it and from which run and notebook; which aliases point to it now and, from the
audit trail, who moved each one there and when (the latest move answers "since when, by whom");
the approval requests for it (who asked, who decided, their comments, gate results attached);
the gate runs that checked it (each gate's verdict); and every other audited change of the
model that names this version (endpoint promotions, gate overrides). Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..core.db import Database
from ..core.errors import NotFoundError
from ..core.team import approvals, audit
from ..core.team.approvals import Approval
from ..core.team.audit import AuditEntry
from ..evaluation.store import EvaluationStore, GateRun
from ..serving.model_uri import ModelRef

if TYPE_CHECKING:
    from ..serving.registry import ModelRegistry
    from ..tracking.base_store import BaseTrackingStore

# Audit actions that move an alias (the answer to "who put it there").
MOVES = ("alias.set", "alias.rollback")
# How far back the trail is read: a model's whole history in practice.
TRAIL_LIMIT = 500


@dataclass
class RunOrigin:
    """The tracking run a version was logged from, as far as the store still has it."""

    run_id: str
    name: str | None = None
    experiment_id: str | None = None
    user: str | None = None
    status: str | None = None
    notebook_path: str | None = None
    git_commit: str | None = None
    deleted: bool = False


@dataclass
class AliasStory:
    """An alias pointing at the version now, and the audited move that put it there."""

    alias: str
    moved_by: str | None
    moved_at: int | None
    how: str | None  # alias.set | alias.rollback | None (moved before the audit trail)
    comment: str | None
    approval: Approval | None


@dataclass
class Provenance:
    """Everything the store knows about why a version is where it is."""

    model: str
    version: int
    created_by: str | None
    creation_time: int
    source: str
    notebook_path: str | None
    run: RunOrigin | None
    aliases: list[AliasStory]
    approvals: list[Approval]
    gate_runs: list[GateRun]
    trail: list[AuditEntry] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)


def _names_version(entry: AuditEntry, version: int) -> bool:
    after = entry.after if isinstance(entry.after, dict) else {}
    try:
        return int(after.get("version")) == version  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _when(ms: int | None) -> str:
    if ms is None:
        return "at an unknown time"
    stamp = dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC)
    return stamp.strftime("%Y-%m-%d %H:%M UTC")


def _run_origin(tracking: BaseTrackingStore | None, run_id: str | None) -> RunOrigin | None:
    if run_id is None:
        return None
    origin = RunOrigin(run_id=run_id)
    if tracking is None:
        return origin
    try:
        run = tracking.get_run(run_id)
    except NotFoundError:
        return origin  # purged: the id is all that is left
    origin.name, origin.experiment_id, origin.user = run.name, run.experiment_id, run.user
    origin.status, origin.notebook_path = run.status, run.notebook_path
    origin.git_commit, origin.deleted = run.git_commit, run.deleted
    return origin


def _alias_story(
    alias: str, version: int, moves: list[AuditEntry], asked: list[Approval]
) -> AliasStory:
    """The latest audited move of `alias` to `version` (entries newest first)."""
    for entry in moves:
        after = entry.after if isinstance(entry.after, dict) else {}
        if after.get("alias") == alias and _names_version(entry, version):
            approval = next(
                (
                    a
                    for a in asked
                    if a.alias == alias and a.state == "applied" and a.decided_by == entry.user
                ),
                None,
            )
            return AliasStory(alias, entry.user, entry.time, entry.action, entry.comment, approval)
    return AliasStory(alias, None, None, None, None, None)


def _summary(p: Provenance) -> list[str]:
    lines = []
    who = p.created_by or "an unknown user"
    made = f"v{p.version} was registered by {who} {_when(p.creation_time)}"
    if p.run is not None:
        run = p.run.name or p.run.run_id
        made += f" from run {run}"
        if p.run.user and p.run.user != p.created_by:
            made += f" (trained by {p.run.user})"
    notebook = p.notebook_path or (p.run.notebook_path if p.run else None)
    if notebook:
        made += f", notebook {notebook}"
    lines.append(made + ".")
    for story in p.aliases:
        if story.moved_by is None:
            lines.append(f"@{story.alias}: no audited move (set before the audit trail began).")
            continue
        verb = "rolled back" if story.how == "alias.rollback" else "moved"
        line = f"@{story.alias}: {verb} here by {story.moved_by} {_when(story.moved_at)}"
        if story.approval is not None:
            line += f", approving request #{story.approval.id} from {story.approval.requested_by}"
            if story.approval.decision_comment:
                line += f' ("{story.approval.decision_comment}")'
        lines.append(line + ".")
    for check in p.gate_runs:
        if check.status in ("queued", "running"):
            continue
        passed = [r.name for r in check.results if r.passed]
        failed = check.failed
        line = f"Gates {_when(check.end_time or check.created_time)}: {check.status}"
        if passed:
            line += f"; passed {', '.join(passed)}"
        if failed:
            line += f"; failed {', '.join(failed)}"
        if check.override:
            line += f" (overridden by {check.requested_by})"
        lines.append(line + ".")
    if not p.aliases:
        lines.append("No alias points to this version now.")
    return lines


def version_provenance(
    database: Database,
    registry: ModelRegistry,
    tracking: BaseTrackingStore | None,
    name: str,
    version: int,
) -> Provenance:
    """The story of `name` version `version` (NotFound, naming the field, when there is none)."""
    found = registry.get_version(ModelRef(name, version=version))
    trail = audit.query(database, object_type="model", object_id=name, limit=TRAIL_LIMIT).entries
    mine = [e for e in trail if _names_version(e, version)]
    with database.session() as session:
        asked = [a for a in approvals.list_requests(session, model=name) if a.version == version]
    checks = EvaluationStore(database).list_runs(name, limit=200)
    gate_runs = [r for r in checks if r.version == version]
    moves = [e for e in mine if e.action in MOVES]
    result = Provenance(
        model=name,
        version=version,
        created_by=found.created_by,
        creation_time=found.creation_time,
        source=found.source,
        notebook_path=found.notebook_path,
        run=_run_origin(tracking, found.run_id),
        aliases=[_alias_story(a, version, moves, asked) for a in sorted(found.aliases)],
        approvals=asked,
        gate_runs=gate_runs,
        trail=list(reversed(mine)),  # oldest first: the story in order
    )
    result.summary = _summary(result)
    return result
