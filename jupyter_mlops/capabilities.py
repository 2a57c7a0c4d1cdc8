"""The six capabilities and where each lives; the server mounts the routes of those present.

A capability is a subpackage with a `handlers` module that exposes `ROUTES`: a list of
`(path, handler class)` with paths relative to `/mlops/api/`, and optionally
`setup(app) -> None` / `async teardown(app) -> None` to build and close its services.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Capability:
    """One product capability: its key, its title in the UI, and its handlers module."""

    name: str
    title: str

    @property
    def handlers_module(self) -> str:
        """Dotted name of the module that declares this capability's REST routes."""
        return f"jupyter_mlops.{self.name}.handlers"

    @property
    def available(self) -> bool:
        """Whether this installation ships the capability."""
        try:
            return importlib.util.find_spec(self.handlers_module) is not None
        except ModuleNotFoundError:
            return False

    def load(self) -> ModuleType:
        """Import the handlers module (only call when `available`)."""
        return importlib.import_module(self.handlers_module)


CAPABILITIES: tuple[Capability, ...] = (
    Capability("health", "Health"),
    Capability("profiling", "Data profiling"),
    Capability("clusters", "Dask clusters"),
    Capability("tracking", "Experiment tracking"),
    Capability("jobs", "Scheduled jobs"),
    Capability("serving", "Model serving"),
    Capability("monitoring", "Drift monitoring"),
    # Evaluation sits below monitoring in the import order; it is listed after the six
    # product capabilities (its setup needs none of monitoring's services).
    Capability("evaluation", "Evaluation and gates"),
    Capability("mlflow_compat", "MLflow compatibility"),
    # Team adapters (audit, permissions, approvals); the services are core/team.
    Capability("team", "Team"),
)


def available_capabilities() -> list[Capability]:
    """The capabilities this installation ships, in product order."""
    return [capability for capability in CAPABILITIES if capability.available]
