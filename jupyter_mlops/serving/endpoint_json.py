"""The endpoint's JSON codec: orjson (several times faster on the hot path), json as fallback."""

from __future__ import annotations

import json
from typing import Any

try:
    import orjson

    def loads(data: bytes) -> Any:
        """Parse a JSON body."""
        return orjson.loads(data)

    def dumps(data: Any) -> bytes:
        """Write a JSON answer (NaN and infinities as null, numpy values as numbers)."""
        return orjson.dumps(data, option=orjson.OPT_SERIALIZE_NUMPY)

except ImportError:  # pragma: no cover - orjson is a dependency

    def loads(data: bytes) -> Any:
        """Parse a JSON body."""
        return json.loads(data)

    def dumps(data: Any) -> bytes:
        """Write a JSON answer."""
        return json.dumps(data).encode()
