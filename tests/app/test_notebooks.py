"""The example notebooks run top to bottom under papermill, in a real kernel."""

from __future__ import annotations

from pathlib import Path

import papermill

EXAMPLES = Path(__file__).resolve().parents[2] / "example_notebooks"


def _run(name: str, tmp_path: Path, **parameters: object):
    output = tmp_path / name
    return papermill.execute_notebook(
        str(EXAMPLES / name), str(output), parameters=parameters, cwd=str(tmp_path),
        kernel_name="python3", progress_bar=False,
    )  # fmt: skip


def _outputs(notebook) -> str:
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", ""))
            texts.extend(str(v) for v in output.get("data", {}).values())
            texts.append(" ".join(output.get("traceback", [])))
    return "\n".join(texts)


def test_getting_started_loads_the_extension_and_prints_status(tmp_path, mlops_store):
    # No store yet (whatever the fixtures put there): the notebook's first use creates it.
    (mlops_store / "mlops.db").unlink(missing_ok=True)
    notebook = _run("00_getting_started.ipynb", tmp_path)
    text = _outputs(notebook)
    assert "jupyter-mlops" in text
    assert str(mlops_store / "mlops.db") in text
    assert "up to date" in text
    # The wrong subcommand cell is tagged raises-exception and shows one line.
    assert "UsageError" in text
    assert (mlops_store / "mlops.db").exists()
