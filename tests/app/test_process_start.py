"""Processes of ours skip rfc3987-syntax's IRI grammar (2.6 s of CPU at jsonschema's import,
for two formats no schema here uses): `jupyter_mlops.core.process_start`. The task process is
checked in tests/jobs/test_jobs_runner.py."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.jobs import outputs_text, write_notebook

_CLI_RUN = """
import json, sys
from jupyter_mlops.cli import main
status = main(["run", sys.argv[1], "--output", sys.argv[2]])
built = sys.modules.get("rfc3987_syntax") is not None
print(json.dumps({"status": status, "iri_grammar_built": built}))
"""

_AFTER_SKIP = """
import json, sys
from jupyter_mlops.core.process_start import skip_iri_grammar
skip_iri_grammar()
import jsonschema
checker = jsonschema.Draft7Validator.FORMAT_CHECKER
print(json.dumps({
    "iri": "iri" in checker.checkers,
    "email": "email" in checker.checkers,
    "date_refused": not checker.conforms("2026-13-45", "date"),
}))
"""


def _last_json(code: str, *args: str, cwd: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    answer: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def test_jupyter_mlops_run_executes_a_notebook_without_building_the_iri_grammar(
    tmp_path: Path,
) -> None:
    notebook = write_notebook(tmp_path / "nb.ipynb", "n = 1", "print(n + 1)")
    executed = tmp_path / "executed.ipynb"
    answer = _last_json(_CLI_RUN, str(notebook), str(executed), cwd=tmp_path)
    assert answer == {"status": 0, "iri_grammar_built": False}
    assert outputs_text(executed) == "2\n"


def test_after_the_skip_jsonschema_lacks_only_the_iri_formats(tmp_path: Path) -> None:
    answer = _last_json(_AFTER_SKIP, cwd=tmp_path)
    assert answer == {"iri": False, "email": True, "date_refused": True}
