"""REST adapter of the team services, under `/mlops/api/`.

| verb   | path                                         | what                                   |
|--------|----------------------------------------------|----------------------------------------|
| GET    | audit                                        | the audit trail (filters, paged)       |
| GET    | whoami                                       | the caller and the team configuration  |
| GET    | permissions/{type}/{id}                      | grants on an experiment or a model     |
| PUT    | permissions/{type}/{id}/{user}               | grant READ / EDIT / MANAGE (MANAGE)    |
| DELETE | permissions/{type}/{id}/{user}               | remove a grant (MANAGE)                |
| GET    | approvals                                    | requests to move protected aliases     |
| POST   | approvals                                    | request one (EDIT) (201)               |
| GET    | approvals/{id}                               | one request                            |
| POST   | approvals/{id}/approve, .../reject           | decide (MANAGE, a second user)         |
| GET    | notifications/deliveries                     | the delivery log                       |
| GET    | models/{name}/versions/{v}/provenance        | why a version is where it is           |

Approving a request moves the alias at once (endpoints following it switch), as the approver.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from tornado import web

from ..core.capability import ServerHost, Teardown
from ..core.errors import MLOpsError, NotFoundError
from ..core.openapi import Contract
from ..core.query import is_decimal
from ..core.rest import APIHandler
from ..core.team import settings as team_settings
from ..core.team.approvals import Approval
from ..core.team.identity import current_actor
from ..core.team.notifications import EVENTS, Dispatcher
from ..core.team.permissions import OBJECT_TYPES, Permission
from ..core.team.service import TeamService
from ..serving.capability import REGISTRY, SUPERVISOR
from ..tracking.capability import TRACKING
from . import api_models as api
from .capability import TEAM
from .provenance import version_provenance

if TYPE_CHECKING:
    from ..serving.registry import ModelRegistry
    from ..serving.supervisor import EndpointSupervisor


class TeamHost(ServerHost, Protocol):
    """The settings the team capability reads (`MLOpsApp` traitlets)."""

    notifications: list[dict[str, Any]]
    notifications_interval: float
    default_permission: str
    team_admins: list[str]
    protected_aliases: list[str]


def team_settings_of(app: TeamHost) -> team_settings.TeamSettings:
    """The team configuration from `MLOpsApp`'s traitlets (a bad channel fails the start)."""
    return team_settings.TeamSettings(
        default_permission=app.default_permission.upper(),
        admins=tuple(app.team_admins),
        protected_aliases=tuple(app.protected_aliases),
        channels=tuple(team_settings.channel_from_dict(dict(c)) for c in app.notifications),
    )


def setup(app: TeamHost) -> Teardown:
    """Configure the team rules for this server and the processes it starts; start delivering
    notifications. The teardown stops delivering and gives the process its previous team
    configuration back."""
    previous = team_settings.configure(team_settings_of(app))
    app.services.provide(TEAM, TeamService(app.database))
    dispatcher = Dispatcher(app.database, interval=app.notifications_interval)
    dispatcher.start()

    def teardown() -> None:
        dispatcher.stop()
        team_settings.restore(previous)

    return teardown


class _Handler(APIHandler):
    @property
    def team(self) -> TeamService:
        return self.service(TEAM)

    def _approval_out(self, approval: Approval) -> api.ApprovalOut:
        registry: ModelRegistry | None = self.services.find(REGISTRY)
        current = None
        if registry is not None:
            try:
                current = registry.get_alias(approval.model, approval.alias).version
            except NotFoundError:
                current = None
        return api.ApprovalOut(**asdict(approval), current_version=current)


def _object_type(text: str) -> str:
    if text not in OBJECT_TYPES:
        raise MLOpsError(
            f"object_type must be one of {', '.join(OBJECT_TYPES)}", field="object_type"
        )
    return text


class AuditHandler(_Handler):
    """`audit`: who changed what, when and from where."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract(
            "The audit trail, newest first", response=api.AuditPageOut, query=api.AuditQuery
        )
    }

    @web.authenticated
    async def get(self) -> None:
        """GET: see the class docstring and `contract`."""
        query = self.parse_query(api.AuditQuery)
        page = await self.run_blocking(self.team.audit, **query.model_dump())
        entries = [api.AuditEntryOut(**asdict(entry)) for entry in page.entries]
        self.reply(api.AuditPageOut(entries=entries, next_before_id=page.next_before_id))


class WhoAmIHandler(_Handler):
    """`whoami`."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("The caller and the team configuration", response=api.WhoAmI)
    }

    @web.authenticated
    async def get(self) -> None:
        """GET: see the class docstring and `contract`."""
        actor = current_actor()
        configured = team_settings.get_settings()
        self.reply(
            api.WhoAmI(
                user=actor.name,
                source=actor.source,
                default_permission=configured.default_permission,
                admins=list(configured.admins),
                protected_aliases=list(configured.protected_aliases),
                events=list(EVENTS),
            )
        )


