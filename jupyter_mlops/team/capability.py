"""The team capability's declaration (see `core.capability`): audit, permissions, approvals and
notifications; its services live in `core.team`, used by every capability."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.capability import Capability, ServiceKey

if TYPE_CHECKING:
    from ..core.team.service import TeamService

TEAM: ServiceKey[TeamService] = ServiceKey("team")

CAPABILITY = Capability(
    "team",
    "Team",
    "jupyter_mlops.team.handlers",
    provides=(TEAM,),
    # The audit and approvals pages name models and endpoints, and runs' provenance.
    uses=("registry", "supervisor", "tracking"),
    migrations="migrations",
)
