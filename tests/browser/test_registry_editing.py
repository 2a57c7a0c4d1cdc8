"""Registry editing on a model's page (issue 19): the model's and a version's description and
tags are edited in place (set, change, remove), saved through the REST API, and shown at once."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.browser import expect, open_mlops_sidebar, screenshot

# Its test on `lab_page` takes the browser package's loaded Lab (tests/support/shared_lab.py).
pytestmark = [pytest.mark.browser, pytest.mark.shared_lab]

MODEL = "editable-model"

REGISTER = f"""
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
import jupyter_mlops as mlops
rng = np.random.default_rng(0)
X = pd.DataFrame(rng.normal(size=(60, 2)), columns=["a", "b"])
y = (X["a"] > 0).astype(int)
mlops.register_model(LogisticRegression().fit(X, y), {MODEL!r}, X=X)
"""


def test_description_and_tags_of_a_model_and_a_version_are_edited_in_place(lab_page, lab_server):
    subprocess.run([sys.executable, "-c", REGISTER], env=lab_server.env(), check=True, timeout=120)
    page = lab_page
    open_mlops_sidebar(page)
    page.locator(f'[data-testid=mlops-model][data-model="{MODEL}"]').click()
    view = page.locator("[data-testid=mlops-model-view]")
    view.wait_for(state="visible")

    # The model: a description, then a tag; both show without a reload and reach the registry.
    details = view.get_by_test_id("mlops-model-details")
    expect(details.get_by_test_id("mlops-model-description")).to_have_text("No description.")
    details.get_by_test_id("mlops-model-edit-description").click()
    details.get_by_test_id("mlops-model-description-input").fill("Churn classifier, weekly")
    details.get_by_test_id("mlops-model-save-description").click()
    expect(details.get_by_test_id("mlops-model-description")).to_have_text(
        "Churn classifier, weekly"
    )
    details.get_by_test_id("mlops-model-tag-key").fill("team")
    details.get_by_test_id("mlops-model-tag-value").fill("risk")
    details.get_by_test_id("mlops-model-add-tag").click()
    expect(details.locator('[data-tag="team"] td >> nth=0')).to_have_text("risk")
    expect(details.get_by_test_id("mlops-model-tag-key")).to_have_value("")
    model = lab_server.api(f"models/{MODEL}")
    assert model["description"] == "Churn classifier, weekly"
    assert model["tags"]["team"] == "risk"
    # Remove deletes a tag (PATCH delete_tags).
    details.get_by_test_id("mlops-model-tag-key").fill("temporary")
    details.get_by_test_id("mlops-model-add-tag").click()
    expect(details.locator('[data-tag="temporary"]')).to_have_count(1)
    details.get_by_role("button", name="Remove tag temporary").click()
    expect(details.locator('[data-tag="temporary"]')).to_have_count(0)
    assert "temporary" not in lab_server.api(f"models/{MODEL}")["tags"]

    # A version: Details opens its description and tags under its row.
    row = view.locator('[data-testid=mlops-model-version][data-version="1"]')
    row.get_by_test_id("mlops-version-open-details").click()
    version = view.get_by_test_id("mlops-version-details")
    version.get_by_test_id("mlops-version-edit-description").click()
    version.get_by_test_id("mlops-version-description-input").fill("first fit")
    version.get_by_test_id("mlops-version-save-description").click()
    expect(version.get_by_test_id("mlops-version-description")).to_have_text("first fit")
    version.get_by_test_id("mlops-version-tag-key").fill("validated")
    version.get_by_test_id("mlops-version-tag-value").fill("yes")
    version.get_by_test_id("mlops-version-add-tag").press("Enter")
    expect(version.locator('[data-tag="validated"] td >> nth=0')).to_have_text("yes")
    stored = lab_server.api(f"models/{MODEL}/versions/1")
    assert (stored["description"], stored["tags"].get("validated")) == ("first fit", "yes")
    screenshot(view, "model-registry-editing")
