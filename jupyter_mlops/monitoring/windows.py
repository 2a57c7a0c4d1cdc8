"""Evaluating one window of an endpoint's traffic: drift, traffic, labelled performance.

`evaluate_window` reads the window's logged requests (serving's request log), compares their
features with the monitor's reference (the served version's training-data profile, or a stored
profile), compares the predictions with the first window of the same version, measures latency
and errors, scores the labels posted so far, keeps the window's rows as a Parquet file (what a
retraining job gets) and stores the result. A drifted window raises an alert, which can start
the monitor's retraining job with that file as a parameter.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from ..core import artifact_store
from ..core.errors import MLOpsError
from .drift import DriftReport, drift
from .entities import Monitor, Window, WindowResult
from .store import MonitorStore
from .weights import equal_probability_rows, served_rows, weighted_mean, weighted_quantile

log = logging.getLogger(__name__)

PREFIX = "_mlops_"
PREDICTION = "_mlops_prediction"
LABEL_COLUMN = "label"
WINDOWS_FOLDER = Path("monitoring") / "windows"


def window_path(data_dir: Path, monitor_id: str, window_id: int) -> Path:
    """Where a window's rows are kept (0600 file in a 0700 folder)."""
    return data_dir / WINDOWS_FOLDER / monitor_id / f"window-{window_id}.parquet"


def window_location(data_dir: Path, monitor_id: str, window_id: int) -> str:
    """`window_path`, or its key under a remote artifact root (`core.artifact_store`): a
    retraining job anywhere reads the window from there."""
    root = artifact_store.resolve_artifact_root(data_dir=data_dir)
    if not artifact_store.is_remote(root):
        return str(window_path(data_dir, monitor_id, window_id))
    relative = f"{WINDOWS_FOLDER.as_posix()}/{monitor_id}/window-{window_id}.parquet"
    return artifact_store.child(root, relative)


def reference_profile(monitor: Monitor, model_version: int | None) -> Any:
    """The profile a window is compared with."""
    from ..profiling.store import load_profile

    if monitor.reference_kind == "profile" and monitor.reference_profile:
        return load_profile(monitor.reference_profile)
    from ..serving.api import get_endpoint, get_model_version

    endpoint = get_endpoint(monitor.endpoint_name)
    served = model_version or endpoint.version
    if served is not None:
        version = get_model_version(endpoint.model_name, version=served)
    else:
        version = get_model_version(endpoint.model_name, alias=endpoint.alias)
    if not version.training_profile:
        raise MLOpsError(
            f"model {endpoint.model_name!r} version {version.version} has no training-data "
            "profile (register it with X=... or give the monitor a reference profile)",
            field="reference_profile",
        )
    return load_profile(version.training_profile)


def evaluate_window(
    store: MonitorStore, data_dir: Path, monitor: Monitor, window: Window
) -> WindowResult:
    """Evaluate `window` of `monitor`, store the result, alert (and retrain) when it drifted."""
    from ..serving.request_log import read_requests

    frame = read_requests(
        monitor.endpoint_name, since_ms=window.start_time, until_ms=window.end_time,
        data_dir=data_dir,
    )  # fmt: skip
    # Requests: the served rows the logged ones stand for (an overloaded log samples, weighted).
    result = WindowResult(status="done", n_rows=served_rows(frame))
    if len(frame) < max(monitor.min_rows, 1):
        result.status = "skipped"
        result.error = f"{len(frame)} requests, fewer than the {monitor.min_rows} a window needs"
        store.save_result(window.window_id, result)
        return result
    versions = frame["_mlops_model_version"].dropna()
    result.model_version = int(versions.mode().iloc[0]) if len(versions) else None
    _traffic(frame, result)
    features = frame[[c for c in frame.columns if not str(c).startswith(PREFIX)]]
    # Distribution tests need rows drawn with one probability: an overloaded log's are not.
    sample = equal_probability_rows(frame, seed=window.window_id)
    report = drift(
        reference_profile(monitor, result.model_version),
        sample[features.columns],
        columns=_shared_columns(monitor, features),
        tests=monitor.tests or None,
        thresholds=monitor.thresholds or None,
        dataset_share=monitor.dataset_share,
    )
    result.share_drifted = report.share_drifted
    result.dataset_drifted = report.dataset_drifted
    payload = report.to_dict()
    prediction = _prediction_drift(store, data_dir, monitor, window, sample, result.model_version)
    if prediction is not None:
        result.prediction_drifted = bool(prediction.columns[0].drifted)
        payload["prediction"] = prediction.to_dict()["columns"][0]
    validation = _validate(monitor, result.model_version, features)
    if validation is not None:
        payload["validation"] = validation.to_dict()
    result.report = payload
    labels = store.labels_for(monitor.endpoint_name, frame["_mlops_request_id"].astype(str))
    result.n_labels = len(labels)
    result.performance = performance(frame, labels)
    result.data_path = _keep_rows(data_dir, monitor, window, features, frame, labels)
    store.save_result(window.window_id, result)
    if result.dataset_drifted:
        raise_alert(store, monitor, window, report, result.data_path)
    from ..evaluation import window_alert

    # One alert per window: a drifted window's alert (and its retraining) stands, and its
    # validation violations are in its report; otherwise invalid requests alert on their own.
    if not result.dataset_drifted and window_alert(validation):
        message = f"{monitor.endpoint_name}: invalid requests: {validation.summary()}"
        store.add_alert(
            monitor.monitor_id, window.window_id, "data_validation", message[:2000], None, None
        )
    return result


