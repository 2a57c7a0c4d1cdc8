"""The serving capability's declaration (see `core.capability`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.capability import Capability, ServiceKey

if TYPE_CHECKING:
    from .registry import ModelRegistry
    from .supervisor import EndpointSupervisor

REGISTRY: ServiceKey[ModelRegistry] = ServiceKey("registry")
SUPERVISOR: ServiceKey[EndpointSupervisor] = ServiceKey("supervisor")

CAPABILITY = Capability(
    "serving",
    "Model serving",
    "jupyter_mlops.serving.handlers",
    provides=(REGISTRY, SUPERVISOR),
    # Registering from a run reads the run's artifacts through the tracking store.
    uses=("tracking",),
    migrations="migrations",
)
