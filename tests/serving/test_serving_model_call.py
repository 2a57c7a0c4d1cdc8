"""The endpoint's model call (`serving/model_call.py`): a forest's labels come from its one
`predict_proba`, and a model fitted on named columns gets the validated array without a
DataFrame only where that is the same input; a plain forest is summed over its trees without
joblib (`ForestCall`); answers equal the estimator's own."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from jupyter_mlops.model_format import ColumnSpec, InputSchema
from jupyter_mlops.serving.batcher import LoadedModel, _call
from jupyter_mlops.serving.model_call import forest_call, positional, proba_decides
from jupyter_mlops.serving.payloads import ModelInput, SchemaView

COLUMNS = ["a", "b", "c", "d"]


def data(classes: int = 3) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(11)
    X = pd.DataFrame(rng.normal(size=(400, 4)), columns=COLUMNS)
    y = np.array(["cat", "dog", "eel"][:classes])[
        (X["a"] * 2 + X["b"] > 0).astype(int) + (X["c"] > 1).astype(int) * (classes - 2)
    ]
    return X, y  # fmt: skip


class Calls:
    """Counts an estimator's calls and what it was given (the estimator itself is real)."""

    def __init__(self, estimator: Any) -> None:
        self.counts = {"predict": 0, "predict_proba": 0}
        self.given: list[type] = []
        for method in self.counts:
            if hasattr(estimator, method):  # a regressor has no predict_proba
                setattr(estimator, method, self._wrap(method, getattr(estimator, method)))

    def _wrap(self, method: str, bound: Any) -> Any:
        def call(X: Any) -> Any:
            self.counts[method] += 1
            self.given.append(type(X))
            return bound(X)

        return call


def loaded(estimator: Any, columns: list[str] = COLUMNS) -> LoadedModel:
    view = SchemaView(InputSchema([ColumnSpec(c, "float64") for c in columns], True))
    decides = proba_decides(estimator)
    classes = getattr(estimator, "classes_", None)
    return LoadedModel(
        estimator, 1, view, not positional(estimator, view.names), classes is not None,
        None if classes is None else [str(c) for c in classes], proba_decides=decides,
        classes_array=estimator.classes_ if decides else None,
    )  # fmt: skip


@pytest.mark.parametrize(
    "make",
    [
        lambda: RandomForestClassifier(n_estimators=15, random_state=0),
        lambda: ExtraTreesClassifier(n_estimators=15, random_state=0),
        lambda: make_pipeline(StandardScaler(), RandomForestClassifier(n_estimators=15)),
    ],
)
@pytest.mark.parametrize("classes", [2, 3])
def test_a_forest_labels_from_its_one_predict_proba(make: Any, classes: int) -> None:
    X, y = data(classes)
    estimator = make().fit(X, y)
    expected_labels, expected_proba = estimator.predict(X), estimator.predict_proba(X)
    model = loaded(estimator)
    assert model.proba_decides
    model.forest = None  # the estimator's own methods (a bare forest is summed: tested below)
    calls = Calls(estimator)
    inputs = [ModelInput(150, array=X.iloc[:150].to_numpy()),
              ModelInput(250, array=X.iloc[150:].to_numpy())]  # fmt: skip
    labels, proba, _features = _call(model, inputs, want_proba=True)
    assert calls.counts == {"predict": 0, "predict_proba": 1}
    assert labels.tolist() == expected_labels.tolist()
    np.testing.assert_array_equal(proba, expected_proba)
    labels, proba, _features = _call(model, inputs, want_proba=False)  # /invocations
    assert calls.counts["predict"] == 1 and proba is None  # (a forest's predict: its proba)
    assert labels.tolist() == expected_labels.tolist()


def test_a_model_whose_predict_is_not_its_argmax_calls_both() -> None:
    X, y = data()
    estimator = LogisticRegression(max_iter=500).fit(X, y)
    model = loaded(estimator)
    assert not model.proba_decides
    calls = Calls(estimator)
    labels, _proba, _ = _call(model, [ModelInput(400, array=X.to_numpy())], want_proba=True)
    assert calls.counts == {"predict": 1, "predict_proba": 1}
    assert labels.tolist() == estimator.predict(X).tolist()


def test_a_forest_fitted_on_named_columns_takes_the_array_without_a_warning() -> None:
    X, y = data()
    estimator = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    model = loaded(estimator)
    assert not model.needs_frame
    model.forest = None  # the estimator's own predict, given the array
    calls = Calls(estimator)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the feature-names warning would raise here
        warnings.filterwarnings("ignore", message="X does not have valid feature names")
        labels, _, _ = _call(model, [ModelInput(400, array=X.to_numpy())], want_proba=False)
    assert set(calls.given) == {np.ndarray}
    assert labels.tolist() == estimator.predict(X).tolist()


