"""REST adapter for monitoring (routes under `/mlops/api/`):

GET    monitors                                  every monitor
POST   monitors                                  watch an endpoint (`MonitorCreate`)
GET    monitors/{monitor_id}                     one monitor
PATCH  monitors/{monitor_id}                     change settings, pause or resume
DELETE monitors/{monitor_id}                     delete it with its windows and alerts
GET    monitors/{monitor_id}/windows             the latest windows (no reports), oldest first
POST   monitors/{monitor_id}/windows             close the current window now and evaluate it (202)
GET    monitors/{monitor_id}/windows/{window_id} one window with its drift report
GET    monitors/{monitor_id}/alerts              its alerts, newest first
GET    monitors/{monitor_id}/alerts/{alert_id}/chain  alert -> job run -> version -> gate run
POST   monitors/{monitor_id}/labels              ground truth for served request ids
POST   drift                                     a drift report between two stored profiles

`setup` builds the `MonitorService` and, unless `MLOpsApp.monitoring_ticker` is off, a ticker
thread that claims each monitor's ended windows and submits their evaluation to the jobs runner.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

import tornado.web
from pydantic import BaseModel, TypeAdapter

from ..core.capability import ServerHost, Teardown
from ..core.openapi import Contract
from ..core.rest import APIHandler
from ..core.tasks import TASK_RUNNER, BaseTaskRunner
from ..serving.capability import REGISTRY
from ..tracking.capability import TRACKING
from . import api_models as api
from .capability import MONITORING
from .entities import DriftReportData, Monitor, MonitorSpec, Window
from .service import MonitorService
from .ticker import Ticker

DRIFT_REPORT = TypeAdapter(DriftReportData)


class _Empty(BaseModel):
    """No content."""


class _MonitoringBase(APIHandler):
    @property
    def monitors(self) -> MonitorService:
        return self.service(MONITORING)

    @property
    def runner(self) -> BaseTaskRunner:
        return self.service(TASK_RUNNER)


class MonitorsHandler(_MonitoringBase):
    """The monitors."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("List monitors", response=api.MonitorList),
        "post": Contract(
            "Watch an endpoint for drift", response=Monitor, body=api.MonitorCreate,
            status=201,
        ),
    }  # fmt: skip

    @tornado.web.authenticated
    async def get(self) -> None:
        """Every monitor."""
        monitors = await self.run_blocking(self.monitors.store.list_monitors)
        self.reply(api.MonitorList(monitors=monitors))

    @tornado.web.authenticated
    async def post(self) -> None:
        """Create a monitor; its first window starts now."""
        body = self.parse_body(api.MonitorCreate)
        monitor = await self.run_blocking(self.monitors.create, MonitorSpec(**body.model_dump()))
        self.reply(monitor, status=201)


class MonitorHandler(_MonitoringBase):
    """One monitor."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("Get a monitor", response=Monitor),
        "patch": Contract("Change a monitor", response=Monitor, body=api.MonitorUpdate),
        "delete": Contract("Delete a monitor with its windows and alerts", response=_Empty),
    }

    @tornado.web.authenticated
    async def get(self, monitor_id: str) -> None:
        """The monitor."""
        self.reply(await self.run_blocking(self.monitors.store.get_monitor, monitor_id))

    @tornado.web.authenticated
    async def patch(self, monitor_id: str) -> None:
        """Change the fields given."""
        body = self.parse_body(api.MonitorUpdate)
        changes = body.model_dump(exclude_unset=True)
        monitor = await self.run_blocking(lambda: self.monitors.update(monitor_id, **changes))
        self.reply(monitor)

    @tornado.web.authenticated
    async def delete(self, monitor_id: str) -> None:
        """Delete it."""
        await self.run_blocking(self.monitors.store.delete_monitor, monitor_id)
        self.reply(_Empty())


class WindowsHandler(_MonitoringBase):
    """A monitor's windows."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract(
            "List a monitor's windows", response=api.WindowList, query=api.WindowsQuery
        ),
        "post": Contract("Evaluate the current window now", response=Window, status=202),
    }

    @tornado.web.authenticated
    async def get(self, monitor_id: str) -> None:
        """The latest windows, oldest first."""
        query = self.parse_query(api.WindowsQuery)
        await self.run_blocking(self.monitors.store.get_monitor, monitor_id)
        windows = await self.run_blocking(self.monitors.store.list_windows, monitor_id, query.limit)
        self.reply(api.WindowList(windows=windows))

    @tornado.web.authenticated
    async def post(self, monitor_id: str) -> None:
        """Close the current window now; its evaluation runs in the jobs runner (202)."""
        window = await self.run_blocking(self.monitors.evaluate_now, monitor_id, self.runner)
        self.reply(window, status=202)


