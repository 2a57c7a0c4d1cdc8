"""`jupyter-mlops migrate-artifacts --to URI`: move a local store's files to an artifact root.

What moves: every run whose `artifact_uri` is a local folder (to `<to>/<experiment_id>/<run_id>`),
every experiment whose `artifact_location` is local (to `<to>/<experiment_id>`, so new runs go
there), and every registered version whose files are local (to `<to>/registry/<name>/v<n>`).

Never loses anything when interrupted (even by SIGKILL): each run's or version's files are
copied first, file by file, and only then is its one row changed, in its own transaction; the
local files are not deleted (the summary says where they are). A second invocation skips rows
already moved and files already copied with the same size, so it resumes where the first one
stopped. `dry_run` lists what would move and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select, update

from ..core import artifact_store
from ..core.db import Database
from ..tracking.tables import ExperimentRow, RunRow
from .tables import ModelVersionRow


@dataclass
class MigrationReport:
    """What a migration moved (or, in a dry run, would move)."""

    runs: int = 0
    experiments: int = 0
    versions: int = 0
    files_copied: int = 0
    files_skipped: int = 0
    bytes_copied: int = 0
    left_behind: list[str] = field(default_factory=list)


def migrate_artifacts(
    database: Database,
    to: str,
    *,
    dry_run: bool = False,
    progress: Callable[[str], None] = lambda _line: None,
) -> MigrationReport:
    """Move local runs', experiments' and versions' files under the artifact root `to`."""
    root = artifact_store.normalize(to)
    report = MigrationReport()
    with database.session() as session:
        runs = session.execute(
            select(RunRow.run_id, RunRow.experiment_id, RunRow.artifact_uri)
        ).all()
        experiments = session.execute(
            select(ExperimentRow.experiment_id, ExperimentRow.artifact_location)
        ).all()
        versions = session.execute(
            select(ModelVersionRow.name, ModelVersionRow.version, ModelVersionRow.storage_location)
        ).all()
    for run_id, experiment_id, uri in runs:
        if artifact_store.is_remote(uri):
            continue
        target = artifact_store.child(root, f"{experiment_id}/{run_id}")
        progress(f"run {run_id}: {uri} -> {target}")
        report.runs += 1
        if dry_run:
            continue
        _copy_tree(Path(uri), target, report)
        with database.session(write=True) as session:
            session.execute(
                update(RunRow).where(RunRow.run_id == run_id).values(artifact_uri=target)
            )
        report.left_behind.append(uri)
    for experiment_id, location in experiments:
        if artifact_store.is_remote(location):
            continue
        target = artifact_store.child(root, str(experiment_id))
        progress(f"experiment {experiment_id}: {location} -> {target}")
        report.experiments += 1
        if not dry_run:
            with database.session(write=True) as session:
                session.execute(
                    update(ExperimentRow)
                    .where(ExperimentRow.experiment_id == experiment_id)
                    .values(artifact_location=target)
                )
    for name, number, location in versions:
        if artifact_store.is_remote(location):
            continue
        target = artifact_store.child(root, f"registry/{name}/v{number}")
        progress(f"model {name} version {number}: {location} -> {target}")
        report.versions += 1
        if dry_run:
            continue
        _copy_tree(Path(location), target, report)
        with database.session(write=True) as session:
            session.execute(
                update(ModelVersionRow)
                .where(ModelVersionRow.name == name, ModelVersionRow.version == number)
                .values(storage_location=target)
            )
        report.left_behind.append(location)
    return report


def _copy_tree(folder: Path, target: str, report: MigrationReport) -> None:
    """Copy every file of `folder` under `target`, skipping one already there with its size
    (copied by an interrupted earlier run: an object appears whole or not at all)."""
    if not folder.is_dir():
        return  # a run that never logged a file
    for relative in artifact_store.walk_files(str(folder)):
        source = folder / relative
        if source.is_symlink():
            continue  # never followed out of the run's folder
        destination = artifact_store.child(target, relative)
        size = source.stat().st_size
        if artifact_store.exists(destination) and artifact_store.size(destination) == size:
            report.files_skipped += 1
            continue
        artifact_store.put_file(source, destination)
        report.files_copied += 1
        report.bytes_copied += size
