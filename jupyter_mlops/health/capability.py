"""The health capability's declaration: version, store state and the OpenAPI document."""

from __future__ import annotations

from ..core.capability import Capability

CAPABILITY = Capability("health", "Health", "jupyter_mlops.health.handlers", always=True)
