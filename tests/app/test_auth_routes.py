"""Every registered /mlops/api route refuses a request that carries no credentials."""

from __future__ import annotations

import re

from jupyter_server.utils import url_path_join
from tornado import web

VERBS = ("get", "post", "put", "patch", "delete")
GROUP = re.compile(r"\((?:\?P<\w+>)?[^()]*\)")


def _concrete(pattern: str) -> str:
    """A URL that matches `pattern`, with each regex group replaced by a plain segment."""
    return GROUP.sub("x", pattern).replace("$", "").replace("^", "")


def _verbs(handler: type[web.RequestHandler]) -> list[str]:
    return [v for v in VERBS if getattr(handler, v) is not getattr(web.RequestHandler, v)]


async def test_every_route_refuses_unauthenticated_requests(
    mlops_app, http_server_client, jp_base_url, jp_fetch
):
    routes = [(pattern, handler) for pattern, handler, *_ in mlops_app.handlers]
    routes += mlops_app.front_handlers  # mounted ahead of other extensions (app.py)
    assert any(pattern.endswith("/mlops/api/health") for pattern, _ in routes)
    checked = []
    for pattern, handler in routes:
        url = url_path_join(jp_base_url, _concrete(pattern))
        for verb in _verbs(handler):
            body = b"{}" if verb in ("post", "put", "patch") else None
            response = await http_server_client.fetch(
                url, method=verb.upper(), body=body, raise_error=False,
                allow_nonstandard_methods=True,
            )  # fmt: skip
            assert response.code in (401, 403), f"{verb.upper()} {url} answered {response.code}"
            checked.append(f"{verb.upper()} {pattern}")
    assert checked, "no routes were checked"


async def test_the_same_route_answers_with_the_token(jp_fetch):
    response = await jp_fetch("mlops", "api", "health")
    assert response.code == 200
