"""Monitoring's REST answers are typed all the way down: the drift report, the windows, the
alerts and an alert's chain leave no value untyped in the OpenAPI document the Lab's types are
generated from, and a real drift report between two stored profiles matches it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import jupyter_mlops as mlops
from tests.support.api_schema import schema_errors, untyped_parts
from tests.support.rest import call

pytestmark = pytest.mark.capabilities("monitoring")


def test_monitoring_answers_leave_no_value_untyped() -> None:
    for name in ("DriftReportData", "WindowReport", "WindowList", "AlertList", "MonitorList"):
        assert untyped_parts(name) == [], f"{name} has untyped parts"
    assert untyped_parts("AlertChainOut") == []


async def test_a_real_drift_report_matches_its_schema(jp_fetch: Any, mlops_store: Path) -> None:
    rng = np.random.default_rng(5)

    def table(shift: float) -> pd.DataFrame:
        n = 2000
        return pd.DataFrame(
            {
                "x": rng.normal(shift, 1, n),
                "city": rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2] if shift else None),
                "when": pd.date_range("2024-01-01", periods=n, freq="min")
                + pd.Timedelta(days=30 * shift),
                "flag": rng.integers(0, 2, n).astype(bool),
            }
        )

    mlops.save_profile(mlops.profile(table(0.0)), "schema-ref")
    mlops.save_profile(mlops.profile(table(1.0)), "schema-cur")
    body = {"reference": "schema-ref", "current": "schema-cur"}
    report = await call(jp_fetch, "POST", "drift", body=body)
    assert {column["column"] for column in report["columns"]} == {"x", "city", "when", "flag"}
    assert {column["plot"]["kind"] for column in report["columns"]} == {"histogram", "categories"}
    assert schema_errors("DriftReportData", report) == []
