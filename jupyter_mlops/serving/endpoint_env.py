"""The environment an endpoint process starts with: what it needs, nothing of the server's.

An endpoint runs model code the server did not write, so it gets no credential it does not
need: not the Jupyter server's token (`JUPYTER_MLOPS_SERVER_TOKEN`, `JUPYTERHUB_API_TOKEN`),
not MLflow's (`MLFLOW_TRACKING_TOKEN`), no cloud keys but those of the artifact root when it is
remote (`core.artifact_store.root_environment`: it reads its model and writes its request log
there). It keeps the store it reads its record
from and logs requests to (data dir, database URL, configured store classes), its own token
file, and what Python, the locale and the numeric libraries need to run. An allow-list, so a
credential added to the server's environment later is left out too.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..core import artifact_store
from ..core.config import DATA_DIR_ENV, DB_URL_ENV

KEPT = frozenset(
    {
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "TZ", "TERM",
        "TMPDIR", "TEMP", "TMP", "VIRTUAL_ENV", "CONDA_PREFIX", "CONDA_DEFAULT_ENV",
        "LD_LIBRARY_PATH", "SSL_CERT_FILE", "SSL_CERT_DIR", "OMP_NUM_THREADS",
        "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMEXPR_NUM_THREADS", "SYSTEMROOT",
        DATA_DIR_ENV, DB_URL_ENV,
    }
)  # fmt: skip
KEPT_PREFIXES = ("LC_", "PYTHON", "COV_CORE_", "COVERAGE_")

#: A nonce the supervisor gives each process it starts, and `/health` answers with: the
#: supervisor takes only its own process's answer as healthy (another process can take a free
#: port between the supervisor's check and the endpoint's bind, and would answer instead).
INSTANCE_ENV = "JUPYTER_MLOPS_ENDPOINT_INSTANCE"


def endpoint_environment(
    environ: Mapping[str, str], extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The variables of `environ` an endpoint may see, plus `extra` (its token file)."""
    kept = {
        name: value
        for name, value in environ.items()
        if name in KEPT
        or name.startswith(KEPT_PREFIXES)
        or (name.startswith("JUPYTER_MLOPS_") and name.endswith("_CLASS"))
    }
    root = environ.get(artifact_store.ARTIFACT_ROOT_ENV)
    if root:
        kept.update(artifact_store.root_environment(dict(environ), root))
    return {**kept, **(extra or {})}
