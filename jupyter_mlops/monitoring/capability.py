"""The monitoring capability's declaration (see `core.capability`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.capability import Capability, ServiceKey
from ..core.tasks import TASK_RUNNER
from ..serving.capability import REGISTRY

if TYPE_CHECKING:
    from .service import MonitorService

MONITORING: ServiceKey[MonitorService] = ServiceKey("monitoring")

CAPABILITY = Capability(
    "monitoring",
    "Drift monitoring",
    "jupyter_mlops.monitoring.handlers",
    provides=(MONITORING,),
    # Monitors watch endpoints of registered models; windows are evaluated as tasks.
    requires=(REGISTRY, TASK_RUNNER),
    uses=("tracking",),
    task_kinds={"monitoring.evaluate_window": "jupyter_mlops.monitoring.tasks:evaluate_window"},
    migrations="migrations",
)
