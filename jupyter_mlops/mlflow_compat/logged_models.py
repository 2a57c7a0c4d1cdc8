"""MLflow 3's logged models (what `log_model` and autologging create), kept beside the runs.

A logged model's files go into its source run's artifacts, in the folder named after the
model (`mlflow-artifacts:/<experiment>/<run>/artifacts/<name>`, as MLflow 2 placed them), so
the Experiments panel lists them with the run and `runs:/<run_id>/<name>` finds them. A model
created without a source run (`create_logged_model(experiment_id)`, as MLflow 3 allows) gets a
finished run of its own in that experiment, named after the model and tagged
`mlops.logged_model` with its id, to hold its files; the model's `source_run_id` stays empty.
Its record (id, status, tags, params) is one JSON file in
`<data dir>/mlflow_compat/logged_models/`. Logging a second model of the same name from the
same run replaces the first's files, as MLflow 2 did.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from pathlib import Path

from ..core.clock import now_ms
from ..core.errors import ErrorCode, MLOpsError
from ..tracking.entities import Run
from ..tracking.names import random_run_name
from ..tracking.store import TrackingStore
from . import logged_model_messages as lm
from . import messages as m
from .default_experiment import DefaultExperiment
from .errors import INVALID_PARAMETER_VALUE, RESOURCE_DOES_NOT_EXIST, MlflowError
from .facade import run_artifact_uri

_MODEL_ID = re.compile(r"^m-[0-9a-f]{32}$")
_FIELDS = ("name", "source_run_id", "status", "model_type", "model_id")
MODEL_VERSIONS_TAG = "mlflow.modelVersions"  # MLflow's: the versions registered from a model
CARRIER_TAG = "mlops.logged_model"  # on the run holding the files of a model without a run


class LoggedModels:
    """The logged models of one data folder (thread-safe within the process)."""

    def __init__(self, store: TrackingStore) -> None:
        self.store = store
        self.folder = Path(store.data_dir) / "mlflow_compat" / "logged_models"
        self._lock = threading.Lock()
        self.default = DefaultExperiment(store)

    def create(self, request: lm.CreateLoggedModel) -> lm.LoggedModelAnswer:
        """A new PENDING model, its files under its source run's artifacts (or those of a
        run made to hold them when it has no source run)."""
        # An unnamed model gets a drawn name, as MLflow's server gives one: two unnamed models
        # of one run keep apart (their files are folders named after them).
        name = (request.name or "").strip().strip("/") or random_run_name()
        model_id = f"m-{uuid.uuid4().hex}"
        run = self._source_run(request.source_run_id)
        if run is None:
            run = self._carrier_run(request.experiment_id, name, model_id)
        self.store.artifact_path(run.run_id, name)  # refuses a name that leaves the run
        now = now_ms()
        info = lm.LoggedModelInfo(
            model_id=model_id,
            experiment_id=self.default.shown(run.experiment_id),
            name=name,
            creation_timestamp_ms=now,
            last_updated_timestamp_ms=now,
            artifact_uri=f"{run_artifact_uri(self.default.shown(run.experiment_id), run.run_id)}"
            f"/{name}",
            status="LOGGED_MODEL_PENDING",
            model_type=request.model_type,
            source_run_id=request.source_run_id or None,
            tags=request.tags,
        )
        model = lm.LoggedModelMessage(info=info, data=lm.LoggedModelData(params=request.params))
        with self._lock:
            self._write(model)
        return lm.LoggedModelAnswer(model=model)

    def _source_run(self, run_id: str | None) -> Run | None:
        """The model's source run when this store has it. MLflow's server records any
        `source_run_id` without checking it, so one naming no run here is kept as the model's
        record and its files go to a carrier run, as for a model without a run."""
        if not run_id:
            return None
        try:
            return self.store.get_run(run_id)
        except MLOpsError as error:
            if error.code is ErrorCode.NOT_FOUND or error.field == "run_id":
                return None
            raise

    def _carrier_run(self, experiment_id: str, name: str, model_id: str) -> Run:
        """A finished run of the experiment to hold the files of a model without a run."""
        stored = self.default.stored(experiment_id, create=True) or experiment_id
        try:
            experiment = self.store.get_experiment(stored)
        except MLOpsError as error:
            raise MlflowError(
                f"No Experiment with id={experiment_id} exists",
                RESOURCE_DOES_NOT_EXIST,
                "experiment_id",
            ) from error
        if experiment.lifecycle_stage != "active":
            raise MlflowError(
                f"Experiment {experiment_id} is deleted", INVALID_PARAMETER_VALUE, "experiment_id"
            )
        run = self.store.create_run(
            experiment.experiment_id, f"{name}-files", tags={CARRIER_TAG: model_id}
        )
        return self.store.update_run(run.run_id, status="FINISHED")

    def get(self, model_id: str) -> lm.LoggedModelAnswer:
        """One model."""
        return lm.LoggedModelAnswer(model=self._read(model_id))

    def finalize(self, model_id: str, request: lm.FinalizeLoggedModel) -> lm.LoggedModelAnswer:
        """Set the model's status (READY once its files are uploaded)."""
        with self._lock:
            model = self._read(model_id)
            model.info.status = request.status
            model.info.last_updated_timestamp_ms = now_ms()
            self._write(model)
        return lm.LoggedModelAnswer(model=model)

    def set_tags(self, model_id: str, request: lm.LoggedModelTags) -> m.Empty:
        """Set tags (replacing values of the same keys)."""
        with self._lock:
            model = self._read(model_id)
            tags = {t.key: t.value for t in model.info.tags}
            tags.update({t.key: t.value for t in request.tags})
            model.info.tags = [m.KeyValue(key=k, value=v) for k, v in tags.items()]
            self._write(model)
        return m.Empty()

    def delete_tag(self, model_id: str, key: str) -> m.Empty:
        """Remove a tag (`RESOURCE_DOES_NOT_EXIST` if the model has none of that key)."""
        with self._lock:
            model = self._read(model_id)
            kept = [t for t in model.info.tags if t.key != key]
            if len(kept) == len(model.info.tags):
                raise MlflowError(
                    f"No tag with key {key!r} found for model with ID {model_id!r}.",
                    RESOURCE_DOES_NOT_EXIST,
                    "tag_key",
                )
            model.info.tags = kept
            self._write(model)
        return m.Empty()

    def log_params(self, model_id: str, request: lm.LoggedModelParams) -> m.Empty:
        """Add params to the model."""
        with self._lock:
            model = self._read(model_id)
            params = {p.key: p.value for p in model.data.params}
            params.update({p.key: p.value for p in request.params})
            model.data.params = [m.KeyValue(key=k, value=v) for k, v in params.items()]
            self._write(model)
        return m.Empty()

    def delete(self, model_id: str) -> m.Empty:
        """Forget the model's record (its files stay with the run)."""
        with self._lock:
            self._read(model_id)
            self._path(model_id).unlink()
        return m.Empty()

    def search(self, request: lm.SearchLoggedModels) -> lm.LoggedModelsAnswer:
        """The models of the experiments matching the filter, newest first."""
        clauses = _parse_filter(request.filter)
        wanted = set(request.experiment_ids)
        models = []
        for path in sorted(self.folder.glob("m-*.json")) if self.folder.exists() else []:
            model = lm.LoggedModelMessage.model_validate_json(path.read_text())
            if wanted and model.info.experiment_id not in wanted:
                continue
            values = model.info.model_dump()
            if all((str(values.get(f)) == v) == equal for f, equal, v in clauses) and (
                _on_datasets(model, request.datasets)
            ):
                models.append(model)
        models.sort(key=lambda model: model.info.creation_timestamp_ms, reverse=True)
        for order in reversed(request.order_by):  # stable sorts: the first key sorts last
            field = _ORDER_FIELDS.get(order.field_name)
            if field is None:
                raise MlflowError(
                    f"Unsupported logged-model order_by field {order.field_name!r}: use "
                    f"{', '.join(_ORDER_FIELDS)}",
                    INVALID_PARAMETER_VALUE,
                    "order_by",
                )
            models.sort(key=lambda model: getattr(model.info, field), reverse=not order.ascending)
        given = request.page_token or "0"
        start = int(given) if re.fullmatch(r"[0-9]{1,9}", given) else 0
        page = models[start : start + max(request.max_results, 1)]
        following = start + len(page)
        token = str(following) if following < len(models) else None
        return lm.LoggedModelsAnswer(models=page, next_page_token=token)

    def add_model_version(self, model_id: str, name: str, version: int) -> None:
        """Record a registered version of the model in its `mlflow.modelVersions` tag (a JSON
        list of `{"name", "version"}`), as MLflow's server does on `create_model_version`."""
        with self._lock:
            model = self._read(model_id)
            tags = {t.key: t.value for t in model.info.tags}
            versions = json.loads(tags.get(MODEL_VERSIONS_TAG, "[]"))
            entry = {"name": name, "version": version}
            if entry not in versions:
                versions.append(entry)
            tags[MODEL_VERSIONS_TAG] = json.dumps(versions)
            model.info.tags = [m.KeyValue(key=k, value=v) for k, v in tags.items()]
            self._write(model)

    def _path(self, model_id: str) -> Path:
        if not _MODEL_ID.match(model_id):
            raise MlflowError(_not_found(model_id), RESOURCE_DOES_NOT_EXIST, "model_id")
        return self.folder / f"{model_id}.json"

    def add_metrics(self, run_id: str, points: list[m.MetricMessage]) -> None:
        """Attach points logged with a `model_id` to those models (a point naming no model
        here stays a run metric only, as it was written)."""
        by_model: dict[str, list[m.MetricMessage]] = {}
        for point in points:
            if point.model_id and _MODEL_ID.match(point.model_id):
                by_model.setdefault(point.model_id, []).append(point)
        with self._lock:
            for model_id, found in by_model.items():
                if not self._path(model_id).is_file():
                    continue
                model = self._read(model_id)
                model.data.metrics += [p.model_copy(update={"run_id": run_id}) for p in found]
                self._write(model)

    def _read(self, model_id: str) -> lm.LoggedModelMessage:
        path = self._path(model_id)
        if not path.is_file():
            raise MlflowError(_not_found(model_id), RESOURCE_DOES_NOT_EXIST, "model_id")
        return lm.LoggedModelMessage.model_validate_json(path.read_text())

    def _write(self, model: lm.LoggedModelMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(model.info.model_id)
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(model.model_dump(mode="json", exclude_none=True)))
        partial.replace(path)


