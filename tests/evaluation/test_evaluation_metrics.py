"""`mlops.evaluate` on real bundled datasets: the figures equal scikit-learn's own metric calls,
a Dask frame gives the pandas figures, slices and sensitive columns group without reaching the
model, and the evaluation is logged to a run with its figures."""

from __future__ import annotations

import json
from pathlib import Path

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import jupyter_mlops as mlops
from jupyter_mlops.core.errors import MLOpsError


@pytest.fixture(scope="module")
def cancer():
    """Breast cancer (569 rows); `size_band` is derived from `mean radius` (above or below its
    median), a stand-in for a group column, not a protected attribute of the patients."""
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    features = list(X.columns)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(X, y)
    frame = X.assign(
        size_band=np.where(X["mean radius"] > X["mean radius"].median(), "large", "small"),
        target=y,
    )
    return model, frame, features


def test_classifier_metrics_equal_sklearns_own(cancer):
    model, frame, features = cancer
    result = mlops.evaluate(model, frame, "target", slices=["size_band"], log=False)
    y, X = frame["target"], frame[features]
    predicted, proba = model.predict(X), model.predict_proba(X)[:, 1]
    assert result.metrics["accuracy"] == pytest.approx(skm.accuracy_score(y, predicted))
    assert result.metrics["precision"] == pytest.approx(skm.precision_score(y, predicted))
    assert result.metrics["recall"] == pytest.approx(skm.recall_score(y, predicted))
    assert result.metrics["f1"] == pytest.approx(skm.f1_score(y, predicted))
    assert result.metrics["roc_auc"] == pytest.approx(skm.roc_auc_score(y, proba))
    assert result.metrics["log_loss"] == pytest.approx(skm.log_loss(y, model.predict_proba(X)))
    assert result.metrics["brier"] == pytest.approx(skm.brier_score_loss(y, proba))
    large = frame["size_band"] == "large"
    assert result.slices["size_band"]["large"]["accuracy"] == pytest.approx(
        skm.accuracy_score(y[large], predicted[large])
    )
    assert result.slices["size_band"]["large"]["n"] == large.sum()
    assert {"confusion_matrix", "roc", "calibration", "importance"} <= set(result.figures)
    assert set(result.importance) == set(features)


def test_fairness_per_group_matches_fairlearn_on_rows(cancer):
    from fairlearn.metrics import MetricFrame, selection_rate, true_positive_rate

    model, frame, features = cancer
    result = mlops.evaluate(
        model, frame, "target", sensitive_features=["size_band"], importance=False, log=False
    )
    predicted = model.predict(frame[features])
    direct = MetricFrame(
        metrics={"selection_rate": selection_rate, "true_positive_rate": true_positive_rate},
        y_true=frame["target"],
        y_pred=predicted,
        sensitive_features=frame["size_band"],
    )
    fairness = result.fairness["size_band"]
    for group in ("large", "small"):
        for metric in ("selection_rate", "true_positive_rate"):
            assert fairness.by_group[group][metric] == pytest.approx(
                direct.by_group.loc[group, metric]
            )
    assert fairness.difference["selection_rate"] == pytest.approx(
        direct.difference()["selection_rate"]
    )
    assert "groups_size_band" in result.figures


def test_dask_frame_gives_the_pandas_figures(cancer):
    model, frame, _features = cancer
    in_memory = mlops.evaluate(
        model, frame, "target", slices=["size_band"], importance=False, log=False
    )
    partitioned = mlops.evaluate(
        model, dd.from_pandas(frame, npartitions=5), "target", slices=["size_band"],
        importance=False, log=False,
    )  # fmt: skip
    assert partitioned.engine == "dask" and partitioned.n_rows == len(frame)
    for key in ("accuracy", "precision", "recall", "f1", "log_loss", "calibration_error"):
        assert partitioned.metrics[key] == pytest.approx(in_memory.metrics[key])
    # ROC AUC from merged 1000-bin histograms: close, and said so.
    assert partitioned.metrics["roc_auc"] == pytest.approx(in_memory.metrics["roc_auc"], abs=2e-3)
    assert any("histogram" in note for note in partitioned.notes)
    assert partitioned.slices == in_memory.slices


def test_slice_given_as_series_and_multiclass_wine():
    X, y = load_wine(return_X_y=True, as_frame=True)
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(X, y)
    # An aligned Series the model never sees: alcohol above or below its median.
    band = pd.Series(np.where(X["alcohol"] > X["alcohol"].median(), "high", "low"), name="alc")
    result = mlops.evaluate(model, X, y.to_numpy(), slices=[band], importance=False, log=False)
    assert result.classes == [0, 1, 2]
    assert result.metrics["f1"] == pytest.approx(skm.f1_score(y, model.predict(X), average="macro"))
    assert set(result.slices["alc"]) == {"high", "low"}


def test_regressor_metrics_equal_sklearns_own_and_are_logged(mlops_store: Path):
    X, y = load_diabetes(return_X_y=True, as_frame=True)
    model = Ridge().fit(X, y)
    # `sex` is the dataset's own (scaled) column: its two values form the two groups.
    groups = pd.Series(np.where(X["sex"] > 0, "group_a", "group_b"), name="sex_group")
    result = mlops.evaluate(
        model, X, y, model_type="regressor", sensitive_features=[groups], n_repeats=2
    )
    predicted = model.predict(X)
    assert result.metrics["mae"] == pytest.approx(skm.mean_absolute_error(y, predicted))
    assert result.metrics["rmse"] == pytest.approx(np.sqrt(skm.mean_squared_error(y, predicted)))
    assert result.metrics["r2"] == pytest.approx(skm.r2_score(y, predicted))
    assert result.metrics["mape"] == pytest.approx(skm.mean_absolute_percentage_error(y, predicted))
    assert set(result.fairness["sex_group"].by_group) == {"group_a", "group_b"}
    run = mlops.get_run(result.run_id)
    assert run.metrics["eval_rmse"] == pytest.approx(result.metrics["rmse"])
    artifacts = Path(run.artifact_uri)
    stored = json.loads((artifacts / "evaluation" / "evaluation.json").read_text())
    assert stored["metrics"]["mae"] == pytest.approx(result.metrics["mae"])
    figure = json.loads((artifacts / "figures" / "eval_importance.json").read_text())
    assert figure["data"][0]["type"] == "bar"


def test_registered_version_by_uri_and_bad_input_names_the_field(cancer):
    model, frame, features = cancer
    mlops.register_model(model, "cancer", X=frame[features])
    mlops.set_model_alias("cancer", "candidate", 1)
    result = mlops.evaluate(
        "models:/cancer@candidate", frame, "target", importance=False, log=False
    )
    assert result.model == "models:/cancer/1"
    assert result.metrics["accuracy"] > 0.9
    with pytest.raises(MLOpsError) as error:
        mlops.evaluate(model, frame, "nope", log=False)
    assert error.value.field == "targets"
    with pytest.raises(MLOpsError) as error:
        mlops.evaluate(model, frame, "target", model_type="ranker", log=False)
    assert error.value.field == "model_type"
    with pytest.raises(MLOpsError) as error:
        mlops.evaluate(model, frame.drop(columns=["mean radius"]), "target", log=False)
    assert error.value.field == "data"
