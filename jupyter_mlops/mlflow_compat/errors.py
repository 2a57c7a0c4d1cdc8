"""MLflow's error codes and HTTP statuses, and the translation of the workbench's errors.

MLflow's client turns a JSON body `{"error_code": ..., "message": ...}` into an
`MlflowException` with that code, so the facade answers every error in that shape.
"""

from __future__ import annotations

import json

from pydantic import ValidationError

from ..core.errors import ErrorCode, MLOpsError

INVALID_PARAMETER_VALUE = "INVALID_PARAMETER_VALUE"
RESOURCE_DOES_NOT_EXIST = "RESOURCE_DOES_NOT_EXIST"
RESOURCE_ALREADY_EXISTS = "RESOURCE_ALREADY_EXISTS"
PERMISSION_DENIED = "PERMISSION_DENIED"
ENDPOINT_NOT_FOUND = "ENDPOINT_NOT_FOUND"
NOT_IMPLEMENTED = "NOT_IMPLEMENTED"
TEMPORARILY_UNAVAILABLE = "TEMPORARILY_UNAVAILABLE"
INTERNAL_ERROR = "INTERNAL_ERROR"

# MLflow's own mapping (mlflow.exceptions.ERROR_CODE_TO_HTTP_STATUS) for the codes used here.
HTTP_STATUS: dict[str, int] = {
    INVALID_PARAMETER_VALUE: 400,
    RESOURCE_ALREADY_EXISTS: 400,
    RESOURCE_DOES_NOT_EXIST: 404,
    ENDPOINT_NOT_FOUND: 404,
    PERMISSION_DENIED: 403,
    NOT_IMPLEMENTED: 501,
    TEMPORARILY_UNAVAILABLE: 503,
    INTERNAL_ERROR: 500,
}

# The workbench's codes as MLflow's. A changed param is a CONFLICT here and an
# INVALID_PARAMETER_VALUE in MLflow's stores.
_FROM_MLOPS: dict[ErrorCode, str] = {
    ErrorCode.BAD_REQUEST: INVALID_PARAMETER_VALUE,
    ErrorCode.CONFLICT: INVALID_PARAMETER_VALUE,
    ErrorCode.NOT_FOUND: RESOURCE_DOES_NOT_EXIST,
    ErrorCode.FORBIDDEN: PERMISSION_DENIED,
    ErrorCode.UNAVAILABLE: TEMPORARILY_UNAVAILABLE,
    ErrorCode.INTERNAL: INTERNAL_ERROR,
}

_BY_STATUS: dict[int, str] = {
    400: INVALID_PARAMETER_VALUE,
    403: PERMISSION_DENIED,
    404: ENDPOINT_NOT_FOUND,
    405: ENDPOINT_NOT_FOUND,
}


class MlflowError(MLOpsError):
    """An error with MLflow's code (e.g. `RESOURCE_ALREADY_EXISTS`), raised by the facade."""

    def __init__(self, message: str, mlflow_code: str, field: str | None = None) -> None:
        code = {
            RESOURCE_DOES_NOT_EXIST: ErrorCode.NOT_FOUND,
            ENDPOINT_NOT_FOUND: ErrorCode.NOT_FOUND,
            RESOURCE_ALREADY_EXISTS: ErrorCode.CONFLICT,
            PERMISSION_DENIED: ErrorCode.FORBIDDEN,
            INTERNAL_ERROR: ErrorCode.INTERNAL,
        }.get(mlflow_code, ErrorCode.BAD_REQUEST)
        super().__init__(message, code, field)
        self.mlflow_code = mlflow_code


def mlflow_code(error: MLOpsError) -> str:
    """MLflow's code for a workbench error."""
    if isinstance(error, MlflowError):
        return error.mlflow_code
    return _FROM_MLOPS[error.code]


def code_for_status(status: int) -> str:
    """MLflow's code for an HTTP error raised outside the facade (auth, unknown route)."""
    return _BY_STATUS.get(status, INTERNAL_ERROR if status >= 500 else INVALID_PARAMETER_VALUE)


def error_body(code: str, message: str) -> dict[str, str]:
    """The JSON body MLflow's client parses into an `MlflowException`."""
    return {"error_code": code, "message": message}


def request_error(exc: ValidationError) -> MlflowError:
    """A request field of the wrong type or missing, in MLflow's server's words (its tests and
    tools match them): `Invalid value 31 for parameter 'run_id' supplied. ...` or `Missing
    value for required parameter 'name'.`, naming the top-level parameter."""
    first = exc.errors()[0]
    parameter = str(first["loc"][0]) if first["loc"] else "body"
    if first["type"] == "missing" or first.get("input", "") is None:  # protobuf: null is unset
        # A field inside a list item is named by its path (`metrics[0].timestamp`), as MLflow's
        # server names it.
        message = f"Missing value for required parameter '{_path(first['loc']) or parameter}'."
    else:
        value = first.get("input")
        shown = json.dumps(value, default=str)
        message = (
            f"Invalid value {shown} for parameter '{parameter}' supplied. Hint: Value was of "
            f"type '{type(value).__name__}'. See the API docs for more information about "
            "request parameters."
        )
    return MlflowError(message, INVALID_PARAMETER_VALUE, parameter)


def _path(loc: tuple[int | str, ...]) -> str:
    """A validation location as MLflow writes a parameter path: `metrics[0].timestamp`."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text
