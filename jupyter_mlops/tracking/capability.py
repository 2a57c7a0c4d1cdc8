"""The tracking capability's declaration (see `core.capability`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.capability import Capability, ServiceKey

if TYPE_CHECKING:
    from .base_store import BaseTrackingStore

TRACKING: ServiceKey[BaseTrackingStore] = ServiceKey("tracking")

CAPABILITY = Capability(
    "tracking",
    "Experiment tracking",
    "jupyter_mlops.tracking.handlers",
    provides=(TRACKING,),
    migrations="migrations",
)
