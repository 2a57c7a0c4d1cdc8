"""MLflow's experiment operations over the workbench's `TrackingStore` (blocking; run in a
thread): `MlflowExperiments` is the base of `facade.MlflowFacade`, which adds the runs.

An experiment's `artifact_location` is `mlflow-artifacts:/<experiment_id>`; MLflow's id "0" is
the store's `Default` experiment (`default_experiment`); its tags are read with it, in one
query for a page of experiments.
"""

from __future__ import annotations

import re

from ..core.errors import MLOpsError
from ..tracking.entities import Experiment
from ..tracking.store import TrackingStore
from ..tracking.validation import checked_tags
from . import messages as m
from .default_experiment import DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME, DefaultExperiment
from .errors import (
    INVALID_PARAMETER_VALUE,
    RESOURCE_ALREADY_EXISTS,
    RESOURCE_DOES_NOT_EXIST,
    MlflowError,
)
from .experiment_search import experiment_matches, order_experiments
from .search_paging import check_max_results, page_start, page_token, view

ARTIFACT_SCHEME = "mlflow-artifacts:"


def experiment_artifact_location(experiment_id: str) -> str:
    """Where MLflow's client sends an experiment's artifacts (through the proxy routes)."""
    return f"{ARTIFACT_SCHEME}/{experiment_id}"


_EXPERIMENT_ID = re.compile(r"^[0-9]{1,19}$")


def possible_experiment_id(text: str) -> bool:
    """Whether `text` can be an experiment id here (a decimal int64)."""
    return bool(_EXPERIMENT_ID.match(text)) and int(text) < 2**63


def experiment_message(
    experiment: Experiment, tags: dict[str, str] | None = None, shown_id: str | None = None
) -> m.ExperimentMessage:
    """An experiment in MLflow's shape, with its tags; `shown_id` is the id MLflow's client
    is given (see `default_experiment`), else its own."""
    experiment_id = shown_id or experiment.experiment_id
    return m.ExperimentMessage(
        experiment_id=experiment_id,
        name=experiment.name,
        artifact_location=experiment_artifact_location(experiment_id),
        lifecycle_stage=experiment.lifecycle_stage,
        last_update_time=experiment.last_update_time,
        creation_time=experiment.creation_time,
        tags=[m.KeyValue(key=k, value=v) for k, v in (tags or {}).items()],
    )


