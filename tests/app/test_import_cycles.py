"""No two modules of the package import each other (a two-file import circle).

A circle means neither module can be read, tested or moved without the other, and it is how
data came to import its rendering (`monitoring.drift` -> `charts`, `clusters.entities` ->
`report`). Imports inside functions and under `TYPE_CHECKING` count: they are a dependency all
the same. Shared code moves down into a module both can import.
"""

from __future__ import annotations

import grimp


def two_module_cycles(package: str) -> list[str]:
    """Each pair of `package`'s modules importing each other, with the lines doing it."""
    graph = grimp.build_graph(package)
    found = []
    for module in sorted(graph.modules):
        for other in sorted(graph.find_modules_directly_imported_by(module)):
            if module < other and module in graph.find_modules_directly_imported_by(other):
                lines = [
                    f"{d['importer']}:{d['line_number']} {d['line_contents']}"
                    for a, b in ((module, other), (other, module))
                    for d in graph.get_import_details(importer=a, imported=b)
                ]
                found.append(f"{module} <-> {other}: " + "; ".join(lines))
    return found


def test_no_two_modules_import_each_other() -> None:
    cycles = two_module_cycles("jupyter_mlops")
    assert not cycles, "two-module import circles:\n" + "\n".join(cycles)


def test_a_two_module_cycle_is_found(tmp_path, monkeypatch) -> None:
    # The check itself: a package whose data module imports its chart inside a function.
    package = tmp_path / "circled"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "data.py").write_text("def figure():\n    from .charts import draw\n")
    (package / "charts.py").write_text("from .data import figure\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    (cycle,) = two_module_cycles("circled")
    assert cycle.startswith("circled.charts <-> circled.data")
    assert "circled.data:2 from .charts import draw" in cycle
