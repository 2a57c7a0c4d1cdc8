"""One way to build a swappable service, the same in the server, kernels, jobs and endpoints.

Each swappable service has an abstract, documented base class (e.g.
`tracking.base_store.BaseTrackingStore`, like jupyter-scheduler's `BaseScheduler`) and a
`ServiceSpec` naming it, its default implementation and the `MLOpsApp` traitlet that configures
it. The class is chosen, in order, by:

1. the traitlet (in the server: `c.MLOpsApp.tracking_store_class = "my_pkg.MyStore"`);
2. `$JUPYTER_MLOPS_<NAME>_CLASS`, which the server exports (`export_service_classes`) so that
   the kernels, jobs and endpoint processes it starts build the very same class;
3. the spec's default.

`service_class` imports and checks it (a subclass of the base, else a clear error naming the
setting); `build_service` constructs it. Specs hold dotted names, never imports, so `core` stays
below the capabilities.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from typing import Any

from .errors import ErrorCode, MLOpsError

_REGISTRY: dict[str, ServiceSpec] = {}


@dataclass(frozen=True)
class ServiceSpec:
    """A swappable service: its base class, default class and configuring traitlet (dotted)."""

    name: str
    base: str
    default: str
    traitlet: str

    def __post_init__(self) -> None:
        _REGISTRY[self.name] = self

    @property
    def env(self) -> str:
        """The environment variable child processes read the class name from."""
        return f"JUPYTER_MLOPS_{self.name.upper()}_CLASS"


def registered_services() -> list[ServiceSpec]:
    """The specs declared so far (those of the capabilities imported in this process)."""
    return list(_REGISTRY.values())


def import_class(dotted: str, setting: str) -> type:
    """The class named `module.Class`; an unknown one is an error naming `setting`."""
    module_name, _, class_name = dotted.rpartition(".")
    try:
        found = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError, ValueError) as exc:
        raise MLOpsError(
            f"{setting}: cannot import {dotted!r} ({exc})", ErrorCode.INTERNAL, setting
        ) from exc
    if not isinstance(found, type):
        raise MLOpsError(f"{setting}: {dotted!r} is not a class", ErrorCode.INTERNAL, setting)
    return found


def dotted_name(cls: type) -> str:
    """`module.Class` of a class (what `import_class` reads back)."""
    return f"{cls.__module__}.{cls.__qualname__}"


def service_class(spec: ServiceSpec, configured: type | str | None = None) -> type:
    """The class of `spec`'s service: `configured` (a traitlet's value), else the environment,
    else the default; checked to be a subclass of the spec's base."""
    if configured:
        chosen, setting = configured, f"MLOpsApp.{spec.traitlet}"
    elif os.environ.get(spec.env):
        chosen, setting = os.environ[spec.env], f"${spec.env}"
    else:
        chosen, setting = spec.default, spec.name
    cls = chosen if isinstance(chosen, type) else import_class(chosen, setting)
    base = import_class(spec.base, spec.name)
    if not issubclass(cls, base):
        raise MLOpsError(
            f"{setting}: {dotted_name(cls)} is not a subclass of {spec.base}",
            ErrorCode.INTERNAL,
            setting,
        )
    return cls


def build_service(
    spec: ServiceSpec, *args: Any, configured: type | str | None = None, **kwargs: Any
) -> Any:
    """An instance of `service_class(spec, configured)` built with `args` and `kwargs`."""
    return service_class(spec, configured)(*args, **kwargs)


def export_service_classes(app: Any, specs: list[ServiceSpec] | None = None) -> dict[str, str]:
    """Put each service class `app` configures into this process's environment, so that the
    processes it starts build the same ones; returns what it set."""
    exported = {}
    for spec in specs if specs is not None else registered_services():
        configured = getattr(app, spec.traitlet, None)
        if configured:
            cls = (
                configured if isinstance(configured, type) else import_class(configured, spec.name)
            )
            exported[spec.env] = os.environ[spec.env] = dotted_name(cls)
    return exported
