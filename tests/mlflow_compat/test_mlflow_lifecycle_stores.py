"""The store operations behind the MLflow facade's lifecycle calls, on SQLite and PostgreSQL:
experiments deleted, restored, renamed and tagged in the tracking store; models renamed, versions
deleted and tags removed in the serving registry (rows, aliases and files together)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression

import jupyter_mlops as mlops
from jupyter_mlops.core.errors import ErrorCode, MLOpsError
from jupyter_mlops.serving.api import get_registry
from jupyter_mlops.serving.model_uri import ModelRef
from jupyter_mlops.tracking.process_client import get_client

pytestmark = pytest.mark.usefixtures("db_url")  # each test on SQLite and on PostgreSQL


def test_experiment_delete_restore_rename_and_tags() -> None:
    store = get_client().store
    experiment = store.get_or_create_experiment("lifecycle")
    eid = experiment.experiment_id
    kept = store.create_run(eid, "kept")
    alone = store.create_run(eid, "deleted-alone")
    store.delete_run(alone.run_id)
    store.set_experiment_tags(eid, {"team": "vision", "stage": "dev"})
    store.set_experiment_tags(eid, {"stage": "prod"})

    deleted = store.delete_experiment(eid)
    assert deleted.lifecycle_stage == "deleted"
    assert [e.name for e in store.list_experiments()] == []
    assert [e.name for e in store.list_experiments("deleted_only")] == ["lifecycle"]
    assert store.get_run(kept.run_id).lifecycle_stage == "deleted"
    with pytest.raises(MLOpsError):
        store.delete_experiment(eid)
    with pytest.raises(MLOpsError):
        store.rename_experiment(eid, "while-deleted")

    restored = store.restore_experiment(eid)
    assert restored.lifecycle_stage == "active"
    assert store.get_run(kept.run_id).lifecycle_stage == "active"
    assert store.get_run(alone.run_id).lifecycle_stage == "deleted"

    store.get_or_create_experiment("taken")
    with pytest.raises(MLOpsError) as info:
        store.rename_experiment(eid, "taken")
    assert info.value.code is ErrorCode.CONFLICT
    assert store.rename_experiment(eid, "renamed").name == "renamed"
    assert store.get_experiment_by_name("lifecycle") is None
    assert store.get_run(kept.run_id).experiment_id == eid

    assert store.get_experiment_tags([eid]) == {eid: {"stage": "prod", "team": "vision"}}
    store.delete_experiment_tag(eid, "team")
    with pytest.raises(MLOpsError) as info:
        store.delete_experiment_tag(eid, "team")
    assert info.value.code is ErrorCode.NOT_FOUND
    assert store.get_experiment_tags([eid, "0"]) == {eid: {"stage": "prod"}}
    with pytest.raises(MLOpsError):
        store.set_experiment_tags(eid, {"bad\nkey": "v"})


def test_registry_rename_delete_version_and_tags() -> None:
    X = np.array([[0.0], [1.0], [2.0]])
    estimator = LinearRegression().fit(X, [0.0, 2.0, 4.0])
    mlops.register_model(estimator, "before", X=X, tags={"a": "1", "b": "2"})
    mlops.register_model(estimator, "before", X=X, tags={"v": "x"})
    registry = get_registry()
    registry.set_alias("before", "champion", 1)
    registry.update_model("before", tags={"team": "risk", "tier": "gold"})

    model = registry.rename_model("before", "after")
    assert (model.name, model.aliases, model.latest_version) == ("after", {"champion": 1}, 2)
    with pytest.raises(MLOpsError) as info:
        registry.get_model("before")
    assert info.value.code is ErrorCode.NOT_FOUND
    first = registry.get_version(ModelRef("after", alias="champion"))
    assert first.version == 1 and Path(first.storage_location).parent.name == "after"
    assert registry.load(first)[0].predict([[3.0]])[0] == pytest.approx(6.0)
    assert not (registry.models_root / "before").exists()

    mlops.register_model(estimator, "other", X=X)
    with pytest.raises(MLOpsError) as info:
        registry.rename_model("after", "other")
    assert info.value.code is ErrorCode.CONFLICT
    with pytest.raises(MLOpsError) as info:
        registry.rename_model("after", "bad name!")
    assert info.value.field == "new_name"

    registry.delete_model_tag("after", "tier")
    assert registry.get_model("after").tags == {"team": "risk"}
    registry.delete_version_tag("after", 1, "a")
    assert registry.get_version(ModelRef("after", version=1)).tags == {"b": "2"}
    with pytest.raises(MLOpsError) as info:
        registry.delete_version_tag("after", 1, "a")
    assert (info.value.code, info.value.field) == (ErrorCode.NOT_FOUND, "key")

    registry.create_endpoint("ep", ModelRef("after", version=1), "127.0.0.1", 9)
    with pytest.raises(MLOpsError) as info:
        registry.delete_version("after", 1)
    assert info.value.code is ErrorCode.CONFLICT and "ep" in info.value.message
    registry.delete_version("after", 2)  # the endpoint serves 1, not 2
    registry.delete_endpoint("ep")
    registry.delete_version("after", 1)
    assert not Path(first.storage_location).exists()
    assert registry.list_versions("after") == []
    assert registry.get_model("after").aliases == {}
    # Numbers of deleted versions are never given again (as in MLflow's registry); the new
    # version gets a fresh folder and its own training profile.
    again = mlops.register_model(estimator, "after", X=X[:2])
    assert again.version == 3 and again.content_hash
    assert registry.load(again)[0].predict([[1.0]])[0] == pytest.approx(2.0)
    assert again.training_profile is not None
    assert mlops.load_profile(again.training_profile).n_rows == 2
