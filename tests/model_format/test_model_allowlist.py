"""The model format's allow-list is of named types (issue 17, item 1): what is on it imports as
a class or a function from the libraries a model is made of, nothing matches a deny pattern,
every model the product saves loads through it, and the checked-in file is what the generator
makes on the library versions it names."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier

from jupyter_mlops.core.errors import MLOpsError
from jupyter_mlops.model_format import allowed_types, load_model, save_model
from jupyter_mlops.model_format.allowlist_gen import ALLOWED_FILE, DENIED, versions

_PACKAGES = ("sklearn", "numpy", "scipy", "functools")
# No name may come from a module or be a class of these kinds: files, tests, foreign code,
# processes, and scipy's distributions (their `__setstate__` execs their state).
_DENY_SEGMENTS = frozenset({"io", "os", "posix", "subprocess", "operator", "builtins", "pickle",
                            "shelve", "importlib", "runpy", "code", "logging", "stats",
                            "datasets", "f2py", "distutils", "LowLevelCallable"})  # fmt: skip
_DENY_WORDS = ("test", "memmap", "npyio", "datasource", "_distn", "ctypes")


def _resolve(name: str) -> Any:
    module, _, attribute = name.rpartition(".")
    return getattr(importlib.import_module(module), attribute)


@pytest.mark.parametrize("name", sorted(allowed_types()))
def test_each_allowed_name_is_a_class_or_function_of_a_model_library(name):
    found = _resolve(name)
    # numpy's functions are dispatchers wrapping the Python function.
    function = inspect.isfunction(inspect.unwrap(found))
    assert inspect.isclass(found) or function, f"{name} is {type(found)}"
    assert found.__module__.split(".")[0] in _PACKAGES, (name, found.__module__)
    segments = name.split(".")
    assert segments[0] in _PACKAGES, name
    assert not _DENY_SEGMENTS.intersection(segments), name
    assert not any(word in name.lower() for word in _DENY_WORDS), name
    assert name not in DENIED


def test_the_allow_list_is_named_types_only():
    # No package-wide rule: a class of a trusted package that is not listed is refused, the
    # scipy distribution of issue 17 among them.
    text = ALLOWED_FILE.read_text()
    assert "*" not in text
    assert "scipy.stats._continuous_distns.norm_gen" not in allowed_types()
    assert "sklearn.neighbors._kd_tree.KDTree" not in allowed_types()


def _frame() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=120),
            "n": rng.integers(0, 4, 120).astype(float),
            "colour": rng.choice(["red", "green", "blue"], 120),
        }
    )
    frame.loc[::17, "n"] = np.nan
    return frame, (frame["x"] > 0).astype(int).to_numpy()


def _products() -> list[tuple[str, Any, Any]]:
    frame, y = _frame()
    X = frame[["x"]].assign(z=frame["x"] ** 2).to_numpy()
    columns = ColumnTransformer(
        [
            ("num", make_pipeline(SimpleImputer(), StandardScaler()), ["x", "n"]),
            ("cat", OneHotEncoder(handle_unknown="ignore"), ["colour"]),
        ]
    )
    ordinal = ColumnTransformer([("cat", OrdinalEncoder(), ["colour"])], remainder="passthrough")
    return [
        ("lr", LogisticRegression().fit(X, y), X),
        ("scaled-lr", make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y), X),
        ("linear", LinearRegression().fit(X, X[:, 0]), X),
        ("tree", DecisionTreeClassifier(max_depth=3).fit(X, y), X),
        ("rf", RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y), X),
        ("rf-r", RandomForestRegressor(n_estimators=5, random_state=0).fit(X, X[:, 1]), X),
        ("gb", GradientBoostingClassifier(n_estimators=5).fit(X, y), X),
        ("gb-r", GradientBoostingRegressor(n_estimators=5).fit(X, X[:, 1]), X),
        ("hgb", HistGradientBoostingClassifier(max_iter=5).fit(X, y), X),
        ("hgb-r", HistGradientBoostingRegressor(max_iter=5).fit(X, X[:, 1]), X),
        ("columns", make_pipeline(columns, LogisticRegression()).fit(frame, y), frame),
        (
            "categorical-hgb",
            make_pipeline(
                ordinal, HistGradientBoostingClassifier(categorical_features=[0], max_iter=5)
            ).fit(frame, y),
            frame,
        ),
    ]


@pytest.mark.parametrize("name", [name for name, _, _ in _products()])
def test_every_model_the_product_saves_loads_and_predicts_alike(tmp_path, name):
    _, model, X = next(item for item in _products() if item[0] == name)
    folder = tmp_path / name
    info = save_model(folder, model, X)
    loaded, _ = load_model(folder, expected_sha256=info.sha256)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_a_model_needing_a_denied_type_is_refused_unless_the_caller_trusts_it(tmp_path):
    from sklearn.neighbors import KNeighborsClassifier

    X = np.random.default_rng(0).random((60, 2))
    model = KNeighborsClassifier(algorithm="kd_tree").fit(X, X[:, 0] > 0.5)
    save_model(tmp_path / "knn", model)
    with pytest.raises(MLOpsError, match=r"sklearn\.neighbors\._kd_tree\.KDTree"):
        load_model(tmp_path / "knn")
    trusted = [
        "sklearn.neighbors._kd_tree.KDTree",
        "sklearn.metrics._dist_metrics.EuclideanDistance64",
    ]
    loaded, _ = load_model(tmp_path / "knn", trusted=trusted)
    assert (loaded.predict(X) == model.predict(X)).all()


def _recorded_versions() -> dict[str, str]:
    for line in ALLOWED_FILE.read_text().splitlines():
        if line.startswith("# versions: "):
            return dict(item.split("=", 1) for item in line[len("# versions: ") :].split())
    return {}


@pytest.mark.slow
@pytest.mark.timeout(900)  # fits every estimator: 16 s alone, minutes beside other tests
def test_the_checked_in_list_is_what_the_generator_makes():
    if _recorded_versions() != versions():
        pytest.skip(f"the list was generated on {_recorded_versions()}, this is {versions()}")
    done = subprocess.run(
        [sys.executable, "-m", "jupyter_mlops.model_format.allowlist_gen", "--check"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
