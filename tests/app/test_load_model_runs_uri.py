"""`mlops.load_model("runs:/RUN/FOLDER")`: the public way to load a run's logged model, the code
the run page's "Load this model" snippet shows (issue 19)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import jupyter_mlops as mlops
from jupyter_mlops.core.errors import MLOpsError


def test_a_runs_uri_loads_the_logged_model_unregistered():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=50), "b": rng.normal(size=50)})
    y = (X["a"] > 0).astype(int).to_numpy()
    model = LogisticRegression().fit(X, y)
    with mlops.start_run() as run:
        mlops.log_model(model, "clf", X=X)
    loaded = mlops.load_model(f"runs:/{run.run_id}/clf")
    np.testing.assert_allclose(loaded.predict_proba(X), model.predict_proba(X))
    assert mlops.list_models() == []  # loading a run's model registers nothing


def test_a_malformed_runs_uri_names_the_field():
    with pytest.raises(MLOpsError) as error:
        mlops.load_model("runs:/not-a-run/clf")
    assert error.value.field == "model_uri"
