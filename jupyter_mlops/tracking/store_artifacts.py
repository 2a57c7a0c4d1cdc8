"""The artifact side of `TrackingStore`: where a run's artifacts are, listing and storing them.

`TrackingStoreArtifacts` is a base of `TrackingStore` (`tracking.store`). A run's artifacts
live under its `artifact_uri`: a local folder (files confined to it by `artifacts`) or an fsspec
URI under the artifact root (`core.artifact_store`).
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core import artifact_store
from ..core.errors import MLOpsError
from . import artifacts
from .base_store import BaseTrackingStore
from .entities import ArtifactInfo


class TrackingStoreArtifacts(BaseTrackingStore):
    """A run's artifact files (a base of `TrackingStore`); each call reads the run first."""

    def artifact_root(self, run_id: str) -> Path:
        """The folder holding a run's artifacts (it may not exist yet); a run on remote
        storage has none (`artifact_location`)."""
        uri = self.get_run(run_id).artifact_uri
        if artifact_store.is_remote(uri):
            raise MLOpsError(
                f"run {run_id} keeps its artifacts at {uri}, not in a local folder", field="run_id"
            )
        return Path(uri)

    def artifact_location(self, run_id: str, relpath: str | None = None) -> str:
        """Where an artifact of a run is: a local path or a URI (`core.artifact_store`);
        FORBIDDEN (field `path`) if it escapes the run's root."""
        uri = self.get_run(run_id).artifact_uri
        if artifact_store.is_remote(uri):
            return artifact_store.child(uri, relpath)
        return str(artifacts.resolve_inside(Path(uri), relpath))

    def artifact_path(self, run_id: str, relpath: str | None = None) -> Path:
        """The absolute path of an artifact; FORBIDDEN (field `path`) if it escapes the root."""
        return artifacts.resolve_inside(self.artifact_root(run_id), relpath)

    def list_artifacts(self, run_id: str, path: str | None = None) -> list[ArtifactInfo]:
        """The files and folders directly under `path` in a run's artifacts."""
        uri = self.get_run(run_id).artifact_uri
        if artifact_store.is_remote(uri):
            return artifacts.list_remote(uri, path)
        return artifacts.list_dir(Path(uri), path)

    def log_artifact(
        self, run_id: str, local_path: str | os.PathLike[str], artifact_path: str | None = None
    ) -> str:
        """Copy a local file or folder into the run's artifacts; returns its artifact path."""
        uri = self.get_run(run_id).artifact_uri
        if artifact_store.is_remote(uri):
            return artifacts.copy_in_remote(uri, local_path, artifact_path)
        return artifacts.copy_in(Path(uri), local_path, artifact_path)

    def write_artifact(self, run_id: str, relpath: str, data: bytes) -> str:
        """Store bytes as an artifact at `relpath`; returns its artifact path."""
        uri = self.get_run(run_id).artifact_uri
        if artifact_store.is_remote(uri):
            return artifacts.write_remote(uri, relpath, data)
        return artifacts.write_bytes(Path(uri), relpath, data)
