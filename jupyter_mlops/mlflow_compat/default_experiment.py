"""MLflow's experiment id "0" for the store's `Default` experiment.

A fresh MLflow store has `Default` with id "0"; MLflow's client logs there until an experiment
is set, and code (and MLflow's tests) expects that id back. The workbench's ids start at 1, so
the facade shows the `Default` experiment's own id as "0" in every answer and reads "0" as it
(its own id is still accepted: the Lab uses it).
"""

from __future__ import annotations

from ..tracking.store import TrackingStore

DEFAULT_EXPERIMENT_ID = "0"
DEFAULT_EXPERIMENT_NAME = "Default"


class DefaultExperiment:
    """Translates between MLflow's "0" and the store's id of `Default` (found on first need
    and kept: an experiment's id never changes, and a renamed `Default` stays "0" as in
    MLflow)."""

    def __init__(self, store: TrackingStore) -> None:
        self.store = store
        self._id: str | None = None

    def own_id(self, create: bool = False) -> str | None:
        """The store's id of `Default` (made when `create` and missing), else None."""
        if self._id is None:
            found = (
                self.store.get_or_create_experiment(None)
                if create
                else self.store.get_experiment_by_name(DEFAULT_EXPERIMENT_NAME)
            )
            if found is not None:
                self._id = found.experiment_id
        return self._id

    def shown(self, experiment_id: str) -> str:
        """The id MLflow's client is given for the store's `experiment_id`."""
        return DEFAULT_EXPERIMENT_ID if experiment_id == self.own_id() else experiment_id

    def stored(self, experiment_id: str, create: bool = False) -> str | None:
        """The store's id for an id MLflow's client sent ("0": `Default`'s; None when there
        is none yet and not `create`)."""
        if experiment_id == DEFAULT_EXPERIMENT_ID:
            return self.own_id(create)
        return experiment_id
