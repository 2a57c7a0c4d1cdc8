"""Every filter operator and sort key of the runs search, and the page totals, on real SQLite
and PostgreSQL stores (the search writes its own SQL text: `tracking/search_sql.py`)."""

from __future__ import annotations

import pytest

from jupyter_mlops.core.store import get_database
from jupyter_mlops.tracking.entities import Metric, RunView
from jupyter_mlops.tracking.store import TrackingStore


@pytest.fixture
def store(db_url, mlops_store):
    return TrackingStore(get_database(), mlops_store)


@pytest.fixture
def runs(store):
    """Five runs named a..e with an `lr` param (text), a `family` tag, an `acc` metric (one
    missing, one NaN) and start times 1000, 2000, ... (e is the newest)."""
    experiment = store.get_or_create_experiment("ops")
    table = [
        ("a", "0.1", "Trees", 0.5),
        ("b", "0.01", "trees", 0.9),
        ("c", "0.1", "linear", None),
        ("d", "1e-3", "tree_x", float("nan")),
        ("e", "0.001", None, 0.7),
    ]
    for index, (name, lr, family, acc) in enumerate(table):
        tags = {} if family is None else {"family": family}
        run = store.create_run(
            experiment.experiment_id,
            name=name,
            params={"lr": lr, "depth": str(index % 2)},
            tags=tags,
            start_time=(index + 1) * 1000,
        )
        if acc is not None:
            store.log_batch(run.run_id, metrics=[Metric("acc", acc, 0, 0)])
    return experiment.experiment_id


def _names(store, experiment_id, text, order=None):
    page = store.search_runs([experiment_id], text, order or ["name"])
    assert page.total == len(page.runs)
    return [run.name for run in page.runs]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("params.lr = '0.1'", ["a", "c"]),
        ("params.lr != '0.1'", ["b", "d", "e"]),
        ("params.lr = 0.1", ["a", "c"]),  # a number means its own text
        ("params.lr IN ('0.01', '1e-3')", ["b", "d"]),
        ("params.lr NOT IN ('0.1')", ["b", "d", "e"]),
        ("params.lr < '0.1'", ["b", "e"]),
        ("tags.family LIKE 'tree%'", ["b", "d"]),  # LIKE is case-sensitive on both
        ("tags.family LIKE 'tree_'", ["b"]),
        ("tags.family NOT LIKE 'tree%'", ["a", "c"]),
        ("tags.family ILIKE 'TREE%'", ["a", "b", "d"]),
        ("tags.family NOT ILIKE 'trees'", ["c", "d"]),
        ("tags.family IS NULL", ["e"]),
        ("tags.family IS NOT NULL", ["a", "b", "c", "d"]),
        ("metrics.acc > 0.6", ["b", "e"]),
        ("metrics.acc <= 0.7", ["a", "e"]),
        ("metrics.acc IS NULL", ["c"]),  # NaN is stored as NULL, yet the key exists for d
        ("metrics.acc != 0.5", ["b", "e"]),
        ("metrics.acc IN (0.5, 0.9)", ["a", "b"]),
        ("attributes.name = 'c'", ["c"]),
        ("name IN ('a', 'e')", ["a", "e"]),
        ("name LIKE '%'", ["a", "b", "c", "d", "e"]),
        ("attributes.start_time >= 3000", ["c", "d", "e"]),
        ("attributes.start_time > 2500.5", ["c", "d", "e"]),
        ("attributes.start_time IN (1000, 5000)", ["a", "e"]),
        ("attributes.start_time < 100000000000000000000000", ["a", "b", "c", "d", "e"]),
        ("attributes.end_time IS NULL", ["a", "b", "c", "d", "e"]),
        ("attributes.git_dirty IS NULL", ["a", "b", "c", "d", "e"]),
        ("user IS NULL or user IS NOT NULL", ["a", "b", "c", "d", "e"]),  # a keyword in SQL
        ("user = 'no such user'", []),
        ("params.lr = '0.1' and tags.family = 'linear' or metrics.acc > 0.8", ["b", "c"]),
        ("params.lr = '0.1' and (tags.family = 'linear' or metrics.acc > 0.8)", ["c"]),
        ("params.missing = 'x'", []),
    ],
)
def test_each_operator_selects_the_runs_it_names(store, runs, text, names):
    assert _names(store, runs, text) == names


@pytest.mark.parametrize(
    ("order", "names"),
    [
        ([], ["e", "d", "c", "b", "a"]),  # newest first
        (["metrics.acc DESC"], ["b", "e", "a", "d", "c"]),  # missing and NaN last, newest first
        (["metrics.acc"], ["a", "e", "b", "d", "c"]),
        (["tags.family"], ["a", "c", "d", "b", "e"]),  # byte order (the tests' C locale)
        (["params.depth DESC", "metrics.acc"], ["b", "d", "a", "e", "c"]),
        (["attributes.start_time"], ["a", "b", "c", "d", "e"]),
    ],
)
def test_sort_keys_put_missing_values_last(store, runs, order, names):
    page = store.search_runs([runs], None, order)
    assert [run.name for run in page.runs] == names


def test_totals_on_full_short_and_past_the_end_pages(store, runs):
    def page(max_results, offset):
        found = store.search_runs(
            [runs], "params.depth = '0'", ["name"], max_results, offset=offset
        )
        return [run.name for run in found.runs], found.total, found.next_page_token is not None

    assert page(2, 0) == (["a", "c"], 3, True)  # full page: counted
    assert page(3, 0) == (["a", "c", "e"], 3, False)  # exactly all: counted, no next page
    assert page(2, 2) == (["e"], 3, False)  # the last page shows where the matches end
    assert page(2, 5) == ([], 3, False)  # past the end: counted
    empty = store.search_runs([runs], "params.depth = '7'")
    assert (empty.runs, empty.total, empty.next_page_token) == ([], 0, None)


def test_experiments_and_views_restrict_the_search(store, runs):
    other = store.get_or_create_experiment("other").experiment_id
    store.create_run(other, name="z")
    assert store.search_runs([], None).total == 0
    assert store.search_runs(None, "name IN ('a', 'z')").total == 2
    assert [r.name for r in store.search_runs([other, runs], "name = 'z'").runs] == ["z"]
    run_a = store.search_runs([runs], "name = 'a'").runs[0]
    store.delete_run(run_a.run_id)
    assert store.search_runs([runs], "name = 'a'").total == 0
    deleted = store.search_runs([runs], None, run_view=RunView.DELETED_ONLY)
    assert [r.name for r in deleted.runs] == ["a"]
    assert store.search_runs([runs], None, run_view=RunView.ALL).total == 5


def test_a_search_reads_while_another_process_holds_the_write_lock(mlops_store):
    """The search's driver transaction is a read (`BEGIN`, not `BEGIN IMMEDIATE`): a writer
    elsewhere holding SQLite's lock does not make it wait for the busy timeout and fail."""
    import sqlite3

    database = get_database()
    store = TrackingStore(database, mlops_store)
    experiment = store.get_or_create_experiment("locked")
    store.create_run(experiment.experiment_id, name="seen", params={"lr": "0.1"})
    path = database.engine.url.database
    assert path is not None
    writer = sqlite3.connect(path, isolation_level=None, timeout=0)
    try:
        writer.execute("BEGIN IMMEDIATE")
        page = store.search_runs([experiment.experiment_id], "params.lr = '0.1'")
        assert [run.name for run in page.runs] == ["seen"]
        assert page.total == 1
    finally:
        writer.execute("ROLLBACK")
        writer.close()
