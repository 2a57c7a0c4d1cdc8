"""What each REST verb takes and returns, declared next to its handler, for the OpenAPI document.

A handler class declares `contract = {"get": Contract(...), "post": Contract(...)}`: the
pydantic models of its query arguments, its JSON body and its answer. Path parameters come from
the route's named groups (`(?P<run_id>[^/]+)`). The document served at
`GET /mlops/api/openapi.json` is generated from these declarations, and a test checks that every
registered route and verb has one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, TypeAlias

from pydantic import BaseModel, ConfigDict, TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode
from pydantic_core import core_schema

# A response is a pydantic model, a pydantic dataclass or a typed dict: an entity that is also
# what the API answers (e.g. `monitoring.entities.Window`) is declared once, as a pydantic
# dataclass, and JSON data kept as dicts (a drift report) as a typed dict. (pydantic exports no
# public type for its dataclasses, hence `type[Any]`.)
Shape: TypeAlias = type[BaseModel] | type[Any]

# The config key that says whether an answer's fields with defaults are always in it.
DEFAULTS_REQUIRED = "json_schema_serialization_defaults_required"


class AnswerSchema(GenerateJsonSchema):
    """The document's schemas: in an answer, a field with a default is still always present
    (`reply` dumps every field), so it is required there, and the Lab's generated types do not
    make it optional. A model that leaves fields out when it is dumped (MLflow's messages drop
    unset ones) says so with `ConfigDict(json_schema_serialization_defaults_required=False)`;
    a typed dict's `NotRequired` keys stay optional."""

    def field_is_required(
        self,
        field: core_schema.ModelField | core_schema.DataclassField | core_schema.TypedDictField,
        total: bool,
    ) -> bool:
        """Required in an answer unless the model opts out (see the class docstring)."""
        # `_config` is the config of the model being generated: pydantic exposes no public
        # accessor; tests/core/test_openapi_required.py fails if it stops working.
        if (
            self.mode == "serialization"
            and field["type"] != "typed-dict-field"
            and self._config.config_dict.get(DEFAULTS_REQUIRED, True)
        ):
            return field.get("serialization_exclude_if") is None
        return super().field_is_required(field, total)


@dataclass(frozen=True)
class Contract:
    """One verb's contract: `query`, `body` and `response` models (None: none / not JSON).

    `response=None` with `binary=True` says the verb streams a file (a download); `status` is
    the success status; `summary` is the one-line description shown in the document. `response`
    may also be a pydantic dataclass (an entity the API answers as it is) or a typed dict.
    """

    summary: str
    response: Shape | None = None
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    status: int = 200
    binary: bool = False


class ErrorBody(BaseModel):
    """The body of every error answer: a code, a one-line message and the field at fault."""

    error: str
    message: str
    field: str | None = None


class Deleted(BaseModel):
    """The answer of a DELETE that removed one thing: what it removed (a name, or a path such as
    `model@alias`)."""

    deleted: str


class OpenAPIDocument(BaseModel):
    """The OpenAPI 3.1 document of `/mlops/api/` (its sections as plain JSON)."""

    model_config = ConfigDict(extra="allow")

    openapi: str
    info: dict[str, Any]
    servers: list[dict[str, Any]]
    paths: dict[str, Any]
    components: dict[str, Any]
    security: list[dict[str, Any]]


VERBS = ("get", "post", "put", "patch", "delete", "head", "options")

_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    """A mounted route: its tornado pattern, OpenAPI path, path parameters and handler."""

    pattern: str
    path: str
    parameters: tuple[tuple[str, str], ...]  # (name, regex)
    handler: type


