"""Which NVIDIA GPUs this machine has, asked of NVML (nvidia-ml-py), never of dask-cuda.

Importing this module imports neither `pynvml` nor `dask_cuda`: both are optional (the `gpu`
extra), and a machine without them must still answer "no GPU" quickly and clearly.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import threading
from dataclasses import dataclass
from typing import Any

from ..core.errors import MLOpsError
from .entities import GPUEnvironment, GPUInfo

_nvml_lock = threading.Lock()
_nvml_ready: bool | None = None
_nvml_problem = ""


@dataclass(frozen=True)
class GPUSelection:
    """The NVML indexes a GPU cluster runs on: one worker per GPU, in this order."""

    indexes: list[int]

    @property
    def visible_devices(self) -> str:
        """The value of CUDA_VISIBLE_DEVICES that names these GPUs."""
        return ",".join(str(i) for i in self.indexes)


def _nvml() -> Any | None:
    """The initialised `pynvml` module, or None (with the reason kept) when there is none."""
    global _nvml_ready, _nvml_problem
    with _nvml_lock:
        if _nvml_ready is None:
            try:
                pynvml = importlib.import_module("pynvml")
                pynvml.nvmlInit()
                _nvml_ready = True
            except ModuleNotFoundError:
                _nvml_ready = False
                _nvml_problem = "nvidia-ml-py is not installed (pip install 'jupyter-mlops[gpu]')"
            except Exception as exc:  # NVMLError_LibraryNotFound, DriverNotLoaded, ...
                _nvml_ready = False
                _nvml_problem = f"NVML found no NVIDIA driver ({exc})"
        if not _nvml_ready:
            return None
        return importlib.import_module("pynvml")


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _visible_indexes(count: int) -> list[int]:
    """The NVML indexes this process may use: CUDA_VISIBLE_DEVICES when it lists integers."""
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is None:
        return list(range(count))
    indexes = []
    for part in visible.split(","):
        part = part.strip()
        if part.isdigit() and int(part) < count:
            indexes.append(int(part))
    return indexes


def gpu_info(index: int) -> GPUInfo | None:
    """Name, memory and utilisation of the GPU at NVML `index`, or None without NVML."""
    nvml = _nvml()
    if nvml is None:
        return None
    try:
        handle = nvml.nvmlDeviceGetHandleByIndex(index)
        memory = nvml.nvmlDeviceGetMemoryInfo(handle)
        try:
            utilization = int(nvml.nvmlDeviceGetUtilizationRates(handle).gpu)
        except Exception:  # not supported on some devices (MIG slices)
            utilization = None
        return GPUInfo(
            index=index,
            name=_text(nvml.nvmlDeviceGetName(handle)),
            memory_total=int(memory.total),
            memory_used=int(memory.used),
            utilization=utilization,
        )
    except Exception:
        return None


def list_gpus() -> list[GPUInfo]:
    """The GPUs this process may use (NVML, filtered by CUDA_VISIBLE_DEVICES)."""
    nvml = _nvml()
    if nvml is None:
        return []
    try:
        count = int(nvml.nvmlDeviceGetCount())
    except Exception:
        return []
    return [info for i in _visible_indexes(count) if (info := gpu_info(i)) is not None]


def dask_cuda_installed() -> bool:
    """Whether dask-cuda can be imported, found without importing it."""
    return importlib.util.find_spec("dask_cuda") is not None


def gpu_environment() -> GPUEnvironment:
    """What the start form and `%mlops cluster` tell the user about GPUs here."""
    devices = list_gpus()
    dask_cuda = dask_cuda_installed()
    if not devices:
        note = f"no NVIDIA GPU found: {_nvml_problem or 'NVML lists no device'}"
    elif not dask_cuda:
        note = (
            f"{len(devices)} GPU(s) found, but dask-cuda is not installed "
            "(pip install 'jupyter-mlops[gpu]')"
        )
    else:
        note = f"{len(devices)} GPU(s) found; a GPU cluster runs one worker per GPU"
    return GPUEnvironment(devices=devices, dask_cuda=dask_cuda, note=note)


def select_gpus(asked: int | str) -> GPUSelection:
    """The GPUs for a start that asked for `asked` ("all" or a count), or a 400 naming `gpus`."""
    devices = list_gpus()
    if not devices:
        reason = _nvml_problem or "NVML lists no device"
        raise MLOpsError(f"gpus: no NVIDIA GPU was found on this machine ({reason})", field="gpus")
    count = len(devices) if asked == "all" else int(asked)
    if count > len(devices):
        raise MLOpsError(
            f"gpus: {count} GPUs asked for, but {len(devices)} found "
            f"({', '.join(d.name for d in devices)})",
            field="gpus",
        )
    if not dask_cuda_installed():
        raise MLOpsError(
            "gpus: GPU workers need dask-cuda, which is not installed "
            "(pip install 'jupyter-mlops[gpu]')",
            field="gpus",
        )
    return GPUSelection([d.index for d in devices[:count] if d.index is not None])
