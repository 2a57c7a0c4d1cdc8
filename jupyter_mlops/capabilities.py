"""The capabilities this package ships: one line each, the module of its declaration.

A declaration is a `core.capability.Capability` named `CAPABILITY` in a light module of the
capability's package (it imports only `core`). Adding a capability is its package plus one line
here; a deployment adds its own with `MLOpsApp.extra_capabilities` ("module:NAME") and chooses
which run with `MLOpsApp.capabilities` (see `core.capability.resolve`).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterable

from .core.capability import Capability, CapabilityError

INSTALLED: tuple[str, ...] = (
    "jupyter_mlops.health.capability",
    "jupyter_mlops.profiling.capability",
    "jupyter_mlops.clusters.capability",
    "jupyter_mlops.tracking.capability",
    "jupyter_mlops.jobs.capability",
    "jupyter_mlops.serving.capability",
    "jupyter_mlops.monitoring.capability",
    "jupyter_mlops.evaluation.capability",
    "jupyter_mlops.mlflow_compat.capability",
    "jupyter_mlops.team.capability",
)


def load_declaration(reference: str) -> Capability:
    """The `Capability` at "module" (its `CAPABILITY`) or "module:NAME"; a clear error else."""
    module_name, _, attribute = reference.partition(":")
    try:
        found = getattr(importlib.import_module(module_name), attribute or "CAPABILITY")
    except (ImportError, AttributeError) as exc:
        raise CapabilityError(f"cannot load the capability {reference!r}: {exc}") from exc
    if not isinstance(found, Capability):
        raise CapabilityError(f"{reference!r} is not a jupyter_mlops Capability")
    return found


@functools.cache
def installed_capabilities() -> tuple[Capability, ...]:
    """The declarations of the capabilities this package ships, in product order."""
    return tuple(load_declaration(reference) for reference in INSTALLED)


def declared_capabilities(extra: Iterable[str] = ()) -> list[Capability]:
    """The shipped declarations and a deployment's `extra` ones ("module:NAME")."""
    return [*installed_capabilities(), *(load_declaration(reference) for reference in extra)]


def task_kinds() -> dict[str, str]:
    """Every shipped capability's task kinds (kind -> "module:function")."""
    return {kind: target for c in installed_capabilities() for kind, target in c.task_kinds.items()}