class WindowHandler(_MonitoringBase):
    """One window with its drift report."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("Get a window with its drift report", response=Window)
    }

    @tornado.web.authenticated
    async def get(self, monitor_id: str, window_id: str) -> None:
        """The window."""
        number = _window_number(window_id)
        window = await self.run_blocking(self.monitors.store.get_window, number, monitor_id)
        self.reply(window)


class AlertsHandler(_MonitoringBase):
    """A monitor's alerts."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("List a monitor's alerts", response=api.AlertList)
    }

    @tornado.web.authenticated
    async def get(self, monitor_id: str) -> None:
        """Newest first."""
        await self.run_blocking(self.monitors.store.get_monitor, monitor_id)
        alerts = await self.run_blocking(self.monitors.store.list_alerts, monitor_id)
        self.reply(api.AlertList(alerts=alerts))


class AlertChainHandler(_MonitoringBase):
    """What followed one drift alert: its retraining run, the version it registered, the gate
    run of the drift loop, and the promotion or the approval request."""

    contract: ClassVar[dict[str, Contract]] = {
        "get": Contract("What followed a drift alert", response=api.AlertChainOut)
    }

    @tornado.web.authenticated
    async def get(self, monitor_id: str, alert_id: str) -> None:
        """The chain; 404 naming `alert_id` when the monitor has no such alert."""
        from .retraining_followup import alert_chain

        number = _window_number(alert_id, "alert_id")
        chain = await self.run_blocking(
            alert_chain, self.database, self.services.find(TRACKING), monitor_id, number
        )
        self.reply(api.AlertChainOut.model_validate(chain))


class LabelsHandler(_MonitoringBase):
    """Ground truth for served requests."""

    contract: ClassVar[dict[str, Contract]] = {
        "post": Contract("Post labels for served request ids", response=api.LabelsOut,
                         body=api.LabelsIn)
    }  # fmt: skip

    @tornado.web.authenticated
    async def post(self, monitor_id: str) -> None:
        """Store the labels and rescore the recent windows that served those requests."""
        body = self.parse_body(api.LabelsIn)
        monitor = await self.run_blocking(self.monitors.store.get_monitor, monitor_id)
        saved = await self.run_blocking(
            self.monitors.log_labels, monitor.endpoint_name, body.request_ids, body.labels
        )
        self.reply(api.LabelsOut(saved=saved))


class DriftHandler(_MonitoringBase):
    """Drift between two stored profiles."""

    contract: ClassVar[dict[str, Contract]] = {
        "post": Contract("Compare two stored profiles", response=DriftReportData,
                         body=api.DriftIn)
    }  # fmt: skip

    @tornado.web.authenticated
    async def post(self) -> None:
        """A drift report: both sides are stored profiles, so no data is read."""
        body = self.parse_body(api.DriftIn)
        report = await self.run_blocking(_profile_drift, body)
        self.reply(DRIFT_REPORT.validate_python(report))


def _profile_drift(body: api.DriftIn) -> dict[str, Any]:
    from ..core.errors import MLOpsError, NotFoundError
    from ..profiling.store import load_profile
    from .drift import drift

    sides = {}
    for side in ("reference", "current"):
        try:
            sides[side] = load_profile(getattr(body, side))
        except MLOpsError as exc:
            raise NotFoundError(exc.message, field=side) from None
    report = drift(
        sides["reference"], sides["current"], body.columns, body.tests, body.thresholds,
        body.dataset_share,
    )  # fmt: skip
    return report.to_dict()


def _window_number(window_id: str, field: str = "window_id") -> int:
    from ..core.errors import MLOpsError
    from ..core.query import is_decimal

    if not is_decimal(window_id) or len(window_id) > 18:
        raise MLOpsError(f"{field} must be a number, not {window_id!r}", field=field)
    return int(window_id)


class MonitoringHost(ServerHost, Protocol):
    """The settings the monitoring capability reads (`MLOpsApp` traitlets)."""

    monitoring_ticker: bool
    monitoring_interval: float


def setup(app: MonitoringHost) -> Teardown | None:
    """Build the monitor service and start the ticker (unless turned off); the teardown stops
    the ticker."""
    service = MonitorService(app.database, app.resolved_data_dir)
    app.services.provide(MONITORING, service)
    if not app.monitoring_ticker:
        return None
    services = app.services
    database = app.database

    def follow_retrainings() -> None:
        from .retraining_followup import follow_retrainings

        follow_retrainings(
            database, services.get(REGISTRY), services.find(TRACKING), services.get(TASK_RUNNER)
        )

    ticker = Ticker(
        service, services.get(TASK_RUNNER), app.monitoring_interval, app.log, follow_retrainings
    )
    ticker.start()
    return ticker.stop


_ID = r"(?P<{}>[^/]+)"
ROUTES = [
    (r"monitors", MonitorsHandler),
    (r"monitors/" + _ID.format("monitor_id"), MonitorHandler),
    (r"monitors/" + _ID.format("monitor_id") + r"/windows", WindowsHandler),
    (r"monitors/" + _ID.format("monitor_id") + r"/windows/" + _ID.format("window_id"),
     WindowHandler),
    (r"monitors/" + _ID.format("monitor_id") + r"/alerts", AlertsHandler),
    (r"monitors/" + _ID.format("monitor_id") + r"/alerts/" + _ID.format("alert_id") + r"/chain",
     AlertChainHandler),
    (r"monitors/" + _ID.format("monitor_id") + r"/labels", LabelsHandler),
    (r"drift", DriftHandler),
]  # fmt: skip
