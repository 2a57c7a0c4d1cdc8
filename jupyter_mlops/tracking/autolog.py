"""`mlops.autolog()` for scikit-learn: every `fit` logs its params, training scores and model.

`fit` is wrapped on every scikit-learn estimator class (and every other `BaseEstimator`
subclass already imported, e.g. XGBoost's). Inside an active run the first fit logs into it;
a later fit in the same run gets a nested child run, so fitting several models in one cell
keeps each one's params. With no active run, a run is started for the fit and ended after.
Fits made by a fit (a Pipeline's steps, a search's candidates) are not logged themselves.
`GridSearchCV`/`RandomizedSearchCV` also log the best `max_tuning_runs` candidates as child
runs with their cross-validation scores. A logging failure warns; it never fails the fit.
"""

from __future__ import annotations

import functools
import json
import math
import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from . import fluent
from .entities import Metric, RunStatus
from .logging_artifacts import log_model
from .validation import MAX_PARAM_VALUE_LENGTH, MAX_TAG_VALUE_LENGTH, now_ms

AUTOLOG_TAG = "mlops.autolog"
# The param keys autolog logged in a run (a JSON list): the runs table hides them by default.
AUTOLOG_PARAMS_TAG = "mlops.autolog.params"


class _State:
    def __init__(self) -> None:
        self.enabled = False
        self.log_models = True
        self.max_tuning_runs = 5
        self.originals: dict[Any, Callable[..., Any]] = {}
        self.depth = 0  # process-wide: fits inside a logged fit (any thread) are not logged
        self.lock = threading.RLock()
        self.autologged_runs: set[str] = set()


_state = _State()


def autolog(disable: bool = False, log_models: bool = True, max_tuning_runs: int = 5) -> None:
    """Log scikit-learn fits automatically (`disable=True` turns it off again)."""
    with _state.lock:
        _state.log_models = log_models
        _state.max_tuning_runs = max_tuning_runs
        _state.enabled = not disable
        if not disable:
            _patch_all()


def is_enabled() -> bool:
    """Whether fits are being logged."""
    return _state.enabled


@contextmanager
def autolog_enabled(enabled: bool) -> Iterator[None]:
    """Turn autologging on or off for a block (what `%%track` uses), then restore it."""
    with _state.lock:
        before = _state.enabled
        _state.enabled = enabled
        if enabled:
            _patch_all()
    try:
        yield
    finally:
        _state.enabled = before


def _estimator_classes() -> list[Any]:
    from sklearn.base import BaseEstimator
    from sklearn.utils import all_estimators

    found: dict[Any, None] = {cls: None for _name, cls in all_estimators()}
    pending = list(BaseEstimator.__subclasses__())
    while pending:
        cls = pending.pop()
        found.setdefault(cls, None)
        pending.extend(cls.__subclasses__())
    return [cls for cls in found if callable(getattr(cls, "fit", None))]


def _patch_all() -> None:
    for cls in _estimator_classes():
        if cls in _state.originals or getattr(cls.fit, "_mlops_autolog", False):
            continue
        original = cls.fit
        _state.originals[cls] = original
        wrapper = _wrap(original)
        cls.fit = wrapper