class GrantsHandler(_Handler):
    """`permissions/{type}/{id}`."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("Recorded permissions on an experiment or a model", response=api.GrantList)
    }

    @web.authenticated
    async def get(self, object_type: str, object_id: str) -> None:
        """GET: see the class docstring and `contract`."""
        kind = _object_type(object_type)
        grants = await self.run_blocking(self.team.grants, kind, object_id)
        mine = await self.run_blocking(
            self.team.my_permission, current_actor().name, kind, object_id
        )
        self.reply(
            api.GrantList(grants=[api.GrantOut(**asdict(g)) for g in grants], mine=mine.name)
        )


class GrantHandler(_Handler):
    """`permissions/{type}/{id}/{user}`: grant, remove."""

    contract: ClassVar[dict[str, Contract]] = {
        "put": Contract(
            "Grant a user a permission (needs MANAGE)", response=api.GrantOut, body=api.GrantIn
        ),
        "delete": Contract("Remove a user's grant (needs MANAGE)", response=api.Deleted),
    }

    @web.authenticated
    async def put(self, object_type: str, object_id: str, user: str) -> None:
        """PUT: see the class docstring and `contract`."""
        body = self.parse_body(api.GrantIn)
        kind = _object_type(object_type)
        grant = await self.run_blocking(
            self.team.set_grant, kind, object_id, user, Permission[body.permission]
        )
        assert grant is not None
        self.reply(api.GrantOut(**asdict(grant)))

    @web.authenticated
    async def delete(self, object_type: str, object_id: str, user: str) -> None:
        """DELETE: see the class docstring and `contract`."""
        kind = _object_type(object_type)
        await self.run_blocking(self.team.set_grant, kind, object_id, user, None)
        self.reply(api.Deleted(deleted=f"{kind}/{object_id}/{user}"))


class ApprovalsHandler(_Handler):
    """`approvals`: list, request."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract(
            "Approval requests, newest first", response=api.ApprovalList, query=api.ApprovalsQuery
        ),
        "post": Contract(
            "Ask to move a protected alias",
            response=api.ApprovalOut,
            body=api.ApprovalIn,
            status=201,
        ),
    }

    @web.authenticated
    async def get(self) -> None:
        """GET: see the class docstring and `contract`."""
        query = self.parse_query(api.ApprovalsQuery)

        def listing() -> api.ApprovalList:
            found = self.team.approvals(query.model, query.state)
            return api.ApprovalList(approvals=[self._approval_out(a) for a in found])

        self.reply(await self.run_blocking(listing))

    @web.authenticated
    async def post(self) -> None:
        """POST: see the class docstring and `contract`."""
        body = self.parse_body(api.ApprovalIn)
        registry: ModelRegistry | None = self.services.find(REGISTRY)
        if registry is not None:  # the version must exist
            from ..serving.model_uri import ModelRef

            await self.run_blocking(
                registry.get_version, ModelRef(body.model, version=body.version)
            )
        approval = await self.run_blocking(
            self.team.request_approval, body.model, body.alias, body.version, body.comment
        )
        self.reply(await self.run_blocking(self._approval_out, approval), 201)