def test_named_columns_keep_a_frame_where_names_select_or_order_differs() -> None:
    X, y = data()
    forest = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    # The signature lists the columns in another order: only the frame's names would catch it.
    assert loaded(forest, ["b", "a", "c", "d"]).needs_frame
    pipeline = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    model = loaded(pipeline)
    assert model.needs_frame
    calls = Calls(pipeline)
    labels, _, _ = _call(model, [ModelInput(400, array=X.to_numpy())], want_proba=False)
    assert set(calls.given) == {pd.DataFrame}
    assert labels.tolist() == pipeline.predict(X).tolist()
    unnamed = RandomForestClassifier(n_estimators=5).fit(X.to_numpy(), y)
    assert not loaded(unnamed).needs_frame


@pytest.mark.parametrize(
    "make",
    [
        lambda: RandomForestClassifier(n_estimators=15, random_state=0),
        lambda: ExtraTreesClassifier(n_estimators=15, random_state=0),
        lambda: RandomForestRegressor(n_estimators=15, random_state=0),
        lambda: ExtraTreesRegressor(n_estimators=15, random_state=0),
    ],
)
@pytest.mark.parametrize("named", [True, False])
def test_a_plain_forest_is_summed_here_with_its_own_answers(make: Any, named: bool) -> None:
    X, y = data(3)
    target: Any = y if "Classifier" in type(make()).__name__ else X["a"] * 2 + X["d"]
    estimator = make().fit(X if named else X.to_numpy(), target)
    unseen = X.to_numpy() * 1.7 - 0.3  # rows the probe at load never saw
    expected = []
    for rows in (X.to_numpy(), unseen):
        frame = pd.DataFrame(rows, columns=COLUMNS) if named else rows
        proba = estimator.predict_proba(frame) if hasattr(estimator, "predict_proba") else None
        expected.append((estimator.predict(frame), proba))
    model = loaded(estimator)
    assert model.forest is not None
    calls = Calls(estimator)
    inputs = [ModelInput(150, array=X.iloc[:150].to_numpy()),
              ModelInput(250, array=X.iloc[150:].to_numpy())]  # fmt: skip
    for batch, (expected_labels, expected_proba) in zip(
        (inputs, [ModelInput(400, array=unseen)]), expected, strict=True
    ):
        for want_proba in (True, False):
            labels, proba, _ = _call(model, batch, want_proba)
            np.testing.assert_array_equal(labels, expected_labels)
            if expected_proba is not None and want_proba:
                np.testing.assert_array_equal(proba, expected_proba)
            else:
                assert proba is None
    assert calls.counts == {"predict": 0, "predict_proba": 0}


def test_a_forest_that_is_not_plain_is_called_as_before() -> None:
    X, y = data()

    class Tilted(RandomForestClassifier):
        def predict_proba(self, X: Any) -> Any:
            return super().predict_proba(X) ** 2

    tilted = Tilted(n_estimators=5, random_state=0).fit(X, y)
    assert forest_call(tilted) is None
    pipeline = make_pipeline(StandardScaler(), RandomForestClassifier(n_estimators=5)).fit(X, y)
    assert forest_call(pipeline) is None
    two_outputs = RandomForestRegressor(n_estimators=5).fit(X, np.c_[X["a"], X["b"]])
    assert forest_call(two_outputs) is None
    assert forest_call(LogisticRegression().fit(X, y)) is None
    # Boosting is an ensemble too, its `estimators_` an array of trees (no truth value)
    assert forest_call(GradientBoostingClassifier(n_estimators=5).fit(X, y)) is None
    assert forest_call(GradientBoostingRegressor(n_estimators=5).fit(X, X["a"])) is None


def test_a_forest_summed_here_checks_input_as_the_forest_does() -> None:
    X, y = data()
    forest = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    call = forest_call(forest)
    assert call is not None
    rows = X.to_numpy()[:6].copy()
    rows[1, 2] = np.nan  # a forest takes a missing value (scikit-learn >= 1.4)
    np.testing.assert_array_equal(call.proba(rows), forest.predict_proba(rows))
    rows[3, 0] = np.inf
    with pytest.raises(ValueError) as ours:
        call.proba(rows)
    with pytest.raises(ValueError) as theirs:
        forest.predict_proba(rows)
    assert str(ours.value) == str(theirs.value)
    with pytest.raises(ValueError, match="features"):
        call.proba(X.to_numpy()[:, :3])  # the wrong width: the forest's own message
    huge = X.to_numpy()[:2] * 1e300  # finite in float64, infinite as the forest's float32
    with pytest.raises(ValueError) as ours:
        call.proba(huge)
    with pytest.raises(ValueError) as theirs:
        forest.predict_proba(huge)
    assert str(ours.value) == str(theirs.value)
