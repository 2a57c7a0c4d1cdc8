"""Executing one notebook with papermill: typed parameters, progress per cell, a kernel that a
timeout kills, the kernel's own environment and working folder.

It runs in the caller's process (a thread of the runner's pool, or a Dask worker): papermill is
imported once per process, so a run costs about what bare papermill costs. The kernel is
started with its own `env` and `cwd` (never the process's `os.chdir`, which would move every
thread of the server), through a papermill engine registered as `mlops`.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .html_export import export_html

if TYPE_CHECKING:
    from .kernel_pool import WarmKernel

log = logging.getLogger(__name__)

ProgressHook = Callable[[int, int], None]


@dataclass
class Outcome:
    """How an execution ended: `status` succeeded, failed or timed_out."""

    status: str
    error: str | None = None
    failed_cell: int | None = None
    failed_cell_source: str | None = None
    outputs: dict[str, str] = field(default_factory=dict)


class _Hooks:
    """What our engine needs from the caller for one execution (passed through papermill)."""

    def __init__(
        self,
        env: Mapping[str, str],
        cwd: str,
        on_cell: ProgressHook | None,
        warm: WarmKernel | None = None,
    ) -> None:
        self.env = dict(env)
        self.cwd = cwd
        self.on_cell = on_cell
        self.warm = warm
        self.client: Any = None
        self.current: tuple[int, str] | None = None
        self.killed = threading.Event()

    def kill_kernel(self) -> None:
        """Kill the kernel (and its children): the running cell fails, the run ends."""
        self.killed.set()
        provisioner = getattr(getattr(self.client, "km", None), "provisioner", None)
        pgid = getattr(provisioner, "pgid", None)
        pid = getattr(provisioner, "pid", None)
        try:
            if pgid:
                os.killpg(pgid, signal.SIGKILL)
            elif pid:
                os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


_engine_registered = False
_register_lock = threading.Lock()


def _register_engine() -> None:
    global _engine_registered
    with _register_lock:
        if _engine_registered:
            return
        from papermill.clientwrap import PapermillNotebookClient
        from papermill.engines import NBClientEngine, papermill_engines

        class MLOpsEngine(NBClientEngine):
            """nbclient with a per-run kernel env/cwd, a progress hook and a killable kernel."""

            @classmethod
            def execute_managed_notebook(
                cls,
                nb_man: Any,
                kernel_name: str,
                log_output: bool = False,
                start_timeout: int = 60,
                execution_timeout: int | None = None,
                mlops_hooks: _Hooks | None = None,
                **kwargs: Any,
            ) -> Any:
                assert mlops_hooks is not None
                hooks = mlops_hooks
                total = len(nb_man.nb.cells)
                complete = nb_man.cell_complete

                def cell_complete(cell: Any, cell_index: int | None = None, **kw: Any) -> None:
                    complete(cell, cell_index=cell_index, **kw)
                    if hooks.on_cell is not None and cell_index is not None:
                        hooks.on_cell(cell_index + 1, total)

                start = nb_man.cell_start

                def cell_start(cell: Any, cell_index: int | None = None, **kw: Any) -> None:
                    if cell_index is not None:
                        hooks.current = (cell_index, cell.source)
                    start(cell, cell_index=cell_index, **kw)

                nb_man.cell_complete = cell_complete
                nb_man.cell_start = cell_start
                client = PapermillNotebookClient(
                    nb_man,
                    km=hooks.warm.manager if hooks.warm is not None else None,
                    kernel_name=kernel_name,
                    timeout=execution_timeout,
                    startup_timeout=start_timeout,
                    log=log,
                    log_output=log_output,
                )
                hooks.client = client
                if hooks.warm is not None:
                    client.on_notebook_start = _preamble_hook(client, hooks)
                if hooks.killed.is_set():
                    raise TimeoutError("the run timed out before its kernel started")
                return client.execute(env=hooks.env, cwd=hooks.cwd)

        papermill_engines.register("mlops", MLOpsEngine)
        _engine_registered = True


def _preamble_hook(client: Any, hooks: _Hooks) -> Callable[..., Any]:
    """nbclient's `on_notebook_start`: give a warm kernel the run's environment and folder
    before the first cell (silent: no execution count, no output in the notebook)."""
    assert hooks.warm is not None
    code = hooks.warm.preamble(hooks.env, hooks.cwd)

    async def run_preamble(**_: Any) -> None:
        msg_id = client.kc.execute(code, silent=True, store_history=False)
        reply = await client.async_wait_for_reply(msg_id)
        content = (reply or {}).get("content", {})
        if content.get("status") != "ok":
            raise RuntimeError(f"the warm kernel refused the run's environment: {content}")

    return run_preamble


def execute_notebook(
    nb_json: str,
    output_ipynb: Path,
    parameters: Mapping[str, Any],
    *,
    env: Mapping[str, str],
    cwd: str,
    timeout_s: float | None = None,
    html: bool = False,
    on_cell: ProgressHook | None = None,
    stop: threading.Event | None = None,
    warm: WarmKernel | None = None,
) -> Outcome:
    """Run notebook `nb_json` with `parameters` into `output_ipynb` (and its HTML if asked).

    Never raises for the notebook's own failure: a failing cell, a dead kernel or the timeout
    come back as an `Outcome` with the failing cell's index and source. `warm`: a kernel
    started ahead (`kernel_pool`) to run it in instead of starting one; it is shut down after.
    """
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from .parameters import normalise

    _register_engine()
    nb = normalise(nbformat.reads(nb_json, as_version=4))
    kernel = (nb.metadata.get("kernelspec") or {}).get("name") or "python3"
    hooks = _Hooks(env, cwd, on_cell, warm)
    finished = threading.Event()
    stopped = stop or threading.Event()

    def watch() -> None:
        # Kill the kernel at the timeout, or when the runner stops (server shutdown).
        deadline = None if not timeout_s else time.monotonic() + timeout_s
        while not finished.is_set():
            if stopped.wait(0.2) or (deadline is not None and time.monotonic() > deadline):
                hooks.kill_kernel()
                return

    watcher = threading.Thread(target=watch, name="mlops-job-watch", daemon=True)
    output_ipynb.parent.mkdir(parents=True, exist_ok=True)
    outcome = Outcome("succeeded")
    watcher.start()
    try:
        papermill.execute_notebook(
            nb,
            str(output_ipynb),
            parameters=dict(parameters),
            engine_name="mlops",
            kernel_name=kernel,
            progress_bar=False,
            mlops_hooks=hooks,
        )
    except PapermillExecutionError as exc:
        outcome = Outcome(
            "failed",
            error=f"{exc.ename}: {exc.evalue}",
            failed_cell=exc.cell_index,
            failed_cell_source=exc.source,
        )
    except Exception as exc:
        if hooks.killed.is_set() and stopped.is_set():
            outcome = Outcome("cancelled", error="kernel killed")
        elif hooks.killed.is_set():
            outcome = Outcome("timed_out", error=f"timed out after {timeout_s:g} s; kernel killed")
        else:
            outcome = Outcome("failed", error=f"{type(exc).__name__}: {exc}")
        if hooks.current is not None:
            outcome.failed_cell, outcome.failed_cell_source = hooks.current
    finally:
        finished.set()
        if warm is not None:  # nbclient leaves a kernel it did not start running
            _stop_warm(hooks, warm)
    if output_ipynb.exists():
        outcome.outputs["ipynb"] = str(output_ipynb)
        if outcome.failed_cell is not None and outcome.error:
            where = code_cell_position(output_ipynb, outcome.failed_cell)
            if where is not None:
                outcome.error = f"code cell {where[0]} of {where[1]}: {outcome.error}"
        if html:
            outcome.outputs["html"] = str(export_html(output_ipynb))
    return outcome


def code_cell_position(notebook: Path, index: int) -> tuple[int, int] | None:
    """Cell `index` of an executed notebook as the user counts it: (n, total) among the code
    cells the user wrote, neither markdown cells nor papermill's injected parameters cell (nor
    its error markers);
    None when it is not one of them or the notebook cannot be read."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return None
    # The index is from before papermill added its error marker cells to the output.
    cells = [
        cell
        for cell in cells
        if "papermill-error-cell-tag" not in cell.get("metadata", {}).get("tags", [])
    ]
    own = [
        i
        for i, cell in enumerate(cells)
        if cell.get("cell_type") == "code"
        and "injected-parameters" not in cell.get("metadata", {}).get("tags", [])
    ]
    return (own.index(index) + 1, len(own)) if index in own else None


def _stop_warm(hooks: _Hooks, warm: WarmKernel) -> None:
    kc = getattr(hooks.client, "kc", None)
    if kc is not None:
        try:
            kc.stop_channels()
        except Exception:
            log.debug("warm kernel client", exc_info=True)
    warm.shutdown(now=hooks.killed.is_set())
