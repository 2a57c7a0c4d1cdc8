"""How a capability declares itself: what it provides, what it requires, what it brings.

Each capability package has a light `capability` module (it imports only `core`) holding one
`Capability`: its name, the module of its routes and `setup`, the typed services it provides
and those it requires or can use, its task kinds and its migration folder. The server
(`jupyter_mlops.app`) reads every declaration listed in `jupyter_mlops.capabilities`, keeps
those the `MLOpsApp.capabilities` allow-list asks for and what they require, orders their
`setup` so that a service is built before it is used, and refuses to start, naming the
missing piece, when a required service has no provider.

A service is reached through a `ServiceKey`, typed with its class, from the one `Services`
registry of the server; handlers call `self.service(KEY)`. Nothing goes around the import
layers: a capability names the key of a service from a layer below it (or from `core`), and a
key above it only by its text in `uses`, never by import.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from .errors import ErrorCode, MLOpsError

if TYPE_CHECKING:
    import logging

    from .db import Database

ServiceT = TypeVar("ServiceT")

# What a capability's `setup(app)` may return: called (and awaited when it is a coroutine
# function) at server stop, in the reverse order of setup.
Teardown = Callable[[], Awaitable[None] | None]


@dataclass(frozen=True)
class ServiceKey(Generic[ServiceT]):
    """The typed name of a service one capability provides and others use:
    `REGISTRY = ServiceKey["ModelRegistry"]("registry")`."""

    name: str


class ServiceMissing(MLOpsError):
    """A request needs a service whose capability this server does not run (a 404)."""


class Services:
    """The server's services, by key: filled by the capabilities' `setup`, read by handlers."""

    def __init__(self) -> None:
        self._services: dict[str, Any] = {}

    def provide(self, key: ServiceKey[ServiceT], service: ServiceT) -> None:
        """Make `service` the one answering `key`."""
        self._services[key.name] = service

    def get(self, key: ServiceKey[ServiceT]) -> ServiceT:
        """The service of `key`; a 404 (`ServiceMissing`) when no enabled capability built it."""
        try:
            found: ServiceT = self._services[key.name]
        except KeyError:
            raise ServiceMissing(
                f"this server does not run the capability providing '{key.name}' "
                "(see MLOpsApp.capabilities)",
                ErrorCode.NOT_FOUND,
            ) from None
        return found

    def find(self, key: ServiceKey[ServiceT]) -> ServiceT | None:
        """The service of `key`, or None when no enabled capability built it."""
        found: ServiceT | None = self._services.get(key.name)
        return found

    def __contains__(self, key: ServiceKey[Any]) -> bool:
        return key.name in self._services


class ServerHost(Protocol):
    """What a capability's `setup(app)` may use of the server extension (`MLOpsApp`); a
    capability that reads settings of its own declares a Protocol adding those traitlets."""

    database: Database
    services: Services
    resolved_data_dir: Path
    serverapp: Any
    log: logging.Logger


@dataclass(frozen=True)
class Capability:
    """One capability's declaration (see the module doc).

    - `module`: dotted module with `ROUTES` (paths under `/mlops/api/`), and optionally
      `ABSOLUTE_ROUTES`, `front_routes(app)` and `setup(app) -> Teardown | None`.
    - `provides`: the keys its `setup` fills; `requires`: keys that must be there before it
      (their providers are enabled with it); `uses`: key names it takes when present (their
      providers, if enabled, are set up first; it works without them).
    - `task_kinds`: task kind -> "module:function" its long work runs (see `core.tasks`).
    - `migrations`: its Alembic versions folder, relative to its package (None: no tables).
    - `always`: runs whatever the allow-list says (health: the API's own document).
    """

    name: str
    title: str
    module: str
    provides: tuple[ServiceKey[Any], ...] = ()
    requires: tuple[ServiceKey[Any], ...] = ()
    uses: tuple[str, ...] = ()
    task_kinds: Mapping[str, str] = field(default_factory=dict)
    migrations: str | None = None
    always: bool = False

    @property
    def package(self) -> str:
        """The capability's package (`jupyter_mlops.serving`)."""
        return self.module.rpartition(".")[0]

    def load(self) -> ModuleType:
        """Import the module of its routes and `setup`."""
        return importlib.import_module(self.module)

    def migrations_folder(self) -> Path | None:
        """The folder of its Alembic revisions, found without importing the package."""
        if self.migrations is None:
            return None
        spec = importlib.util.find_spec(self.package)
        if spec is None or not spec.submodule_search_locations:
            return None
        return Path(next(iter(spec.submodule_search_locations))) / self.migrations


class CapabilityError(MLOpsError):
    """The capabilities asked for cannot start together (a clear message, at server start)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, ErrorCode.INTERNAL, "MLOpsApp.capabilities")


def resolve(declared: Iterable[Capability], wanted: Iterable[str] | None) -> list[Capability]:
    """The capabilities to run, in setup order: those `wanted` (None: all declared), those
    marked `always`, and the providers of what they require; a provider of a key another one
    `uses` comes first when it runs. An unknown name, or a required key nobody provides, is a
    `CapabilityError`."""
    by_name = {capability.name: capability for capability in declared}
    provider = {key.name: c for c in by_name.values() for key in c.provides}
    names = list(by_name) if wanted is None else list(dict.fromkeys(wanted))
    names += [c.name for c in by_name.values() if c.always and c.name not in names]
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise CapabilityError(f"unknown capabilities {unknown} (installed: {', '.join(by_name)})")
    chosen: dict[str, Capability] = {}
    pending = [by_name[name] for name in names]
    while pending:
        capability = pending.pop(0)
        if capability.name in chosen:
            continue
        chosen[capability.name] = capability
        for key in capability.requires:
            if key.name not in provider:
                raise CapabilityError(
                    f"capability '{capability.name}' requires the service '{key.name}', "
                    "which no installed capability provides"
                )
            pending.append(provider[key.name])
    return _setup_order(list(chosen.values()), provider)


def _setup_order(chosen: list[Capability], provider: dict[str, Capability]) -> list[Capability]:
    """`chosen` with every provider before its users (declaration order otherwise)."""
    names = {c.name for c in chosen}
    ordered: list[Capability] = []
    visiting: set[str] = set()

    def visit(capability: Capability) -> None:
        if capability in ordered:
            return
        if capability.name in visiting:
            raise CapabilityError(f"capability '{capability.name}' requires itself (a cycle)")
        visiting.add(capability.name)
        needed = [key.name for key in capability.requires] + list(capability.uses)
        for key_name in needed:
            before = provider.get(key_name)
            if before is not None and before.name in names and before is not capability:
                visit(before)
        visiting.discard(capability.name)
        ordered.append(capability)

    for capability in chosen:
        visit(capability)
    return ordered


async def run_teardown(teardown: Teardown) -> None:
    """Call a capability's teardown, awaiting it when it is a coroutine function."""
    result = teardown()
    if inspect.isawaitable(result):
        await result


def check_provided(capability: Capability, services: Services) -> None:
    """After `capability`'s setup: every key it declares is there (a declaration that lies
    would otherwise fail on a later request)."""
    missing = [key.name for key in capability.provides if key not in services]
    if missing:
        raise CapabilityError(
            f"capability '{capability.name}' declares {missing} but its setup did not build them"
        )
