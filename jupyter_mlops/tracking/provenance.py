"""Where a run came from: the notebook, the kernel, the git commit, the user and the packages.

Everything here is best effort: a missing git, an unknown notebook or a package without
metadata gives `None`, never an error.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from importlib import metadata
from typing import Any

# Set by jobs (or by hand) when the notebook path cannot be learnt from the kernel, e.g. a
# notebook executed by papermill.
NOTEBOOK_ENV = "JUPYTER_MLOPS_NOTEBOOK"
# Set by the jobs runner in a job's kernel: runs it logs get them as tags (the job <-> run link).
JOB_RUN_TAG = "mlops.job_run_id"
JOB_ID_TAG = "mlops.job_id"
JOB_TAG_ENVS = {JOB_RUN_TAG: "JUPYTER_MLOPS_JOB_RUN_ID", JOB_ID_TAG: "JUPYTER_MLOPS_JOB_ID"}
KEY_PACKAGES = (
    "jupyter-mlops",
    "numpy",
    "pandas",
    "scikit-learn",
    "scipy",
    "skops",
    "plotly",
    "dask",
    "distributed",
    "torch",
    "tensorflow",
    "xgboost",
    "lightgbm",
    "ipykernel",
    "papermill",
)
_GIT_TTL_SECONDS = 5.0


@dataclass(frozen=True)
class GitState:
    """The commit checked out in the working directory and whether the tree had changes."""

    commit: str | None
    dirty: bool | None


_git_cache: dict[str, tuple[float, GitState]] = {}
_git_lock = threading.Lock()
_environment: dict[str, str] | None = None


def _git(args: list[str], cwd: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


def git_state(cwd: str | None = None, fresh: bool = False) -> GitState:
    """The git commit and dirty flag of `cwd` (default: the working directory).

    Cached for a few seconds per folder so that starting many runs in a loop does not run
    git each time; `fresh=True` (what `%%track` uses) always asks git.
    """
    folder = os.path.abspath(cwd or os.getcwd())
    with _git_lock:
        cached = _git_cache.get(folder)
        if not fresh and cached is not None and time.monotonic() - cached[0] < _GIT_TTL_SECONDS:
            return cached[1]
    commit = _git(["rev-parse", "HEAD"], folder)
    if commit is None:
        state = GitState(None, None)
    else:
        status = _git(["status", "--porcelain", "--untracked-files=no"], folder)
        state = GitState(commit.strip(), None if status is None else bool(status.strip()))
    with _git_lock:
        _git_cache[folder] = (time.monotonic(), state)
    return state


def _ipython() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def job_tags() -> dict[str, str]:
    """`mlops.job_run_id` / `mlops.job_id` tags when this process runs a job's notebook."""
    return {tag: os.environ[env] for tag, env in JOB_TAG_ENVS.items() if os.environ.get(env)}


def notebook_path() -> str | None:
    """The notebook this kernel runs, as the Jupyter server told the kernel, when known.

    Looks at `$JUPYTER_MLOPS_NOTEBOOK` (jobs and papermill runs set it), then the kernel's
    `__session__` (ipykernel sets it from the server's `JPY_SESSION_NAME`), then
    `$JPY_SESSION_NAME`, then VS Code's `__vsc_ipynb_file__`.
    """
    explicit = os.environ.get(NOTEBOOK_ENV)
    if explicit:
        return explicit
    shell = _ipython()
    namespace = getattr(shell, "user_ns", {}) if shell is not None else {}
    for name in ("__session__", "__vsc_ipynb_file__"):
        value = namespace.get(name)
        if isinstance(value, str) and value.endswith(".ipynb"):
            return value
    session = os.environ.get("JPY_SESSION_NAME")
    if session and session.endswith(".ipynb"):
        return session
    return None


def kernel_description() -> str:
    """What runs the code: an ipykernel, a plain IPython shell, or a Python script."""
    shell = _ipython()
    if shell is not None and getattr(shell, "kernel", None) is not None:
        return f"ipykernel {_version('ipykernel') or ''}".strip()
    if shell is not None:
        return "ipython"
    return "python"


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def environment() -> dict[str, str]:
    """Python, platform, kernel and the versions of the key packages that are installed."""
    global _environment
    if _environment is None:
        found = {"python": platform.python_version(), "platform": platform.platform()}
        found["executable"] = sys.executable
        for package in KEY_PACKAGES:
            version = _version(package)
            if version is not None:
                found[package] = version
        _environment = found
    return {**_environment, "kernel": kernel_description()}


def current_user() -> str | None:
    """The user acting (`core.team.identity`: a request's Jupyter user, else the user this
    process acts for, else the OS user): a run's `user`, MLflow's `mlflow.user`."""
    from ..core.team.identity import current_user as acting_user

    return acting_user()


def runs_of_job_runs(store: Any, job_run_ids: list[str], limit: int = 1000) -> dict[str, list[str]]:
    """The tracking runs each job run logged (tagged `JOB_RUN_TAG` by its kernel): one search
    for all of them, whatever their number (a page of job runs is one query, not one each)."""
    linked: dict[str, list[str]] = {run_id: [] for run_id in job_run_ids}
    if store is None or not job_run_ids:
        return linked
    quoted = ", ".join("'" + run_id.replace("'", "''") + "'" for run_id in job_run_ids)
    page = store.search_runs(
        None, f"tags.`{JOB_RUN_TAG}` IN ({quoted})", max_results=limit, run_view="all"
    )
    for run in page.runs:
        owner = run.tags.get(JOB_RUN_TAG)
        if owner in linked:
            linked[owner].append(run.run_id)
    return linked
