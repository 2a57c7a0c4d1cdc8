"""`POST /invocations` bodies as `mlflow models serve` takes them, and its error shape.

Content types (the `Content-Type` header, its parameters ignored):

- `application/json` (also when the header is missing): MLflow's payloads
  (`dataframe_split`, `dataframe_records`, `instances`, `inputs`), with an optional `params`
  object beside them;
- `text/csv`: a table with a header row (pandas' `read_csv`);
- Parquet (`application/x-parquet`, `application/vnd.apache.parquet`, `application/parquet`):
  a table (pandas' `read_parquet`).

Anything else is a 415 naming the header. Tables are read as `dataframe_split` (their column
names, their rows), so every check of `payloads.SchemaView` applies. `params` are returned to
the caller: the workbench's scikit-learn models take none, so the endpoint ignores them and
says so in a `Warning` header, as MLflow does for a model without a params schema.

Errors on `/invocations` carry MLflow's keys (`error_code`, `message`), so MLflow's clients
read them, plus the workbench's `field` and `error` (`endpoint_errors.error_body`).
"""

from __future__ import annotations

import io
from typing import Any

from ..core.errors import ErrorCode
from .payloads import ModelInput, PayloadError, SchemaView, not_json

# The MLflow version the workbench's MLflow-compatible routes answer as (`/version`).
MLFLOW_PROTOCOL_VERSION = "3.1.0"
JSON_TYPES = ("application/json", "")
CSV_TYPES = ("text/csv",)
PARQUET_TYPES = ("application/x-parquet", "application/vnd.apache.parquet", "application/parquet")


def content_type_of(header: str | None) -> str:
    """The media type of a `Content-Type` header, lower case, without parameters."""
    return (header or "").split(";", 1)[0].strip().lower()


def read_invocation(
    raw: bytes, content_type: str | None, view: SchemaView, loads: Any
) -> tuple[ModelInput, dict[str, Any] | None]:
    """The rows of an `/invocations` body and its `params` (None without); `PayloadError`
    (400 for a body that does not parse, 415 for an unknown content type, 422 for rows the
    schema refuses)."""
    media = content_type_of(content_type)
    if media in JSON_TYPES or media.endswith("+json"):
        try:
            body = loads(raw)
        except ValueError:
            raise not_json() from None
        params = None
        if isinstance(body, dict) and "params" in body:
            body = dict(body)
            params = body.pop("params")
            if not isinstance(params, dict):
                raise PayloadError("params must be an object of {name: value}", "params")
        return view.from_invocation(body), params
    if media in CSV_TYPES or media in PARQUET_TYPES:
        frame = _table(raw, media)
        columns = [str(column) for column in frame.columns]
        rows = frame.astype(object).where(frame.notna(), None).values.tolist()
        return view.from_split(columns, rows, "body"), None
    raise PayloadError(
        f"unsupported Content-Type {media!r}: /invocations takes application/json, text/csv "
        "or application/x-parquet",
        "content-type",
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    )


def _table(raw: bytes, media: str) -> Any:
    import pandas as pd

    if not raw:
        raise PayloadError("the body is empty", "body", ErrorCode.BAD_REQUEST)
    try:
        if media in CSV_TYPES:
            return pd.read_csv(io.BytesIO(raw))
        return pd.read_parquet(io.BytesIO(raw))
    except Exception as exc:  # any parser failure is the body's fault
        kind = "CSV" if media in CSV_TYPES else "Parquet"
        message = f"the body is not a readable {kind} table ({exc})"
        raise PayloadError(message, "body", ErrorCode.BAD_REQUEST) from None


def params_warning(params: dict[str, Any]) -> str:
    """The `Warning` header saying a request's `params` were not used."""
    names = ", ".join(sorted(str(name) for name in params))[:200]
    return f'299 - "params ignored (the model takes none): {names}"'
