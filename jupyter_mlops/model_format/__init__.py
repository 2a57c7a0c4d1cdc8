"""The ML model file format that tracking writes and serving loads (skops + metadata + schema).

Import from here, not from the modules inside: this is the narrow public module of the format.
"""

from .sklearn_folder import (
    EXAMPLE_FILE,
    INFO_FILE,
    MODEL_FILE,
    ColumnSpec,
    InputSchema,
    ModelInfo,
    infer_schema,
    load_model,
    prepare_input,
    read_model_info,
    save_model,
)

__all__ = [
    "EXAMPLE_FILE",
    "INFO_FILE",
    "MODEL_FILE",
    "ColumnSpec",
    "InputSchema",
    "ModelInfo",
    "infer_schema",
    "load_model",
    "prepare_input",
    "read_model_info",
    "save_model",
]
