"""The MLflow tracking API's routes (experiments, runs, metrics, run artifacts): one handler
per operation of `MlflowFacade`, built from the table below."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .. import messages as m
from .base import endpoint_route

_ENDPOINTS: list[tuple[str, str, str, type[BaseModel], type[BaseModel], str]] = [
    ("experiments/get", "get", "get_experiment", m.ExperimentRef, m.ExperimentAnswer,
     "An experiment by id"),
    ("experiments/get-by-name", "get", "get_experiment_by_name", m.ExperimentByName,
     m.ExperimentAnswer, "An experiment by name"),
    ("experiments/create", "post", "create_experiment", m.CreateExperiment,
     m.CreateExperimentAnswer, "Create an experiment"),
    ("experiments/search", "post", "search_experiments", m.SearchExperiments,
     m.ExperimentsAnswer, "Search experiments"),
    ("experiments/delete", "post", "delete_experiment", m.ExperimentRef, m.Empty,
     "Soft-delete an experiment and its runs"),
    ("experiments/restore", "post", "restore_experiment", m.ExperimentRef, m.Empty,
     "Restore a deleted experiment and the runs its deletion deleted"),
    ("experiments/update", "post", "update_experiment", m.UpdateExperiment, m.Empty,
     "Rename an experiment"),
    ("experiments/set-experiment-tag", "post", "set_experiment_tag", m.ExperimentTag, m.Empty,
     "Set an experiment tag"),
    ("experiments/delete-experiment-tag", "post", "delete_experiment_tag", m.ExperimentTagRef,
     m.Empty, "Delete an experiment tag"),
    ("runs/create", "post", "create_run", m.CreateRun, m.RunAnswer, "Start a run"),
    ("runs/get", "get", "get_run", m.RunRef, m.RunAnswer, "A run with its latest data"),
    ("runs/update", "post", "update_run", m.UpdateRun, m.RunInfoAnswer,
     "Set a run's status, end time or name"),
    ("runs/delete", "post", "delete_run", m.RunRef, m.Empty, "Soft-delete a run"),
    ("runs/restore", "post", "restore_run", m.RunRef, m.Empty, "Restore a deleted run"),
    ("runs/log-metric", "post", "log_metric", m.LogMetric, m.Empty, "Log a metric point"),
    ("runs/log-parameter", "post", "log_param", m.LogParam, m.Empty, "Log a param"),
    ("runs/set-tag", "post", "set_tag", m.SetTag, m.Empty, "Set a tag"),
    ("runs/delete-tag", "post", "delete_tag", m.DeleteTag, m.Empty, "Delete a tag"),
    ("runs/log-batch", "post", "log_batch", m.LogBatch, m.Empty,
     "Log params, metrics and tags at once"),
    ("runs/log-inputs", "post", "log_inputs", m.LogInputs, m.Empty,
     "Accept a run's dataset inputs (not stored)"),
    ("runs/outputs", "post", "log_outputs", m.LogOutputs, m.Empty,
     "Accept the models a run produced (known from their source run)"),
    ("runs/search", "post", "search_runs", m.SearchRuns, m.RunsAnswer, "Search runs"),
    ("metrics/get-history", "get", "get_metric_history", m.GetMetricHistory,
     m.MetricHistoryAnswer, "A metric's history"),
    ("artifacts/list", "get", "list_run_artifacts", m.ListRunArtifacts, m.RunArtifactsAnswer,
     "A run's artifacts under a path"),
]  # fmt: skip

TRACKING_ROUTES: list[tuple[str, Any]] = [endpoint_route(*spec) for spec in _ENDPOINTS]
