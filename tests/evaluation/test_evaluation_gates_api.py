"""Gated promotion through the Python API, in this process (no Jupyter server): a check that
does not promote, a refusal, an audited override, and the drift loop's proposal (promoted with
`auto_promote`, else an approval request). Data: scikit-learn's breast cancer dataset; the group
column `size_band` is derived from `mean radius` (a slice, not a protected attribute)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

import jupyter_mlops as mlops
from jupyter_mlops.core.errors import MLOpsError
from jupyter_mlops.core.store import get_database
from jupyter_mlops.core.team import approvals, audit
from jupyter_mlops.serving.api import get_registry
from jupyter_mlops.serving.model_uri import ModelRef
from tests.support.ports import free_port


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """v1 (logistic) behind `cancer@champion` on an endpoint record (no process: promotion
    moves the alias, which a running endpoint would follow); v2 a stump (worse); v3, v4 good."""
    monkeypatch.delenv("JUPYTER_MLOPS_SERVER_URL", raising=False)
    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    band = np.where(X["mean radius"] > X["mean radius"].median(), "large", "small")
    X_train, X_test, y_train, y_test, _b, band_test = train_test_split(
        X, y, band, test_size=0.4, random_state=0, stratify=y
    )
    logistic = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    for model in (
        logistic.fit(X_train, y_train),
        DecisionTreeClassifier(max_depth=1, random_state=0).fit(X_train, y_train),
        make_pipeline(StandardScaler(), LogisticRegression(C=0.5, max_iter=1000)).fit(
            X_train, y_train
        ),
        make_pipeline(StandardScaler(), LogisticRegression(C=0.7, max_iter=1000)).fit(
            X_train, y_train
        ),
    ):
        mlops.register_model(model, "cancer", X=X_train)
    mlops.set_model_alias("cancer", "champion", 1)
    get_registry().create_endpoint(
        "cancer", ModelRef("cancer", alias="champion"), "127.0.0.1", free_port()
    )
    holdout = tmp_path / "holdout.csv"
    X_test.assign(target=y_test.to_numpy(), size_band=band_test).to_csv(holdout, index=False)
    mlops.set_gates(
        "cancer", holdout=str(holdout), target="target", metric="roc_auc", tolerance=0.01,
        slices=["size_band"], max_slice_drop=0.05,
    )  # fmt: skip
    return str(holdout)


def test_check_refuse_then_override_is_audited(served: str) -> None:
    checked = mlops.check_gates("cancer", 2)
    assert checked.status == "failed" and "holdout_metric" in checked.failed
    assert mlops.get_model_version("cancer", alias="champion").version == 1

    with pytest.raises(MLOpsError) as refused:
        mlops.promote("cancer", 2, gates=True)
    assert refused.value.field == "gates" and "holdout_metric" in refused.value.message
    assert mlops.get_model_version("cancer", alias="champion").version == 1

    overridden = mlops.promote("cancer", 2, gates=True, override=True)
    assert overridden.status == "overridden" and overridden.failed == checked.failed
    assert "audited" in overridden.message
    assert mlops.get_model_version("cancer", alias="champion").version == 2
    entries = audit.query(get_database(), action="gates.override").entries
    assert len(entries) == 1 and entries[0].object_id == "cancer"


def test_drift_loop_proposal_promotes_with_auto_promote_else_asks(served: str) -> None:
    pending = mlops.propose_promotion("cancer", 3)
    assert pending.status == "pending" and pending.failed == []
    assert pending.message is not None
    assert "auto_promote" in pending.message and "approval request" in pending.message
    with get_database().session() as session:
        asked = approvals.list_requests(session, "cancer", "pending")
    assert [(a.alias, a.version) for a in asked] == [("champion", 3)]
    assert mlops.get_model_version("cancer", alias="champion").version == 1

    spec = mlops.get_gates("cancer")
    assert spec is not None
    mlops.set_gates("cancer", **{**spec.model_dump(), "auto_promote": True})
    promoted = mlops.propose_promotion("cancer", 4)
    assert promoted.status == "promoted"
    assert mlops.get_model_version("cancer", alias="champion").version == 4

    worse = mlops.propose_promotion("cancer", 2)
    assert worse.status == "pending" and "holdout_metric" in worse.failed
    assert mlops.get_model_version("cancer", alias="champion").version == 4


def test_a_model_without_gates_and_bad_specs_are_refused(served: str) -> None:
    mlops.register_model(LogisticRegression().fit(pd.DataFrame({"a": [0.0, 1.0]}), [0, 1]), "other")
    get_registry().create_endpoint("other", ModelRef("other", version=1), "127.0.0.1", free_port())
    with pytest.raises(MLOpsError) as missing:
        mlops.promote("other", 1, gates=True)
    assert missing.value.field == "gates"
    with pytest.raises(Exception) as bad:
        mlops.set_gates("cancer", tolerance=-1)
    assert "tolerance" in str(bad.value)
