"""`POST /mlops/api/models {"source": folder}` registers only folders under the server's root or
the store (issue 17, item 1): any other absolute path, a `..` or a symlink out of the root, and
a folder holding links are a 403 naming `source`, and nothing is registered."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import jupyter_mlops as mlops
from jupyter_mlops.model_format import save_model
from tests.support.gadgets import genuine_model
from tests.support.tracking_rest import api_error

pytestmark = pytest.mark.capabilities("serving")


def _model(folder: Path) -> Path:
    estimator, X = genuine_model()
    save_model(folder, estimator, X)
    return folder


async def _register(jp_fetch: Any, source: str, name: str = "m") -> dict[str, Any]:
    body = json.dumps({"source": source, "name": name})
    response = await jp_fetch("mlops", "api", "models", method="POST", body=body)
    answer: dict[str, Any] = json.loads(response.body)
    return answer


async def _refused(jp_fetch: Any, source: str) -> dict[str, Any]:
    body = json.dumps({"source": source, "name": "m"})
    code, error = await api_error(jp_fetch("mlops", "api", "models", method="POST", body=body))
    assert (code, error["field"]) == (403, "source"), (code, error)
    return error


async def test_folders_outside_the_root_and_the_store_are_refused(
    jp_fetch, jp_root_dir, mlops_store, tmp_path
):
    outside = _model(tmp_path / "outside" / "model")
    error = await _refused(jp_fetch, str(outside))
    assert "outside the server's root" in error["message"]
    # `..` out of the root, relative or absolute.
    await _refused(jp_fetch, str(jp_root_dir / ".." / "outside" / "model"))
    await _refused(jp_fetch, "../outside/model")
    # A symlink in the root that points out of it.
    (jp_root_dir / "link").symlink_to(outside, target_is_directory=True)
    await _refused(jp_fetch, str(jp_root_dir / "link"))
    await _refused(jp_fetch, "link")
    assert mlops.list_models() == []


async def test_folders_under_the_root_or_the_store_register(jp_fetch, jp_root_dir, mlops_store):
    _model(jp_root_dir / "models" / "lr")
    assert (await _register(jp_fetch, str(jp_root_dir / "models" / "lr")))["version"] == 1
    assert (await _register(jp_fetch, "models/lr"))["version"] == 2  # relative to the root
    in_store = _model(mlops_store / "exported" / "lr")
    assert (await _register(jp_fetch, str(in_store)))["version"] == 3


@pytest.mark.parametrize("linked", ["MLmodel.json", "model.skops", "input_example.json"])
async def test_a_folder_holding_a_link_is_refused(
    jp_fetch, jp_root_dir, mlops_store, tmp_path, linked
):
    folder = _model(jp_root_dir / "linked")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes((folder / linked).read_bytes())
    (folder / linked).unlink()
    (folder / linked).symlink_to(elsewhere)
    error = await _refused(jp_fetch, str(folder))
    assert "symbolic link" in error["message"]
    assert mlops.list_models() == []
