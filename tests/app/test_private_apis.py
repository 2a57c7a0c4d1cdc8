"""The private APIs of other packages jupyter-mlops still uses, pinned: each test fails when its
package drops or reshapes the name, before a user meets the AttributeError.

- papermill `inspection._infer_parameters(nb, name=, language=)`: `jobs/parameters.py` reads a
  notebook node's parameters; the public `inspect_notebook` only takes a file path.
- jupyter_server `log._scrub_uri(uri, extra_param_keys)`: `core/rest.py` hides tokens in logged
  request lines exactly as Jupyter's access log does; there is no public scrubber.

Tornado's private `_ApplicationRouter` (mounting our routes ahead of other extensions) is gone:
`app.py` uses the public `Application.add_handlers` and moves the rules it added to the front.
"""

from __future__ import annotations

import inspect

import nbformat


def test_papermill_infer_parameters_reads_a_node_with_kernel_and_language():
    from papermill.inspection import _infer_parameters

    assert {"name", "language"} <= set(inspect.signature(_infer_parameters).parameters)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("alpha = 0.5  # the rate\nname: str = 'x'")
    cell.metadata["tags"] = ["parameters"]
    nb.cells.append(cell)
    for each in nb.cells:
        each.metadata.setdefault("papermill", {})
    found = _infer_parameters(nb, name="python3", language="python")
    assert [(p.name, p.default, p.help) for p in found] == [
        ("alpha", "0.5", "the rate"),
        ("name", "'x'", ""),
    ]
    assert found[1].inferred_type_name == "str"


def test_jupyter_server_scrub_uri_hides_tokens_and_extra_keys():
    from jupyter_server.log import _scrub_uri

    assert _scrub_uri("/mlops/api/runs?token=abc&x=1") == "/mlops/api/runs?token=[secret]&x=1"
    assert _scrub_uri("/a?password=p", ["password"]) == "/a?password=[secret]"
    assert _scrub_uri("/a?x=1") == "/a?x=1"


def test_front_routes_answer_ahead_of_other_extensions(jp_serverapp):
    # app.py moves the rules `add_handlers` appended to the front of the router: the first rule
    # routes our front handlers (dask-labextension's `/dask/...` would win otherwise).
    router = jp_serverapp.web_app.default_router
    first = router.rules[0].target
    handlers = {rule.target for rule in first.rules}
    front = {handler for _pattern, handler in jp_serverapp.web_app.settings["mlops_front_handlers"]}
    assert front and handlers == front
