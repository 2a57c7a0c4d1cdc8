"""`%%track` (run a cell inside a run), `%mlops runs` and `%mlops compare`.

A bad argument is a one-line `UsageError` and the cell does not run. A cell that raises is
shown as usual, its run ends FAILED with the traceback stored, and the cell still fails (so
"Run All" and papermill stop there).
"""

from __future__ import annotations

import argparse
import html
import json
import shlex
import sys
import time
from typing import Any, NoReturn

from IPython.core.error import UsageError

from ..core.errors import MLOpsError
from ..core.subcommands import Subcommand, SubcommandRegistry
from .entities import RunStatus
from .validation import check_key

TRACK_USAGE = (
    "%%track [-e EXPERIMENT] [-n NAME] [-p key=value ...] [-t key=value ...] [--no-autolog]"
)


class _TrackParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"%%track: {message}; usage: {TRACK_USAGE}")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise _HelpShown


class _HelpShown(Exception):
    pass


class TrackedCellFailed(Exception):
    """The cell of a `%%track` run raised; its traceback was shown and stored in the run."""

    def _render_traceback_(self) -> list[str]:
        return [str(self)]


def track_parser() -> argparse.ArgumentParser:
    """The arguments of `%%track`."""
    parser = _TrackParser(prog="%%track", description="Run the cell inside a tracked run.")
    parser.add_argument("-e", "--experiment", help="experiment name (created when missing)")
    parser.add_argument("-n", "--name", help="run name (default: a generated one)")
    parser.add_argument(
        "-p", "--param", action="extend", nargs="+", default=[], metavar="KEY=VALUE"
    )
    parser.add_argument("-t", "--tag", action="extend", nargs="+", default=[], metavar="KEY=VALUE")
    parser.add_argument(
        "--no-autolog", action="store_true", help="do not log scikit-learn fits automatically"
    )
    return parser


