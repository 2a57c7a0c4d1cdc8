"""What each REST verb takes and returns, declared next to its handler, for the OpenAPI document.

A handler class declares `contract = {"get": Contract(...), "post": Contract(...)}`: the
pydantic models of its query arguments, its JSON body and its answer. Path parameters come from
the route's named groups (`(?P<run_id>[^/]+)`). The document served at
`GET /mlops/api/openapi.json` is generated from these declarations, and a test checks that every
registered route and verb has one.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel


@dataclass(frozen=True)
class Contract:
    """One verb's contract: `query`, `body` and `response` models (None: none / not JSON).

    `response=None` with `binary=True` says the verb streams a file (a download); `status` is
    the success status; `summary` is the one-line description shown in the document.
    """

    summary: str
    response: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    status: int = 200
    binary: bool = False
