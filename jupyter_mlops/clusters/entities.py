"""The clusters' REST contract: what a start or scale asks for, and what a cluster looks like.

`labextension/src/clusters/model.ts` mirrors these models. Requests validate their own sizes so
a bad one is a 400 naming the field, before anything starts.
"""

from __future__ import annotations

import urllib.parse
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..core.errors import MLOpsError
from ..core.query import is_decimal

# Absolute ceilings against absurd numbers; the configured limits (`ClusterManager.max_*`,
# default: what the machine has) are checked by the manager and are usually far lower.
MAX_COUNT = 100_000
Count = Annotated[int, Field(strict=True, ge=0, le=MAX_COUNT)]
Threads = Annotated[int, Field(strict=True, ge=1, le=MAX_COUNT)]

SCHEDULER_SCHEMES = ("tcp", "tls", "ucx", "ucxx", "inproc", "ws", "wss")
"""The `distributed` comm schemes a scheduler address may use."""

ClusterStatus = Literal["starting", "running", "lost", "failed", "closed"]
"""`lost`: the scheduler stopped answering; `failed`: the cluster never started."""

ClusterKind = Literal["local", "gpu", "configured", "connected"]


def parse_memory(value: str | int | None, field: str = "memory") -> int | None:
    """Bytes from `"4GB"`, `"512 MiB"` or an int; None or `"auto"` mean dask's default."""
    if value is None or value == "auto":
        return None
    from dask.utils import parse_bytes  # dask only when a size is given, not at server start

    try:
        size = value if isinstance(value, int) else parse_bytes(str(value))
    except (ValueError, TypeError, OverflowError):  # "1e400" and "inf" overflow int()
        raise MLOpsError(
            f"{field}: {value!r} is not a size (use e.g. '4GB', '512MiB' or 'auto')", field=field
        ) from None
    if size <= 0:
        raise MLOpsError(f"{field}: the memory per worker must be positive", field=field)
    if size > 2**62:
        raise MLOpsError(f"{field}: {value!r} is more memory than any machine has", field=field)
    return int(size)


class AdaptRange(BaseModel):
    """Adaptive scaling between `minimum` and `maximum` workers."""

    model_config = ConfigDict(extra="forbid")

    minimum: Count = 0
    maximum: Annotated[int, Field(strict=True, ge=1, le=MAX_COUNT)]

    @model_validator(mode="after")
    def _minimum_not_above_maximum(self) -> AdaptRange:
        if self.minimum > self.maximum:
            raise MLOpsError(
                f"adapt.minimum: the minimum ({self.minimum}) is above the maximum "
                f"({self.maximum})",
                field="adapt.minimum",
            )
        return self


