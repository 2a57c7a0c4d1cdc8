"""Checking answers against the OpenAPI document the Lab's TypeScript types are generated from.

`untyped_parts` lists where a schema says nothing of its data (an object of anything, an array
of anything): there the generated type is `unknown` and the Lab's own type is a guess.
`schema_errors` validates a real answer against a named schema of the document.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

# jsonschema comes with jupyter_server (jupyter_events validates with it); it ships no types.
from jsonschema import Draft202012Validator  # type: ignore[import-untyped,unused-ignore]

from jupyter_mlops.health.api_document import document_json

_REF = "#/components/schemas/"


@cache
def document() -> dict[str, Any]:
    """The default server's OpenAPI document (built without a server)."""
    loaded: dict[str, Any] = json.loads(document_json())
    return loaded


def _is_anything(schema: Any) -> bool:
    # `{}` (or only a title/description/default): pydantic's schema of `Any`.
    if schema is True:
        return True
    if not isinstance(schema, dict):
        return False
    return not (set(schema) - {"title", "description", "default"})


def untyped_parts(name: str) -> list[str]:
    """Where schema `name` (and every schema it refers to) leaves data untyped, as
    `Schema.path` strings; empty when every value has a type."""
    schemas = document()["components"]["schemas"]
    found: list[str] = []
    seen: set[str] = set()

    def walk(schema: Any, where: str) -> None:
        if _is_anything(schema):
            found.append(where)
            return
        if not isinstance(schema, dict):
            return
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(_REF):
            target = ref[len(_REF) :]
            if target not in seen:
                seen.add(target)
                walk(schemas[target], target)
            return
        kind = schema.get("type")
        if kind == "array" and "items" not in schema and "prefixItems" not in schema:
            found.append(f"{where}[]")
        if kind == "object" and "properties" not in schema:
            extra = schema.get("additionalProperties", True)
            if extra is True or _is_anything(extra):
                found.append(f"{where}{{}}")
        for key, sub in schema.get("properties", {}).items():
            walk(sub, f"{where}.{key}")
        if isinstance(schema.get("additionalProperties"), dict):
            walk(schema["additionalProperties"], f"{where}{{}}")
        if "items" in schema:
            walk(schema["items"], f"{where}[]")
        for i, sub in enumerate(schema.get("prefixItems", [])):
            walk(sub, f"{where}[{i}]")
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in schema.get(key, []):
                if sub != {"type": "null"}:
                    walk(sub, where)

    seen.add(name)
    walk(schemas[name], name)
    return found


def schema_errors(name: str, answer: Any) -> list[str]:
    """What in `answer` does not match schema `name` of the document (empty: it matches)."""
    root = {"$ref": _REF + name, "components": document()["components"]}
    validator = Draft202012Validator(root)
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(answer)
    ]
