"""The filter, `order_by` and pages of MLflow's registry searches (`registered-models/search`,
`model-versions/search`), applied to the registry's lists."""

from __future__ import annotations

import re
from typing import TypeVar

from . import registry_messages as rm
from .errors import INVALID_PARAMETER_VALUE, MlflowError

T = TypeVar("T")

_CLAUSE = re.compile(
    r"^\s*(name|run_id|source_path|tags?\.(?:`[^`]+`|\"[^\"]+\"|[\w.\-]+))\s*(=|!=|LIKE|ILIKE)\s*"
    r"'((?:[^']|'')*)'\s*$",
    re.IGNORECASE,
)

# MLflow's order_by keys for versions and models, as attributes here.
VERSION_ORDER = {"name": "name", "version_number": "version",
                  "creation_timestamp": "creation_time",
                  "last_updated_timestamp": "last_update_time"}  # fmt: skip
MODEL_ORDER = {
    "name": "name",
    "creation_timestamp": "creation_time",
    "last_updated_timestamp": "last_update_time",
    "timestamp": "last_update_time",
}
_ORDER = re.compile(r"^\s*(\S+)(?:\s+(ASC|DESC))?\s*$", re.IGNORECASE)


def sorted_as_asked(items: list[T], order_by: list[str], keys: dict[str, str],
            ties: list[tuple[str, bool]]) -> list[T]:  # fmt: skip
    """`items` in MLflow's `order_by` (then `ties`), `INVALID_PARAMETER_VALUE` for an unknown
    key; stable sorts applied from the last key to the first."""
    parsed: list[tuple[str, bool]] = []
    for clause in order_by:
        match = _ORDER.match(clause)
        key = match.group(1).strip('`"') if match else ""
        if match is None or key not in keys:
            raise MlflowError(
                f"Invalid order by key '{clause}' specified. Valid keys are {sorted(keys)}",
                INVALID_PARAMETER_VALUE,
                "order_by",
            )
        attribute = keys[key]
        if any(attribute == seen for seen, _ in parsed):
            raise MlflowError(
                f"`order_by` contains duplicate fields: {order_by}",
                INVALID_PARAMETER_VALUE,
                "order_by",
            )
        parsed.append((attribute, (match.group(2) or "ASC").upper() == "ASC"))
    parsed += [(key, ascending) for key, ascending in ties if all(key != k for k, _ in parsed)]
    ordered = list(items)
    for attribute, ascending in reversed(parsed):
        ordered.sort(key=lambda item: getattr(item, attribute) or 0, reverse=not ascending)
    return ordered


def matches_filter(
    filter_text: str | None, values: dict[str, str | None], tags: dict[str, str] | None = None
) -> bool:
    """Whether the item with these `values` (`name`, `run_id`, `source_path`) and `tags`
    matches MLflow's registry filter (`INVALID_PARAMETER_VALUE` for one it cannot read)."""
    if not filter_text or not filter_text.strip():
        return True
    for part in re.split(r"\s+and\s+", filter_text.strip(), flags=re.IGNORECASE):
        match = _CLAUSE.match(part)
        if match is None:
            raise MlflowError(
                f"Unsupported registry filter {part!r}: use name, run_id or tags.KEY with "
                "=, !=, LIKE or ILIKE and a quoted value, joined by AND",
                INVALID_PARAMETER_VALUE,
                "filter",
            )
        field, op, value = match.group(1), match.group(2).upper(), match.group(3)
        value = value.replace("''", "'")
        if field.lower().startswith("tag"):
            key = field.split(".", 1)[1].strip('`"')
            current = (tags or {}).get(key, "")
        else:
            current = values.get(field.lower()) or ""
        if op in ("=", "!="):
            if (current == value) != (op == "="):
                return False
        else:
            pattern = "".join(
                ".*" if c == "%" else "." if c == "_" else re.escape(c) for c in value
            )
            flags = re.IGNORECASE | re.DOTALL if op == "ILIKE" else re.DOTALL
            if re.fullmatch(pattern, current, flags) is None:
                return False
    return True


def page_of(items: list[T], request: rm.SearchRegistry) -> tuple[list[T], str | None]:
    """The page of `items` the request's token asks for, and the next page's token (None: last)."""
    token = request.page_token or "0"
    start = int(token) if re.fullmatch(r"[0-9]{1,9}", token) else 0
    page = items[start : start + request.max_results]
    following = start + len(page)
    return page, (str(following) if following < len(items) else None)
