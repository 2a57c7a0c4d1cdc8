"""A job's `validate:` input, checked before its notebook runs (issue 24, section 2).

Jobs sit below evaluation in the import layers: `install` puts `parse` and `check` into
`core.input_checks`, which the job service (at create/update) and the runner (before each run)
call. Constraints are `models:/NAME/VERSION` or `models:/NAME@ALIAS` (those the version
carries: attached, else suggested from its training profile; an alias is resolved at each run,
so a scheduled job follows the alias) or inline constraints (a dict, or YAML/JSON text).

A Jupyter server installs the checks at setup (its registry and store); a CLI process (the
standalone `jupyter-mlops scheduler`, `jupyter-mlops jobs create`) installs them with
`install_standalone`, on the configured store.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core import input_checks
from ..core.errors import MLOpsError
from .constraint_set import Constraints
from .version_refs import version_ref

MODELS_SCHEME = "models:/"
READERS = {".csv": "read_csv", ".parquet": "read_parquet", ".pq": "read_parquet"}


def parse(constraints: Any) -> None:
    """Refuse (400 naming `validate`) constraints that are neither a version's nor readable."""
    if isinstance(constraints, str) and constraints.startswith(MODELS_SCHEME):
        version_ref(constraints)
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


def make_check(version_constraints: Callable[[Any], Any]) -> input_checks.Checker:
    """The runner's check: `version_constraints(ref)` resolves a `models:/` URI's `ModelRef`
    (an alias to the version it points to now)."""

    def check(path: str, constraints: Any) -> str | None:
        from .validation import validate

        if isinstance(constraints, str) and constraints.startswith(MODELS_SCHEME):
            rules = version_constraints(version_ref(constraints))
            if rules is None:
                return f"validate: {constraints} carries no constraints"
        else:
            rules = _inline(constraints)
        report = validate(_read(path), rules)
        if report.ok:
            return None
        return f"invalid input {Path(path).name} ({report.n_rows} rows):\n{report.summary()}"

    return check


def install(registry: Any, store: Any) -> None:
    """Install the checks for this server: versions from its `registry` (a `ModelRegistry`),
    their constraints from its evaluation `store`."""
    from .promotion import version_constraints

    def of_version(ref: Any) -> Any:
        return version_constraints(store, registry.get_version(ref))

    input_checks.install(parse, make_check(of_version))


def install_standalone() -> None:
    """Install the same checks in a process without a Jupyter server (the CLI's standalone
    scheduler runs jobs itself): versions are read from the configured store."""

    def of_version(ref: Any) -> Any:
        from ..core.store import get_database
        from ..serving.api import get_registry
        from .promotion import version_constraints
        from .store import EvaluationStore

        found = get_registry().get_version(ref)
        return version_constraints(EvaluationStore(get_database()), found)

    input_checks.install(parse, make_check(of_version))
