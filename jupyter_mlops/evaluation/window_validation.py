"""Validation of served traffic against the served version's constraints (monitoring's hook).

A monitor validates each window of requests against the constraints the served version
carries (attached, else suggested from its training-data profile); the violations go into the
window's report and raise a `data_validation` alert when at least `ALERT_CHECKS` checks fail.
"""

from __future__ import annotations

import logging
from typing import Any

from ..core.errors import MLOpsError

log = logging.getLogger(__name__)

ALERT_CHECKS = 1


def validate_window(model_name: str, version: int, frame: Any) -> Any:
    """The `ValidationReport` of `frame` against the version's constraints; None when it
    carries none (no training profile and nothing attached)."""
    from .api import version_constraints
    from .validation import validate

    try:
        constraints = version_constraints(model_name, version)
    except MLOpsError:
        return None
    if constraints is None:
        return None
    try:
        return validate(frame, constraints)
    except Exception as exc:  # hand-edited constraints must not stop the window's drift check
        log.warning("validating a window of %s v%s failed: %s", model_name, version, exc)
        return None


def should_alert(report: Any) -> bool:
    """Whether a window's validation report is bad enough for an alert."""
    return report is not None and report.n_violations >= ALERT_CHECKS
