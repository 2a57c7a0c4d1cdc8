"""Model registry and serving: registered model versions, aliases, and HTTP endpoints.

`registry.ModelRegistry` is the store of models, versions, aliases and endpoints; `api` is the
Python API (`register_model`, `set_model_alias`, `load_model("models:/NAME@ALIAS")`, `deploy`);
`endpoint_app` is the endpoint process (Starlette on uvicorn) with its micro-batcher
(`batcher`), payload validation (`payloads`) and request log (`request_log`); `supervisor`
starts, restarts and stops endpoint processes for the server; `handlers` is the REST adapter.
"""
