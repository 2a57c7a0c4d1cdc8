"""What the sidebar, `%mlops status` and `GET /mlops/api/health` show."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .._version import __version__
from ..capabilities import installed_capabilities
from ..core import schema
from ..core.config import resolve_data_dir
from ..core.db import Database
from ..core.store import get_database


class CapabilityStatus(BaseModel):
    """One capability this installation ships, and whether the server runs it."""

    name: str
    title: str
    enabled: bool = Field(description="Whether this server runs it (MLOpsApp.capabilities)")


class Health(BaseModel):
    """The installation's health, as the REST API returns it."""

    version: str
    store_url: str
    store_backend: str
    schema_revision: list[str]
    schema_head: list[str]
    schema_up_to_date: bool
    data_dir: str
    capabilities: list[CapabilityStatus]


def get_health(database: Database, data_dir: str, enabled: list[str] | None = None) -> Health:
    """Read the health of `database` (blocking: it queries the store); `enabled`: the
    capabilities the server runs (None: every installed one, as outside a server)."""
    current = list(schema.current_revisions(database.engine))
    heads = list(schema.head_revisions())
    return Health(
        version=__version__,
        store_url=database.masked_url,
        store_backend=database.engine.dialect.name,
        schema_revision=current,
        schema_head=heads,
        schema_up_to_date=current == heads,
        data_dir=data_dir,
        capabilities=[
            CapabilityStatus(
                name=c.name,
                title=c.title,
                enabled=enabled is None or c.name in enabled,
            )
            for c in installed_capabilities()
            if c.name != "health"
        ],
    )


def format_health(health: Health) -> str:
    """Plain-text rendering for the magic and the CLI."""
    schema_state = "up to date" if health.schema_up_to_date else "NEEDS UPGRADE"
    lines = [
        f"jupyter-mlops {health.version}",
        f"store:    {health.store_url} ({health.store_backend})",
        f"schema:   {', '.join(health.schema_revision) or 'none'} ({schema_state})",
        f"data dir: {health.data_dir}",
        "capabilities:",
    ]
    lines += [
        f"  {'✓' if c.enabled else '·'} {c.title}{'' if c.enabled else ' (not enabled)'}"
        for c in health.capabilities
    ]
    return "\n".join(lines)


def status() -> Health:
    """The health of this process's store (the one `JUPYTER_MLOPS_DB_URL` resolves to)."""
    return get_health(get_database(), str(resolve_data_dir()))
