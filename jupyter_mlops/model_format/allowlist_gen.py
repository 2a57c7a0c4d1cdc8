"""Regenerate `allowed_types.txt`: `python -m jupyter_mlops.model_format.allowlist_gen [--check]`.

The allow-list is what a model file may construct beyond skops' own per-node defaults. It is
found, not guessed: every estimator scikit-learn lists (`all_estimators()`) that fits with its
default parameters is fitted on small data (a classifier twice: two and three classes), and so
are the pipelines and meta-estimators the product itself saves; each is dumped with skops and
`get_untrusted_types` says what skops would refuse. The union, minus `DENIED` (types we choose
to refuse: their content is indexed without bounds checks and no check here covers them), is
written with the library versions it came from.

The file is checked in and reviewed like code: a new name in a diff is a class that a model
file can now build. `--check` exits 1 when the file differs from what this installation
generates (`tests/model_format/test_model_allowlist.py` runs it when the versions match).
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

ALLOWED_FILE = Path(__file__).with_name("allowed_types.txt")
VERSIONED = ("scikit-learn", "skops", "numpy", "scipy")
# Found by fitting, but refused: compiled code follows their index arrays (neighbour trees'
# `idx_array`/`node_data`, a B-spline's knots and degree set without `__init__`'s checks)
# without bounds checks, and no check of ours covers them (see trust.py). A model needing one
# is left out of the collection, so the types only it needs are not listed either. Whoever
# made such a file can still pass the names in `trusted`.
DENIED = frozenset(
    {
        "sklearn.neighbors._ball_tree.BallTree",
        "sklearn.neighbors._kd_tree.KDTree",
        "scipy.interpolate._bsplines.BSpline",
    }
)


def versions() -> dict[str, str]:
    """The versions of the libraries whose classes the list names."""
    return {package: metadata.version(package) for package in VERSIONED}


def _data() -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    X = rng.random((60, 4))
    frame = pd.DataFrame(
        {
            "x": rng.random(60),
            "n": rng.integers(0, 5, 60),
            "colour": rng.choice(["red", "green", "blue"], 60),
        }
    )
    return {
        "X": X,
        "y2": (X[:, 0] > 0.5).astype(int),
        "y3": (X[:, 0] * 3).astype(int),
        "yr": X @ np.array([1.0, -2.0, 0.5, 3.0]),
        "frame": frame,
        "yf": (frame["x"] > 0.5).astype(int).to_numpy(),
    }


def _listed_estimators(data: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Each estimator scikit-learn lists, fitted with default parameters where that works."""
    from sklearn.utils.discovery import all_estimators

    classifiers = {name for name, _ in all_estimators(type_filter="classifier")}
    regressors = {name for name, _ in all_estimators(type_filter="regressor")}
    for name, cls in all_estimators():
        targets: list[Any]
        supervised = name in classifiers or name in regressors
        if name in classifiers:
            targets = [data["y2"], data["y3"]]
        elif name in regressors:
            targets = [data["yr"]]
        else:
            targets = [data["y2"], None]
        for y in targets:
            try:
                estimator = cls()
                if y is None:
                    estimator.fit(data["X"])
                else:
                    estimator.fit(data["X"], y)
            except Exception:  # needs parameters or other data: the product's list covers it
                continue
            yield name, estimator
            if not supervised:  # fitted with y: no need to try without
                break


