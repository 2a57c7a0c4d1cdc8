"""Cron schedules in words and their firing times; parameter types read from a notebook."""

from __future__ import annotations

from datetime import datetime, timezone

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from jupyter_mlops.core.errors import MLOpsError
from jupyter_mlops.jobs.parameters import check_parameters, inspect_parameters, parse_text
from jupyter_mlops.jobs.schedule import check_cron, describe, due_firings, next_times


@pytest.mark.parametrize(
    ("cron", "words"),
    [
        ("0 2 * * *", "every day at 02:00"),
        ("@daily", "every day at 00:00"),
        ("*/15 * * * *", "every 15 minutes"),
        ("* * * * *", "every minute"),
        ("30 6 * * 1-5", "every weekday at 06:30"),
        ("0 9 * * 1", "every Monday at 09:00"),
        ("0 9 * * 1,3", "every Monday, Wednesday at 09:00"),
        ("0 9 1 * *", "on day 1 of every month at 09:00"),
        ("0 9 1 1 *", "every January 1 at 09:00"),
        ("0 */2 * * *", "every 2 hours at minute 0"),
        ("7 * * * *", "every hour at minute 7"),
        ("5 4 1-7 * 2", "cron '5 4 1-7 * 2'"),
    ],
)
def test_common_schedules_read_as_words(cron, words):
    assert describe(cron, "Europe/Berlin") == f"{words} (Europe/Berlin)"


@pytest.mark.parametrize(
    "cron", ["", "every day", "61 * * * *", "0 0 30 2 *", "* * * *", "0\x00 * * * *"]
)
def test_bad_or_never_firing_schedules_are_refused_naming_schedule(cron):
    with pytest.raises(MLOpsError) as error:
        check_cron(cron)
    assert error.value.field == "schedule"


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp() * 1000)


def test_firing_times_follow_the_timezone_across_daylight_saving():
    # 02:30 Berlin does not exist on 2026-03-29; croniter moves it past the gap.
    times = next_times("0 9 * * *", "Europe/Berlin", ms("2026-03-27T12:00:00"))
    assert times == [
        ms("2026-03-28T08:00:00"),
        ms("2026-03-29T07:00:00"),
        ms("2026-03-30T07:00:00"),
    ]
    due = due_firings("*/20 * * * *", "UTC", ms("2026-01-01T00:00:00"), ms("2026-01-01T01:00:00"))
    assert due == [ms(f"2026-01-01T00:{m}:00") for m in ("20", "40")] + [ms("2026-01-01T01:00:00")]


def test_parameter_types_come_from_annotations_and_defaults():
    nb = new_notebook(
        cells=[
            new_code_cell(
                "a = 1\nb: float = 2\nc = 'x'\nd = True\ne = [1]\nf = {'k': 1}\ng = '2026-02-03'\n"
                "h = None\ni = len('x')",
                metadata={"tags": ["parameters"]},
            )
        ]
    )
    found = {p.name: p.type for p in inspect_parameters(nbformat.from_dict(nb))}
    assert found == {
        "a": "int", "b": "float", "c": "str", "d": "bool", "e": "list", "f": "dict",
        "g": "date", "h": "any", "i": "any",
    }  # fmt: skip
    declared = inspect_parameters(nbformat.from_dict(nb))
    assert check_parameters(declared, {"b": 3, "h": {"x": [1]}}) == {"b": 3.0, "h": {"x": [1]}}
    assert check_parameters(declared, {"d": "no", "e": "[2, 3]", "a": "7"}, from_text=True) == {
        "d": False, "e": [2, 3], "a": 7,
    }  # fmt: skip
    for name, value in (("a", True), ("a", 1.5), ("d", 1), ("e", {}), ("g", "2026-13-01")):
        with pytest.raises(MLOpsError) as error:
            check_parameters(declared, {name: value})
        assert error.value.field == f"parameters.{name}"
    with pytest.raises(MLOpsError):
        parse_text("a", "int", "seven")
