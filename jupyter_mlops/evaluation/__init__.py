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


__all__ = ["constraints", "evaluate", "validate"]
