"""The endpoint app's declared contracts, its OpenAPI document, and the middleware's answers.

No model is loaded (the app's lifespan does not run): what is checked here answers before any
route needs one: the contracts, `/openapi.json`, a missing token, a body over the limit.
"""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from jupyter_mlops.core.openapi import Route, missing_contracts
from jupyter_mlops.serving.endpoint_app import EndpointConfig, create_app
from jupyter_mlops.serving.endpoint_auth import EndpointAuth

TOKEN = {"Authorization": "Bearer s3cret"}


def app(limit: int = 10 * 1024 * 1024) -> Any:
    return create_app(EndpointConfig(model="m@prod", max_body_bytes=limit), EndpointAuth("s3cret"))


def test_every_route_declares_a_contract_and_the_document_lists_them() -> None:
    endpoint = app()
    routes = endpoint.state.routes
    assert missing_contracts([Route(p, p, (), h) for p, h in routes.items()]) == []
    document = TestClient(endpoint).get("/openapi.json", headers=TOKEN).json()
    assert set(document["paths"]) == set(routes)
    assert set(document["paths"]["/invocations"]) == {"post"}
    assert document["paths"]["/health"]["get"]["security"] == [{}]
    assert "HealthOut" in document["components"]["schemas"]


def test_without_the_token_every_route_but_the_probes_is_a_401_in_one_shape() -> None:
    client = TestClient(app())
    answer = client.get("/openapi.json")
    assert answer.status_code == 401
    assert answer.json() == {
        "error": "unauthorized",
        "message": "a bearer token is required (Authorization: Bearer <token>)",
        "field": "authorization",
    }
    mlflow = client.post("/invocations", json={})
    assert (mlflow.status_code, mlflow.json()["error_code"]) == (401, "UNAUTHENTICATED")
    assert mlflow.json()["error"] == "unauthorized"


def test_a_body_over_the_limit_is_a_413_before_the_route_and_is_counted() -> None:
    endpoint = app(limit=100)
    client = TestClient(endpoint)
    answer = client.post("/predict", content=b"[" + b"1," * 100 + b"1]", headers=TOKEN)
    assert answer.status_code == 413
    assert (answer.json()["error"], answer.json()["field"]) == ("too_large", "body")
    metrics = client.get("/metrics", headers=TOKEN).text
    assert 'route="predict",status="413"' in metrics


def test_the_scoring_front_counts_refusals_and_leaves_other_methods_to_the_router() -> None:
    endpoint = app()
    client = TestClient(endpoint)
    refused = client.post("/predict", json=[{"a": 1}], headers={"Authorization": "Bearer no"})
    assert (refused.status_code, refused.json()["field"]) == (401, "authorization")
    assert refused.headers["content-type"] == "application/json"
    metrics = client.get("/metrics", headers=TOKEN).text
    assert 'mlops_endpoint_requests_total{route="predict",status="401"} 1.0' in metrics
    assert 'mlops_endpoint_errors_total{route="predict",status="401"} 1.0' in metrics
    assert client.get("/invocations", headers=TOKEN).status_code == 405  # Starlette's router
    assert client.put("/predict", headers=TOKEN).status_code == 405
