"""GET /mlops/api/openapi.json: generated from the handlers' contracts, covering every route."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jupyter_server.utils import url_path_join
from tornado.httpclient import HTTPClientError

from jupyter_mlops.core.openapi import (
    build_document,
    implemented_verbs,
    listed_routes,
    parse_pattern,
)
from jupyter_mlops.health.api_document import default_document, document_json
from jupyter_mlops.health.handlers import DOCUMENT_SETTING
from jupyter_mlops.mlflow_compat.handlers import ABSOLUTE_ROUTES

SRC = Path(__file__).resolve().parents[2] / "labextension/src"
MODEL_TS = SRC / "tracking/model.ts"
MONITORING_TS = SRC / "monitoring/model.ts"
SCHEMA_TS = SRC / "api/schema.d.ts"


async def _document(jp_fetch) -> dict:
    response = await jp_fetch("mlops", "api", "openapi.json")
    assert response.headers["Content-Type"].startswith("application/json")
    return json.loads(response.body)


def test_route_patterns_become_openapi_paths():
    assert parse_pattern("/mlops/api/runs/(?P<run_id>[^/]+)/metrics/(?P<key>[^/]+)$") == (
        "/mlops/api/runs/{run_id}/metrics/{key}",
        (("run_id", "[^/]+"), ("key", "[^/]+")),
    )
    assert parse_pattern(r"/a/(?P<x>(?:v1|v2)\))/b") == ("/a/{x}/b", (("x", r"(?:v1|v2)\)"),))


def _server_routes(web_app) -> list[tuple[str, type]]:
    """Every (pattern, handler class) the running tornado application routes under /mlops/api/."""
    found = []
    pending = list(web_app.default_router.rules)
    while pending:
        rule = pending.pop()
        if hasattr(rule.target, "rules"):
            pending.extend(rule.target.rules)
        elif "/mlops/api/" in getattr(getattr(rule.matcher, "regex", None), "pattern", ""):
            found.append((rule.matcher.regex.pattern, rule.target))
    return found


async def test_every_registered_route_and_verb_has_a_contract(jp_serverapp, jp_fetch):
    document = await _document(jp_fetch)
    routes = _server_routes(jp_serverapp.web_app)
    assert len(routes) >= 10
    # Routes mounted ahead of other extensions (app.py), outside /mlops/api/: keyed by their
    # path under the base URL.
    front = jp_serverapp.web_app.settings["mlops_front_handlers"]
    base_url = jp_serverapp.web_app.settings["base_url"]
    missing, checked = [], 0
    for pattern, handler in routes + front:
        path, _ = parse_pattern(pattern)
        if "/mlops/api/" in pattern:
            relative = path.split("/mlops/api", 1)[1]
        else:
            relative = "/" + path.removeprefix(base_url)
        for verb in implemented_verbs(handler):
            checked += 1
            if verb not in document["paths"].get(relative, {}):
                missing.append(f"{verb.upper()} {relative} ({handler.__module__})")
    assert checked >= 15
    assert not missing, "routes without a Contract:\n" + "\n".join(missing)


async def test_document_describes_parameters_bodies_and_errors(jp_fetch):
    document = await _document(jp_fetch)
    assert document["openapi"].startswith("3.")
    schemas = document["components"]["schemas"]
    runs = document["paths"]["/runs"]["get"]
    params = {p["name"]: p for p in runs["parameters"]}
    assert {"filter", "order_by", "max_results", "page_token", "offset"} <= set(params)
    assert params["max_results"]["schema"]["maximum"] == 1000
    run = document["paths"]["/runs/{run_id}"]
    assert [p["name"] for p in run["get"]["parameters"]] == ["run_id"]
    body_ref = run["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert body_ref.rsplit("/", 1)[1] in schemas
    error_ref = run["get"]["responses"]["4XX"]["content"]["application/json"]["schema"]["$ref"]
    assert set(schemas[error_ref.rsplit("/", 1)[1]]["properties"]) == {"error", "message", "field"}
    download = document["paths"]["/runs/{run_id}/artifacts/{path}"]["get"]["responses"]["200"]
    assert "application/octet-stream" in download["content"]
    assert "/openapi.json" in document["paths"]


async def test_document_built_without_a_server_is_the_served_one(jp_fetch, jp_base_url):
    # `jupyter-mlops openapi` (the source of labextension/src/api/schema.d.ts) lists the
    # routes from the capabilities' declarations: it must not miss or add one.
    served = await _document(jp_fetch)
    built = default_document(jp_base_url).model_dump(mode="json")
    assert sorted(built["paths"]) == sorted(served["paths"])
    assert built == served


async def test_the_document_is_built_once_per_server(jp_fetch, jp_serverapp):
    settings = jp_serverapp.web_app.settings
    assert DOCUMENT_SETTING not in settings  # built at the first request, not at start
    first = await _document(jp_fetch)
    kept = settings[DOCUMENT_SETTING]
    assert await _document(jp_fetch) == first == kept.model_dump(mode="json")
    assert settings[DOCUMENT_SETTING] is kept


def test_openapi_command_writes_the_document(tmp_path, capsys):
    from jupyter_mlops.cli import main

    target = tmp_path / "api" / "openapi.json"
    assert main(["openapi", "--write", str(target)]) == 0
    assert target.read_text() == document_json()
    assert "written" in capsys.readouterr().out
    assert main(["openapi", "--write", str(target)]) == 0
    assert "unchanged" in capsys.readouterr().out
    assert main(["openapi"]) == 0
    assert json.loads(capsys.readouterr().out)["paths"]["/runs"]


async def test_document_needs_authentication(jp_fetch, http_server_client, jp_base_url):
    url = url_path_join(jp_base_url, "mlops/api/openapi.json")
    response = await http_server_client.fetch(url, raise_error=False)
    assert response.code == 403


# --- the TypeScript types: generated from the document, the hand-written ones alias them ------

_ALIAS = re.compile(r"export type (\w+) = (?:Omit<)?Schema<'([\w-]+)'>")
_INTERFACE = re.compile(r"export interface (\w+)(?: extends ([\w, ]+))? \{(.*?)\n\}", re.S)


def _aliases(path: Path) -> dict[str, str]:
    """`{interface: schema}` for each `export type I... = Schema<'...'>` of a TS file."""
    return dict(_ALIAS.findall(path.read_text()))


async def test_typescript_models_alias_the_generated_schemas(jp_fetch):
    """tracking/model.ts and monitoring/model.ts take their response types from the generated
    schema.d.ts (tsc checks their use); each names a schema the server really documents."""
    schemas = (await _document(jp_fetch))["components"]["schemas"]
    tracking = _aliases(MODEL_TS)
    for expected in ("IRunsPage", "IRun", "IRunDetail", "IMetricHistory", "IArtifactList"):
        assert expected in tracking, f"tracking/model.ts does not alias {expected}"
    monitoring = _aliases(MONITORING_TS)
    for expected in ("IMonitor", "IDriftReport", "IColumnDrift", "IWindow", "IAlert"):
        assert expected in monitoring, f"monitoring/model.ts does not alias {expected}"
    for interface, schema in {**tracking, **monitoring}.items():
        assert schema in schemas, f"{interface}: no schema {schema} in the API"
    # Tracking's response shapes are no longer written by hand anywhere in model.ts.
    handwritten = {name for name, _parents, _body in _INTERFACE.findall(MODEL_TS.read_text())}
    assert handwritten <= {"IRunsQuery"}, f"hand-written response interfaces: {handwritten}"


def test_every_schema_the_lab_names_exists_under_its_own_name():
    """Each `Schema<'Name'>` in the Lab's sources names a schema of the document, and no schema
    name is module-qualified (pydantic qualifies two models of one name, e.g.
    `jupyter_mlops__team__api_models__Deleted`: one concept should have one model)."""
    schemas = json.loads(document_json())["components"]["schemas"]
    qualified = sorted(name for name in schemas if "__" in name)
    assert not qualified, f"two models share a name: {qualified}"
    named = {
        (path.relative_to(SRC).as_posix(), name)
        for path in SRC.rglob("*.ts*")
        if path.parent.name != "api"
        for name in re.findall(r"Schema<'(\w+)'>", path.read_text())
    }
    assert len(named) > 50, named  # the aliases are found at all
    unknown = sorted((where, name) for where, name in named if name not in schemas)
    assert not unknown, f"no such schema in the API: {unknown}"


def test_generated_types_name_every_schema_of_the_document():
    """schema.d.ts is openapi-typescript's output for `jupyter-mlops openapi` (`make lint`
    regenerates and compares it byte for byte; this catches a forgotten `make api-types` early)."""
    generated = SCHEMA_TS.read_text()
    assert generated.startswith("/**\n * This file was auto-generated by openapi-typescript.")
    section = generated.split("export interface components {\n    schemas: {\n", 1)[1]
    section = section.split("\n    };\n", 1)[0]
    declared = set(re.findall(r'^        "?([\w-]+)"?: ', section, re.M))
    schemas = json.loads(document_json())["components"]["schemas"]
    missing = sorted(name for name in schemas if name not in declared)
    assert not missing, f"schema.d.ts is stale (run make api-types): missing {missing}"


async def test_unknown_route_is_not_in_the_document(jp_fetch):
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("mlops", "api", "openapi.yaml")
    assert info.value.code == 404


def test_answer_fields_with_defaults_are_required_unless_the_model_leaves_them_out():
    """`reply` dumps every field, so an answer's defaulted fields are required (the Lab's
    generated types do not make them optional); a typed dict's `total=False` keys stay
    optional; MLflow's messages, which drop unset fields, keep them optional."""
    ours = default_document().model_dump(mode="json")["components"]["schemas"]
    assert {"tracking_run_ids", "error_field", "created_by"} <= set(ours["JobRunOut"]["required"])
    assert "prediction" not in ours["WindowReport"]["required"]
    mlflow = build_document(listed_routes(ABSOLUTE_ROUTES), "/mlops/api", "0")
    info = mlflow.model_dump(mode="json")["components"]["schemas"]["RunInfoMessage"]
    assert {"user_id", "end_time"} <= set(info["properties"]) - set(info["required"])
