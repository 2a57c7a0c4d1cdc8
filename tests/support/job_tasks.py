"""Task functions for the jobs runner tests (run in a child process)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

from jupyter_mlops.core.errors import MLOpsError


def add_up(progress: Callable[[float], None], numbers: list[int]) -> dict[str, Any]:
    """Sum `numbers`, reporting progress; says whether it ran in another process."""
    progress(0.5)
    return {"total": sum(numbers), "pid": os.getpid()}


def refuse(progress: Callable[[float], None], what: str) -> None:
    """Fail with an input error naming `what`."""
    raise MLOpsError(f"refused {what}", field="what")


def validate_a_notebook(progress: Callable[[float], None]) -> dict[str, Any]:
    """Validate a new notebook with nbformat (jsonschema); say whether the IRI grammar of
    rfc3987-syntax was built in this process (`jupyter_mlops.core.process_start`)."""
    import nbformat
    from nbformat.v4 import new_notebook

    nbformat.validate(new_notebook())
    return {"iri_grammar_built": sys.modules.get("rfc3987_syntax") is not None}
