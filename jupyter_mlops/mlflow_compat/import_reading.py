"""What an MLflow import reads from its source, with MLflow's client: one run whole (its metric
histories, its artifacts and its logged models' files, downloaded into a temporary folder)
before anything is written, and only from inside the source store.

A local artifact URI outside the store's folder (`artifact_roots`, plus the folders the user
allows), or an artifact folder holding a link leading out of it, refuses the run
(`OutsideSource`): the store's own metadata must not make the import copy other files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from ..core.errors import MLOpsError
from ..tracking.entities import Metric


class OutsideSource(Exception):
    """A run whose artifacts would be read from outside the source store."""


@dataclass
class SourceRun:
    """One run as read from the source, ready to write."""

    run: Any  # mlflow.entities.Run
    histories: list[Metric]
    artifacts: Path | None


def artifact_roots(uri: str) -> list[Path]:
    """The local folders a source's artifacts may be read from: the file store's folder, a
    SQLite database's folder, none for servers (their artifacts come over the network)."""
    if uri.startswith("file:"):
        return [local_path(uri).resolve()]
    if uri.startswith("sqlite:///"):
        database = uri.removeprefix("sqlite:///").split("?", 1)[0]
        return [Path(database).resolve().parent]
    return []


def local_path(uri: str) -> Path:
    """The local path of a `file:` URI or a plain path."""
    parsed = urlparse(uri)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else Path(uri)


def _is_local(uri: str) -> bool:
    scheme = urlparse(uri).scheme
    # A one-letter scheme is a Windows drive letter: a local path too.
    return scheme in ("", "file") or len(scheme) == 1


def _check_confined(uri: str | None, roots: Sequence[Path], what: str) -> None:
    """Refuse a local artifact URI outside `roots`, or an artifact folder holding a link that
    leads out of them (MLflow's local repository would follow it)."""
    if not uri or not _is_local(uri):
        return
    folder = local_path(uri)
    places = [folder, *(folder.rglob("*") if folder.is_dir() else [])]
    for place in places:
        real = place.resolve()
        if not any(real == root or real.is_relative_to(root) for root in roots):
            shown = uri if place == folder else f"{uri} (link {place.relative_to(folder)})"
            raise OutsideSource(
                f"refused: its {what} {shown} is outside the source store "
                f"({', '.join(map(str, roots)) or 'a server: no local artifacts'}); "
                "pass --artifact-root to allow a folder you trust"
            )


def unreadable_reason(error: Exception) -> str:
    """One line on why the source could not be read."""
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}"[:500]


def all_pages(fetch: Callable[[str | None], Any]) -> list[Any]:
    """Every item of a paged MLflow listing, `fetch(token)` giving each page."""
    items: list[Any] = []
    token = None
    while True:
        page = fetch(token)
        items.extend(page)
        token = page.token
        if not token:
            return items


def read_run(client: Any, run: Any, folder: Path, roots: Sequence[Path]) -> SourceRun:
    """The run whole, its artifacts downloaded under `folder` (`OutsideSource` when they lie
    outside `roots`)."""
    run_id = run.info.run_id
    _check_confined(run.info.artifact_uri, roots, "artifact_uri")
    models = list(_logged_models(client, run))
    for model in models:
        _check_confined(model.artifact_location, roots, f"logged model {model.name!r} location")
    histories = [
        Metric(point.key, point.value, point.step, point.timestamp)
        for key in sorted(run.data.metrics)
        for point in client.get_metric_history(run_id, key)
    ]
    artifacts: Path | None = folder / "artifacts"
    assert artifacts is not None
    artifacts.mkdir()
    listed = _artifact_files(client, run_id)
    if listed:
        client.download_artifacts(run_id, "", str(artifacts))
    for path, size in listed.items():
        local = artifacts / path
        if not local.is_file() or (size is not None and local.stat().st_size != size):
            raise MLOpsError(f"artifact {path!r} could not be downloaded whole")
    for model in models:
        import mlflow.artifacts

        destination = artifacts / model.name
        destination.mkdir(parents=True, exist_ok=True)
        mlflow.artifacts.download_artifacts(
            artifact_uri=model.artifact_location,
            dst_path=str(destination),
            tracking_uri=client._tracking_client.tracking_uri,
        )
    if not any(artifacts.iterdir()):
        artifacts = None
    return SourceRun(run, histories, artifacts)


def _artifact_files(client: Any, run_id: str, path: str | None = None) -> dict[str, int | None]:
    """Every artifact file of a run under `path`, with its size when the source knows it."""
    files: dict[str, int | None] = {}
    for info in client.list_artifacts(run_id, path):
        if info.is_dir:
            files.update(_artifact_files(client, run_id, info.path))
        else:
            files[info.path] = info.file_size
    return files


def _logged_models(client: Any, run: Any) -> Iterable[Any]:
    """MLflow 3's logged models of a run (none from stores or servers without them)."""
    try:
        models = client.search_logged_models(
            experiment_ids=[run.info.experiment_id],
            filter_string=f"source_run_id = '{run.info.run_id}'",
        )
    except Exception:
        return []
    return [m for m in models if m.source_run_id == run.info.run_id]
