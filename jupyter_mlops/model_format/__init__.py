"""The ML model file format that tracking writes and serving loads (skops + metadata + schema).

Import from here, not from the modules inside: this is the narrow public module of the format.

Loading a model (what serving calls): `load_model(folder, expected_sha256=..., trusted=())`
returns `(estimator, ModelInfo)`. It trusts only skops' defaults and the named types of
`allowed_types.txt` (see `trust.py`) plus the type names in `trusted`, never the list in
`MLmodel.json`, and refuses a
folder whose model file and `MLmodel.json` do not hash to `expected_sha256` (`pinned_sha256`,
see `pinning.py`; FORBIDDEN `MLOpsError`, field `model`, naming the untrusted types or both
hashes). The recorded hash of a run's model folder comes from
`jupyter_mlops.tracking.model_files.model_file_sha256(database, run_id, name)`, and
`tracking.model_files.load_logged_model(run_id, name, trusted=(), store=None)` does both steps
(and refuses a folder with no recorded hash).
"""

from .pinning import INFO_FILE, MODEL_FILE, check_pinned, folder_sha256, pinned_sha256
from .sklearn_folder import (
    EXAMPLE_FILE,
    ColumnSpec,
    InputSchema,
    ModelInfo,
    infer_schema,
    load_model,
    prepare_input,
    read_model_info,
    save_model,
)
from .trust import allowed_types, file_sha256, trusted_types_for

__all__ = [
    "EXAMPLE_FILE",
    "INFO_FILE",
    "MODEL_FILE",
    "ColumnSpec",
    "InputSchema",
    "ModelInfo",
    "allowed_types",
    "check_pinned",
    "file_sha256",
    "folder_sha256",
    "infer_schema",
    "load_model",
    "pinned_sha256",
    "prepare_input",
    "read_model_info",
    "save_model",
    "trusted_types_for",
]
