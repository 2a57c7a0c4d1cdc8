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

And one way to compute, decided once per loaded version (`forest_call`): a scikit-learn random
forest or extra-trees model (classifier or regressor, one output) is summed here, tree by tree,
from each fitted tree's own `tree_.predict`, after the forest's own input check once per batch.
That is what the forest's `predict_proba` / `predict` compute, in the same order, without
their per-tree `joblib` dispatch (a `delayed` wrapper, `config_context`, warning filters and a
tree-level input check for each of the 50-500 trees), which was most of the endpoint's CPU per
request (py-spy, docs/performance.md). The validated float64 array is only cast to float32
and checked finite (scikit-learn's `validate_data` cost ~0.35 ms per call); anything else
goes through the forest's own check. It is used only after a probe at load gives the forest's
own answers bit for bit; otherwise the forest is called as before.
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


class ForestCall:
    """A fitted scikit-learn forest's predictions summed over its trees here (`forest_call`)."""

    def __init__(self, forest: Any, classifier: bool) -> None:
        self.forest = forest
        self.classifier = classifier
        self.n_classes = int(forest.n_classes_) if classifier else 0
        self.classes = forest.classes_ if classifier else None
        self.n_features = int(forest.n_features_in_)
        # Each tree: its Cython `Tree` and its leaf values, as `Tree.predict` reads them (a
        # classifier's class fractions, a regressor's value), made once instead of per call.
        self.trees = [
            (tree.tree_, tree.tree_.value[:, 0, : self.n_classes or 1])
            for tree in forest.estimators_
        ]

    def checked(self, X: Any) -> np.ndarray:
        """`X` as the forest's own check would give it (float32): the endpoint's validated
        float64 array of the right width, all finite, is only converted; anything else (a
        frame, a wrong width, a NaN or an infinity) goes through the forest's check, which
        refuses it or handles it as the forest would."""
        if (
            type(X) is np.ndarray
            and X.dtype == np.float64
            and X.ndim == 2
            and X.shape[1] == self.n_features
            and X.shape[0] > 0
        ):
            with np.errstate(over="ignore"):  # past float32's range: infinite, refused below
                converted = X.astype(np.float32)
            if np.isfinite(converted).all():  # as sklearn, after the float32 cast
                return converted
        return np.asarray(self.forest._validate_X_predict(X))

    def _mean(self, X: Any) -> np.ndarray:
        """The mean over the trees of each row's leaf values, in the forest's tree order (one
        column per class, or the regressor's one value)."""
        X = self.checked(X)
        total = np.zeros((X.shape[0], self.n_classes or 1), dtype=np.float64)
        for tree, values in self.trees:
            total += values.take(tree.apply(X), axis=0)
        total /= len(self.trees)
        return total

    def proba(self, X: Any) -> np.ndarray:
        """`ForestClassifier.predict_proba(X)`: the mean of the trees' leaf class fractions."""
        return self._mean(X)

    def labels(self, proba: np.ndarray) -> np.ndarray:
        """`ForestClassifier.predict`'s labels from the probabilities."""
        assert self.classes is not None
        return np.asarray(self.classes.take(np.argmax(proba, axis=1), axis=0))

    def values(self, X: Any) -> np.ndarray:
        """`ForestRegressor.predict(X)`: the mean of the trees' leaf values."""
        return self._mean(X)[:, 0]


def forest_call(estimator: Any) -> ForestCall | None:
    """The `ForestCall` of a plain scikit-learn forest with one output whose trees predict as
    scikit-learn's own, when a probe gives the forest's answers exactly; else None."""
    if not type(estimator).__module__.startswith("sklearn.ensemble"):
        return None
    from sklearn.ensemble._forest import ForestClassifier, ForestRegressor
    from sklearn.tree import DecisionTreeClassifier
    from sklearn.tree._classes import BaseDecisionTree

    kind = type(estimator)
    if not isinstance(estimator, (ForestClassifier, ForestRegressor)):
        return None  # e.g. gradient boosting, whose `estimators_` is an array of trees
    trees = getattr(estimator, "estimators_", None)
    if not trees or getattr(estimator, "n_outputs_", 0) != 1:
        return None
    if isinstance(estimator, ForestClassifier):
        plain = kind.predict is ForestClassifier.predict and (
            kind.predict_proba is ForestClassifier.predict_proba
        )
        same_trees = all(
            type(t).predict_proba is DecisionTreeClassifier.predict_proba for t in trees
        )
        call = ForestCall(estimator, classifier=True)
    elif isinstance(estimator, ForestRegressor):
        plain = kind.predict is ForestRegressor.predict
        same_trees = all(type(t).predict is BaseDecisionTree.predict for t in trees)
        call = ForestCall(estimator, classifier=False)
    else:
        return None
    if not (plain and same_trees and hasattr(estimator, "_validate_X_predict")):
        return None
    return call if _same_answers(estimator, call) else None


def _same_answers(estimator: Any, call: ForestCall) -> bool:
    """Whether `call` gives the forest's own answers, bit for bit, on a few probe rows."""
    rows: Any = np.random.default_rng(0).normal(size=(16, call.n_features)) * 3
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None:  # fitted on a frame: probe with one, as sklearn checks the names
        import pandas as pd

        rows = pd.DataFrame(rows, columns=list(names))
    try:
        if call.classifier:
            proba = call.proba(rows)
            return bool(
                np.array_equal(proba, estimator.predict_proba(rows))
                and np.array_equal(call.labels(proba), estimator.predict(rows))
            )
        return bool(np.array_equal(call.values(rows), estimator.predict(rows)))
    except Exception:  # a forest this path does not know: it is called as before
        return False


def labels_and_proba(model: Any, X: Any, want_proba: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """The labels (or values) and, when wanted and the model has them, the probabilities of
    `X`: `predict_proba` once where it decides the labels; a forest through `ForestCall`."""
    direct: ForestCall | None = getattr(model, "forest", None)
    if direct is not None:
        if not direct.classifier:
            return direct.values(X), None
        probabilities = direct.proba(X)
        return direct.labels(probabilities), probabilities if want_proba else None
    estimator = model.estimator
    if want_proba and model.has_proba:
        probabilities = np.asarray(estimator.predict_proba(X))
        if model.proba_decides:
            return np.asarray(model.classes_array.take(np.argmax(probabilities, axis=1))), (
                probabilities
            )
        return np.asarray(estimator.predict(X)), probabilities
    return np.asarray(estimator.predict(X)), None
