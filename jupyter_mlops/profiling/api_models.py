"""The REST contract of profiling: request and response models under `/mlops/api/profiles`.

The Lab's types are generated from them (`labextension/src/profiling/model.ts` names them).
Bad input is refused here, before any work starts: a path with a NUL byte, a lone surrogate or
a segment longer than file systems allow, a name with control or bidirectional formatting
characters, a `sample` that is neither a whole number of rows nor a finite fraction in (0, 1]
(booleans are not numbers here).
"""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, RootModel, field_validator

from ..core.errors import MLOpsError
from ..core.paths import check_path
from .api import check_sample
from .entities import Profile
from .jobs import ProfileJob
from .store import ProfileSummary, check_name

Delimiter = Literal[",", ";", "\t", "|"]
DELIMITERS: tuple[Delimiter, ...] = get_args(Delimiter)


class CSVOptions(BaseModel):
    """How to read a CSV file (defaults: guessed from the suffix, UTF-8)."""

    model_config = ConfigDict(extra="forbid")

    delimiter: Delimiter | None = Field(default=None, description="one of , ; tab |")
    encoding: str | None = Field(default=None, max_length=40)

    @field_validator("delimiter", mode="before")
    @classmethod
    def _delimiter(cls, value: Any) -> Any:
        # Before the type's own check, so that the message names the choices in words.
        if value is not None and value not in DELIMITERS:
            raise ValueError("the delimiter must be one of , ; | or a tab")
        return value

    @field_validator("encoding")
    @classmethod
    def _encoding(cls, value: str | None) -> str | None:
        if value is None:
            return None
        import codecs

        try:
            return codecs.lookup(value).name
        except (LookupError, ValueError):
            raise ValueError(f"unknown encoding {value!r}") from None


class ProfileRequest(BaseModel):
    """Profile the file at `path` (relative to the server's root); save it as `name` if given."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1)
    name: str | None = None
    sample: int | float | None = None
    csv: CSVOptions | None = None

    @field_validator("path")
    @classmethod
    def _path(cls, value: str) -> str:
        return check_path(value)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return check_name(value)
        except MLOpsError as exc:
            raise ValueError(exc.message) from None

    @field_validator("sample", mode="before")
    @classmethod
    def _sample(cls, value: Any) -> int | float | None:
        return check_sample(value)


class ProfileList(RootModel[list[ProfileSummary]]):
    """The saved profiles, most recently saved first."""


class ProfileBody(RootModel[Profile]):
    """A whole profile (its JSON document; see docs/profiling.md)."""


class JobState(BaseModel):
    """`GET profiles/jobs/{job_id}`: a job and, when it is done, the profile it made."""

    job: ProfileJob
    profile: Profile | None = None
