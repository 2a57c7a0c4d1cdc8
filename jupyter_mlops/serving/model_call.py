"""How an endpoint calls its model: what a loaded estimator lets the hot path skip.

Two facts, decided once when a version is loaded (`model_source.load`):

- `positional`: the estimator was fitted on named columns but uses the names only to check
  them (a plain scikit-learn forest, tree, gradient boosting or linear model, not a Pipeline or
  ColumnTransformer, which select columns by name), and its names are the signature's columns
  in the signature's order. The validated float64 array (already in that order) is then passed
  as it is: no DataFrame is built per batch. scikit-learn's "X does not have valid feature
  names" warning, which says exactly that, is silenced in the endpoint process.
- `proba_decides`: `predict` is by definition `classes_.take(argmax(predict_proba))` (scikit-
  learn's forest classifiers, alone or as a Pipeline's last step). When a request wants the
  probabilities (`/predict`), `predict_proba` runs once and the labels come from it, instead
  of `predict` computing the same probabilities again.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

# Estimators that read features by position and use the fitted names only to check them.
_POSITIONAL = {
    "sklearn.ensemble._forest": ("RandomForestClassifier", "RandomForestRegressor",
                                 "ExtraTreesClassifier", "ExtraTreesRegressor"),
    "sklearn.ensemble._gb": ("GradientBoostingClassifier", "GradientBoostingRegressor"),
    "sklearn.tree._classes": ("DecisionTreeClassifier", "DecisionTreeRegressor",
                              "ExtraTreeClassifier", "ExtraTreeRegressor"),
    "sklearn.linear_model._logistic": ("LogisticRegression",),
    "sklearn.linear_model._base": ("LinearRegression",),
    "sklearn.linear_model._ridge": ("Ridge", "RidgeClassifier"),
}  # fmt: skip
_NAMES_WARNING = "X does not have valid feature names"


def positional(estimator: Any, columns: list[str]) -> bool:
    """Whether the validated array (in `columns`' order) can go to `estimator` as it is."""
    names = getattr(estimator, "feature_names_in_", None)
    if names is None:
        return True  # fitted on an array: it takes one already
    kind = type(estimator)
    if kind.__name__ not in _POSITIONAL.get(kind.__module__, ()):
        return False
    if [str(name) for name in names] != list(columns):
        return False
    warnings.filterwarnings("ignore", message=_NAMES_WARNING, category=UserWarning)
    return True


def proba_decides(estimator: Any) -> bool:
    """Whether `estimator.predict(X)` is `classes_.take(argmax(predict_proba(X)))`."""
    final = estimator
    steps = getattr(estimator, "steps", None)
    if type(estimator).__module__ == "sklearn.pipeline" and steps:
        final = steps[-1][1]
    if not type(final).__module__.startswith("sklearn.ensemble"):
        return False
    from sklearn.ensemble._forest import ForestClassifier

    kind = type(final)
    return (
        isinstance(final, ForestClassifier)
        and kind.predict is ForestClassifier.predict
        and kind.predict_proba is ForestClassifier.predict_proba
        and getattr(final, "n_outputs_", 1) == 1
    )


def labels_and_proba(model: Any, X: Any, want_proba: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """The labels (or values) and, when wanted and the model has them, the probabilities of
    `X`: `predict_proba` once where it decides the labels."""
    estimator = model.estimator
    if want_proba and model.has_proba:
        probabilities = np.asarray(estimator.predict_proba(X))
        if model.proba_decides:
            return np.asarray(model.classes_array.take(np.argmax(probabilities, axis=1))), (
                probabilities
            )
        return np.asarray(estimator.predict(X)), probabilities
    return np.asarray(estimator.predict(X)), None