class ApprovalHandler(_Handler):
    """`approvals/{id}`."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("One approval request", response=api.ApprovalOut)
    }

    @web.authenticated
    async def get(self, approval_id: str) -> None:
        """GET: see the class docstring and `contract`."""
        approval = await self.run_blocking(self.team.approval, _approval_id(approval_id))
        self.reply(await self.run_blocking(self._approval_out, approval))


def _approval_id(text: str) -> int:
    if not is_decimal(text) or not 1 <= int(text) <= api.MAX_ID:
        raise MLOpsError(f"approval id {text!r} must be a positive number", field="approval_id")
    return int(text)


class DecisionHandler(_Handler):
    """`approvals/{id}/(approve|reject)`; an approval moves the alias at once."""

    contract: ClassVar[dict[str, Contract]] = {
        "post": Contract(
            "Approve (and apply) or reject a request", response=api.ApprovalOut, body=api.DecisionIn
        )
    }

    @web.authenticated
    async def post(self, approval_id: str, decision: str) -> None:
        """POST: see the class docstring and `contract`."""
        body = self.parse_body(api.DecisionIn)
        approve = decision == "approve"
        approval = await self.run_blocking(
            self.team.decide, _approval_id(approval_id), approve, body.comment
        )
        registry: ModelRegistry | None = self.services.find(REGISTRY)
        supervisor: EndpointSupervisor | None = self.services.find(SUPERVISOR)
        if approve and registry is not None:
            moved = await self.run_blocking(
                registry.set_alias, approval.model, approval.alias, approval.version
            )
            if supervisor is not None:
                await supervisor.after_alias_moved(approval.model, approval.alias, moved.version)
            approval = await self.run_blocking(self.team.approval, approval.id)
        self.reply(await self.run_blocking(self._approval_out, approval))


class DeliveriesHandler(_Handler):
    """`notifications/deliveries`."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("The notification delivery log, newest first", response=api.DeliveryList)
    }

    @web.authenticated
    async def get(self) -> None:
        """GET: see the class docstring and `contract`."""
        found = await self.run_blocking(self.team.deliveries)
        self.reply(api.DeliveryList(deliveries=[api.DeliveryOut(**asdict(d)) for d in found]))


class ProvenanceHandler(_Handler):
    """`models/{name}/versions/{v}/provenance`: who registered the version from which run and
    notebook, who moved each alias to it and when, the approvals and the gates that checked it."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract(
            "Why a version is where it is, from the audit trail", response=api.ProvenanceOut
        )
    }

    @web.authenticated
    async def get(self, name: str, version: str) -> None:
        """GET: see the class docstring and `contract`."""
        if not is_decimal(version) or not 1 <= int(version) <= api.MAX_ID:
            raise MLOpsError(f"version {version!r} must be a positive number", field="version")
        registry: ModelRegistry = self.service(REGISTRY)
        found = await self.run_blocking(
            version_provenance,
            self.team.database,
            registry,
            self.services.find(TRACKING),
            name,
            int(version),
        )
        approvals = [self._approval_out(a) for a in found.approvals]
        by_id = {a.id: a for a in approvals}
        self.reply(
            api.ProvenanceOut(
                model=found.model,
                version=found.version,
                created_by=found.created_by,
                creation_time=found.creation_time,
                source=found.source,
                notebook_path=found.notebook_path,
                run=None if found.run is None else api.RunOriginOut(**asdict(found.run)),
                aliases=[
                    api.AliasStoryOut(
                        alias=s.alias,
                        moved_by=s.moved_by,
                        moved_at=s.moved_at,
                        how=s.how,
                        comment=s.comment,
                        approval=None if s.approval is None else by_id.get(s.approval.id),
                    )
                    for s in found.aliases
                ],
                approvals=approvals,
                gate_runs=[
                    api.ProvenanceGateRunOut(
                        **{
                            k: v
                            for k, v in asdict(r).items()
                            if k in api.ProvenanceGateRunOut.model_fields
                        }
                    )
                    for r in found.gate_runs
                ],
                trail=[api.AuditEntryOut(**asdict(e)) for e in found.trail],
                summary=found.summary,
            )
        )


_TYPE = r"(?P<object_type>[^/]+)"
_ID = r"(?P<object_id>[^/]+)"
_APPROVAL = r"(?P<approval_id>[^/]+)"

ROUTES: list[tuple[str, Any]] = [
    ("audit", AuditHandler),
    ("whoami", WhoAmIHandler),
    (f"permissions/{_TYPE}/{_ID}", GrantsHandler),
    (f"permissions/{_TYPE}/{_ID}/(?P<user>[^/]+)", GrantHandler),
    ("approvals", ApprovalsHandler),
    (f"approvals/{_APPROVAL}", ApprovalHandler),
    (f"approvals/{_APPROVAL}/(?P<decision>approve|reject)", DecisionHandler),
    ("notifications/deliveries", DeliveriesHandler),
    (r"models/(?P<name>[^/]+)/versions/(?P<version>[^/]+)/provenance", ProvenanceHandler),
]
