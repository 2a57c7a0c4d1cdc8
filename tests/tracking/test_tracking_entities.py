"""How the store builds `Run`s for a page: each run's keyed values in key order, the
environment decoded when read, and the same `Run` the dataclass's own constructor makes."""

from __future__ import annotations

import dataclasses
import json
import pickle

import pytest

from jupyter_mlops.core.store import get_database
from jupyter_mlops.tracking.entities import JsonObject, Run
from jupyter_mlops.tracking.entity_rows import new_run
from jupyter_mlops.tracking.store import TrackingStore


@pytest.fixture
def store(db_url, mlops_store):
    return TrackingStore(get_database(), mlops_store)


def test_a_json_object_is_decoded_once_when_read_and_equals_its_dict():
    text = json.dumps({"python": "3.11", "numpy": 2})
    lazy = JsonObject(text)
    assert lazy._decoded is None  # not decoded by being built
    assert lazy == {"python": "3.11", "numpy": "2"}  # values as text, as the store gives them
    assert {"python": "3.11", "numpy": "2"} == lazy  # noqa: SIM300 (the dict on the left)
    assert dict(lazy) == {"python": "3.11", "numpy": "2"} and len(lazy) == 2
    assert lazy["numpy"] == "2" and "python" in lazy and "torch" not in lazy
    assert repr(lazy) == repr({"python": "3.11", "numpy": "2"})
    assert pickle.loads(pickle.dumps(lazy)) == lazy
    assert JsonObject("{}") == {}


def _fields(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {item.name: None for item in dataclasses.fields(Run)}
    values.update(run_id="a" * 32, experiment_id="1", name="n", status="FINISHED")
    values.update(environment={}, params={"lr": "0.1"}, metrics={}, tags={})
    values.update(changes)
    return values


def test_new_run_is_the_dataclass_run_and_needs_every_field():
    assert new_run(_fields()) == Run(**_fields())  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        new_run(_fields()).name = "other"  # type: ignore[misc]
    missing = _fields()
    del missing["tags"]
    with pytest.raises(TypeError, match="tags"):
        new_run(missing)
    with pytest.raises(TypeError, match="colour"):
        new_run(_fields(colour="red"))


def test_a_page_gives_each_run_its_keys_in_order_and_its_environment(store):
    experiment = store.get_or_create_experiment("order")
    params = {"zeta": "1", "alpha": "2", "Mid": "3", "beta": "4"}
    tags = {"z": "1", "a": "2"}
    environment = {"python": "3.11.7", "kernel": "ipykernel 6"}
    created = store.create_run(
        experiment.experiment_id, params=params, tags=tags, environment=environment
    )
    store.create_run(experiment.experiment_id)  # a run without params, tags or environment
    store.log_metric_points(
        [(created.run_id, key, 1.0, 0, 1) for key in ("loss", "acc", "Zed", "beta")]
    )
    runs = store.search_runs([experiment.experiment_id], max_results=10).runs
    found = next(run for run in runs if run.run_id == created.run_id)
    assert list(found.params) == sorted(params) and found.params == params
    assert list(found.tags) == sorted(tags)
    assert list(found.metrics) == sorted(["loss", "acc", "Zed", "beta"])
    assert found.environment == environment
    assert found == store.get_run(created.run_id)
    bare = next(run for run in runs if run.run_id != created.run_id)
    assert bare.params == {} and bare.metrics == {} and bare.environment == {}
    assert bare.params is not found.params


def test_a_run_started_with_more_params_than_one_insert_holds_keeps_them_all(store):
    # PostgreSQL writes a new run's params as multi-row INSERTs of at most 1,000 rows.
    experiment = store.get_or_create_experiment("wide")
    params = {f"p{index:04d}": str(index) for index in range(2_345)}
    tags = {"a": "1", "b": "2"}
    run = store.create_run(experiment.experiment_id, params=params, tags=tags)
    assert run.params == params
    stored = store.get_run(run.run_id)
    assert stored.params == params and stored.tags == tags
    found = store.search_runs([experiment.experiment_id], "params.p2344 = '2344'").runs
    assert [r.run_id for r in found] == [run.run_id]