def _validate(monitor: Monitor, version: int | None, features: Any) -> Any:
    """The window's requests against the served version's data constraints (evaluation)."""
    from ..evaluation import validate_window
    from ..serving.api import get_endpoint

    if version is None:
        return None
    return validate_window(get_endpoint(monitor.endpoint_name).model_name, version, features)


def _shared_columns(monitor: Monitor, features: Any) -> list[str] | None:
    if monitor.columns is None:
        return None
    return [c for c in monitor.columns if c in features.columns]


def _traffic(frame: Any, result: WindowResult) -> None:
    latency = frame["_mlops_latency_ms"].astype(float)
    result.latency_p50_ms = weighted_quantile(latency, frame, 0.5)
    result.latency_p99_ms = weighted_quantile(latency, frame, 0.99)
    status = frame["_mlops_status"].astype(int)
    result.error_rate = weighted_mean(status >= 400, frame)


def _prediction_drift(
    store: MonitorStore,
    data_dir: Path,
    monitor: Monitor,
    window: Window,
    frame: Any,
    version: int | None,
) -> DriftReport | None:
    """The predictions against those of the first evaluated window of the same version."""
    import pandas as pd

    first = next(
        (
            w
            for w in store.list_windows(monitor.monitor_id, limit=1000)
            if w.status == "done"
            and w.model_version == version
            and w.window_id != window.window_id
            and w.data_path
        ),
        None,
    )
    if first is None or not artifact_store.exists(str(first.data_path)):
        return None
    # Kept window files name the prediction "prediction" (see `_keep_rows`).
    with artifact_store.open_file(str(first.data_path)) as handle:
        baseline = pd.read_parquet(handle, columns=["prediction"])
    current = frame[[PREDICTION]].rename(columns={PREDICTION: "prediction"})
    if baseline.empty or current.empty:
        return None
    return drift(baseline, current)


def performance(frame: Any, labels: dict[str, Any]) -> dict[str, float] | None:
    """Accuracy (class labels) or MAE/RMSE (numbers) over the labelled requests, if any.

    Unweighted, unlike the traffic figures: labelled rows are whichever ones a client labelled,
    not a sample of the traffic, and rescoring from the kept window file (which has no
    weights) must give the same figure."""
    import numpy as np
    import pandas as pd

    if not labels:
        return None
    ids = frame["_mlops_request_id"].astype(str)
    known = ids.isin(labels.keys())
    truth = pd.Series([labels[i] for i in ids[known]], index=ids[known].index)
    predicted = frame.loc[known, PREDICTION]
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in truth)
    continuous = numeric and not all(float(v).is_integer() for v in truth)
    if continuous:
        errors = predicted.astype(float).to_numpy() - truth.astype(float).to_numpy()
        return {
            "n": float(known.sum()),
            "mae": float(np.abs(errors).mean()),
            "rmse": float(np.sqrt((errors**2).mean())),
        }
    hits = [str(p) == str(t) or _same_number(p, t) for p, t in zip(predicted, truth, strict=True)]
    return {"n": float(known.sum()), "accuracy": float(np.mean(hits))}


def _same_number(a: Any, b: Any) -> bool:
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return False


def _keep_rows(
    data_dir: Path,
    monitor: Monitor,
    window: Window,
    features: Any,
    frame: Any,
    labels: dict[str, Any],
) -> str:
    """The window's features, predictions and known labels as a private Parquet file (an
    object under a remote artifact root); returns where."""
    rows = features.copy()
    rows["prediction"] = frame[PREDICTION].to_numpy()
    rows["request_id"] = frame["_mlops_request_id"].astype(str).to_numpy()
    rows[LABEL_COLUMN] = [labels.get(i) for i in rows["request_id"]]
    location = window_location(data_dir, monitor.monitor_id, window.window_id)
    if artifact_store.is_remote(location):
        with artifact_store.open_file(location, "wb") as remote:
            rows.to_parquet(remote, index=False)
        return location
    path = Path(location)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_suffix(".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        rows.to_parquet(handle, index=False)
    partial.replace(path)
    return str(path)


def raise_alert(
    store: MonitorStore, monitor: Monitor, window: Window, report: DriftReport, data_path: str
) -> None:
    """Record a drift alert; start the monitor's retraining job with the window's rows."""
    message = f"{monitor.endpoint_name}: {report.summary()}"
    run_id, error = None, None
    if monitor.retrain_job_id:
        try:
            run_id = start_retraining(monitor, data_path)
        except Exception as exc:  # the alert stands even when the job cannot start
            error = str(getattr(exc, "message", exc))
            log.warning("retraining job %s did not start: %s", monitor.retrain_job_id, error)
    store.add_alert(monitor.monitor_id, window.window_id, "data_drift", message, run_id, error)


def start_retraining(monitor: Monitor, data_path: str) -> str:
    """Run the monitor's job now with the drifted window's file; returns the job run's id.

    Through the Jupyter server that started this process (its runner and Jobs panel), else in a
    local runner of this process.
    """
    from ..core.server_link import ServerLink

    assert monitor.retrain_job_id is not None
    parameters = {monitor.retrain_parameter: data_path}
    link = ServerLink.from_environment()
    if link is not None:
        answer = link.request(
            "POST",
            f"jobs/{monitor.retrain_job_id}/runs",
            {"parameters": parameters, "trigger": "alert"},
        )
        return str(answer["run_id"])
    from ..jobs.api import local_runner

    runner = local_runner(Path.cwd())
    try:
        run = runner.run_job(monitor.retrain_job_id, trigger="alert", parameters=parameters)
        runner.wait(run.run_id)
        return run.run_id
    finally:
        runner.close(wait=True)
