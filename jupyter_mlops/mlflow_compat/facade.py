"""MLflow's tracking operations over the workbench's `TrackingStore` (blocking; run in a thread).

`MlflowFacade` adds the runs (create, log, search, metric history, run artifacts) to the
experiment operations of its base `experiment_facade.MlflowExperiments`. Each method takes a
request message and returns an answer message of `messages`. The mapping:

- an experiment's `artifact_location` is `mlflow-artifacts:/<experiment_id>` and a run's
  `artifact_uri` is `mlflow-artifacts:/<experiment_id>/<run_id>/artifacts`, so MLflow's client
  sends artifacts through the facade's proxy routes into the run's artifact folder;
- the system tags `mlflow.runName`, `mlflow.user` and `mlflow.parentRunId` are the run's name,
  user and parent (set from them on create, written back into every answer, and in filters
  they mean those attributes, so runs started in the Lab match them too);
- a changed param is `INVALID_PARAMETER_VALUE`, as in MLflow's stores.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..core.clock import now_ms as _now_ms
from ..core.errors import ErrorCode, MLOpsError
from ..core.team.identity import current_user
from ..tracking.entities import Metric, Run
from ..tracking.store import TrackingStore
from . import messages as m
from .default_experiment import DEFAULT_EXPERIMENT_ID
from .errors import INVALID_PARAMETER_VALUE, RESOURCE_DOES_NOT_EXIST, MlflowError
from .experiment_facade import ARTIFACT_SCHEME, MlflowExperiments, possible_experiment_id
from .run_inputs import RunInputs
from .search_paging import check_max_results, page_start, page_token, view

RUN_NAME_TAG = "mlflow.runName"
USER_TAG = "mlflow.user"
PARENT_TAG = "mlflow.parentRunId"

# `tags.mlflow.runName` (also quoted) -> the attribute it stands for.
_SYSTEM_TAG_FILTER = re.compile(
    r"\btags\.(?:`|\")?(mlflow\.(?:runName|user|parentRunId))(?:`|\")?(?=[\s=!<>]|$)"
)
_SYSTEM_TAG_ATTRIBUTE = {
    RUN_NAME_TAG: "attributes.run_name",
    USER_TAG: "attributes.user",
    PARENT_TAG: "attributes.parent_run_id",
}


def run_artifact_uri(experiment_id: str, run_id: str) -> str:
    """Where MLflow's client sends a run's artifacts (through the proxy routes)."""
    return f"{ARTIFACT_SCHEME}/{experiment_id}/{run_id}/artifacts"


def run_info_message(run: Run, experiment_id: str | None = None) -> m.RunInfoMessage:
    """A run's attributes in MLflow's shape; `experiment_id` is the id MLflow's client is
    given for the run's experiment, else its own."""
    experiment_id = experiment_id or run.experiment_id
    return m.RunInfoMessage(
        run_id=run.run_id,
        run_uuid=run.run_id,
        run_name=run.name,
        experiment_id=experiment_id,
        user_id=run.user or "",
        status=run.status,
        start_time=run.start_time,
        end_time=run.end_time,
        artifact_uri=run_artifact_uri(experiment_id, run.run_id),
        lifecycle_stage=run.lifecycle_stage,
    )


def run_message(
    run: Run,
    latest: Sequence[Metric],
    inputs: RunInputs | None = None,
    experiment_id: str | None = None,
) -> m.RunMessage:
    """A run in MLflow's shape; `latest` are its metrics' latest points, `inputs` where its
    dataset inputs and model outputs are recorded, `experiment_id` as in `run_info_message`."""
    tags = dict(run.tags)
    tags[RUN_NAME_TAG] = run.name
    if run.user:
        tags.setdefault(USER_TAG, run.user)
    if run.parent_run_id:
        tags[PARENT_TAG] = run.parent_run_id
    recorded_inputs, recorded_outputs = inputs.of(run.run_id) if inputs else (None, None)
    return m.RunMessage(
        inputs=recorded_inputs,
        outputs=recorded_outputs,
        info=run_info_message(run, experiment_id),
        data=m.RunDataMessage(
            metrics=[_metric(point) for point in latest],
            params=[m.KeyValue.model_construct(key=k, value=v) for k, v in run.params.items()],
            tags=[m.KeyValue.model_construct(key=k, value=v) for k, v in sorted(tags.items())],
        ),
    )


