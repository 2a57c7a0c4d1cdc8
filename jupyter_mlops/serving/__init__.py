"""Model registry and serving: registered model versions, aliases, and HTTP endpoints.

`registry.ModelRegistry` is the store of models, versions, aliases and endpoints (with
`registry_admin`, `endpoint_records` and `registry_rows`); `api` is the Python API
(`register_model`, `set_model_alias`, `load_model("models:/NAME@ALIAS")`, `deploy`);
`endpoint_app` is the endpoint process (Starlette on uvicorn) with its model source
(`model_source`), micro-batcher (`batcher`), payload validation (`payloads`), metrics
(`endpoint_metrics`) and request log (`request_log`); `supervisor` starts, restarts and stops
endpoint processes for the server (`adoption` for persistent ones, `endpoint_client` for their
`/health` and `/metrics`); `handlers` is the REST adapter (`rest_views` builds its answers).
"""
