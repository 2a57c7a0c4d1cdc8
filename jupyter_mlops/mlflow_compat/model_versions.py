"""Registering MLflow model folders (`MLmodel`) as registry versions.

A skops scikit-learn model is converted to the workbench's format
(`model_format.mlflow_folder.workbench_folder`) and registered like any other version, pinned
by the registry to the copy it keeps (the converted folder is private to the registration, so
no hash recorded elsewhere is needed). A pickled one is registered as a version marked
not servable (tag `mlops.not_servable`): the registry records it, as MLflow's does, and no
endpoint or loader will load it.
"""

from __future__ import annotations

from pathlib import Path

from ..model_format.mlflow_folder import NOT_SERVABLE_TAG
from ..serving.entities import ModelVersion
from ..serving.registry import ModelRegistry


def register_mlflow_version(
    registry: ModelRegistry,
    name: str,
    folder: Path,
    source: str,
    *,
    run_id: str | None,
    description: str | None,
    tags: dict[str, str] | None,
    not_servable: str | None,
) -> ModelVersion:
    """Register the converted folder `folder` (see the module docstring) as a new version."""
    if not_servable is not None:  # the registry keeps it and never loads it
        tags = {**(tags or {}), NOT_SERVABLE_TAG: not_servable}
    return registry.create_version(
        name, folder, source, run_id=run_id, description=description, tags=tags
    )
