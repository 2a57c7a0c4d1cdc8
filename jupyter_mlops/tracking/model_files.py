"""The model files a run logged, with their sha256: what a loader checks a model file against.

`log_model` records the pinning hash of `model.skops` and `MLmodel.json` here
(`model_format.pinned_sha256`; in the store, not next to the files, so whoever can write the
artifact folder cannot change both; rows from before MLmodel.json was pinned hold the model
file's own sha256, which still pins that file). Serving and `load_model` call
`load_logged_model(run_id, name)`, which refuses a folder with no record (e.g. one copied in
with `log_artifact`) or whose file hash changed, then loads it with the model format's
allow-list (`model_format.load_model`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core import artifact_store
from ..core.clock import now_ms
from ..core.db import Base, Database
from ..core.errors import ErrorCode, MLOpsError
from ..model_format import ModelInfo
from ..model_format import load_model as load_folder
from .artifacts import resolve_inside
from .tables import KEY_LENGTH, RUN_ID_LENGTH

if TYPE_CHECKING:
    from .base_store import BaseTrackingStore


class ModelFileRow(Base):
    """One logged model folder of a run (revision `0006_tracking_model_files`)."""

    __tablename__ = "tracking_model_files"

    run_id: Mapped[str] = mapped_column(
        String(RUN_ID_LENGTH),
        ForeignKey("tracking_runs.run_id", ondelete="CASCADE"),
        primary_key=True,
    )
    path: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    estimator_class: Mapped[str] = mapped_column(Text)
    logged_time: Mapped[int] = mapped_column(BigInteger)


def record_model_file(
    database: Database, run_id: str, path: str, sha256: str, estimator_class: str
) -> None:
    """Record (or, when the run logs the same name again, replace) a model file's hash."""
    with database.session(write=True) as session:
        session.merge(
            ModelFileRow(
                run_id=run_id,
                path=path,
                sha256=sha256,
                estimator_class=estimator_class,
                logged_time=now_ms(),
            )
        )


def model_file_sha256(database: Database, run_id: str, path: str) -> str | None:
    """The sha256 recorded for the model folder `path` of run `run_id`, None if never logged."""
    with database.session() as session:
        row = session.get(ModelFileRow, (run_id, path))
        return None if row is None else row.sha256


def load_logged_model(
    run_id: str,
    name: str = "model",
    trusted: Iterable[str] = (),
    store: BaseTrackingStore | None = None,
) -> tuple[Any, ModelInfo]:
    """The estimator and info of the model folder `name` that run `run_id` logged.

    Refused (FORBIDDEN, field `model`): a folder `log_model` did not write (no recorded hash),
    a model file whose sha256 differs from the recorded one, a file needing types outside the
    allow-list and `trusted`. `store`: the tracking store (default: this process's).
    """
    if store is None:
        from .process_client import get_client

        store = get_client().store
    run = store.get_run(run_id)
    if artifact_store.is_remote(run.artifact_uri):
        location = artifact_store.child(run.artifact_uri, name, field="name")
    else:
        location = str(resolve_inside(Path(run.artifact_uri), name, field="name"))
    expected = model_file_sha256(store.database, run.run_id, name)
    if expected is None:
        raise MLOpsError(
            f"model: run {run.run_id} has no model {name!r} logged with log_model (no recorded "
            "hash), so its files are not trusted",
            ErrorCode.FORBIDDEN,
            field="model",
        )
    # A remote folder is downloaded first; the hash is checked on the local bytes, then loaded.
    folder = artifact_store.local_copy(location, expected)
    return load_folder(folder, expected_sha256=expected, trusted=trusted)