def _metric(point: Metric) -> m.MetricMessage:
    # Built without validation: these are the store's own values (a search answers thousands).
    return m.MetricMessage.model_construct(
        key=point.key, value=point.value, timestamp=point.timestamp, step=point.step
    )


def mlflow_filter(text: str | None) -> str | None:
    """An MLflow run filter for the store: system tags become the attributes they stand for."""
    if not text:
        return None
    return _SYSTEM_TAG_FILTER.sub(lambda match: _SYSTEM_TAG_ATTRIBUTE[match.group(1)], text)


class MlflowFacade(MlflowExperiments):
    """MLflow's tracking service on a `TrackingStore` (thread-safe, as the store is)."""

    def __init__(self, store: TrackingStore) -> None:
        super().__init__(store)
        self.inputs = RunInputs(store.data_dir)
        # Set by `handlers.setup` to the logged models' `add_metrics` (they import this module).
        self.on_model_metrics: Callable[[str, list[m.MetricMessage]], None] | None = None

    # --- runs ------------------------------------------------------------------------

    def create_run(self, request: m.CreateRun) -> m.RunAnswer:
        """`runs/create`: system tags give the run its name, user and parent."""
        tags = {tag.key: tag.value for tag in request.tags}
        name = request.run_name or tags.get(RUN_NAME_TAG) or None
        # The user the server authenticated, not the one the client names (its OS user).
        user = current_user()
        if USER_TAG in tags:
            tags[USER_TAG] = user
        parent = tags.get(PARENT_TAG) or None
        experiment = self._experiment(request.experiment_id)
        if parent is not None and not self._exists(parent):
            parent = None  # MLflow does not check the tag: it stays a tag, with no parent link
        run = self.store.create_run(
            experiment.experiment_id,
            name,
            start_time=request.start_time,
            parent_run_id=parent,
            user=user,
            tags={**tags, RUN_NAME_TAG: name} if name else tags,
        )
        if not name:  # the store drew a name: keep the tag in step with it
            self.store.log_batch(run.run_id, tags={RUN_NAME_TAG: run.name})
        return m.RunAnswer(run=self._run_message(run.run_id))

    def get_run(self, request: m.RunRef) -> m.RunAnswer:
        """`runs/get`."""
        return m.RunAnswer(run=self._run_message(request.the_run_id))

    def update_run(self, request: m.UpdateRun) -> m.RunInfoAnswer:
        """`runs/update`: status, end time, name."""
        run_id = request.the_run_id
        self._run(run_id)
        run = self.store.update_run(
            run_id, status=request.status, end_time=request.end_time, name=request.run_name
        )
        if request.run_name:
            self.store.log_batch(run_id, tags={RUN_NAME_TAG: run.name})
        shown = self.default.shown(run.experiment_id)
        return m.RunInfoAnswer(run_info=run_info_message(run, shown))

    def delete_run(self, request: m.RunRef) -> m.Empty:
        """`runs/delete` (soft)."""
        self._run(request.the_run_id)
        self.store.delete_run(request.the_run_id)
        return m.Empty()

    def restore_run(self, request: m.RunRef) -> m.Empty:
        """`runs/restore`."""
        self._run(request.the_run_id)
        self.store.restore_run(request.the_run_id)
        return m.Empty()

    def log_metric(self, request: m.LogMetric) -> m.Empty:
        """`runs/log-metric`."""
        timestamp = request.timestamp if request.timestamp is not None else _now_ms()
        point = Metric(request.key, request.value, request.step, timestamp)
        self._log(request.the_run_id, metrics=[point])
        if request.model_id and self.on_model_metrics is not None:
            message = m.MetricMessage(key=request.key, value=request.value, timestamp=timestamp,
                                      step=request.step, model_id=request.model_id,
                                      dataset_name=request.dataset_name,
                                      dataset_digest=request.dataset_digest)  # fmt: skip
            self.on_model_metrics(request.the_run_id, [message])
        return m.Empty()

    def log_param(self, request: m.LogParam) -> m.Empty:
        """`runs/log-parameter`."""
        return self._log(request.the_run_id, params={request.key: request.value})

    def set_tag(self, request: m.SetTag) -> m.Empty:
        """`runs/set-tag`; `mlflow.runName` renames the run."""
        run_id = request.the_run_id
        self._log(run_id, tags={request.key: request.value})
        if request.key == RUN_NAME_TAG and request.value.strip():
            self.store.update_run(run_id, name=request.value)
        return m.Empty()

    def delete_tag(self, request: m.DeleteTag) -> m.Empty:
        """`runs/delete-tag` (a missing tag: MLflow's `RESOURCE_DOES_NOT_EXIST` message)."""
        run_id = request.the_run_id
        if self._run(run_id).lifecycle_stage == "deleted":  # MLflow checks this first
            raise MlflowError(
                f"The run {run_id} must be in the 'active' state. Current state is deleted.",
                INVALID_PARAMETER_VALUE,
                "run_id",
            )
        try:
            self.store.delete_tag(run_id, request.key)
        except MLOpsError as error:
            if error.code is ErrorCode.NOT_FOUND and error.field == "key":
                raise MlflowError(
                    f"No tag with name: {request.key} in run with id {run_id}",
                    RESOURCE_DOES_NOT_EXIST,
                    "key",
                ) from None
            raise
        return m.Empty()

    def list_run_artifacts(self, request: m.ListRunArtifacts) -> m.RunArtifactsAnswer:
        """`artifacts/list`: the entries directly under `path` in a run's artifacts, their
        paths relative to the artifact root (as MLflow's tracking route answers)."""
        run_id = request.run_id or request.run_uuid
        if not run_id:
            raise MlflowError(
                "Missing value for required parameter 'run_id'.", INVALID_PARAMETER_VALUE, "run_id"
            )
        run = self._run(run_id)
        try:
            found = self.store.list_artifacts(run_id, request.path or None)
        except MLOpsError as error:
            if error.code in (ErrorCode.FORBIDDEN, ErrorCode.BAD_REQUEST) and error.field == "path":
                # A path leaving the run's artifacts, answered as MLflow's server does.
                raise MlflowError("Invalid path", INVALID_PARAMETER_VALUE, "path") from None
            if error.code is not ErrorCode.NOT_FOUND:
                raise
            found = []
        return m.RunArtifactsAnswer(
            root_uri=f"mlflow-artifacts:/{run.experiment_id}/{run_id}/artifacts",
            files=[
                m.FileInfoMessage(path=info.path, is_dir=info.is_dir, file_size=info.file_size)
                for info in found
            ],
        )

    def log_batch(self, request: m.LogBatch) -> m.Empty:
        """`runs/log-batch`: params, metric points and tags in one transaction, within
        MLflow's limits per call (MLflow's client splits larger batches itself)."""
        check_batch_limits(len(request.metrics), len(request.params), len(request.tags))
        run_id = request.the_run_id
        params: dict[str, str] = {}
        for param in request.params:
            if params.get(param.key, param.value) != param.value:
                raise MlflowError(
                    f"Duplicate parameter keys with different values: {param.key!r}",
                    INVALID_PARAMETER_VALUE,
                    f"params.{param.key}",
                )
            params[param.key] = param.value
        points = [Metric(p.key, p.value, p.step, p.timestamp) for p in request.metrics]
        tags = {tag.key: tag.value for tag in request.tags}
        self._log(run_id, params=params, metrics=points, tags=tags)
        attached: list[m.MetricMessage] = [p for p in request.metrics if p.model_id]
        if attached and self.on_model_metrics is not None:
            self.on_model_metrics(run_id, attached)
        name = tags.get(RUN_NAME_TAG, "").strip()
        if name:
            self.store.update_run(run_id, name=name)
        return m.Empty()

    def log_inputs(self, request: m.LogInputs) -> m.Empty:
        """`runs/log-inputs`: the run's dataset inputs (MLflow's records, kept as sent; once
        per name and digest) and model inputs, returned with the run."""
        run = self._run(request.the_run_id)
        self.inputs.add_inputs(run.run_id, list(request.datasets), list(request.models))
        return m.Empty()

    def log_outputs(self, request: m.LogOutputs) -> m.Empty:
        """`runs/outputs`: the models the run produced, returned with the run."""
        run = self._run(request.the_run_id)
        self.inputs.add_outputs(run.run_id, list(request.models))
        return m.Empty()

    def search_runs(self, request: m.SearchRuns) -> m.RunsAnswer:
        """`runs/search`: MLflow's filter and order syntax, paged."""
        check_max_results(request.max_results)
        ids = []
        for experiment_id in request.experiment_ids:
            if experiment_id == DEFAULT_EXPERIMENT_ID:
                default = self.default.own_id()
                if default is not None:
                    ids.append(default)
            elif possible_experiment_id(experiment_id):
                ids.append(experiment_id)  # an id that cannot exist here matches no run
        if not ids:
            return m.RunsAnswer()
        order_by = [mlflow_filter(clause) or clause for clause in request.order_by]
        page = self.store.search_runs(
            ids,
            mlflow_filter(request.filter),
            order_by,
            request.max_results,
            request.page_token,
            run_view=view(request.run_view_type),
        )
        latest = self.store.latest_metric_points([run.run_id for run in page.runs])
        return m.RunsAnswer(
            runs=[
                run_message(run, latest[run.run_id], self.inputs, self.default.shown(eid))
                for run, eid in ((run, run.experiment_id) for run in page.runs)
            ],
            next_page_token=page.next_page_token,
        )

    def get_metric_history(self, request: m.GetMetricHistory) -> m.MetricHistoryAnswer:
        """`metrics/get-history`: every point by step then time, paged when `max_results`."""
        run_id = request.the_run_id
        self._run(run_id)
        points = self.store.metric_history(run_id, request.metric_key)
        start = page_start(request.page_token)
        size = request.max_results if request.max_results else len(points) - start
        if size < 0 or (request.max_results is not None and request.max_results <= 0):
            raise MlflowError("max_results must be positive", INVALID_PARAMETER_VALUE)
        page = points[start : start + size]
        following = start + len(page)
        return m.MetricHistoryAnswer(
            metrics=[_metric(point) for point in page],
            next_page_token=page_token(following) if following < len(points) else None,
        )

    # --- helpers ---------------------------------------------------------------------

    def _exists(self, run_id: str) -> bool:
        try:
            self.store.get_run(run_id)
        except MLOpsError:
            return False
        return True

    def _run(self, run_id: str) -> Run:
        try:
            return self.store.get_run(run_id)
        except MLOpsError as error:
            raise MlflowError(
                f"Run with id={run_id} not found", RESOURCE_DOES_NOT_EXIST, "run_id"
            ) from error

    def _run_message(self, run_id: str) -> m.RunMessage:
        run = self._run(run_id)
        latest = self.store.latest_metric_points([run_id])[run_id]
        return run_message(run, latest, self.inputs, self.default.shown(run.experiment_id))

    def _log(
        self,
        run_id: str,
        params: dict[str, str] | None = None,
        metrics: Sequence[Metric] = (),
        tags: dict[str, str] | None = None,
    ) -> m.Empty:
        # The store refuses an unknown run (NOT_FOUND: RESOURCE_DOES_NOT_EXIST) and a deleted
        # one (INVALID_PARAMETER_VALUE), as MLflow's stores do, within the write itself.
        self.store.log_batch(run_id, params=params, metrics=metrics, tags=tags)
        return m.Empty()


# MLflow's limits per `log-batch` call (mlflow.utils.validation), with its message.
MAX_METRICS_PER_BATCH = 1000
MAX_PARAMS_TAGS_PER_BATCH = 100
MAX_ENTITIES_PER_BATCH = 1000


def check_batch_limits(metrics: int, params: int, tags: int) -> None:
    """`INVALID_PARAMETER_VALUE` for a batch over one of MLflow's limits, in MLflow's words."""
    for what, limit, count in (
        ("metrics", MAX_METRICS_PER_BATCH, metrics),
        ("params", MAX_PARAMS_TAGS_PER_BATCH, params),
        ("tags", MAX_PARAMS_TAGS_PER_BATCH, tags),
        ("metrics, params, and tags", MAX_ENTITIES_PER_BATCH, metrics + params + tags),
    ):
        if count > limit:
            raise MlflowError(
                f"A batch logging request can contain at most {limit} {what}. Got {count} "
                f"{what}. Please split up {what} across multiple requests and try again.",
                INVALID_PARAMETER_VALUE,
                what.split(",")[0],
            )
