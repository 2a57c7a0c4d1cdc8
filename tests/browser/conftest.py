"""Browser tests drive Playwright's sync API, which runs its own event loop."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def jp_asyncio_loop():
    """Replace pytest-jupyter's autouse loop: it would fight Playwright's loop in this thread."""
    yield None


@pytest.fixture(autouse=True)
def jp_server_cleanup():
    """No in-process Jupyter server runs here: browser tests use a real `jupyter lab` process."""
    yield
