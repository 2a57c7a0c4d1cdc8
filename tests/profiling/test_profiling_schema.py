"""Profiling's REST answers are typed all the way down, and the Lab's types are generated.

The OpenAPI document describes every value of a profile (no object or array of anything), real
answers for a table with every column type match it, and `labextension/src/profiling/model.ts`
only names the schemas generated from it (no hand-written copy to drift from the server).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from ..support.api_schema import document, schema_errors, untyped_parts

pytestmark = pytest.mark.capabilities("profiling")

MODEL_TS = Path(__file__).resolve().parents[2] / "labextension/src/profiling/model.ts"


def test_profile_answers_leave_no_value_untyped() -> None:
    for name in ("JobState", "ProfileBody", "ProfileList", "ProfileJob", "ProfileRequest"):
        assert untyped_parts(name) == [], f"{name} has untyped parts"


def test_the_lab_names_the_generated_profile_types() -> None:
    source = MODEL_TS.read_text()
    assert "export interface" not in source, "profiling/model.ts writes a response type by hand"
    named = set(re.findall(r"Schema<'([\w-]+)'>", source))
    assert {"Profile", "ColumnProfile", "JobState", "ProfileJob", "ProfileRequest"} <= named
    missing = named - set(document()["components"]["schemas"])
    assert not missing, f"profiling/model.ts names schemas the API lacks: {missing}"


@pytest.fixture
def every_kind(jp_root_dir: Path) -> str:
    """A Parquet file with a column of each type, missing values and a long text."""
    rng = np.random.default_rng(3)
    n = 300
    frame = pd.DataFrame(
        {
            "number": rng.normal(10, 2, n),
            "count": rng.integers(0, 50, n),
            "flag": rng.integers(0, 2, n).astype(bool),
            "city": rng.choice(["Zürich", "Genève", "Basel"], n),
            "when": pd.date_range("2024-01-01", periods=n, freq="h"),
            "note": [f"a free text note number {i} with several words" for i in range(n)],
            "key": [f"id-{i:05d}" for i in range(n)],
        }
    )
    frame.loc[::7, "number"] = np.nan
    frame.loc[::11, "city"] = None
    frame.to_parquet(jp_root_dir / "every_kind.parquet", index=False)
    return "every_kind.parquet"


async def _get(jp_fetch: Any, *parts: str, **kwargs: Any) -> Any:
    response = await jp_fetch("mlops", "api", *parts, **kwargs)
    return json.loads(response.body)


async def test_real_answers_match_their_schemas(jp_fetch: Any, every_kind: str) -> None:
    body = json.dumps({"path": every_kind, "name": "every-kind"})
    job = await _get(jp_fetch, "profiles", method="POST", body=body)
    assert job["status"] == "done", job  # a small file: answered finished
    state = await _get(jp_fetch, "profiles", "jobs", job["id"])
    columns = state["profile"]["columns"]
    assert {columns[name]["type"] for name in columns} >= {"numeric", "boolean", "datetime"}
    assert isinstance(columns["when"]["histogram"]["edges"][0], str)
    assert schema_errors("JobState", state) == []
    saved = await _get(jp_fetch, "profiles", "every-kind")
    assert schema_errors("ProfileBody", saved) == []
    assert schema_errors("ProfileList", await _get(jp_fetch, "profiles")) == []
    # The check has teeth: a top value that is not a [value, count] pair is refused.
    broken = {**columns["city"], "top_values": [["Basel"]]}
    assert schema_errors("ColumnProfile", broken)