def _product_models(data: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """What the product's own tests, notebooks and examples save, and common compositions."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
    from sklearn.ensemble import (
        GradientBoostingClassifier,
        GradientBoostingRegressor,
        HistGradientBoostingClassifier,
        HistGradientBoostingRegressor,
        RandomForestClassifier,
        StackingClassifier,
        VotingClassifier,
    )
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LinearRegression, LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
    from sklearn.tree import DecisionTreeClassifier

    X, y2, y3, yr = data["X"], data["y2"], data["y3"], data["yr"]
    frame, yf = data["frame"], data["yf"]
    columns = ColumnTransformer(
        [
            ("num", make_pipeline(SimpleImputer(), StandardScaler()), ["x", "n"]),
            ("cat", OneHotEncoder(handle_unknown="ignore"), ["colour"]),
        ]
    )
    yield "column pipeline", make_pipeline(columns, LogisticRegression()).fit(frame, yf)
    ordinal = ColumnTransformer([("cat", OrdinalEncoder(), ["colour"])], remainder="passthrough")
    hgb = HistGradientBoostingClassifier(categorical_features=[0], max_iter=5)
    yield "categorical hgb", make_pipeline(ordinal, hgb).fit(frame, yf)
    yield "hgb 3", HistGradientBoostingClassifier(max_iter=5).fit(X, y3)
    yield "hgb r", HistGradientBoostingRegressor(max_iter=5).fit(X, yr)
    for loss in ("squared_error", "absolute_error", "huber", "quantile"):
        yield f"gb {loss}", GradientBoostingRegressor(loss=loss, n_estimators=3).fit(X, yr)
    yield "gb 3", GradientBoostingClassifier(n_estimators=3).fit(X, y3)
    yield "gb exp", GradientBoostingClassifier(loss="exponential", n_estimators=3).fit(X, y2)
    yield "rf", RandomForestClassifier(n_estimators=3, random_state=0).fit(X, y2)
    yield "scaled lr", make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y3)
    yield (
        "voting",
        VotingClassifier([("lr", LogisticRegression()), ("tree", DecisionTreeClassifier())])
        .fit(X, y2),
    )  # fmt: skip
    yield (
        "stacking",
        StackingClassifier([("tree", DecisionTreeClassifier())], LogisticRegression()).fit(X, y2),
    )
    yield "calibrated", CalibratedClassifierCV(LogisticRegression()).fit(X, y2)
    yield "ovr", OneVsRestClassifier(LogisticRegression()).fit(X, y3)
    yield (
        "target",
        TransformedTargetRegressor(LinearRegression(), transformer=StandardScaler()).fit(X, yr),
    )


def collect(report: Callable[[str], None] = lambda line: None) -> list[str]:
    """The sorted names skops refuses by default across the fitted models that need no `DENIED`
    type."""
    import skops.io
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped,unused-ignore]

    data = _data()
    found: dict[str, str] = {}
    # One thread each for OpenMP and BLAS: the data is 60 rows, and on a busy machine their
    # threads wait on one another (t-SNE, LogisticRegressionCV and the histogram boosters took
    # 40 s of the run beside other work, 3 s on one thread). The types found do not depend on it.
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        warnings.simplefilter("ignore")
        for source in (_listed_estimators(data), _product_models(data)):
            for label, estimator in source:
                try:
                    dumped = skops.io.dumps(estimator)
                except Exception as exc:  # skops cannot save it: no file of it can exist
                    report(f"skipped {label}: {type(exc).__name__}")
                    continue
                needed = skops.io.get_untrusted_types(data=dumped)
                if DENIED.intersection(needed):
                    report(f"left out {label}: needs {sorted(DENIED.intersection(needed))}")
                    continue
                for name in needed:
                    found.setdefault(name, label)
    for name, label in sorted(found.items()):
        report(f"{name}  (first needed by {label})")
    return sorted(found)


def render(names: list[str]) -> str:
    """The file's text: a header with the versions, then one name a line."""
    header = [
        "# Types a model file may construct beyond skops' own defaults (see trust.py).",
        "# Generated by `python -m jupyter_mlops.model_format.allowlist_gen`; review each",
        "# added line like code: it is a class a model file can now build.",
        "# versions: " + " ".join(f"{k}={v}" for k, v in versions().items()),
    ]
    return "\n".join(header + names) + "\n"


def main(argv: list[str]) -> int:
    """Write the file, or with `--check` compare it; `-v` prints where each name came from."""
    verbose = "-v" in argv
    text = render(collect(print if verbose else lambda line: None))
    if "--check" in argv:
        if ALLOWED_FILE.read_text() != text:
            print(f"{ALLOWED_FILE} differs from what this installation generates:\n{text}")
            return 1
        return 0
    ALLOWED_FILE.write_text(text)
    print(f"wrote {ALLOWED_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
