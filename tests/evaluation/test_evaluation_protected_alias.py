"""A protected alias moves with passing gates where the model's gates say they suffice (issue
23: "moving one needs an approval ... or passing gates where the model says so"), on a real
server with a real endpoint process and scikit-learn's bundled breast cancer set."""

from __future__ import annotations

from pathlib import Path

import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import jupyter_mlops as mlops
from jupyter_mlops.core.errors import MLOpsError
from jupyter_mlops.serving.api import get_registry
from tests.support.rest import call

pytestmark = [pytest.mark.capabilities("evaluation"), pytest.mark.timeout(600)]


@pytest.mark.slow
async def test_protected_alias_moves_on_passed_gates_only_where_they_suffice(
    jp_fetch, tmp_path: Path
) -> None:
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, random_state=0)
    for c in (1.0, 0.5, 0.25):
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000, C=c))
        mlops.register_model(model.fit(X_train, y_train), "cancer", X=X_train)
    mlops.set_model_alias("cancer", "champion", 1)
    get_registry().update_model("cancer", tags={"mlops.protected_aliases": "champion"})
    holdout = tmp_path / "holdout.parquet"
    X_test.assign(target=y_test.to_numpy()).to_parquet(holdout)
    await call(jp_fetch, "POST", "endpoints", body={"model": "cancer@champion"})
    gates = {"holdout": str(holdout), "target": "target", "metric": "roc_auc", "tolerance": 0.02}
    await call(jp_fetch, "PUT", "evaluation", "models", "cancer", "gates", body=gates)

    # Gates pass, but the model does not say they suffice: the protected alias stays.
    body = {"endpoint": "cancer", "version": 2, "mode": "promote", "wait": True}
    run = await call(jp_fetch, "POST", "evaluation", "gate-runs", body=body)
    assert run["status"] == "error" and "protected" in run["message"], run
    assert (await call(jp_fetch, "GET", "endpoints", "cancer"))["serving_version"] == 1

    # They suffice: the same passed gates move champion to v2 without an approval.
    await call(jp_fetch, "PUT", "evaluation", "models", "cancer", "gates",
               body={**gates, "gates_suffice": True})  # fmt: skip
    run = await call(jp_fetch, "POST", "evaluation", "gate-runs", body=body)
    assert run["status"] == "promoted", run
    assert (await call(jp_fetch, "GET", "endpoints", "cancer"))["serving_version"] == 2

    # A version no gate run passed still needs an approval.
    with pytest.raises(MLOpsError) as refused:
        mlops.set_model_alias("cancer", "champion", 3)
    assert refused.value.field == "alias"
    await call(jp_fetch, "DELETE", "endpoints", "cancer")
