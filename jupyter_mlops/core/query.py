"""The base of every REST query-argument model, and the checks every request input passes.

`QueryModel` forbids unknown arguments (a typo must not be ignored), drops the arguments that
are not the route's own (JupyterLab's numeric cache buster, Jupyter's `?token=`), and accepts a
list-typed argument given once as a one-item list. `check_text` / `check_json` refuse what no
route can store or answer: NUL characters, lone surrogates (not UTF-8), bidi control characters
in names, and JSON nested deeper than `MAX_JSON_DEPTH`.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

from .errors import MLOpsError

MAX_JSON_DEPTH = 64
MAX_INT64 = 2**63 - 1  # the largest integer every store column takes

# Arguments that belong to Jupyter, not to a route: the login token and the XSRF token.
_SERVER_ARGUMENTS = frozenset({"token", "_xsrf"})

# Bidi embedding/override/isolate controls: they make a name display as something else.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def is_decimal(text: str) -> bool:
    """Whether `text` is a whole number in ASCII digits: `str.isdigit()` alone also takes "¹" or
    "٣", which `int()` then refuses (a 500 where a 400 was meant)."""
    return text.isascii() and text.isdigit()


def _is_list_field(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, set, frozenset):
        return True
    return any(_is_list_field(arg) for arg in typing.get_args(annotation) if arg is not None)


class QueryModel(BaseModel):
    """Query arguments: an unknown one is a 400 naming it.

    JupyterLab's `ServerConnection` appends a bare numeric argument (`&1795430544133`) to every
    GET to defeat caches, and a token-authenticated client may pass `?token=`: both are dropped.
    A list field given once (`?order_by=x`) arrives as a string and becomes `["x"]`.
    """

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _normalise_arguments(cls, data: object) -> object:
        if not isinstance(data, dict):
            return data
        result: dict[str, Any] = {}
        for key, value in data.items():
            if str(key).isdigit() or key in _SERVER_ARGUMENTS:
                continue
            field = cls.model_fields.get(str(key))
            if field is not None and isinstance(value, str) and _is_list_field(field.annotation):
                value = [value]
            result[key] = value
        return result


def check_text(text: str, field: str, *, name: bool = False) -> str:
    """`text` if it holds no NUL and no lone surrogate (and, for a `name`, no bidi control)."""
    if "\x00" in text:
        raise MLOpsError(f"{field}: NUL characters are not accepted", field=field)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise MLOpsError(f"{field}: not valid Unicode (a lone surrogate)", field=field) from None
    if name and not BIDI_CONTROLS.isdisjoint(text):
        raise MLOpsError(
            f"{field}: bidirectional control characters are not accepted in names", field=field
        )
    return text


def check_json(data: Any, field: str = "body") -> Any:
    """`data` (parsed JSON) if no string in it, key or value, fails `check_text` and it is
    nested at most `MAX_JSON_DEPTH` deep. Iterative: any depth is refused without recursion."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            check_text(item, field)
        elif isinstance(item, (dict, list)):
            if depth >= MAX_JSON_DEPTH:
                raise MLOpsError(
                    f"{field}: JSON nested deeper than {MAX_JSON_DEPTH} levels", field=field
                )
            if isinstance(item, dict):
                for key in item:
                    check_text(key, field)
                stack.extend((value, depth + 1) for value in item.values())
            else:
                stack.extend((value, depth + 1) for value in item)
    return data