class MlflowExperiments:
    """MLflow's experiment operations on a `TrackingStore` (thread-safe, as the store is)."""

    def __init__(self, store: TrackingStore) -> None:
        self.store = store
        self.default = DefaultExperiment(store)

    # --- experiments -----------------------------------------------------------------

    def get_experiment(self, request: m.ExperimentRef) -> m.ExperimentAnswer:
        """`experiments/get`."""
        experiment = self._experiment(request.experiment_id)
        return m.ExperimentAnswer(experiment=self._with_tags([experiment])[0])

    def get_experiment_by_name(self, request: m.ExperimentByName) -> m.ExperimentAnswer:
        """`experiments/get-by-name` (`Default` always exists, as in a fresh MLflow store)."""
        if request.experiment_name == DEFAULT_EXPERIMENT_NAME:
            self.default.own_id(create=True)
        found = self.store.get_experiment_by_name(request.experiment_name)
        if found is None:
            raise MlflowError(
                f"Could not find experiment with name '{request.experiment_name}'",
                RESOURCE_DOES_NOT_EXIST,
                "experiment_name",
            )
        return m.ExperimentAnswer(experiment=self._with_tags([found])[0])

    def create_experiment(self, request: m.CreateExperiment) -> m.CreateExperimentAnswer:
        """`experiments/create`: a new name only (`RESOURCE_ALREADY_EXISTS` otherwise), with
        its tags and `artifact_location` (a folder or fsspec URI: its runs keep their artifacts
        there; the client still sends them through the facade's proxy routes)."""
        name = request.name.strip()
        if not name:
            raise MlflowError("Experiment name cannot be empty", INVALID_PARAMETER_VALUE, "name")
        existing = self.store.get_experiment_by_name(name)
        if existing is not None:
            deleted = " (deleted)" if existing.lifecycle_stage == "deleted" else ""
            raise MlflowError(
                f"Experiment '{name}' already exists{deleted}", RESOURCE_ALREADY_EXISTS, "name"
            )
        tags = checked_tags({tag.key: tag.value for tag in request.tags})  # before creating
        experiment = self.store.get_or_create_experiment(name, request.artifact_location or None)
        if tags:
            self.store.set_experiment_tags(experiment.experiment_id, tags)
        return m.CreateExperimentAnswer(experiment_id=experiment.experiment_id)

    def search_experiments(self, request: m.SearchExperiments) -> m.ExperimentsAnswer:
        """`experiments/search`: MLflow's experiment filter (`name`, `creation_time`,
        `last_update_time`, `experiment_id` and `tags.KEY` comparisons joined by AND) and
        order."""
        check_max_results(request.max_results)
        # A fresh MLflow store has the "Default" experiment; code that lists experiments
        # expects it (here it is made on first need, and "0" also names it).
        self.store.get_or_create_experiment(None)
        experiments = self.store.list_experiments(view(request.view_type))
        tags = self.store.get_experiment_tags([e.experiment_id for e in experiments])
        matching = [
            e
            for e in experiments
            if experiment_matches(e, request.filter, tags.get(e.experiment_id, {}))
        ]
        ordered = order_experiments(matching, request.order_by)
        start = page_start(request.page_token)
        page = ordered[start : start + request.max_results]
        following = start + len(page)
        return m.ExperimentsAnswer(
            experiments=[self._experiment_message(e, tags.get(e.experiment_id)) for e in page],
            next_page_token=page_token(following) if following < len(ordered) else None,
        )

    def delete_experiment(self, request: m.ExperimentRef) -> m.Empty:
        """`experiments/delete` (soft, with its runs; `experiments/restore` brings both back)."""
        experiment = self._experiment(request.experiment_id)
        if experiment.lifecycle_stage != "active":
            raise MlflowError(
                f"Cannot delete experiment {experiment.experiment_id}: it is already deleted",
                INVALID_PARAMETER_VALUE,
                "experiment_id",
            )
        self.store.delete_experiment(experiment.experiment_id)
        return m.Empty()

    def restore_experiment(self, request: m.ExperimentRef) -> m.Empty:
        """`experiments/restore`: the experiment and the runs its deletion deleted."""
        experiment = self._experiment(request.experiment_id)
        if experiment.lifecycle_stage != "deleted":
            raise MlflowError(
                f"Cannot restore experiment {experiment.experiment_id}: it is not deleted",
                INVALID_PARAMETER_VALUE,
                "experiment_id",
            )
        self.store.restore_experiment(experiment.experiment_id)
        return m.Empty()

    def update_experiment(self, request: m.UpdateExperiment) -> m.Empty:
        """`experiments/update`: rename an active experiment (a taken name is refused)."""
        experiment = self._experiment(request.experiment_id)
        name = request.new_name.strip()
        if not name:
            raise MlflowError(
                "Experiment name cannot be empty", INVALID_PARAMETER_VALUE, "new_name"
            )
        if experiment.lifecycle_stage != "active":
            raise MlflowError(
                "Cannot rename a non-active experiment", INVALID_PARAMETER_VALUE, "experiment_id"
            )
        existing = self.store.get_experiment_by_name(name)
        if existing is not None and existing.experiment_id != experiment.experiment_id:
            raise MlflowError(
                f"Experiment '{name}' already exists", RESOURCE_ALREADY_EXISTS, "new_name"
            )
        self.store.rename_experiment(experiment.experiment_id, name)
        return m.Empty()

    def set_experiment_tag(self, request: m.ExperimentTag) -> m.Empty:
        """`experiments/set-experiment-tag`."""
        experiment = self._experiment(request.experiment_id)
        self.store.set_experiment_tags(experiment.experiment_id, {request.key: request.value})
        return m.Empty()

    def delete_experiment_tag(self, request: m.ExperimentTagRef) -> m.Empty:
        """`experiments/delete-experiment-tag`."""
        experiment = self._experiment(request.experiment_id)
        self.store.delete_experiment_tag(experiment.experiment_id, request.key)
        return m.Empty()

    def _with_tags(self, experiments: list[Experiment]) -> list[m.ExperimentMessage]:
        tags = self.store.get_experiment_tags([e.experiment_id for e in experiments])
        return [self._experiment_message(e, tags.get(e.experiment_id)) for e in experiments]

    def _experiment_message(
        self, experiment: Experiment, tags: dict[str, str] | None
    ) -> m.ExperimentMessage:
        return experiment_message(experiment, tags, self.default.shown(experiment.experiment_id))

    def _experiment(self, experiment_id: str) -> Experiment:
        if experiment_id == DEFAULT_EXPERIMENT_ID:
            # MLflow's client logs to experiment "0" until one is set; here that is "Default".
            experiment_id = self.default.own_id(create=True) or experiment_id
        if not possible_experiment_id(experiment_id):
            raise MlflowError(
                f"No Experiment with id={experiment_id} exists",
                RESOURCE_DOES_NOT_EXIST,
                "experiment_id",
            )
        try:
            return self.store.get_experiment(experiment_id)
        except MLOpsError as error:
            raise MlflowError(
                f"No Experiment with id={experiment_id} exists",
                RESOURCE_DOES_NOT_EXIST,
                "experiment_id",
            ) from error
