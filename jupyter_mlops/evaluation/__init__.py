"""Evaluation: metrics, slices, fairness and importance of a model; data constraints and their
validation; gates that a version passes before it serves (evaluate -> validate -> gates ->
promote).

This is the capability's narrow public module: other capabilities (monitoring, jobs hooks)
import from here, never from the modules inside. Heavy libraries load inside functions.
"""

from __future__ import annotations

from typing import Any


def evaluate(*args: Any, **kwargs: Any) -> Any:
    """`jupyter_mlops.evaluate` (see `evaluation.evaluator.evaluate`)."""
    from .evaluator import evaluate as run

    return run(*args, **kwargs)


def constraints(*args: Any, **kwargs: Any) -> Any:
    """`jupyter_mlops.constraints` (see `evaluation.suggestions.constraints`)."""
    from .suggestions import constraints as suggest

    return suggest(*args, **kwargs)


def validate(*args: Any, **kwargs: Any) -> Any:
    """`jupyter_mlops.validate` (see `evaluation.validation.validate`)."""
    from .validation import validate as check

    return check(*args, **kwargs)


def validate_window(model_name: str, version: int, frame: Any) -> Any:
    """Monitoring's hook: a window of requests against the served version's constraints (see
    `evaluation.window_validation`); returns the report, or None without constraints."""
    from .window_validation import validate_window as check

    return check(model_name, version, frame)


def window_alert(report: Any) -> bool:
    """Whether a window's validation report raises a `data_validation` alert."""
    from .window_validation import should_alert

    return should_alert(report)


__all__ = ["constraints", "evaluate", "validate", "validate_window", "window_alert"]
