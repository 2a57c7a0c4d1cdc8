"""Services are swappable by configuration (`Type` traitlets on MLOpsApp)."""

from __future__ import annotations

import pytest

from jupyter_mlops.tracking.capability import TRACKING
from jupyter_mlops.tracking.store import TrackingStore


class AuditedTrackingStore(TrackingStore):
    """A deployment's own store: here only a subclass that the server must use."""


@pytest.fixture
def jp_server_config():
    return {
        "ServerApp": {"jpserver_extensions": {"jupyter_mlops": True}},
        "MLOpsApp": {"tracking_store_class": f"{__name__}.AuditedTrackingStore"},
    }


async def test_configured_tracking_store_class_serves_the_api(mlops_app, jp_fetch):
    assert type(mlops_app.services.get(TRACKING)) is AuditedTrackingStore
    response = await jp_fetch("mlops", "api", "experiments")
    assert response.code == 200
