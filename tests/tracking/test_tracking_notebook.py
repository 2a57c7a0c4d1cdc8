"""`example_notebooks/01_track_experiments.ipynb` under papermill, in a real kernel."""

from __future__ import annotations

from pathlib import Path

from jupyter_mlops.core.store import get_database
from jupyter_mlops.tracking.store import TrackingStore
from tests.app.test_notebooks import EXAMPLES, _outputs, _run

NOTEBOOK = "01_track_experiments.ipynb"


def test_track_experiments_notebook(tmp_path, mlops_store, monkeypatch):
    # What a job runner sets so that runs know their notebook (papermill does not tell the kernel).
    monkeypatch.setenv("JUPYTER_MLOPS_NOTEBOOK", str(EXAMPLES / NOTEBOOK))
    notebook = _run(NOTEBOOK, tmp_path, regularisation=[0.1, 1.0])
    text = _outputs(notebook)
    assert "run logistic-baseline (" in text and "FINISHED" in text
    assert "Traceback" not in text

    store = TrackingStore(get_database(), mlops_store)
    experiment = store.get_experiment_by_name("breast-cancer")
    assert experiment is not None
    runs = {run.name: run for run in store.search_runs([experiment.experiment_id]).runs}
    tracked = ["logistic-baseline", "growing-forest", "grid-search", "forest-grid"]
    assert set(tracked) <= set(runs)
    for name in tracked:
        run = runs[name]
        assert run.status == "FINISHED", name
        assert run.cell_source is not None, name
        assert run.cell_source.startswith("%%track -e breast-cancer"), name
        assert run.notebook_path == str(EXAMPLES / NOTEBOOK)
        assert run.environment["kernel"].startswith("ipykernel")
        assert run.metrics["test_accuracy"] > 0.85, name

    # Autolog logged the baseline pipeline and its model; --no-autolog kept the forest manual.
    assert runs["logistic-baseline"].tags["estimator_name"] == "Pipeline"
    assert "logisticregression__C" in runs["logistic-baseline"].params
    assert "mlops.autolog" not in runs["growing-forest"].tags
    curve = store.metric_history(runs["growing-forest"].run_id, "test_accuracy")
    assert [p.step for p in curve] == list(range(1, 21))

    # The papermill parameter reached the grid: 2 candidates, both logged as child runs.
    grid = runs["grid-search"]
    children = store.child_runs(grid.run_id)
    assert sorted(c.params["logisticregression__C"] for c in children) == ["0.1", "1.0"]
    assert "best_cv_score" in grid.metrics

    forest_root = Path(runs["forest-grid"].artifact_uri)
    assert (forest_root / "figures" / "feature_importances.json").is_file()
    assert (forest_root / "model" / "MLmodel.json").is_file()
    assert (Path(runs["growing-forest"].artifact_uri) / "model" / "model.skops").is_file()

    # search_runs, %mlops runs and %mlops compare produced their outputs.
    assert "metrics.test_accuracy" in text
    assert "application/vnd.plotly.v1+json" in {
        key
        for cell in notebook.cells
        for out in cell.get("outputs", [])
        for key in out.get("data", {})
    }