def _wrap(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def fit(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _state.lock:
            outer = _state.enabled and _state.depth == 0
            _state.depth += 1
        try:
            if not outer:
                return original(self, *args, **kwargs)
            return _logged_fit(original, self, args, kwargs)
        finally:
            with _state.lock:
                _state.depth -= 1

    fit._mlops_autolog = True  # type: ignore[attr-defined]
    return fit


def _logged_fit(original: Callable[..., Any], estimator: Any, args: Any, kwargs: Any) -> Any:
    X = args[0] if args else kwargs.get("X")
    y = args[1] if len(args) > 1 else kwargs.get("y")
    active = fluent.active_run()
    started = None
    if active is None or active.run_id in _state.autologged_runs:
        started = fluent.start_run(name=type(estimator).__name__, nested=active is not None)
    target = started or active
    assert target is not None
    _state.autologged_runs.add(target.run_id)
    try:
        result = original(estimator, *args, **kwargs)
    except BaseException as error:
        if started is not None:
            started.__exit__(type(error), error, error.__traceback__)
        raise
    try:
        _log_fit(estimator, X, y, target)
    except Exception as error:
        warnings.warn(f"jupyter-mlops autolog could not log this fit: {error}", stacklevel=3)
    if started is not None:
        started.__exit__(None, None, None)
    return result


def _param_text(value: Any) -> str:
    text = str(value)
    return (
        text if len(text) <= MAX_PARAM_VALUE_LENGTH else text[: MAX_PARAM_VALUE_LENGTH - 3] + "..."
    )


def _log_fit(estimator: Any, X: Any, y: Any, run: fluent.ActiveRun) -> None:
    store = run.client.store
    params = {str(k): _param_text(v) for k, v in estimator.get_params(deep=True).items()}
    best = getattr(estimator, "best_params_", None)
    if isinstance(best, dict):
        params.update({f"best_{k}": _param_text(v) for k, v in best.items()})
    existing = store.get_run(run.run_id).params
    clashes = [k for k, v in params.items() if k in existing and existing[k] != v]
    if clashes:
        warnings.warn(
            f"autolog kept the params already logged for {', '.join(clashes)}", stacklevel=4
        )
    new_params = {k: v for k, v in params.items() if k not in existing}
    cls = type(estimator)
    tags = {
        AUTOLOG_TAG: "sklearn",
        "estimator_name": cls.__name__,
        "estimator_class": f"{cls.__module__}.{cls.__qualname__}",
        AUTOLOG_PARAMS_TAG: _key_list(sorted(new_params)),
    }
    now = now_ms()
    metrics = [Metric(k, v, 0, now) for k, v in _training_metrics(estimator, X, y).items()]
    best_score = getattr(estimator, "best_score_", None)
    if isinstance(best_score, (int, float)):
        metrics.append(Metric("best_cv_score", float(best_score), 0, now))
    store.log_batch(run.run_id, params=new_params, metrics=metrics, tags=tags)
    if hasattr(estimator, "cv_results_"):
        _log_search_children(estimator, run)
    if _state.log_models:
        model = getattr(estimator, "best_estimator_", estimator)
        log_model(model, "model", input_example=X, run_id=run.run_id)


def _key_list(keys: list[str]) -> str:
    """`keys` as a JSON list that fits in a tag value (the longest keys dropped if needed)."""
    text = json.dumps(keys)
    while len(text) > MAX_TAG_VALUE_LENGTH and keys:
        keys = sorted(keys, key=len)[:-1]
        text = json.dumps(sorted(keys))
    return text


def _training_metrics(estimator: Any, X: Any, y: Any) -> dict[str, float]:
    if y is None or X is None:
        return {}
    from sklearn import metrics as skm
    from sklearn.base import is_classifier, is_regressor

    found: dict[str, float] = {}
    scorers: dict[str, Callable[[Any, Any], float]] = {}
    if is_classifier(estimator):
        scorers = {
            "training_accuracy_score": skm.accuracy_score,
            "training_precision_score": functools.partial(
                skm.precision_score, average="weighted", zero_division=0
            ),
            "training_recall_score": functools.partial(
                skm.recall_score, average="weighted", zero_division=0
            ),
            "training_f1_score": functools.partial(
                skm.f1_score, average="weighted", zero_division=0
            ),
        }
    elif is_regressor(estimator):
        scorers = {
            "training_r2_score": skm.r2_score,
            "training_mean_absolute_error": skm.mean_absolute_error,
            "training_root_mean_squared_error": lambda t, p: math.sqrt(
                skm.mean_squared_error(t, p)
            ),
        }
    try:
        if scorers:
            predicted = estimator.predict(X)
            for name, scorer in scorers.items():
                found[name] = float(scorer(y, predicted))
        if callable(getattr(estimator, "score", None)):
            found["training_score"] = float(estimator.score(X, y))
    except Exception as error:
        warnings.warn(f"autolog could not score the training data: {error}", stacklevel=5)
    return found


def _log_search_children(search: Any, parent: fluent.ActiveRun) -> None:
    results = search.cv_results_
    ranks = results.get("rank_test_score")
    if ranks is None:  # multi-metric search: rank by the refit metric
        refit = search.refit if isinstance(search.refit, str) else None
        ranks = results.get(f"rank_test_{refit}") if refit else None
    if ranks is None:
        return
    order = sorted(range(len(ranks)), key=lambda i: int(ranks[i]))[: _state.max_tuning_runs]
    store = parent.client.store
    score_keys = [k for k in results if k.startswith(("mean_", "std_", "rank_"))]
    for index in order:
        candidate = results["params"][index]
        now = now_ms()
        child = store.create_run(
            parent.experiment_id,
            f"{parent.name}-rank{int(ranks[index])}",
            parent_run_id=parent.run_id,
            params={str(k): _param_text(v) for k, v in candidate.items()},
            tags={AUTOLOG_TAG: "sklearn", "mlops.search.candidate": str(index)},
        )
        metrics = []
        for key in score_keys:
            value = float(results[key][index])
            if not math.isnan(value):
                metrics.append(Metric(key, value, 0, now))
        store.log_batch(child.run_id, metrics=metrics)
        store.update_run(child.run_id, status=RunStatus.FINISHED)
