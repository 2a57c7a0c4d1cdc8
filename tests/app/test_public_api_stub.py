"""The lazy public API (`jupyter_mlops/__init__.py`) and its type stub (`__init__.pyi`) agree,
and a type checker sees the API through the stub (the package ships `py.typed`)."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import jupyter_mlops

PACKAGE = Path(jupyter_mlops.__file__).resolve().parent
ROOT = PACKAGE.parent


def _stub_names() -> dict[str, str]:
    """`{name: module}` for each `from .module import name as name` of the stub."""
    tree = ast.parse((PACKAGE / "__init__.pyi").read_text())
    names = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            for alias in node.names:
                assert alias.asname == alias.name, f"{alias.name}: re-export it `as` itself"
                names[alias.name] = f"jupyter_mlops.{node.module}"
    return names


def test_the_stub_declares_every_public_name_from_its_module():
    stub = _stub_names()
    public = {"__version__": "jupyter_mlops._version", **jupyter_mlops._PUBLIC_API}
    assert sorted(set(public) - set(stub)) == [], "add these to jupyter_mlops/__init__.pyi"
    assert sorted(set(stub) - set(public)) == [], "not in _PUBLIC_API: remove from the stub"
    assert stub == public
    assert set(jupyter_mlops.__all__) == set(stub)


def test_the_package_is_marked_typed():
    assert (PACKAGE / "py.typed").is_file()


def test_the_api_is_typed_through_the_stub():
    # `make lint` type-checks the tests (mypy, pyproject's tests override): with the stub these
    # lines are checked against the real signatures; without it they would be untyped `Any`.
    start: Callable[..., object] = jupyter_mlops.start_run
    error: type[Exception] = jupyter_mlops.MLOpsError
    assert callable(start)
    assert issubclass(error, Exception)
