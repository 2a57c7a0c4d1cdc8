"""Artifacts from the notebook API: files, text, figures and scikit-learn models."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..core.errors import MLOpsError
from ..model_format import ModelInfo, pinned_sha256, save_model
from . import fluent
from .artifacts import staged_folder
from .model_files import load_logged_model, record_model_file
from .process_client import get_client
from .validation import check_key

FIGURES_FOLDER = "figures"
# The profile of a model's training data, in its folder (the registry's monitoring baseline).
TRAINING_PROFILE_FILE = "training_profile.json"


def log_artifact(
    local_path: str | os.PathLike[str], artifact_path: str | None = None, run_id: str | None = None
) -> str:
    """Copy a local file or folder into the active run's artifacts; returns its artifact path."""
    client, target = fluent._target(run_id)
    return client.store.log_artifact(target, local_path, artifact_path)


def log_text(text: str, artifact_file: str, run_id: str | None = None) -> str:
    """Store `text` as the artifact `artifact_file` (e.g. "notes/summary.md")."""
    client, target = fluent._target(run_id)
    return client.store.write_artifact(target, artifact_file, text.encode())


def log_dict(data: Any, artifact_file: str, run_id: str | None = None) -> str:
    """Store `data` as JSON in the artifact `artifact_file`."""
    return log_text(json.dumps(data, indent=2, default=str), artifact_file, run_id)


def log_figure(figure: Any, name: str, run_id: str | None = None) -> list[str]:
    """Store a figure under `figures/`: a plotly figure as `<name>.json` (what the
    Experiments panel draws) and a standalone `<name>.html`; a matplotlib figure as
    `<name>.png`. A name ending in `.json`, `.html` or `.png` stores that format only.
    Returns the artifact paths written.
    """
    client, target = fluent._target(run_id)
    stem, suffix = os.path.splitext(name)
    if suffix not in ("", ".json", ".html", ".png") or not stem or "/" in stem:
        raise MLOpsError(
            f"figure name {name!r}: a file name, optionally ending .json, .html or .png",
            field="name",
        )
    written = []
    if hasattr(figure, "to_plotly_json"):
        if suffix in ("", ".json"):
            data = figure.to_json().encode()
            written.append(
                client.store.write_artifact(target, f"{FIGURES_FOLDER}/{stem}.json", data)
            )
        if suffix in ("", ".html"):
            # The page loads plotly.js from its CDN: a few kB per figure instead of 4 MB.
            html = figure.to_html(include_plotlyjs="cdn", full_html=True).encode()
            written.append(
                client.store.write_artifact(target, f"{FIGURES_FOLDER}/{stem}.html", html)
            )
    elif hasattr(figure, "savefig"):
        if suffix not in ("", ".png"):
            raise MLOpsError("a matplotlib figure is stored as .png", field="name")
        # Through the store: the run's artifacts may be on object storage.
        image = io.BytesIO()
        figure.savefig(image, format="png", bbox_inches="tight")
        path = f"{FIGURES_FOLDER}/{stem}.png"
        written.append(client.store.write_artifact(target, path, image.getvalue()))
    else:
        raise MLOpsError(
            f"log_figure takes a plotly or matplotlib figure, not {type(figure).__name__}",
            field="figure",
        )
    return written


def log_model(
    estimator: Any,
    name: str = "model",
    input_example: Any = None,
    run_id: str | None = None,
    X: Any = None,
) -> ModelInfo:
    """Store a fitted scikit-learn estimator (skops) with its input schema in folder `name`.

    `input_example` is the training `X` (or a sample of it): it gives the column names and
    dtypes of the schema and up to 5 example rows. `X`, the training data, does the same and
    is also profiled into `training_profile.json` in the folder: registering the model makes
    it the version's monitoring baseline. The run gets the tag `mlops.model.<name>` = the
    estimator class.
    """
    client, target = fluent._target(run_id)
    folder_name = model_folder_name(name)
    example = input_example if input_example is not None else X
    # Written in place for a local run; staged and uploaded for one on object storage.
    with staged_folder(client.store.get_run(target).artifact_uri, folder_name) as folder:
        info = save_model(folder, estimator, example, run_id=target)
        if X is not None:
            _write_training_profile(folder, X)
        # The store pins the model file and MLmodel.json together (model_format.pinning).
        pinned = pinned_sha256(folder)
    record_model_file(client.store.database, target, folder_name, pinned, info.estimator_class)
    client.store.log_batch(target, tags={f"mlops.model.{folder_name}": info.estimator_class})
    return info


def _write_training_profile(folder: Path, X: Any) -> None:
    import numpy as np
    import pandas as pd

    from ..profiling.api import profile

    frame = X if isinstance(X, pd.DataFrame) else pd.DataFrame(np.asarray(X))
    (folder / TRAINING_PROFILE_FILE).write_text(profile(frame.rename(columns=str)).to_json())


def load_model(run_id: str, name: str = "model", trusted: Iterable[str] = ()) -> Any:
    """The estimator a run logged under `name` with `log_model`.

    Loads only scikit-learn, numpy and scipy classes plus the type names in `trusted`, and only
    a model file whose sha256 is the one recorded at `log_model` (see `tracking.model_files`).
    """
    client = get_client()
    run_id = fluent.resolve_run_id(run_id)
    estimator, _info = load_logged_model(run_id, model_folder_name(name), trusted, client.store)
    return estimator


def model_folder_name(name: str) -> str:
    """A model's artifact folder name: one path segment."""
    check_key(name, "model")
    if "/" in name or name in (".", ".."):
        raise MLOpsError(f"model name {name!r} must be a single folder name", field="name")
    return name
