"""A notebook's parameters (papermill's own inspection of its `parameters` cell) and typed values.

Each parameter gets a type from its annotation, else from its default's literal: int, float,
bool, str, date (an ISO date string default), list, dict, or any. Values given for a run are
checked against these types (a wrong type or an unknown name is a 400 naming
`parameters.<name>`), then papermill injects them as Python literals: no hand quoting.
Values typed on a command line (`-p key=value`) are read as the parameter's type.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ..core.errors import MLOpsError

TYPES = ("int", "float", "bool", "str", "date", "datetime", "list", "dict", "any")
_ANNOTATIONS = {
    "int": "int", "float": "float", "bool": "bool", "str": "str", "list": "list",
    "dict": "dict", "date": "date", "datetime": "datetime",
}  # fmt: skip
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Parameter:
    """One parameter of a notebook: its name, type, default (a JSON value) and help text."""

    name: str
    type: str
    default: Any
    default_source: str
    help: str


def _literal(source: str) -> tuple[bool, Any]:
    try:
        return True, ast.literal_eval(source)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False, None


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        if _DATE.match(value):
            return "date"
        return "str"
    if isinstance(value, (list, tuple)):
        return "list"
    if isinstance(value, dict):
        return "dict"
    return "any"


def normalise(nb: Any) -> Any:
    """Give every cell the `tags` and `papermill` metadata papermill expects (as it does when
    it reads a notebook from a file itself)."""
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
        cell.metadata.setdefault("papermill", {})
    return nb


def inspect_parameters(nb: Any) -> list[Parameter]:
    """The parameters of notebook `nb` (an nbformat node), in the cell's order."""
    # Private on purpose: papermill's public `inspect_notebook(path)` only reads a file (through
    # its I/O handlers, formatting `{...}` in the path) and takes no kernel/language fallback for
    # a notebook without metadata; we hold the node already. tests/app/test_private_apis.py fails
    # when papermill drops it or changes its signature.
    from papermill.inspection import _infer_parameters

    normalise(nb)
    kernel = (nb.metadata.get("kernelspec") or {}).get("name") or "python3"
    language = (nb.metadata.get("language_info") or {}).get("name") or "python"
    found: list[Parameter] = []
    try:
        inferred = _infer_parameters(nb, name=kernel, language=language)
    except (ValueError, NotImplementedError) as exc:  # a kernel papermill cannot translate
        raise MLOpsError(f"cannot read this notebook's parameters: {exc}", field="path") from None
    for raw in inferred:
        ok, value = _literal(raw.default)
        annotated = _ANNOTATIONS.get(str(raw.inferred_type_name).strip().lower())
        kind = annotated or (_type_of(value) if ok else "any")
        default = _jsonable(value) if ok else None
        found.append(Parameter(raw.name, kind, default, raw.default, raw.help or ""))
    return found


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return repr(value)


def _bad(name: str, kind: str, value: Any) -> MLOpsError:
    return MLOpsError(
        f"parameter {name!r} takes a value of type {kind}, not {value!r}",
        field=f"parameters.{name}",
    )


def check_value(name: str, kind: str, value: Any) -> Any:
    """`value` if it fits `kind` (ints are accepted as floats); else a 400 naming it."""
    if kind == "any" or value is None:
        return value
    ok = {
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, (int, float)) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "str": isinstance(value, str),
        "list": isinstance(value, list),
        "dict": isinstance(value, dict),
        "date": isinstance(value, str) and _is_date(value),
        "datetime": isinstance(value, str) and _is_datetime(value),
    }.get(kind, True)
    if not ok:
        raise _bad(name, kind, value)
    return float(value) if kind == "float" else value


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_datetime(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def parse_text(name: str, kind: str, text: str) -> Any:
    """A command-line value (`-p name=text`) read as parameter type `kind`."""
    if kind in ("str", "date", "datetime"):
        return check_value(name, kind, text)
    if kind == "bool":
        lowered = text.strip().lower()
        if lowered in ("true", "1", "yes", "on"):
            return True
        if lowered in ("false", "0", "no", "off"):
            return False
        raise _bad(name, kind, text)
    try:
        value = json.loads(text)
    except ValueError:
        if kind == "any":
            return text
        raise _bad(name, kind, text) from None
    return check_value(name, kind, value)


def check_parameters(
    declared: list[Parameter], values: Mapping[str, Any], *, from_text: bool = False
) -> dict[str, Any]:
    """`values` checked against the notebook's parameters (all optional: defaults stay)."""
    kinds = {parameter.name: parameter.type for parameter in declared}
    checked: dict[str, Any] = {}
    for name, value in values.items():
        if name not in kinds:
            known = ", ".join(kinds) or "none: the notebook has no cell tagged 'parameters'"
            raise MLOpsError(
                f"the notebook has no parameter {name!r} (its parameters: {known})",
                field=f"parameters.{name}",
            )
        kind = kinds[name]
        if from_text and isinstance(value, str):
            checked[name] = parse_text(name, kind, value)
        else:
            checked[name] = check_value(name, kind, value)
    return checked


def parse_assignments(pairs: list[str] | None) -> dict[str, str]:
    """`["key=value", ...]` from a command line into a dict of raw strings."""
    values: dict[str, str] = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise MLOpsError(f"parameter {pair!r} is not key=value", field="parameters")
        values[key.strip()] = value
    return values
