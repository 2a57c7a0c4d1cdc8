"""Names of models and the ways to point at a version: `NAME@ALIAS`, `NAME/3`, `models:/...`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.errors import MLOpsError
from ..core.query import is_decimal

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
# A model name may also hold spaces inside (MLflow accepts `My model`): it is a folder name and,
# URL-encoded, a path segment; aliases and endpoint names (also host and process names) may not.
_MODEL_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_. -]{0,126}[A-Za-z0-9_.-])?$")
MODELS_SCHEME = "models:/"
MAX_VERSION = 2**31 - 1  # the store's integer column


def check_name(name: object, field: str = "name", what: str = "model name") -> str:
    """A model, alias or endpoint name: letters, digits, `_`, `.`, `-` (up to 128), else a 400;
    a model name (`what` left as is) may also hold spaces between them."""
    model = what == "model name"
    if not isinstance(name, str) or not (_MODEL_NAME if model else _NAME).match(name):
        spaces = " (and spaces inside)" if model else ""
        raise MLOpsError(
            f"{what} {name!r}: 1-128 letters, digits, '_', '.' or '-'{spaces}, starting with a "
            "letter or digit",
            field=field,
        )
    return name


def check_alias(alias: object, field: str = "alias") -> str:
    """An alias name; an all-digit alias would read as a version, so it is refused."""
    checked = check_name(alias, field, "alias")
    if checked.isdigit() or checked.lower() == "latest":
        raise MLOpsError(f"alias {checked!r} would read as a version", field=field)
    return checked


@dataclass(frozen=True)
class ModelRef:
    """A model and either an alias, a version, or neither (its latest version)."""

    name: str
    alias: str | None = None
    version: int | None = None

    def __str__(self) -> str:
        if self.alias:
            return f"{self.name}@{self.alias}"
        if self.version is not None:
            return f"{self.name}/{self.version}"
        return self.name


def parse_ref(text: object, field: str = "model") -> ModelRef:
    """`NAME`, `NAME@ALIAS`, `NAME/VERSION`, `NAME/latest`, or any of those after `models:/`."""
    if not isinstance(text, str) or not text:
        raise MLOpsError("a model reference is NAME, NAME@ALIAS or NAME/VERSION", field=field)
    body = text[len(MODELS_SCHEME) :] if text.startswith(MODELS_SCHEME) else text
    if "@" in body:
        name, alias = body.split("@", 1)
        return ModelRef(check_name(name, field), alias=check_alias(alias, field))
    if "/" in body:
        name, version = body.split("/", 1)
        check_name(name, field)
        if version == "latest":
            return ModelRef(name)
        if not is_decimal(version) or not 1 <= int(version) <= MAX_VERSION:
            raise MLOpsError(f"{text!r}: the version must be a positive number", field=field)
        return ModelRef(name, version=int(version))
    return ModelRef(check_name(body, field))
