"""The team REST API's pydantic models (the Lab's TypeScript types are generated from them)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..core.openapi import Deleted as Deleted  # the DELETE answer, shared
from ..core.query import QueryModel

MAX_ID = 2**62


# `core.team.approvals.STATES` and the delivery log's states, as the answers' types.
ApprovalState = Literal["pending", "approved", "rejected", "applied"]
DeliveryState = Literal["pending", "sending", "delivered", "failed"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AuditQuery(QueryModel):
    """Filters of `GET audit`: every one given must match; times in ms since the epoch."""

    object_type: str | None = Field(default=None, max_length=32)
    object_id: str | None = Field(default=None, max_length=512)
    user: str | None = Field(default=None, max_length=256)
    action: str | None = Field(default=None, max_length=64, description="`alias.set`, or `alias.*`")
    since: int | None = Field(default=None, ge=0, le=MAX_ID)
    until: int | None = Field(default=None, ge=0, le=MAX_ID)
    before_id: int | None = Field(default=None, ge=1, le=MAX_ID, description="page token")
    limit: int = Field(default=100, ge=1, le=500)


class AuditEntryOut(BaseModel):
    """One audited change."""

    id: int
    time: int
    user: str
    source: str
    action: str
    object_type: str
    object_id: str
    before: Any = None
    after: Any = None
    comment: str | None = None


class AuditPageOut(BaseModel):
    """A page of the audit trail, newest first; pass `next_before_id` as `before_id`."""

    entries: list[AuditEntryOut]
    next_before_id: int | None


class GrantOut(BaseModel):
    """A user's recorded permission on an object."""

    object_type: str
    object_id: str
    user: str
    permission: str
    granted_by: str
    time: int


class GrantList(BaseModel):
    """Recorded permissions on an object, and the caller's own."""

    grants: list[GrantOut]
    mine: str


class GrantIn(_In):
    """`PUT permissions/{type}/{id}/{user}`."""

    permission: Literal["READ", "EDIT", "MANAGE"]


class ApprovalIn(_In):
    """`POST approvals`: ask for `model@alias` to point at `version`."""

    model: str = Field(min_length=1, max_length=256)
    alias: str = Field(min_length=1, max_length=256)
    version: int = Field(ge=1, le=2**31 - 1)
    comment: str | None = Field(default=None, max_length=10_000)


class DecisionIn(_In):
    """`POST approvals/{id}/approve` or `/reject`."""

    comment: str | None = Field(default=None, max_length=10_000)


class ApprovalOut(BaseModel):
    """A request and its decision; `current_version` is where the alias points now."""

    id: int
    model: str
    alias: str
    version: int
    current_version: int | None = None
    state: ApprovalState
    requested_by: str
    requested_at: int
    comment: str | None
    decided_by: str | None
    decided_at: int | None
    decision_comment: str | None
    gates: Any = None


class ApprovalList(BaseModel):
    """Requests, newest first."""

    approvals: list[ApprovalOut]


class ApprovalsQuery(QueryModel):
    """Filters of `GET approvals`."""

    model: str | None = Field(default=None, max_length=256)
    state: ApprovalState | None = None


class DeliveryOut(BaseModel):
    """One notification to one channel."""

    id: int
    event_id: int
    event: str
    channel: str
    target: str
    state: DeliveryState
    attempts: int
    last_error: str | None
    delivered_at: int | None


class DeliveryList(BaseModel):
    """The delivery log, newest first."""

    deliveries: list[DeliveryOut]


class WhoAmI(BaseModel):
    """The caller as the team services see them, and the team configuration."""

    user: str
    source: str
    default_permission: str
    admins: list[str]
    protected_aliases: list[str]
    events: list[str]


class RunOriginOut(BaseModel):
    """The tracking run a version was logged from (only `run_id` once the run is purged)."""

    run_id: str
    name: str | None = None
    experiment_id: str | None = None
    user: str | None = None
    status: str | None = None
    notebook_path: str | None = None
    git_commit: str | None = None
    deleted: bool = False


class AliasStoryOut(BaseModel):
    """An alias pointing at the version, and the audited move that put it there (`how`
    `alias.set` or `alias.rollback`; all None when it moved before the audit trail began)."""

    alias: str
    moved_by: str | None
    moved_at: int | None
    how: str | None
    comment: str | None
    approval: ApprovalOut | None


class GateVerdictOut(BaseModel):
    """One gate's verdict in a gate run (`passed` None: skipped, `detail` says why)."""

    name: str
    passed: bool | None
    detail: str
    values: dict[str, Any] = Field(default_factory=dict)


class ProvenanceGateRunOut(BaseModel):
    """One check of the version by the model's gates, as its provenance tells it (the gate run
    itself is evaluation's `GateRunOut`)."""

    gate_run_id: str
    endpoint_name: str | None
    served_version: int | None
    mode: str
    status: str
    override: bool
    requested_by: str | None
    results: list[GateVerdictOut]
    message: str | None
    created_time: int
    end_time: int | None


class ProvenanceOut(BaseModel):
    """`models/{name}/versions/{v}/provenance`: why a version is where it is. `summary` says
    it in sentences; `trail` is every audited change naming this version, oldest first."""

    model: str
    version: int
    created_by: str | None
    creation_time: int
    source: str
    notebook_path: str | None
    run: RunOriginOut | None
    aliases: list[AliasStoryOut]
    approvals: list[ApprovalOut]
    gate_runs: list[ProvenanceGateRunOut]
    trail: list[AuditEntryOut]
    summary: list[str]
