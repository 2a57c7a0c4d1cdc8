"""A workbench model version as MLflow sees it: its (deprecated) stage, held as the aliases
`staging`/`production` or the archived tag, and its answer shape without the workbench's own
tags."""

from __future__ import annotations

from ..model_format.mlflow_folder import NOT_SERVABLE_TAG
from ..serving.entities import ModelVersion
from . import messages as m
from . import registry_messages as rm
from .errors import INVALID_PARAMETER_VALUE, MlflowError

# MLflow's (deprecated) stages as aliases: a version is in a stage while the alias points at it.
STAGE_ALIASES = {"staging": "Staging", "production": "Production"}
STAGES = {"none": "None", "staging": "Staging", "production": "Production",
          "archived": "Archived"}  # fmt: skip


# `Archived` is a version tag (any number of versions may be archived, as in MLflow); the
# workbench's own tags below stay out of MLflow's answers (MLflow compares tags exactly), the
# not-servable mark shows as the version's `status_message` instead.
ARCHIVED_TAG = "mlops.stage"
ARCHIVED = "Archived"
HIDDEN_TAGS = frozenset({NOT_SERVABLE_TAG, ARCHIVED_TAG})


def stage_of(version: ModelVersion) -> str:
    """The version's MLflow stage: a stage alias's, `Archived`, else `None`."""
    for alias in version.aliases:
        if alias in STAGE_ALIASES:
            return STAGE_ALIASES[alias]
    return ARCHIVED if version.tags.get(ARCHIVED_TAG) == ARCHIVED else "None"


def version_message(version: ModelVersion) -> rm.ModelVersionMessage:
    """The version in MLflow's shape: its stage, the not-servable mark as `status_message`."""
    reason = version.tags.get(NOT_SERVABLE_TAG)
    return rm.ModelVersionMessage(
        name=version.name,
        version=str(version.version),
        creation_timestamp=version.creation_time,
        last_updated_timestamp=version.last_update_time or version.creation_time,
        description=version.description or "",
        source=version.source,
        run_id=version.run_id,
        current_stage=stage_of(version),
        status_message=f"not servable: {reason}" if reason else None,
        tags=[m.KeyValue(key=k, value=v) for k, v in version.tags.items() if k not in HIDDEN_TAGS],
        aliases=list(version.aliases),
    )


def checked_stage(stage: str) -> str:
    """MLflow's stage name for `stage` (any case), else `INVALID_PARAMETER_VALUE`."""
    found = STAGES.get(stage.strip().lower())
    if found is None:
        raise MlflowError(
            f"Invalid Model Version stage: {stage}. Value must be one of "
            f"{', '.join(STAGES.values())}.",
            INVALID_PARAMETER_VALUE,
            "stage",
        )
    return found
