"""The serving tables (revision `0007_serving`; later revisions add columns). Only `registry`
queries them.

A model version keeps a copy of its model folder under `<data dir>/serving/models/`, so the
version stays loadable when its run is deleted; `content_hash` is the sha256 of its model file,
checked at every load. An alias remembers the version it pointed to before (`previous_version`),
which is what Rollback returns to.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, ForeignKey, ForeignKeyConstraint, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import Base

NAME_LENGTH = 256


class ModelRow(Base):
    """A registered model: a name that versions are added under."""

    __tablename__ = "serving_models"

    name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    tags: Mapped[str] = mapped_column(Text, default="{}")
    creation_time: Mapped[int] = mapped_column(BigInteger)
    last_update_time: Mapped[int] = mapped_column(BigInteger)
    created_by: Mapped[str | None] = mapped_column(String(256), nullable=True)
    updated_by: Mapped[str | None] = mapped_column(String(256), nullable=True)
    # The highest number a version of this model was given (revision 0040): a deleted latest
    # version's number is not given again, as in MLflow. None: no version yet.
    last_version: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ModelVersionRow(Base):
    """One version of a model: where its folder is, where it came from, what it expects."""

    __tablename__ = "serving_model_versions"

    name: Mapped[str] = mapped_column(
        ForeignKey("serving_models.name", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(Text)
    run_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    storage_location: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    estimator_class: Mapped[str] = mapped_column(String(512))
    info: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    tags: Mapped[str] = mapped_column(Text, default="{}")
    training_profile: Mapped[str | None] = mapped_column(String(NAME_LENGTH), nullable=True)
    notebook_path: Mapped[str | None] = mapped_column(Text, nullable=True)
    creation_time: Mapped[int] = mapped_column(BigInteger)
    created_by: Mapped[str | None] = mapped_column(String(256), nullable=True)
    # When its description, tags or stage last changed (revision 0040; None: never since).
    last_update_time: Mapped[int | None] = mapped_column(BigInteger, nullable=True)


class AliasRow(Base):
    """A movable name for one version (`champion`, `staging`)."""

    __tablename__ = "serving_aliases"
    __table_args__ = (
        ForeignKeyConstraint(
            ["name", "version"],
            ["serving_model_versions.name", "serving_model_versions.version"],
            ondelete="CASCADE",
        ),
    )

    name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    alias: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    previous_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    update_time: Mapped[int] = mapped_column(BigInteger)
    updated_by: Mapped[str | None] = mapped_column(String(256), nullable=True)


class EndpointRow(Base):
    """An endpoint: what it serves (an alias it follows, or a pinned version) and where."""

    __tablename__ = "serving_endpoints"

    name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    model_name: Mapped[str] = mapped_column(
        ForeignKey("serving_models.name", ondelete="CASCADE"), index=True
    )
    alias: Mapped[str | None] = mapped_column(String(NAME_LENGTH), nullable=True)
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    previous_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    host: Mapped[str] = mapped_column(String(256))
    port: Mapped[int] = mapped_column(Integer)
    workers: Mapped[int] = mapped_column(Integer, default=1)
    persistent: Mapped[bool] = mapped_column(Boolean, default=False)
    auth: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(16))
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    restarts: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    creation_time: Mapped[int] = mapped_column(BigInteger)
    update_time: Mapped[int] = mapped_column(BigInteger)
    created_by: Mapped[str | None] = mapped_column(String(256), nullable=True)
    updated_by: Mapped[str | None] = mapped_column(String(256), nullable=True)
