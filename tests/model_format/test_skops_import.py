"""`model_format.skops_import`: skops trusts exactly the same names whether its trust lists are
built at import or read from the cache, a model loads the same either way, and a cache that is
not ours is ignored. Each import in a fresh interpreter (skops' lists are module globals)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from jupyter_mlops.model_format.sklearn_folder import save_model

PROBE = """
import json, sys
from pathlib import Path
from jupyter_mlops.model_format.skops_import import skops_io, trust_lists
from jupyter_mlops.model_format.sklearn_folder import load_model
io = skops_io(Path(sys.argv[1]))
import skops.io._general as general
estimator, _info = load_model(Path(sys.argv[2]))
print(json.dumps({
    "lists": trust_lists(sys.modules["skops.io._trusted_types"]),
    "default": sorted(general.SKLEARN_ESTIMATOR_TYPE_NAMES + general.SCIPY_UFUNC_TYPE_NAMES),
    "all_estimators_ran": "sklearn.utils._testing" in sys.modules,
    "prediction": estimator.predict_proba([[0.5, -1.0]]).tolist(),
}))
"""


def _probe(data_dir: Path, model: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(data_dir), str(model)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_cached_trust_lists_equal_skops_own_and_a_foreign_cache_is_ignored(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    model = tmp_path / "model"
    save_model(model, LogisticRegression().fit(X, X[:, 0] > 0), X)
    data_dir = tmp_path / "data"
    built = _probe(data_dir, model)  # no cache yet: skops builds its lists, and we keep them
    (cache,) = (data_dir / "cache").iterdir()
    assert json.loads(cache.read_text()) == built["lists"]
    assert built["all_estimators_ran"]
    assert len(built["lists"]["SKLEARN_ESTIMATOR_TYPE_NAMES"]) > 100

    read = _probe(data_dir, model)  # the cache: same names, without walking scikit-learn
    assert read["lists"] == built["lists"]
    assert read["default"] == built["default"]
    assert not read["all_estimators_ran"]
    assert read["prediction"] == built["prediction"]

    cache.write_text(json.dumps({"SKLEARN_ESTIMATOR_TYPE_NAMES": [1, 2]}))  # not ours
    again = _probe(data_dir, model)
    assert again["all_estimators_ran"] and again["lists"] == built["lists"]
    assert json.loads(cache.read_text()) == built["lists"]  # rewritten
