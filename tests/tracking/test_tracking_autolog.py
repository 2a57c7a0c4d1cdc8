"""scikit-learn autologging and logged models, with real fits."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import jupyter_mlops as mlops
from jupyter_mlops.core.errors import MLOpsError
from jupyter_mlops.model_format import load_model as load_folder
from jupyter_mlops.model_format import prepare_input
from jupyter_mlops.tracking.logging_artifacts import load_model
from jupyter_mlops.tracking.process_client import get_client


@pytest.fixture(scope="module")
def cancer():
    return load_breast_cancer(return_X_y=True, as_frame=True)


@pytest.fixture(autouse=True)
def autologging():
    mlops.autolog()
    yield
    mlops.autolog(disable=True)
    while mlops.active_run() is not None:
        mlops.end_run()


def test_fit_inside_a_run_logs_params_score_and_model(cancer):
    X, y = cancer
    with mlops.start_run(experiment="auto") as run:
        model = make_pipeline(StandardScaler(), LogisticRegression(C=0.5, max_iter=500)).fit(X, y)
    stored = mlops.get_run(run.run_id)
    assert stored.params["logisticregression__C"] == "0.5"
    assert stored.tags["estimator_name"] == "Pipeline"
    assert stored.tags["mlops.autolog"] == "sklearn"
    # The Experiments table hides these by default: the tag lists exactly the autologged keys.
    assert json.loads(stored.tags["mlops.autolog.params"]) == sorted(model.get_params(deep=True))
    assert stored.metrics["training_accuracy_score"] == pytest.approx(model.score(X, y))
    assert 0 < stored.metrics["training_f1_score"] <= 1
    # The steps' own fits were not logged as runs of their own.
    assert len(mlops.search_runs("auto")) == 1

    folder = Path(stored.artifact_uri) / "model"
    info = json.loads((folder / "MLmodel.json").read_text())
    assert info["estimator_class"] == "sklearn.pipeline.Pipeline"
    assert info["input_schema"]["named"] is True
    assert info["input_schema"]["columns"][0] == {"name": "mean radius", "dtype": "float64"}
    assert info["classes"] == [0, 1]
    assert "predict_proba" in info["predict_methods"]
    loaded = load_model(run.run_id)
    assert (loaded.predict(X) == model.predict(X)).all()


def test_a_fit_outside_a_run_gets_its_own_run(cancer):
    X, y = cancer
    RandomForestClassifier(n_estimators=3, max_depth=2, random_state=0).fit(X, y)
    assert mlops.active_run() is None
    frame = mlops.search_runs()
    assert len(frame) == 1
    assert frame["status"].iloc[0] == "FINISHED"
    assert frame["params.max_depth"].iloc[0] == "2"
    assert frame["run_name"].iloc[0] == "RandomForestClassifier"


def test_a_second_fit_in_one_run_becomes_a_child_run():
    X, y = load_diabetes(return_X_y=True)
    with mlops.start_run(experiment="two") as run:
        Ridge(alpha=1.0).fit(X, y)
        Ridge(alpha=2.0).fit(X, y)
    stored = mlops.get_run(run.run_id)
    assert stored.params["alpha"] == "1.0"
    assert "training_r2_score" in stored.metrics
    children = get_client().store.child_runs(run.run_id)
    assert [c.params["alpha"] for c in children] == ["2.0"]
    info = json.loads((Path(stored.artifact_uri) / "model" / "MLmodel.json").read_text())
    assert info["input_schema"]["named"] is False
    assert len(info["input_schema"]["columns"]) == 10


def test_grid_search_logs_the_best_candidates_as_child_runs(cancer):
    X, y = cancer
    mlops.autolog(max_tuning_runs=2)
    grid = {"max_depth": [1, 2, 4], "n_estimators": [3, 5]}
    with mlops.start_run(experiment="grid") as run:
        search = GridSearchCV(RandomForestClassifier(random_state=0), grid, cv=3).fit(X, y)
    parent = mlops.get_run(run.run_id)
    assert parent.metrics["best_cv_score"] == pytest.approx(search.best_score_)
    assert parent.params["best_max_depth"] == str(search.best_params_["max_depth"])
    children = get_client().store.child_runs(run.run_id)
    assert len(children) == 2
    ranked = sorted(children, key=lambda c: c.metrics["rank_test_score"])
    assert ranked[0].metrics["mean_test_score"] == pytest.approx(search.best_score_)
    assert ranked[0].params == {k: str(v) for k, v in search.best_params_.items()}
    assert all(c.status == "FINISHED" for c in children)
    # The 18 candidate fits and the refit were not logged as runs.
    assert len(mlops.search_runs("grid")) == 3
    loaded = load_model(run.run_id)
    assert type(loaded).__name__ == "RandomForestClassifier"


def test_params_the_user_logged_are_not_listed_as_autologged(cancer):
    X, y = cancer
    with mlops.start_run(experiment="auto-user", params={"C": "0.5"}) as run:
        LogisticRegression(C=0.5, max_iter=500).fit(X, y)
    listed = json.loads(mlops.get_run(run.run_id).tags["mlops.autolog.params"])
    assert "C" not in listed and "max_iter" in listed


def test_disabled_autolog_logs_nothing(cancer):
    X, y = cancer
    mlops.autolog(disable=True)
    LogisticRegression(max_iter=50).fit(X.iloc[:50], y.iloc[:50])
    assert len(mlops.search_runs()) == 0


def test_a_failing_fit_fails_its_own_run():
    with pytest.raises(ValueError):
        LogisticRegression().fit([[1.0], [2.0]], [0, 0])  # one class only
    frame = mlops.search_runs()
    assert frame["status"].tolist() == ["FAILED"]


def test_prepare_input_checks_columns_and_types(cancer, tmp_path):
    X, y = cancer
    with mlops.start_run() as run:
        mlops.log_model(LogisticRegression(max_iter=500).fit(X, y), "clf", input_example=X)
    folder = Path(mlops.get_run(run.run_id).artifact_uri) / "clf"
    estimator, info = load_folder(folder)
    example = json.loads((folder / "input_example.json").read_text())
    assert len(example["data"]) == 5 and example["columns"][0] == "mean radius"
    records = X.iloc[:3].to_dict(orient="records")
    frame = prepare_input(info.input_schema, [{**r, "extra": 1} for r in records])
    assert list(frame.columns) == list(X.columns)
    assert (estimator.predict(frame) == estimator.predict(X.iloc[:3])).all()
    rows = prepare_input(info.input_schema, X.iloc[:2].to_numpy().tolist())
    assert rows.shape == (2, 30)
    with pytest.raises(MLOpsError) as error:
        prepare_input(info.input_schema, [{"mean radius": 1.0}])
    assert error.value.field == "inputs" and "mean texture" in error.value.message
    with pytest.raises(MLOpsError) as error:
        prepare_input(info.input_schema, [{**records[0], "mean radius": "big"}])
    assert "mean radius" in error.value.message
    with pytest.raises(MLOpsError):
        prepare_input(info.input_schema, np.zeros((2, 3)).tolist())
    with pytest.raises(MLOpsError) as error:
        mlops.log_model(estimator, "../escape")
    assert error.value.field in ("model", "name")


@pytest.mark.slow
def test_randomized_search_logs_its_best_candidates_too(cancer):
    from sklearn.model_selection import RandomizedSearchCV

    X, y = cancer
    with mlops.start_run(experiment="random") as run:
        search = RandomizedSearchCV(
            LogisticRegression(max_iter=200),
            {"C": [0.01, 0.1, 1.0, 10.0]},
            n_iter=3,
            cv=2,
            random_state=0,
        ).fit(X.iloc[:200], y.iloc[:200])
    children = get_client().store.child_runs(run.run_id)
    assert len(children) == 3
    assert {c.params["C"] for c in children} == {str(p["C"]) for p in search.cv_results_["params"]}
    assert mlops.get_run(run.run_id).params["best_C"] == str(search.best_params_["C"])
