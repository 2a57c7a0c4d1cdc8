"""The search syntax: what parses, what it means, and errors that name the bad token."""

from __future__ import annotations

import pytest

from jupyter_mlops.core.errors import MLOpsError
from jupyter_mlops.core.store import get_database
from jupyter_mlops.tracking.entities import Metric
from jupyter_mlops.tracking.search_syntax import (
    BoolOp,
    Comparison,
    Identifier,
    parse_filter,
    parse_order_by,
)
from jupyter_mlops.tracking.store import TrackingStore


def test_blank_filters_mean_no_filter():
    assert parse_filter(None) is None
    assert parse_filter("   ") is None


def test_mlflow_style_filter():
    node = parse_filter("params.lr = '0.1' and metrics.acc > 0.9")
    assert isinstance(node, BoolOp) and node.op == "AND"
    first, second = node.clauses
    assert first == Comparison(Identifier("param", "lr"), "=", "0.1")
    assert isinstance(second, Comparison)
    assert second.identifier == Identifier("metric", "acc") and second.op == ">"
    assert second.value == 0.9


@pytest.mark.parametrize(
    ("text", "identifier"),
    [
        ("metric.acc = 1", Identifier("metric", "acc")),
        ("param.lr = 'x'", Identifier("param", "lr")),
        ("tag.team = 'x'", Identifier("tag", "team")),
        ("attributes.status = 'FAILED'", Identifier("attribute", "status")),
        ("attr.run_name = 'x'", Identifier("attribute", "run_name")),
        ("run.start_time > 5", Identifier("attribute", "start_time")),
        ("status = 'FAILED'", Identifier("attribute", "status")),
        ("tags.`model type` = 'rf'", Identifier("tag", "model type")),
        ("params.\"learning rate\" = '1'", Identifier("param", "learning rate")),
        ("metrics.val.acc > 0", Identifier("metric", "val.acc")),
        ("metrics.train/loss < 1", Identifier("metric", "train/loss")),
    ],
)
def test_identifier_forms(text, identifier):
    node = parse_filter(text)
    assert isinstance(node, Comparison)
    assert node.identifier == identifier


@pytest.mark.parametrize(
    ("text", "op"),
    [
        ("metrics.a == 1", "="),
        ("metrics.a <> 1", "!="),
        ("metrics.a != 1", "!="),
        ("metrics.a <= 1", "<="),
        ("metrics.a >= 1", ">="),
        ("tags.a like 'x%'", "LIKE"),
        ("tags.a ILIKE 'x%'", "ILIKE"),
        ("tags.a NOT LIKE 'x%'", "NOT LIKE"),
        ("tags.a IN ('x', 'y')", "IN"),
        ("tags.a not in ('x')", "NOT IN"),
        ("tags.a IS NULL", "IS NULL"),
        ("tags.a is not null", "IS NOT NULL"),
    ],
)
def test_operators(text, op):
    node = parse_filter(text)
    assert isinstance(node, Comparison) and node.op == op


def test_strings_numbers_and_escapes():
    assert parse_filter("tags.a = 'it''s'").value == "it's"  # type: ignore[union-attr]
    assert parse_filter('tags.a = "say \\"hi\\""').value == 'say "hi"'  # type: ignore[union-attr]
    assert parse_filter("metrics.a > -1.5e-3").value == -0.0015  # type: ignore[union-attr]
    assert parse_filter("metrics.a > .5").value == 0.5  # type: ignore[union-attr]
    assert parse_filter("tags.a IN ('x', 'y, z')").value == ("x", "y, z")  # type: ignore[union-attr]


def test_and_binds_tighter_than_or_and_parentheses_group():
    node = parse_filter("metrics.a > 1 or metrics.b > 1 and metrics.c > 1")
    assert isinstance(node, BoolOp) and node.op == "OR"
    assert isinstance(node.clauses[1], BoolOp) and node.clauses[1].op == "AND"
    grouped = parse_filter("(metrics.a > 1 or metrics.b > 1) and metrics.c > 1")
    assert isinstance(grouped, BoolOp) and grouped.op == "AND"


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("metrics.acc >", "at the end"),
        ("metrics.acc > 'high'", "'high'"),
        ("metrics.acc ~ 1", "'~'"),
        ("metrics.acc >> 1", "'>'"),
        ("foo = 1", "'foo'"),
        ("attributes.colour = 'red'", "'attributes.colour'"),
        ("stats.acc > 1", "'stats.acc'"),
        ("tags.a = 'open", "unterminated"),
        ("(metrics.a > 1", "')'"),
        ("metrics.a > 1)", "')'"),
        ("metrics.a > 1 xor metrics.b > 1", "'xor'"),
        ("metrics.a > 1 and", "at the end"),
        ("and metrics.a > 1", "'and'"),
        ("metrics.a LIKE '%1'", "LIKE"),
        ("tags.a IN 'x'", "'x'"),
        ("tags.a IN ('x',)", "')'"),
        ("tags.a IS 'x'", "NULL"),
        ("status = 'DONE'", "'DONE'"),
        ("git_dirty = 'maybe'", "'maybe'"),
        ("metrics.a > 1 @", "'@'"),
        ("metrics.`` > 1", "empty key"),
        ("start_time > 'yesterday'", "'yesterday'"),
    ],
)
def test_malformed_filters_name_the_bad_token(text, names):
    with pytest.raises(MLOpsError) as error:
        parse_filter(text)
    assert error.value.field == "filter"
    assert names in error.value.message
    assert "\n" not in error.value.message


def test_order_by_clauses():
    clauses = parse_order_by(["metrics.acc DESC", "params.lr", "start_time asc, name desc"])
    assert [(c.identifier.key, c.ascending) for c in clauses] == [
        ("acc", False), ("lr", True), ("start_time", True), ("name", False),
    ]  # fmt: skip
    assert parse_order_by(["tags.`a, b` DESC"])[0].identifier.key == "a, b"


@pytest.mark.parametrize(
    ("clause", "names"),
    [
        ("metrics.acc upward", "'upward'"),
        ("metrics.acc DESC extra", "'extra'"),
        ("colour", "'colour'"),
        ("DESC", "'DESC'"),
    ],
)
def test_bad_order_by_names_the_token(clause, names):
    with pytest.raises(MLOpsError) as error:
        parse_order_by([clause])
    assert error.value.field == "order_by"
    assert names in error.value.message


def test_numbers_compared_with_params_mean_their_text(mlops_store):
    store = TrackingStore(get_database(), mlops_store)
    experiment = store.get_or_create_experiment("e")
    run = store.create_run(experiment.experiment_id, params={"lr": "0.10", "depth": "3"})
    store.log_batch(run.run_id, metrics=[Metric("acc", 3, 0, 1)])
    assert store.search_runs(None, "params.lr = 0.10").total == 1
    assert store.search_runs(None, "params.lr = 0.1").total == 0
    assert store.search_runs(None, "params.depth IN (3, 4)").total == 1
    assert store.search_runs(None, "metrics.acc IN (3, 4)").total == 1
    assert store.search_runs(None, f"run_id = '{run.run_id}' and git_dirty IS NULL").total == 1
