"""`PATCH models/{name}` and `.../versions/{v}` remove tags with `delete_tags` (the model page's
tag editor removes a tag with it; issue 19), through a real Jupyter server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

import jupyter_mlops as mlops
from tests.support.tracking_rest import api_error


async def patch(jp_fetch: Any, *path: str, body: Any) -> Any:
    response = await jp_fetch("mlops", "api", *path, method="PATCH", body=json.dumps(body))
    return json.loads(response.body)


async def test_delete_tags_removes_model_and_version_tags(jp_fetch, mlops_store: Path) -> None:
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(40, 2)), columns=["a", "b"])
    mlops.register_model(LogisticRegression().fit(X, X["a"] > 0), "tagged", X=X)
    body = {"tags": {"team": "risk", "stage": "dev"}}
    assert (await patch(jp_fetch, "models", "tagged", body=body))["tags"] == body["tags"]
    model = await patch(jp_fetch, "models", "tagged", body={"delete_tags": ["stage"]})
    assert model["tags"] == {"team": "risk"}
    assert [m.tags for m in mlops.list_models()] == [{"team": "risk"}]

    version = ("models", "tagged", "versions", "1")
    await patch(jp_fetch, *version, body={"tags": {"checked": "yes", "note": "x"}})
    answer = await patch(jp_fetch, *version, body={"delete_tags": ["note"], "description": "d"})
    assert (answer["tags"], answer["description"]) == ({"checked": "yes"}, "d")

    status, error = await api_error(patch(jp_fetch, *version, body={"delete_tags": ["nope"]}))
    assert status == 404 and error["message"]
