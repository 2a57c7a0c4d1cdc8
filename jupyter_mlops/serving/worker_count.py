"""How many worker processes an endpoint runs when it is not told (`serve --workers`).

The rule (`default_workers`), in order:

1. One worker per core this process may run on (`os.sched_getaffinity`, so a container's or
   `taskset`'s limit counts, not the host's): a worker's model call holds the GIL, so one
   worker uses about one core.
2. One worker when the model parallelises or holds a device by itself: an estimator whose class
   comes from XGBoost, LightGBM, CatBoost, PyTorch, TensorFlow/Keras, JAX or ONNX Runtime. Each
   of those starts a thread per core (or a GPU context) in every worker, so N workers would run
   N x cores threads, or N copies of the model in GPU memory, and be slower, not faster. (A
   scikit-learn estimator fitted with `n_jobs=-1` inside a Pipeline cannot be seen without
   loading it: pass `--workers 1` for those.)
3. No more workers than half the memory available now holds: each worker loads its own copy of
   the model, counted as 4x the model's files plus `WORKER_BASE_BYTES` for the interpreter and
   the libraries it imports. A model whose files cannot be sized (object storage) counts only
   the base.

Light at import: `serve`'s parent process decides before uvicorn starts its workers.
"""

from __future__ import annotations

import os
from pathlib import Path

# Resident memory of an idle worker (Python, numpy, scipy, scikit-learn, Starlette), measured
# at ~180 MB on Python 3.11 with scikit-learn 1.7: rounded up.
WORKER_BASE_BYTES = 256 * 2**20
# A loaded estimator against its files (skops/pickle are compact; trees expand into arrays).
MODEL_EXPANSION = 4
# Estimator modules whose own threads (or device) already use the machine.
SELF_PARALLEL_MODULES = (
    "xgboost", "lightgbm", "catboost", "torch", "tensorflow", "keras", "jax", "onnxruntime",
)  # fmt: skip


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def available_memory_bytes() -> int | None:
    """`MemAvailable` from /proc/meminfo (None where there is none)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def folder_bytes(folder: str | Path | None) -> int | None:
    """The size of a model's files (None when `folder` is not a local folder)."""
    if folder is None:
        return None
    path = Path(str(folder).removeprefix("file://"))
    if not path.is_dir():
        return None
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def self_parallel(estimator_class: str | None) -> bool:
    """Whether an estimator class (`module.Name`) threads or holds a device by itself."""
    if not estimator_class:
        return False
    top = estimator_class.split(".", 1)[0].strip().lower()
    return top in SELF_PARALLEL_MODULES


def default_workers(
    estimator_class: str | None = None,
    model_bytes: int | None = None,
    *,
    cores: int | None = None,
    memory_bytes: int | None = None,
) -> tuple[int, str]:
    """Workers for an endpoint by the module's rule, and why (one line for the log).

    `cores` and `memory_bytes` default to this machine's (`available_cores`,
    `available_memory_bytes`)."""
    cores = available_cores() if cores is None else cores
    if cores <= 1:
        return 1, "1 worker: 1 core available"
    if self_parallel(estimator_class):
        return 1, f"1 worker: {estimator_class} uses the cores by itself"
    memory = available_memory_bytes() if memory_bytes is None else memory_bytes
    if memory is None:
        return cores, f"{cores} workers: {cores} cores available"
    per_worker = WORKER_BASE_BYTES + MODEL_EXPANSION * (model_bytes or 0)
    fits = max(1, (memory // 2) // per_worker)
    if fits < cores:
        return fits, (
            f"{fits} worker(s): half the available memory ({memory // 2**20} MB) holds "
            f"{fits} of ~{per_worker // 2**20} MB each"
        )
    return cores, f"{cores} workers: {cores} cores available"