def parse_pattern(pattern: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A tornado route regex as an OpenAPI path (`{name}` for each named group) and the
    named groups with their own regexes. Groups may nest parentheses."""
    path, parameters, index = "", [], 0
    text = pattern.rstrip("$")
    while True:
        match = _GROUP.search(text, index)
        if match is None:
            path += text[index:]
            break
        path += text[index : match.start()]
        depth, position = 1, match.end()
        while depth:
            char = text[position]
            if char == "\\":
                position += 1
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            position += 1
        parameters.append((match["name"], text[match.end() : position - 1]))
        path += "{" + match["name"] + "}"
        index = position
    return path, tuple(parameters)


def mounted_routes(application: Any, prefix: str) -> list[Route]:
    """Every route of a running tornado `application` whose path starts with `prefix`."""
    found: list[Route] = []

    def walk(rules: list[Any]) -> None:
        for rule in rules:
            target = rule.target
            if hasattr(target, "rules"):
                walk(target.rules)
                continue
            regex = getattr(rule.matcher, "regex", None)
            if regex is None or not isinstance(target, type):
                continue
            path, parameters = parse_pattern(regex.pattern)
            if path.startswith(prefix):
                found.append(Route(regex.pattern, path, parameters, target))

    walk(application.default_router.rules)
    return found


def listed_routes(handlers: list[tuple[str, type]]) -> list[Route]:
    """`Route`s of `(pattern, handler)` pairs mounted outside the prefix (the app's
    `front_handlers`, e.g. `/dask/...`), for `build_document(..., base_url=...)`."""
    routes = []
    for pattern, handler in handlers:
        path, parameters = parse_pattern(pattern)
        routes.append(Route(pattern, path, parameters, handler))
    return routes


def implemented_verbs(handler: type) -> list[str]:
    """The verbs `handler` answers that jupyter-mlops code defines (Jupyter's own `OPTIONS`
    and tornado's defaults are not part of the contract)."""
    verbs = []
    for verb in VERBS:
        owner = next((cls for cls in handler.__mro__ if verb in vars(cls)), None)
        if owner is not None and owner.__module__.startswith("jupyter_mlops."):
            verbs.append(verb)
    return verbs


def missing_contracts(routes: list[Route]) -> list[str]:
    """`VERB path` for each implemented verb that declares no `Contract`."""
    missing = []
    for route in routes:
        contracts = getattr(route.handler, "contract", {})
        missing += [
            f"{verb.upper()} {route.path}"
            for verb in implemented_verbs(route.handler)
            if verb not in contracts
        ]
    return missing


def _models_schemas(
    uses: set[tuple[Shape, JsonSchemaMode]],
) -> tuple[dict[Any, Any], dict[str, Any]]:
    # Each shape only in the modes it is used in (bodies and queries are read, responses
    # written): a shape with a computed field (`ModelVersion.uri`) then keeps one name instead
    # of an `-Input`/`-Output` pair.
    ordered = sorted(uses, key=lambda use: (use[0].__module__, use[0].__qualname__, use[1]))
    inputs = [((model, mode), mode, TypeAdapter(model)) for model, mode in ordered]
    keyed, top = TypeAdapter.json_schemas(
        inputs, ref_template="#/components/schemas/{model}", schema_generator=AnswerSchema
    )
    refs = {key: schema for (key, _mode), schema in keyed.items()}
    return refs, top.get("$defs", {})


def _relative(path: str, prefix: str) -> str:
    return path[len(prefix) :] if path.startswith(prefix) else path


def build_document(
    routes: list[Route], prefix: str, version: str, base_url: str = "/"
) -> OpenAPIDocument:
    """The OpenAPI 3.1 document of `routes` (paths relative to `prefix`) from their contracts.

    A route outside `prefix` (the app's front routes, e.g. `/dask/clusters`) is keyed by its
    path relative to `base_url`, with its own `servers` entry pointing at `base_url`.

    Request and response models go to `components/schemas`; query models become query
    parameters; path parameters come from the route's named groups; every verb may answer
    4XX/503 with `ErrorBody`. A verb without a contract is left out (see `missing_contracts`).
    """
    declared = [
        (route, verb, getattr(route.handler, "contract", {})[verb])
        for route in routes
        for verb in implemented_verbs(route.handler)
        if verb in getattr(route.handler, "contract", {})
    ]
    uses: set[tuple[Shape, JsonSchemaMode]] = {(ErrorBody, "serialization")}
    for _route, _verb, contract in declared:
        uses.update((m, "validation") for m in (contract.query, contract.body) if m)
        if contract.response is not None:
            uses.add((contract.response, "serialization"))
    refs, schemas = _models_schemas(uses)

    def ref(model: Shape, mode: str) -> dict[str, Any]:
        schema: dict[str, Any] = refs[(model, mode)]
        return schema

    error = {"application/json": {"schema": ref(ErrorBody, "serialization")}}
    paths: dict[str, dict[str, Any]] = {}
    for route, verb, contract in declared:
        parameters: list[dict[str, Any]] = [
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "string", "pattern": f"^{regex}$"},
            }
            for name, regex in route.parameters
        ]
        if contract.query is not None:
            query_schema = contract.query.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
            required = set(query_schema.get("required", []))
            for name, schema in query_schema.get("properties", {}).items():
                schema.pop("title", None)
                parameters.append(
                    {"name": name, "in": "query", "required": name in required, "schema": schema}
                )
        operation: dict[str, Any] = {
            "summary": contract.summary,
            "operationId": verb + re.sub(r"\W+", "_", _relative(route.path, prefix)).rstrip("_"),
            "parameters": parameters,
            "responses": {
                "4XX": {"description": "bad input, not found, conflict", "content": error},
                "503": {"description": "the store is unavailable", "content": error},
            },
        }
        if contract.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": ref(contract.body, "validation")}},
            }
        success: dict[str, Any] = {"description": contract.summary}
        if contract.binary:
            success["content"] = {"application/octet-stream": {"schema": {}}}
        elif contract.response is not None:
            schema = ref(contract.response, "serialization")
            success["content"] = {"application/json": {"schema": schema}}
        operation["responses"][str(contract.status)] = success
        if route.path.startswith(prefix):
            path = route.path[len(prefix) :] or "/"
            item = paths.setdefault(path if path.startswith("/") else f"/{path}", {})
        else:
            path = "/" + route.path[len(base_url.rstrip("/")) :].lstrip("/")
            item = paths.setdefault(path, {"servers": [{"url": base_url.rstrip("/") or "/"}]})
        item[verb] = operation
    return OpenAPIDocument(
        openapi="3.1.0",
        info={"title": "jupyter-mlops REST API", "version": version},
        servers=[{"url": prefix}],
        paths=paths,
        components={
            "schemas": schemas,
            "securitySchemes": {
                "token": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "`token <Jupyter token>`",
                },
            },
        },
        security=[{"token": []}],
    )
