"""GET /mlops/api/openapi.json: generated from the handlers' contracts, covering every route."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from jupyter_server.utils import url_path_join
from tornado.httpclient import HTTPClientError

from jupyter_mlops.core.openapi import implemented_verbs, parse_pattern

MODEL_TS = Path(__file__).resolve().parent.parent / "labextension/src/tracking/model.ts"


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


async def test_document_needs_authentication(jp_fetch, http_server_client, jp_base_url):
    url = url_path_join(jp_base_url, "mlops/api/openapi.json")
    response = await http_server_client.fetch(url, raise_error=False)
    assert response.code == 403


# --- the TypeScript mirror of the tracking contract -------------------------------------------

_INTERFACE = re.compile(r"export interface (\w+)(?: extends ([\w, ]+))? \{(.*?)\n\}", re.S)
_FIELD = re.compile(r"^\s+(?:readonly\s+)?(\w+)\??:", re.M)


def _interfaces(source: str) -> dict[str, set[str]]:
    """Field names of every `export interface`, inherited fields included."""
    raw = {name: (parents, set(_FIELD.findall(body))) for name, parents, body in
           _INTERFACE.findall(source)}  # fmt: skip

    def fields(name: str) -> set[str]:
        parents, own = raw[name]
        inherited = [fields(p.strip()) for p in (parents or "").split(",") if p.strip() in raw]
        return own.union(*inherited)

    return {name: fields(name) for name in raw}


def _properties(schemas: dict, interface: str) -> set[str] | None:
    """The response schema an interface mirrors: `IRunsPage` -> `RunsPage`, `IRun` -> `RunOut`."""
    name = interface[1:] if re.match(r"I[A-Z]", interface) else interface
    for key in (name, f"{name}-Output", f"{name}Out", f"{name}Out-Output"):
        if key in schemas:
            return set(schemas[key].get("properties", {}))
    return None


async def test_typescript_interfaces_match_the_tracking_schemas(jp_fetch):
    """Each interface of tracking/model.ts named like a response schema has its exact fields."""
    schemas = (await _document(jp_fetch))["components"]["schemas"]
    interfaces = _interfaces(MODEL_TS.read_text())
    compared = []
    for name, fields in interfaces.items():
        properties = _properties(schemas, name)
        if properties is None:
            continue
        assert fields == properties, (
            f"{name}: only in model.ts {sorted(fields - properties)}, "
            f"only in the API {sorted(properties - fields)}"
        )
        compared.append(name)
    for expected in ("IRunsPage", "IRun", "IRunDetail", "IMetricHistory", "IArtifactList"):
        assert expected in compared, f"model.ts has no interface {expected}"


async def test_unknown_route_is_not_in_the_document(jp_fetch):
    with pytest.raises(HTTPClientError) as info:
        await jp_fetch("mlops", "api", "openapi.yaml")
    assert info.value.code == 404
