"""REST contracts of the registry and endpoints (`/mlops/api/models`, `/mlops/api/endpoints`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.dataclasses import dataclass

from ..core.openapi import Deleted as Deleted  # the DELETE answer, shared
from ..core.query import QueryModel
from .entities import Endpoint, ModelVersion, RegisteredModel


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegisterIn(_In):
    """Register a run's model artifact (or a model folder on the server) as a new version."""

    source: str = Field(description="run id, runs:/<run_id>/<path>, or a model folder path")
    name: str
    description: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)


class UpdateIn(_In):
    """A new description and/or tags to merge, and tag keys to remove (after the merge)."""

    description: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    delete_tags: list[str] = Field(
        default_factory=list, description="tag keys to remove; a key the object lacks is a 404"
    )


class AliasIn(_In):
    """The version an alias should point to."""

    version: int = Field(ge=1, le=2**31 - 1)


class DeployIn(_In):
    """Start an endpoint: `model` is NAME@ALIAS (follows it), NAME/VERSION or NAME (latest)."""

    model: str
    name: str | None = None
    port: int | None = Field(default=None, ge=1, le=65535)
    workers: int = Field(default=1, ge=1, le=64)
    persistent: bool = False
    auth: bool = Field(
        default=True, description="require a bearer token (GET endpoints/{name}/token)"
    )


class PromoteIn(_In):
    """The version an endpoint should serve; `alias` moves that alias instead of its own."""

    version: int = Field(ge=1, le=2**31 - 1)
    alias: str | None = None


class EmptyIn(_In):
    """No body fields."""


class ModelList(BaseModel):
    """Every registered model."""

    models: list[RegisteredModel]


class EndpointOut(BaseModel):
    """An endpoint and its process state.

    Not `entities.Endpoint` on purpose: this adds what the endpoint's record resolves to now
    (`serving_version`, read from the registry per answer) and leaves out its bearer token
    (`GET endpoints/{name}/token` hands that out, to users allowed to)."""

    name: str
    model_name: str
    alias: str | None
    version: int | None
    serving_version: int | None
    previous_version: int | None
    target: str
    url: str
    host: str
    port: int
    workers: int
    persistent: bool
    auth: bool
    state: str
    pid: int | None
    restarts: int
    message: str | None
    creation_time: int
    update_time: int
    created_by: str | None = None
    updated_by: str | None = None


class RegisteredEndpointOut(BaseModel):
    """An endpoint process as it reports itself in the store (`registrations`): one this server
    did not start (`where: external`: `jupyter-mlops serve`, a container, a pod)."""

    name: str
    model_name: str
    alias: str | None
    version: int | None = Field(description="the version its /health last answered")
    url: str = Field(description="where callers reach it (its --advertise-url)")
    where: str = Field(description="external, or server (started by a Jupyter server)")
    hostname: str
    pid: int
    auth: bool
    state: str = Field(description="running, stopped (a clean exit) or stale (no heartbeat)")
    health: str = Field(description="its /health at the last beat: ok, loading, unreachable")
    started_time: int
    heartbeat_time: int
    heartbeat_s: float


class EndpointList(BaseModel):
    """Every endpoint: those the Lab deployed (`endpoints`) and the endpoint processes that
    registered themselves from elsewhere (`external`)."""

    endpoints: list[EndpointOut]
    external: list[RegisteredEndpointOut] = Field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class ModelDetail(RegisteredModel):
    """A model with its versions (newest first) and the endpoints serving it."""

    versions: list[ModelVersion]
    endpoints: list[EndpointOut]


class CompareQuery(QueryModel):
    """`GET models/{name}/versions/{version}/compare?to=N`: the version to compare with."""

    to: int = Field(ge=1, le=2**31 - 1, description="the other version (e.g. the served one)")


class MetricPair(BaseModel):
    """One metric's latest value in each version's run (None: that run has no such metric;
    non-finite values as "NaN", "Infinity", "-Infinity")."""

    key: str
    value: float | str | None
    to_value: float | str | None


class VersionComparison(BaseModel):
    """Two versions side by side: their records (lineage, training profiles) and run metrics.

    Drift between their training data: `POST drift` with the two `training_profile` names.
    """

    version: ModelVersion
    to: ModelVersion
    metrics: list[MetricPair]


class EndpointStats(BaseModel):
    """Live figures from an endpoint's `/metrics`."""

    reachable: bool
    message: str | None = None
    requests: int = 0
    errors: int = 0
    rows: int = 0
    model_version: int | None = None
    restarts: int | None = None
    latency_p50_ms: float | None = None
    latency_p99_ms: float | None = None
    time_ms: int | None = None


class TokenOut(BaseModel):
    """An endpoint's bearer token (null when it was started without auth): send it as
    `Authorization: Bearer <token>`."""

    token: str | None


def endpoint_out(endpoint: Endpoint, serving_version: int | None) -> EndpointOut:
    """The REST shape of an endpoint; `serving_version` is what its record resolves to now."""
    return EndpointOut(
        name=endpoint.name,
        model_name=endpoint.model_name,
        alias=endpoint.alias,
        version=endpoint.version,
        serving_version=serving_version,
        previous_version=endpoint.previous_version,
        target=endpoint.target,
        url=endpoint.url,
        host=endpoint.host,
        port=endpoint.port,
        workers=endpoint.workers,
        persistent=endpoint.persistent,
        auth=endpoint.auth,
        state=endpoint.state,
        pid=endpoint.pid,
        restarts=endpoint.restarts,
        message=endpoint.message,
        creation_time=endpoint.creation_time,
        update_time=endpoint.update_time,
        created_by=endpoint.created_by,
        updated_by=endpoint.updated_by,
    )


def registered_out(registration: Any, now: int | None = None) -> RegisteredEndpointOut:
    """The REST shape of a `registrations.Registration` (its state as seen `now`)."""
    return RegisteredEndpointOut(
        name=registration.name,
        model_name=registration.model_name,
        alias=registration.alias,
        version=registration.version,
        url=registration.url,
        where=registration.runner,
        hostname=registration.hostname,
        pid=registration.pid,
        auth=registration.auth,
        state=registration.seen_state(now),
        health=registration.health,
        started_time=registration.started_time,
        heartbeat_time=registration.heartbeat_time,
        heartbeat_s=registration.heartbeat_s,
    )
