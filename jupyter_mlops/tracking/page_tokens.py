"""Opaque page tokens: the offset of the next page of a search or a listing."""

from __future__ import annotations

import base64
import binascii
import json

from ..core.errors import MLOpsError
from ..core.query import MAX_INT64


def encode_page_token(offset: int) -> str:
    """The opaque token of the page starting at `offset`."""
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def decode_page_token(token: str | None) -> int:
    """The offset a page token stands for (0 for none)."""
    if not token:
        return 0
    try:
        offset = json.loads(base64.urlsafe_b64decode(token.encode()))["offset"]
    except (binascii.Error, ValueError, KeyError, TypeError, RecursionError):
        raise MLOpsError("invalid page token", field="page_token") from None
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= MAX_INT64:
        raise MLOpsError("invalid page token", field="page_token")
    return offset
