"""The dataclasses every serving layer exchanges: models, versions, aliases and endpoints.

`ModelVersion`, `Alias` and `RegisteredModel` are pydantic dataclasses: the REST API answers
them as they are (`uri` is a computed field), with no second response model mapped by hand.
`Endpoint` is answered as `api_models.EndpointOut`, which differs on purpose (see there).
"""

from __future__ import annotations

import dataclasses
from dataclasses import field

from pydantic import computed_field
from pydantic.dataclasses import dataclass
from typing_extensions import NotRequired, TypedDict  # pydantic needs these on Python < 3.12


class StoredColumn(TypedDict):
    """One input column of a version as stored (`model_format.ColumnSpec`): its name (a
    position for unnamed input) and its dtype, when known."""

    name: str
    dtype: NotRequired[str | None]


class StoredInputSchema(TypedDict, total=False):
    """A version's input signature as stored (`model_format.InputSchema`): its columns, and
    whether they are named (False: positional input). Empty when it is not known."""

    columns: list[StoredColumn]
    named: bool


@dataclass(frozen=True)
class ModelVersion:
    """A registered version: its folder, content hash, lineage and the baseline for monitoring.

    `training_profile` names the stored profile of the training data (load it with
    `jupyter_mlops.load_profile`), or is None when the version was registered without data.
    `aliases` are the aliases pointing at this version. `last_update_time` is when its
    description, tags or stage last changed (its creation time until then).
    """

    name: str
    version: int
    source: str
    run_id: str | None
    storage_location: str
    content_hash: str
    estimator_class: str
    creation_time: int
    input_schema: StoredInputSchema
    predict_methods: list[str]
    versions: dict[str, str]
    description: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    training_profile: str | None = None
    notebook_path: str | None = None
    aliases: list[str] = field(default_factory=list)
    created_by: str | None = None
    last_update_time: int | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def uri(self) -> str:
        """`models:/NAME/VERSION`."""
        return f"models:/{self.name}/{self.version}"


@dataclass(frozen=True)
class Alias:
    """An alias of a model, the version it points to and the one before."""

    name: str
    alias: str
    version: int
    previous_version: int | None
    update_time: int
    updated_by: str | None = None


@dataclass(frozen=True)
class RegisteredModel:
    """A model name with its latest version number and its aliases."""

    name: str
    description: str | None
    tags: dict[str, str]
    creation_time: int
    last_update_time: int
    latest_version: int | None
    aliases: dict[str, int] = field(default_factory=dict)
    created_by: str | None = None
    updated_by: str | None = None


@dataclasses.dataclass(frozen=True)
class Endpoint:
    """An endpoint: the model it serves (following `alias`, else pinned to `version`), its
    address, and the supervisor's view of its process (`state`, `pid`, `restarts`).

    `token` is its bearer token (`Authorization: Bearer <token>`; None without auth), filled in
    by `jupyter_mlops.get_endpoint` from the endpoint's private folder; never in the store.
    """

    name: str
    model_name: str
    alias: str | None
    version: int | None
    previous_version: int | None
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
    token: str | None = field(default=None, repr=False, compare=False)
    created_by: str | None = None
    updated_by: str | None = None

    @property
    def url(self) -> str:
        """The endpoint's base URL."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def target(self) -> str:
        """What it serves, as `NAME@ALIAS` or `NAME/VERSION`."""
        if self.alias:
            return f"{self.model_name}@{self.alias}"
        return f"{self.model_name}/{self.version}"