_ORDER_FIELDS = {
    "creation_timestamp": "creation_timestamp_ms",
    "creation_time": "creation_timestamp_ms",
    "last_updated_timestamp": "last_updated_timestamp_ms",
    "name": "name",
    "model_id": "model_id",
}


def _on_datasets(model: lm.LoggedModelMessage, datasets: list[lm.LoggedModelDataset]) -> bool:
    """Whether the model has a metric logged on one of the datasets (any model without)."""
    if not datasets:
        return True
    return any(
        point.dataset_name == wanted.dataset_name
        and (wanted.dataset_digest is None or point.dataset_digest == wanted.dataset_digest)
        for point in model.data.metrics
        for wanted in datasets
    )


def _not_found(model_id: str) -> str:
    """MLflow's words for an unknown model id (its clients and tests match `not found`)."""
    return f"Logged model with ID '{model_id}' not found."


_CLAUSE = re.compile(r"^\s*(?:attributes\.)?(\w+)\s*(=|!=)\s*'((?:[^']|'')*)'\s*$", re.IGNORECASE)


def _parse_filter(text: str | None) -> list[tuple[str, bool, str]]:
    """`field = 'value'` clauses joined by AND, as (field, equal, value)."""
    if not text or not text.strip():
        return []
    clauses = []
    for part in re.split(r"\s+and\s+", text.strip(), flags=re.IGNORECASE):
        match = _CLAUSE.match(part)
        if match is None or match.group(1) not in _FIELDS:
            raise MlflowError(
                f"Unsupported logged-model filter {part!r}: use {', '.join(_FIELDS)} "
                "with = or != and a quoted value, joined by AND",
                INVALID_PARAMETER_VALUE,
                "filter",
            )
        clauses.append((match.group(1), match.group(2) == "=", match.group(3).replace("''", "'")))
    return clauses
