"""Windows are numbered per monitor (issue 19): a monitor's second window is "window 2" over
REST and in its alerts, whatever the global window id ("window-4" before); migration 0050
numbers the windows a store already has."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import text

from jupyter_mlops.core import schema
from jupyter_mlops.core.db import Database
from jupyter_mlops.core.store import get_database
from jupyter_mlops.monitoring.entities import MonitorSpec
from jupyter_mlops.monitoring.store import MonitorStore
from tests.support.rest import call

pytestmark = pytest.mark.capabilities("monitoring")

HOUR_MS = 3_600_000


async def test_windows_and_alerts_carry_their_number_within_the_monitor(jp_fetch, mlops_store):
    store = MonitorStore(get_database())
    first = store.create_monitor(MonitorSpec(endpoint_name="first"), start_ms=0)
    second = store.create_monitor(MonitorSpec(endpoint_name="second"), start_ms=0)
    # Interleaved claims: the global ids go 1, 2, 3, 4; each monitor counts 1, 2.
    claimed = []
    for index in range(2):
        for monitor in (first, second):
            window = store.claim_window(monitor.monitor_id, index * HOUR_MS, (index + 1) * HOUR_MS)
            assert window is not None
            claimed.append(window)
    last = claimed[-2]  # the first monitor's second window
    assert last.window_id != 2 and last.number == 2
    store.add_alert(first.monitor_id, last.window_id, "data_drift", "drifted")

    listed = await call(jp_fetch, "GET", "monitors", first.monitor_id, "windows")
    assert [w["number"] for w in listed["windows"]] == [1, 2]
    one = await call(jp_fetch, "GET", "monitors", first.monitor_id, "windows", str(last.window_id))
    assert one["number"] == 2
    alerts = await call(jp_fetch, "GET", "monitors", first.monitor_id, "alerts")
    assert [(a["window_id"], a["window_number"]) for a in alerts["alerts"]] == [(last.window_id, 2)]
    others = await call(jp_fetch, "GET", "monitors", second.monitor_id, "windows")
    assert [w["number"] for w in others["windows"]] == [1, 2]


def test_the_migration_numbers_existing_windows_per_monitor(empty_db_url):
    database = Database(empty_db_url)
    try:
        with database.engine.connect() as connection:
            command.upgrade(schema._config(connection), "0023_team_monitoring_creators")
            connection.commit()
        with database.engine.begin() as connection:
            for monitor in ("m1", "m2"):
                connection.execute(
                    text(
                        "INSERT INTO monitoring_monitors (monitor_id, endpoint_name,"
                        " reference_kind, window_seconds, min_rows, tests, thresholds,"
                        " dataset_share, retrain_parameter, paused, created_time,"
                        " next_window_start) VALUES (:m, :m, 'training', 3600, 100, '{}',"
                        " '{}', 0.5, 'data_path', :paused, 0, 0)"
                    ),
                    {"m": monitor, "paused": False},
                )
            # Global ids 1..4, the second monitor's windows inserted out of time order.
            for monitor, start in (("m1", 0), ("m2", 2), ("m1", 1), ("m2", 1)):
                connection.execute(
                    text(
                        "INSERT INTO monitoring_windows (monitor_id, start_time, end_time,"
                        " status, n_rows, n_labels, created_time)"
                        " VALUES (:m, :s, :s + 1, 'done', 0, 0, 0)"
                    ),
                    {"m": monitor, "s": start},
                )
        with database.engine.connect() as connection:
            command.upgrade(schema._config(connection), "0050_monitoring_window_numbers")
            connection.commit()
        with database.engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT window_id, monitor_id, number FROM monitoring_windows"
                    " ORDER BY window_id"
                )
            ).all()
        assert [tuple(row) for row in rows] == [
            (1, "m1", 1),
            (2, "m2", 2),
            (3, "m1", 2),
            (4, "m2", 1),
        ]
    finally:
        database.engine.dispose()
