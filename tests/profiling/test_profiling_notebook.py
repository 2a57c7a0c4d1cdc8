"""example_notebooks/02_profile_data.ipynb runs top to bottom under papermill, in a real kernel."""

from __future__ import annotations

import sqlite3

from tests.app.test_notebooks import _run

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _outputs(notebook) -> str:
    """All text of the outputs; a cell's stream pieces are joined as printed (the kernel may
    send one line in several messages)."""
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", ""))
            texts.extend("\n" + str(v) + "\n" for v in output.get("data", {}).values())
            texts.append(" ".join(output.get("traceback", [])))
    return "".join(texts)


def test_profile_data_notebook_runs_and_saves_a_baseline(tmp_path, mlops_store):
    notebook = _run("02_profile_data.ipynb", tmp_path)
    text = _outputs(notebook)
    errors = [
        output
        for cell in notebook.cells
        if "raises-exception" not in cell.metadata.get("tags", [])
        for output in cell.get("outputs", [])
        if output.get("output_type") == "error"
    ]
    assert errors == []
    # The profile and the magic displayed widgets, with an HTML summary beside them.
    widgets = [
        output
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if WIDGET_MIME in output.get("data", {})
    ]
    assert len(widgets) >= 2
    assert "likely_id" in text and "patient_id" in text
    assert "duplicate_rows" in text and "high_missing" in text
    assert "shifted columns: ['mean radius']" in text
    assert "engine dask" in text and "quantiles approximate: True" in text
    assert "breast-cancer-train" in text
    assert (tmp_path / "breast_cancer_profile.html").stat().st_size > 1_000_000
    # The one-line error of the last cell.
    assert "no variable named 'no_such_frame'" in text
    with sqlite3.connect(mlops_store / "mlops.db") as db:
        names = [row[0] for row in db.execute("select name from profiling_profiles")]
    assert names == ["breast-cancer-train"]


def test_profile_data_notebook_takes_a_sample_parameter(tmp_path, mlops_store):
    notebook = _run("02_profile_data.ipynb", tmp_path, sample=100)
    text = _outputs(notebook)
    assert "<Profile: 100 rows x 33 columns" in text
    assert "('breast-cancer-train', 100," in text
