"""Experiment tags and an experiment's lifecycle (delete, restore, rename) in one session.

Tags are free text keyed like run tags (revision `0011_tracking_experiment_tags`). Deleting an
experiment soft-deletes its active runs with the experiment's deletion time; restoring it brings
back exactly those runs (runs deleted on their own before stay deleted).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import ForeignKey, Integer, String, Text, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..core.db import Base
from ..core.errors import ErrorCode, MLOpsError
from .entities import LifecycleStage
from .tables import KEY_LENGTH, ExperimentRow, RunRow


class ExperimentTagRow(Base):
    """One tag of an experiment."""

    __tablename__ = "tracking_experiment_tags"

    experiment_id: Mapped[int] = mapped_column(
        Integer,
        ForeignKey("tracking_experiments.experiment_id", ondelete="CASCADE"),
        primary_key=True,
    )
    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


def read_tags(session: Session, experiment_ids: Iterable[int]) -> dict[str, dict[str, str]]:
    """The tags of each experiment, by experiment id as text (experiments without tags absent)."""
    ids = list(experiment_ids)
    found: dict[str, dict[str, str]] = {}
    if not ids:
        return found
    rows = session.execute(
        select(ExperimentTagRow.experiment_id, ExperimentTagRow.key, ExperimentTagRow.value)
        .where(ExperimentTagRow.experiment_id.in_(ids))
        .order_by(ExperimentTagRow.key)
    )
    for experiment_id, key, value in rows:
        found.setdefault(str(experiment_id), {})[key] = value
    return found


def write_tags(session: Session, experiment_id: int, tags: Mapping[str, str]) -> None:
    """Set (or overwrite) tags of an experiment; keys and values already validated."""
    for key, value in tags.items():
        session.merge(ExperimentTagRow(experiment_id=experiment_id, key=key, value=value))


def delete_tag(session: Session, experiment_id: int, key: str) -> bool:
    """Delete one tag; whether it existed."""
    result = session.execute(
        delete(ExperimentTagRow).where(
            ExperimentTagRow.experiment_id == experiment_id, ExperimentTagRow.key == key
        )
    )
    return bool(getattr(result, "rowcount", 0))


def set_stage(session: Session, row: ExperimentRow, stage: LifecycleStage, now: int) -> None:
    """Delete or restore an experiment with its runs (see the module's docstring)."""
    if row.lifecycle_stage == stage.value:
        raise MLOpsError(
            f"experiment {row.experiment_id} is already {stage.value}", field="experiment_id"
        )
    runs = update(RunRow).where(RunRow.experiment_id == row.experiment_id)
    if stage is LifecycleStage.DELETED:
        session.execute(
            runs.where(RunRow.lifecycle_stage == LifecycleStage.ACTIVE.value).values(
                lifecycle_stage=LifecycleStage.DELETED.value, deleted_time=now
            )
        )
    else:
        session.execute(
            runs.where(
                RunRow.lifecycle_stage == LifecycleStage.DELETED.value,
                RunRow.deleted_time == row.last_update_time,
            ).values(lifecycle_stage=LifecycleStage.ACTIVE.value, deleted_time=None)
        )
    row.lifecycle_stage = stage.value
    row.last_update_time = now


def rename(session: Session, row: ExperimentRow, name: str, now: int) -> None:
    """Give an experiment a new (unused) name."""
    if row.name == name:
        return
    taken = session.scalars(select(ExperimentRow.experiment_id).where(ExperimentRow.name == name))
    if taken.first() is not None:
        raise MLOpsError(
            f"an experiment named {name!r} exists already", ErrorCode.CONFLICT, field="name"
        )
    row.name = name
    row.last_update_time = now
