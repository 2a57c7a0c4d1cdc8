"""`jupyter-mlops` does not import IPython (half a second of every command's start): a usage
error there is our own `CommandUsageError`, and `%mlops` still raises it as IPython's
one-line `UsageError`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from IPython.core.error import UsageError

from jupyter_mlops.core.subcommands import Subcommand, SubcommandRegistry, usage_error
from jupyter_mlops.magics import MLOpsMagics
from tests.support.ipython import ipython_shell

_PROBE = """
import contextlib, io, json, sys
from jupyter_mlops.cli import main
err = io.StringIO()
with contextlib.redirect_stderr(err):
    status = main(["export", "runs:/0123456789abcdef0123456789abcdef/model"])
ipython = sorted(m for m in sys.modules if m == "IPython" or m.startswith("IPython."))
print(json.dumps({"status": status, "stderr": err.getvalue(), "ipython": ipython}))
"""


def test_the_cli_and_its_usage_error_do_not_import_ipython(tmp_path: Path) -> None:
    # `export` without --docker/--kubernetes is a `usage_error` check, after argparse.
    done = subprocess.run(
        [sys.executable, "-c", _PROBE],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"JUPYTER_MLOPS_DATA_DIR": str(tmp_path / "mlops"), "PATH": "/usr/bin:/bin"},
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["ipython"] == []
    assert result["status"] == 2
    assert result["stderr"] == "jupyter-mlops export: give --docker DIR and/or --kubernetes DIR\n"


def _refuse(args: argparse.Namespace, shell: Any) -> None:
    raise usage_error(args, "give one of A or B")


def test_a_usage_error_check_is_ipythons_one_line_usage_error_in_the_magic() -> None:
    registry = SubcommandRegistry()
    registry.add(Subcommand("pick", "Pick one.", run=_refuse))
    magics = MLOpsMagics(ipython_shell(), registry)
    with pytest.raises(UsageError) as info:
        magics.magics["line"]["mlops"]("pick")  # the bound magic, as the shell calls it
    assert str(info.value) == "%mlops pick: give one of A or B"
