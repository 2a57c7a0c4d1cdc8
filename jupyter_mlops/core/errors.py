"""One error type for the whole product, with a code that maps to an HTTP status in one place."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


class ErrorCode(str, Enum):
    """What went wrong, independent of the transport that reports it."""

    BAD_REQUEST = "bad_request"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    FORBIDDEN = "forbidden"
    UNAVAILABLE = "unavailable"
    INTERNAL = "internal"
    # The endpoint process's answers (`serving.endpoint_errors`): no token, a body over the
    # limit, a content type it does not read, rows its model's schema refuses.
    UNAUTHORIZED = "unauthorized"
    TOO_LARGE = "too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    INVALID_INPUT = "invalid_input"


HTTP_STATUS: dict[ErrorCode, int] = {
    ErrorCode.BAD_REQUEST: 400,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.CONFLICT: 409,
    ErrorCode.UNAVAILABLE: 503,
    ErrorCode.INTERNAL: 500,
    ErrorCode.UNAUTHORIZED: 401,
    ErrorCode.TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
    ErrorCode.INVALID_INPUT: 422,
}


class MLOpsError(Exception):
    """An error a caller can act on: a code, a one-line message and, for bad input, the field.

    Services raise it; the REST layer turns it into a JSON body with the mapped status, the
    magics print its message on one line.
    """

    def __init__(
        self, message: str, code: ErrorCode = ErrorCode.BAD_REQUEST, field: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field

    @property
    def http_status(self) -> int:
        """The HTTP status this error maps to."""
        return HTTP_STATUS[self.code]

    def to_dict(self) -> dict[str, str | None]:
        """The JSON body the REST API returns for this error."""
        return {"error": self.code.value, "message": self.message, "field": self.field}

    def _render_traceback_(self) -> list[str]:
        # IPython calls `_render_traceback_` when present: a user sees one line, not a traceback.
        where = f" ({self.field})" if self.field else ""
        return [f"MLOpsError{where}: {self.message}"]


def validation_error(exc: ValidationError, default_field: str = "body") -> MLOpsError:
    """The first pydantic error as a 400 naming the field (dotted path for nested fields)."""
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or default_field
    return MLOpsError(f"{field}: {first['msg']}", ErrorCode.BAD_REQUEST, field)


class NotFoundError(MLOpsError):
    """A named thing does not exist."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message, ErrorCode.NOT_FOUND, field)