class StartCluster(BaseModel):
    """`POST /clusters`: start a cluster, or (with `address`) register a running scheduler.

    Omitted sizes take the cluster class's defaults. `gpus`: None/"none"/0 for CPU workers,
    "all" or N for one dask-cuda worker per GPU, each advertising `resources={"GPU": 1}`.
    """

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(max_length=80)] | None = None
    workers: Count | None = None
    threads: Threads | None = None
    memory: str | int | None = None
    gpus: Literal["all"] | int | None = None
    processes: bool | None = None
    adapt: AdaptRange | None = None
    address: Annotated[str, Field(min_length=1, max_length=300)] | None = None
    dashboard: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    """With `address`: the scheduler's dashboard URL, opened directly (never proxied)."""
    options: (
        Annotated[
            dict[Annotated[str, Field(min_length=1, max_length=80)], str | int | float | bool],
            Field(max_length=40),
        ]
        | None
    ) = None
    """Dask Gateway only: cluster options by name (what `gateway.cluster_options()` offers)."""

    @field_validator("memory", mode="before")
    @classmethod
    def _memory_parses(cls, value: object) -> object:
        if (value is not None and not isinstance(value, (str, int))) or isinstance(value, bool):
            raise MLOpsError(
                "memory: give a size such as '4GB' or a number of bytes", field="memory"
            )
        parse_memory(value)
        return value

    @field_validator("gpus", mode="before")
    @classmethod
    def _gpus_is_all_none_or_a_count(cls, value: object) -> object:
        if value is None or value == "none":
            return None
        if value == "all":
            return "all"
        if isinstance(value, str) and is_decimal(value):
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value or None
        raise MLOpsError(
            f"gpus: {value!r} is not 'all', 'none' or a number of GPUs (0 or more)", field="gpus"
        )

    @field_validator("address")
    @classmethod
    def _address_has_a_scheme(cls, value: str | None) -> str | None:
        if value is None:
            return value
        scheme, separator, rest = value.partition("://")
        if not separator or not rest or any(c.isspace() or ord(c) < 32 for c in value):
            raise MLOpsError(
                f"address: {value!r} is not a scheduler address (e.g. tcp://host:8786)",
                field="address",
            )
        if scheme not in SCHEDULER_SCHEMES:
            raise MLOpsError(
                f"address: the scheme {scheme!r} is not a Dask comm "
                f"({', '.join(s + '://' for s in SCHEDULER_SCHEMES)})",
                field="address",
            )
        return value

    @field_validator("dashboard")
    @classmethod
    def _dashboard_is_a_web_address(cls, value: str | None) -> str | None:
        if value is None:
            return value
        parsed = urllib.parse.urlsplit(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise MLOpsError(
                f"dashboard: {value!r} is not an http(s) URL of a dashboard", field="dashboard"
            )
        return value

    @model_validator(mode="after")
    def _address_excludes_sizes(self) -> StartCluster:
        if self.address is not None:
            sized = [
                f
                for f in ("workers", "threads", "memory", "gpus", "adapt", "options")
                if getattr(self, f)
            ]
            if sized:
                raise MLOpsError(
                    f"{sized[0]}: a cluster connected by address is sized where it runs",
                    field=sized[0],
                )
        elif self.dashboard is not None:
            raise MLOpsError(
                "dashboard: only a cluster connected by address takes a dashboard URL; a "
                "started cluster's dashboard is served through the server",
                field="dashboard",
            )
        if self.adapt is not None and self.workers is not None:
            raise MLOpsError("workers: give either workers or adapt, not both", field="workers")
        return self

    @property
    def gpu_count(self) -> int | Literal["all"] | None:
        """How many GPUs were asked for: None for CPU workers."""
        return self.gpus or None

    @property
    def memory_bytes(self) -> int | None:
        """Memory per worker in bytes, None for the class default."""
        return parse_memory(self.memory)


class ChangeCluster(BaseModel):
    """`PATCH /clusters/{id}`: scale to `workers`, adapt between bounds, or make it current."""

    model_config = ConfigDict(extra="forbid")

    workers: Count | None = None
    adapt: AdaptRange | None = None
    current: Literal[True] | None = None

    @model_validator(mode="after")
    def _exactly_one_change(self) -> ChangeCluster:
        given = [f for f in ("workers", "adapt", "current") if getattr(self, f) is not None]
        if len(given) != 1:
            raise MLOpsError("body: give exactly one of workers, adapt or current", field="body")
        return self


class GPUInfo(BaseModel):
    """One GPU: its NVML index (when known), name and memory in bytes."""

    index: int | None = None
    name: str
    memory_total: int | None = None
    memory_used: int | None = None
    utilization: int | None = None


class WorkerInfo(BaseModel):
    """One Dask worker as the panel and `%mlops cluster` show it."""

    address: str
    name: str
    threads: int
    memory_limit: int
    memory_used: int
    cpu: float
    executing: int
    in_memory: int
    resources: dict[str, float]
    gpu: GPUInfo | None = None


class AdaptState(BaseModel):
    """The adaptive bounds a cluster scales between."""

    minimum: int
    maximum: int


class ClusterInfo(BaseModel):
    """A cluster the server (or, without one, the kernel) manages or is connected to."""

    id: str
    name: str
    kind: ClusterKind
    cluster_class: str
    status: ClusterStatus
    error: str | None = None
    scheduler_address: str | None = None
    dashboard_path: str | None = None
    """Relative to the server's base URL: the dashboard through the server's proxy (only for
    clusters the server started whose scheduler runs in the server, on the loopback)."""
    dashboard_url: str | None = None
    """A direct link: the dashboard URL given when connecting by address, the link of a
    started cluster whose scheduler runs elsewhere, or (without a server) the loopback one."""
    secured: bool = False
    """Whether the scheduler takes only TLS connections with this cluster's credentials
    (`GET /clusters/{id}/connection` hands them to authenticated callers)."""
    started: float
    workers: list[WorkerInfo] = Field(default_factory=list)
    requested_workers: int | None = None
    adapt: AdaptState | None = None
    threads: int = 0
    memory_limit: int = 0
    memory_used: int = 0
    gpus: int = 0
    current: bool = False
    connect_code: str = ""

    def __repr__(self) -> str:
        """One line, as `%mlops cluster` lists it (pydantic's repr would print every field and
        worker when `stop_cluster(...)` ends a cell)."""
        address = f" {self.scheduler_address}" if self.scheduler_address else ""
        return f"<Cluster {self.id} {self.name!r} [{self.status}]{address}>"

    __str__ = __repr__

    def size_summary(self) -> str:
        """`2 workers, 4 threads, 300 MiB / 8 GiB memory, 1 GPU; adaptive 1-4`.

        Here, not in `report`, so that the model's own HTML line needs no rendering module.
        """
        from dask.utils import format_bytes

        count = len(self.workers)
        parts = [
            f"{count} worker{'s' if count != 1 else ''}",
            f"{self.threads} threads",
            f"{format_bytes(self.memory_used)} / {format_bytes(self.memory_limit)} memory",
        ]
        if self.gpus:
            parts.append(f"{self.gpus} GPU{'s' if self.gpus != 1 else ''}")
        line = ", ".join(parts)
        if self.requested_workers is not None and self.requested_workers != count:
            line += f" (scaling to {self.requested_workers})"
        if self.adapt is not None:
            line += f"; adaptive {self.adapt.minimum}-{self.adapt.maximum}"
        return line

    def _repr_html_(self) -> str:
        from html import escape

        detail = ""
        if self.status == "running":
            detail = f": {escape(self.size_summary())}"
        elif self.error:
            detail = f": {escape(self.error)}"
        address = escape(self.scheduler_address or "")
        return (
            f"<div>Dask cluster <code>{escape(self.id)}</code> <b>{escape(self.name)}</b> "
            f"[{escape(str(self.status))}] <code>{address}</code>{detail}</div>"
        )


class GPUEnvironment(BaseModel):
    """The GPUs the server sees (NVML) and whether dask-cuda can start workers on them."""

    devices: list[GPUInfo]
    dask_cuda: bool
    note: str


class ClusterFactoryInfo(BaseModel):
    """The cluster class a start without GPUs uses, and where it was configured."""

    cluster_class: str
    source: str
    accepts_sizes: bool


class ClusterLimits(BaseModel):
    """The largest sizes a start, scale or adapt may ask for (the server's configuration)."""

    max_workers: int
    max_threads: int
    max_memory: int
    """Bytes per worker."""


class ClusterList(BaseModel):
    """`GET /clusters`: every cluster, which one is current, and what a start can ask for."""

    clusters: list[ClusterInfo]
    current: str | None
    gpus: GPUEnvironment
    factory: ClusterFactoryInfo
    limits: ClusterLimits
    local: bool = False


class TLSCredentials(BaseModel):
    """PEM texts a client presents to a secured scheduler (mutual TLS)."""

    ca: str
    cert: str
    key: str


class ClusterConnection(BaseModel):
    """`GET /clusters/{id}/connection`: how a client connects (`get_client` uses it).

    `tls` is None for a scheduler that takes plain connections (connected by address, or a
    configured class that sets its own security).
    """

    id: str
    address: str
    tls: TLSCredentials | None = None
    dashboard_link: str | None = None
    """The dashboard link a kernel's `Client` repr shows: the proxied path, or a direct URL."""