def _pairs(items: list[str], kind: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in items:
        key, equals, value = item.partition("=")
        if not equals or not key:
            raise UsageError(f"%%track: {kind} {item!r} is not key=value; usage: {TRACK_USAGE}")
        try:
            check_key(key, kind)
        except MLOpsError as error:
            raise UsageError(f"%%track: {error.message}") from None
        pairs[key] = value
    return pairs


def parse_track_line(line: str) -> argparse.Namespace | None:
    """Parse a `%%track` line (None after `--help`); errors are one-line `UsageError`s."""
    try:
        words = shlex.split(line)
    except ValueError as error:
        raise UsageError(f"%%track: {error}; usage: {TRACK_USAGE}") from None
    parser = track_parser()
    try:
        args = parser.parse_args(words)
    except _HelpShown:
        return None
    args.params = _pairs(args.param, "param")
    args.tags = _pairs(args.tag, "tag")
    return args


def track(shell: Any, line: str, cell: str) -> None:
    """Run `cell` inside a new run (see the module docstring)."""
    args = parse_track_line(line)
    if args is None:
        return
    from . import fluent
    from .autolog import autolog_enabled

    use_autolog = not args.no_autolog and ("sklearn" in sys.modules or "sklearn" in cell)
    run = fluent.start_run(
        experiment=args.experiment,
        name=args.name,
        params=args.params,
        tags={**args.tags, "mlops.source": "%%track"},
        nested=fluent.active_run() is not None,
        cell_source=f"%%track {line}".rstrip() + "\n" + cell,
        fresh_git=True,
    )
    started = time.monotonic()
    try:
        with autolog_enabled(use_autolog):
            result = shell.run_cell(cell, store_history=False)
    except BaseException as unexpected:  # run_cell reports errors; this is IPython failing
        run.__exit__(type(unexpected), unexpected, unexpected.__traceback__)
        raise
    error = result.error_before_exec or result.error_in_exec
    if error is None:
        run.__exit__(None, None, None)
    else:
        run.__exit__(type(error), error, error.__traceback__)
    elapsed = time.monotonic() - started
    status = _status_after(error)
    summary = f"run {run.name} ({run.run_id[:8]}) {status.value} in {elapsed:.1f} s"
    if error is not None:
        raise TrackedCellFailed(f"{summary}: {type(error).__name__}: {error}")
    experiment = run.client.store.get_experiment(run.experiment_id).name
    _show_status(run.name, run.run_id, f"{summary} · experiment {experiment}")


def _show_status(name: str, run_id: str, text: str) -> None:
    """The status line as text, and in the Lab with the run's name as a button that opens its
    run page (JupyterLab's command linker runs `mlops:open-run` on click; the Lab's sanitizer
    keeps these attributes on buttons)."""
    from IPython.display import display

    label = f"run {name} ("
    rest = text[len(label) - 1 :] if text.startswith(label) else f" {text}"
    args = html.escape(json.dumps({"runId": run_id}), quote=True)
    link = (
        '<button class="jp-MLOps-trackRunLink" data-commandlinker-command="mlops:open-run" '
        f'data-commandlinker-args="{args}" title="Open the run page">{html.escape(name)}</button>'
    )
    markup = f'<div class="jp-MLOps-trackStatus">run {link}{html.escape(rest)}</div>'
    display({"text/plain": text, "text/html": markup}, raw=True)


def _status_after(error: BaseException | None) -> RunStatus:
    if error is None:
        return RunStatus.FINISHED
    return RunStatus.KILLED if isinstance(error, KeyboardInterrupt) else RunStatus.FAILED


# --- %mlops runs / %mlops compare --------------------------------------------------------


def _configure_runs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-e", "--experiment", help="experiment name (default: all)")
    parser.add_argument("-f", "--filter", help='search filter, e.g. "metrics.acc > 0.9"')
    parser.add_argument(
        "-o", "--order-by", action="append", default=None, help='e.g. "metrics.acc DESC"'
    )
    parser.add_argument("-n", "--max", type=int, default=50, help="at most this many runs")


def _run_runs(args: argparse.Namespace, shell: Any) -> Any:
    from .frames import runs_frame, search_runs

    if args.max < 1:
        raise UsageError("%mlops runs: --max must be at least 1")
    runs = search_runs(
        args.experiment, args.filter, args.order_by, max_results=args.max, output_format="list"
    )
    frame = runs_frame(runs)
    if frame.empty:
        print("no runs")
        return None
    table = frame.copy()
    table.insert(0, "run", table["run_id"].str[:8])
    duration = (table["end_time"] - table["start_time"]).dt.total_seconds()
    table.insert(4, "duration_s", duration.round(1))
    keep = ["run", "run_name", "status", "start_time", "duration_s"]
    keep += [c for c in table.columns if c.startswith(("metrics.", "params."))]
    return table[keep].set_index("run")


def _configure_compare(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_ids", nargs="+", metavar="RUN_ID", help="run ids (or prefixes)")
    parser.add_argument("-m", "--metric", action="append", default=None, help="only these metrics")


def _run_compare(args: argparse.Namespace, shell: Any) -> Any:
    from .compare import compare_figure

    return compare_figure(args.run_ids, args.metric)


def register(registry: SubcommandRegistry, ipython: Any) -> None:
    """Add `%mlops runs`, `%mlops compare` and the `%%track` cell magic."""
    registry.add(Subcommand("runs", "Show runs as a table.", _configure_runs, _run_runs))
    registry.add(
        Subcommand(
            "compare", "Chart the metrics of several runs.", _configure_compare, _run_compare
        )
    )

    def track_magic(line: str, cell: str) -> None:
        """%%track [-e EXPERIMENT] [-n NAME] [-p key=value ...] [-t key=value ...]
        [--no-autolog]: run the cell inside a tracked run."""
        track(ipython, line, cell)

    ipython.register_magic_function(track_magic, magic_kind="cell", magic_name="track")
