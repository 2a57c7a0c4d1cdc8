"""Saved profiles: the `profiling_profiles` table (revision `0003_profiling`) and its store.

A profile is saved whole as its JSON document, next to the few columns the list shows. Names
are unique; saving under a taken name replaces that profile (or refuses, `overwrite=False`).
Later capabilities (drift baselines) load profiles back with `load_profile(name)`.
"""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import replace

from pydantic import BaseModel
from sqlalchemy import BigInteger, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..core.clock import now_ms
from ..core.db import Base, Database
from ..core.errors import ErrorCode, MLOpsError, NotFoundError
from ..core.store import get_database
from .entities import Profile

NAME_LENGTH = 256


class ProfileRow(Base):
    """One saved profile."""

    __tablename__ = "profiling_profiles"
    __table_args__ = (Index("ix_profiling_profiles_saved_time", "saved_time"),)

    profile_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    source: Mapped[str | None] = mapped_column(Text, nullable=True)
    engine: Mapped[str] = mapped_column(String(16))
    n_rows: Mapped[int] = mapped_column(BigInteger)
    n_columns: Mapped[int] = mapped_column(Integer)
    n_alerts: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(40))
    saved_time: Mapped[int] = mapped_column(BigInteger)
    body: Mapped[str] = mapped_column(Text)


class ProfileSummary(BaseModel):
    """A saved profile as lists show it (the REST list returns these)."""

    id: str
    name: str
    source: str | None
    engine: str
    n_rows: int
    n_columns: int
    n_alerts: int
    fingerprint: str
    created_at: str
    saved_time: int


def _summary(row: ProfileRow) -> ProfileSummary:
    return ProfileSummary(
        id=row.profile_id,
        name=row.name,
        source=row.source,
        engine=row.engine,
        n_rows=row.n_rows,
        n_columns=row.n_columns,
        n_alerts=row.n_alerts,
        fingerprint=row.fingerprint,
        created_at=row.created_at,
        saved_time=row.saved_time,
    )


def check_name(name: object, field: str = "name") -> str:
    """A valid profile name, or a 400 naming `field`.

    Non-empty text up to 256 characters, encodable as UTF-8 (no lone surrogates), without
    control characters (NUL, line breaks) or bidirectional overrides that would make a name
    display as another.
    """
    if not isinstance(name, str) or not name.strip():
        raise MLOpsError("a profile needs a non-empty name", field=field)
    if len(name) > NAME_LENGTH:
        raise MLOpsError(f"a profile name has at most {NAME_LENGTH} characters", field=field)
    for position, char in enumerate(name):
        if "\ud800" <= char <= "\udfff":
            raise MLOpsError(
                f"a profile name cannot hold a lone surrogate (U+{ord(char):04X} at {position})",
                field=field,
            )
        if unicodedata.category(char) in _REFUSED_CATEGORIES:
            raise MLOpsError(
                "a profile name cannot hold control or bidirectional formatting characters "
                f"(U+{ord(char):04X} at {position})",
                field=field,
            )
    return name.strip()


# Cc: controls (NUL, newlines, escapes); Cf: format characters (bidi overrides and isolates,
# zero-width joiners); Cs: surrogates.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


class ProfileStore:
    """Save, list, load and delete profiles in one store."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @classmethod
    def default(cls) -> ProfileStore:
        """The store of this process (`JUPYTER_MLOPS_DB_URL` / data dir)."""
        return cls(get_database())

    def save(self, profile: Profile, name: str | None = None, *, overwrite: bool = True) -> Profile:
        """Store `profile` under `name` (default: `profile.name`); returns it with id and name."""
        name = check_name(name if name is not None else profile.name)
        with self.database.session(write=True) as session:
            existing = session.scalars(select(ProfileRow).where(ProfileRow.name == name)).first()
            if existing is not None and not overwrite:
                raise MLOpsError(
                    f"a profile named {name!r} exists (overwrite=True replaces it)",
                    ErrorCode.CONFLICT,
                    "name",
                )
            profile_id = existing.profile_id if existing is not None else uuid.uuid4().hex
            stored = replace(profile, name=name, id=profile_id)
            row = existing or ProfileRow(profile_id=profile_id, name=name)
            row.source = profile.source
            row.engine = profile.engine
            row.n_rows = profile.n_rows
            row.n_columns = profile.n_columns
            row.n_alerts = len(profile.alerts)
            row.fingerprint = profile.fingerprint
            row.created_at = profile.created_at
            row.saved_time = now_ms()
            row.body = stored.to_json()
            session.add(row)
        # Only a committed save names the caller's profile.
        profile.name, profile.id = name, profile_id
        return profile

    def list(self) -> list[ProfileSummary]:
        """Every saved profile, the most recently saved first."""
        with self.database.session() as session:
            rows = session.scalars(
                select(ProfileRow).order_by(ProfileRow.saved_time.desc(), ProfileRow.name)
            ).all()
            return [_summary(row) for row in rows]

    def get(self, key: str) -> Profile:
        """The profile with this id or name."""
        with self.database.session() as session:
            row = self._find(session, key)
            return Profile.from_json(row.body)

    def delete(self, key: str) -> None:
        """Delete the profile with this id or name."""
        with self.database.session(write=True) as session:
            session.delete(self._find(session, key))

    @staticmethod
    def _find(session: Session, key: str) -> ProfileRow:
        row = session.get(ProfileRow, key)
        if row is None:
            row = session.scalars(select(ProfileRow).where(ProfileRow.name == key)).first()
        if row is None:
            raise NotFoundError(f"no saved profile with id or name {key!r}", field="profile")
        return row


def save_profile(profile: Profile, name: str | None = None, *, overwrite: bool = True) -> Profile:
    """Store `profile` under `name` (default: its own name) and return it with its id.

    An existing profile of that name is replaced unless `overwrite=False`, which raises a 409
    `MLOpsError` instead. Read it back with `jupyter_mlops.load_profile(name)`.
    """
    return ProfileStore.default().save(profile, name, overwrite=overwrite)


def load_profile(name: str) -> Profile:
    """The saved profile with this name (or id), from this process's store."""
    return ProfileStore.default().get(name)


def list_profiles() -> list[ProfileSummary]:
    """The saved profiles of this process's store, the most recently saved first."""
    return ProfileStore.default().list()


def delete_profile(name: str) -> None:
    """Delete the saved profile with this name (or id)."""
    ProfileStore.default().delete(name)
