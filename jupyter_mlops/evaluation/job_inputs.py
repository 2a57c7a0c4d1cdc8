"""A job's `validate:` input, checked before its notebook runs (issue 24, section 2).

Jobs sit below evaluation in the import layers: `install` puts `parse` and `check` into
`core.input_checks`, which the job service (at create/update) and the runner (before each run)
call. Constraints are `models:/NAME/VERSION` (those the version carries: attached, else
suggested from its training profile) or inline constraints (a dict, or YAML/JSON text).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core import input_checks
from ..core.errors import MLOpsError
from .constraint_set import Constraints

MODEL_URI = re.compile(r"^models:/(?P<name>[^/@]+)/(?P<version>[0-9]+)$")
READERS = {".csv": "read_csv", ".parquet": "read_parquet", ".pq": "read_parquet"}


def parse(constraints: Any) -> None:
    """Refuse (400 naming `validate`) constraints that are neither a version's nor readable."""
    if isinstance(constraints, str) and constraints.startswith("models:/"):
        if MODEL_URI.match(constraints) is None:
            raise MLOpsError(
                "validate: constraints of a version are 'models:/NAME/VERSION'", field="validate"
            )
        return
    _inline(constraints)


def _inline(constraints: Any) -> Constraints:
    try:
        if isinstance(constraints, str):
            return Constraints.from_text(constraints)
        return Constraints.from_dict(constraints, field_name="validate")
    except MLOpsError as exc:
        raise MLOpsError(f"validate: {exc}", field="validate") from None


def _read(path: str) -> Any:
    import pandas as pd

    file = Path(path)
    if not file.is_file():
        raise MLOpsError(f"validate: no input file at {path}", field="validate")
    suffix = file.suffix.lower()
    if suffix in (".jsonl", ".json"):
        return pd.read_json(file, lines=suffix == ".jsonl")
    reader = READERS.get(suffix)
    if reader is None:
        raise MLOpsError(
            f"validate: {file.name}: input files are CSV, Parquet or JSON", field="validate"
        )
    return getattr(pd, reader)(file)


def make_check(version_constraints: Callable[[str, int], Any]) -> input_checks.Checker:
    """The runner's check: `version_constraints(name, version)` resolves `models:/` URIs."""

    def check(path: str, constraints: Any) -> str | None:
        from .validation import validate

        if isinstance(constraints, str) and (found := MODEL_URI.match(constraints)):
            rules = version_constraints(found["name"], int(found["version"]))
            if rules is None:
                return f"validate: {constraints} carries no constraints"
        else:
            rules = _inline(constraints)
        report = validate(_read(path), rules)
        if report.ok:
            return None
        return f"invalid input {Path(path).name} ({report.n_rows} rows):\n{report.summary()}"

    return check


def install(settings: dict[str, Any]) -> None:
    """Install the checks for this server (`settings`: its Tornado settings, read at call time
    for the registry and the evaluation store)."""
    from .promotion import version_constraints

    def of_version(name: str, version: int) -> Any:
        from ..serving.model_uri import ModelRef

        registry = settings["mlops_registry"]
        found = registry.get_version(ModelRef(name, version=version))
        return version_constraints(settings["mlops_evaluation_store"], found)

    input_checks.install(parse, make_check(of_version))
