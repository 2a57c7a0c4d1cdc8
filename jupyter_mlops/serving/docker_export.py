"""`jupyter-mlops export NAME@ALIAS --docker DIR`: a container build folder for one version.

The folder holds the model (its registered files, hash-checked at load), `endpoint.json`
(name, version, sha256), `requirements.txt` pinning scikit-learn, skops, numpy and pandas to the
versions the model was saved with (and the serving stack to this environment's), and a
Dockerfile on the Python minor version it was trained with that runs
`jupyter-mlops serve --model-dir` on port 8080 as an unprivileged user.
"""

from __future__ import annotations

import contextlib
import json
import shutil
from importlib import metadata
from pathlib import Path

from .._version import __version__
from ..core import artifact_store
from ..core.errors import MLOpsError
from .api import get_registry
from .model_source import ENDPOINT_FILE
from .model_uri import parse_ref

_TRAINED_WITH = ("scikit-learn", "skops", "numpy", "pandas")
_SERVING_STACK = ("starlette", "uvicorn", "prometheus-client", "pyarrow")

DOCKERFILE = """\
# Built by `jupyter-mlops export`: serves {name} version {version} on port 8080.
FROM python:{python}-slim
ENV PYTHONDONTWRITEBYTECODE=1 PIP_NO_CACHE_DIR=1 JUPYTER_MLOPS_DATA_DIR=/srv/data
WORKDIR /srv
COPY requirements.txt ./
# A jupyter-mlops wheel placed in this folder is used when the package index lacks it.
COPY *.whl requirements.txt ./wheels/
RUN pip install --find-links ./wheels -r requirements.txt && rm -rf ./wheels
COPY model/ ./model/
RUN useradd --system --uid 10001 mlops && mkdir -p /srv/data && chown mlops /srv/data
USER mlops
EXPOSE 8080
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/health')"
CMD ["jupyter-mlops", "serve", "--model-dir", "/srv/model", "--host", "0.0.0.0", "--port", "8080"]
"""


def export_docker(model: str, folder: Path, from_root: bool = False) -> Path:
    """Write the build folder for `model` into `folder` (which must be empty or absent).

    `from_root`: bake no model files; `endpoint.json` names the version's location on the
    (remote) artifact root and its pinned hash, and the container downloads it at start and
    checks the hash before loading (credentials from the container's environment)."""
    registry = get_registry()
    version = registry.get_version(parse_ref(model))
    if from_root and not artifact_store.is_remote(version.storage_location):
        raise MLOpsError(
            f"from_root: {version.name} version {version.version} is in a local folder "
            f"({version.storage_location}); a container could not read it, bake it in instead",
            field="from_root",
        )
    folder = folder.resolve()
    if folder.exists() and any(folder.iterdir()):
        raise MLOpsError(f"{folder} is not empty", field="docker")
    folder.mkdir(parents=True, exist_ok=True)
    registry.load(version)  # refuse a model file that changed since registration
    meta: dict[str, object] = {
        "name": version.name,
        "version": version.version,
        "sha256": version.content_hash,
    }
    if from_root:
        (folder / "model").mkdir()
        meta["location"] = version.storage_location
    else:
        # The checked files (a version on object storage: its download) go into the image.
        local = artifact_store.local_copy(version.storage_location, version.content_hash)
        shutil.copytree(local, folder / "model")
    (folder / "model" / ENDPOINT_FILE).write_text(json.dumps(meta))
    pins = [
        f"{package}=={version.versions[package]}"
        for package in _TRAINED_WITH
        if package in version.versions
    ]
    for package in _SERVING_STACK:
        with contextlib.suppress(metadata.PackageNotFoundError):
            pins.append(f"{package}=={metadata.version(package)}")
    pins.append(f"jupyter-mlops=={__version__}")
    (folder / "requirements.txt").write_text("\n".join(pins) + "\n")
    python = ".".join(version.versions.get("python", "3.12").split(".")[:2])
    (folder / "Dockerfile").write_text(
        DOCKERFILE.format(name=version.name, version=version.version, python=python)
    )
    return folder
