"""MLflow's checks of a model version's `source` outside this store (`s3://...`, `http://...`,
`mlflow-artifacts:/models`): such a version is recorded as metadata only, as MLflow's
registry records it, but a local path and a path climbing out with `..` are refused in
MLflow's server's words (its clients and tests match them).
"""

from __future__ import annotations

from urllib.parse import unquote, urlparse

from .errors import INVALID_PARAMETER_VALUE, MlflowError

LOCAL_SOURCE = (
    "To use a local path as a model version source, the run_id request parameter has to be "
    "specified and the local path has to be contained within the artifact directory of the "
    "run specified by the run_id."
)


def _relative_source(source: str) -> str:
    return (
        f"Invalid model version source: '{source}'. If supplying a source as an http, https, "
        "local file path, ftp, objectstore, or mlflow-artifacts uri, an absolute path must be "
        "provided without relative path references present. Please provide an absolute path."
    )


def check_outside_source(source: str) -> None:
    """Refuse a local path (this server's runs never have one; MLflow takes it only inside the
    run's own artifact folder) and a source with `..` segments or a NUL, encoded or not."""
    parsed = urlparse(source)
    if parsed.scheme in ("", "file") or len(parsed.scheme) == 1:  # `C:\\...` is local too
        raise MlflowError(LOCAL_SOURCE, INVALID_PARAMETER_VALUE, "source")
    decoded = unquote(source)
    segments = unquote(parsed.path).replace("\\", "/").split("/")
    if "\x00" in decoded or ".." in segments or "/../" in f"/{decoded}/":
        raise MlflowError(_relative_source(source), INVALID_PARAMETER_VALUE, "source")
