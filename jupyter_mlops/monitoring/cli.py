"""`jupyter-mlops monitors list|tick|evaluate`: monitoring without a Lab (e.g. from cron), one
`Subcommand` group (`core/subcommands.py`).

Light at import: the store and pandas are imported inside the commands.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any

from ..core.subcommands import Subcommand


def _service() -> Any:
    from .service import MonitorService

    return MonitorService.of_this_process()


def _window_line(window: Any) -> str:
    share = "-" if window.share_drifted is None else f"{window.share_drifted:.0%} drifted"
    return f"window {window.number}  {window.status:<8}  {window.n_rows:>7} rows  {share}"


def _list(args: argparse.Namespace, shell: Any) -> int:
    monitors = _service().store.list_monitors()
    if args.json:
        print(json.dumps([asdict(m) for m in monitors], indent=2))
    for monitor in [] if args.json else monitors:
        every = (
            f"{monitor.window_rows} requests"
            if monitor.window_rows
            else f"{monitor.window_seconds}s"
        )
        state = "paused" if monitor.paused else f"every {every}"
        print(f"{monitor.monitor_id}  {monitor.endpoint_name:<30}  {state}")
    return 0


def _tick(args: argparse.Namespace, shell: Any) -> int:
    windows = _service().tick(runner=None)
    for window in windows:
        print(_window_line(window))
    return 0


def _evaluate(args: argparse.Namespace, shell: Any) -> int:
    from .api import evaluate_monitor

    window = evaluate_monitor(args.monitor)
    if args.json:
        print(json.dumps(asdict(window), indent=2, default=str))
    else:
        print(_window_line(window))
    return 0 if window.status != "failed" else 1


def _add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true")


def _configure_evaluate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("monitor", help="monitor id or endpoint name")
    _add_json(parser)


MONITORS = Subcommand.group(
    "monitors",
    "Drift monitors of endpoints.",
    Subcommand("list", "List the monitors.", _add_json, _list),
    Subcommand("tick", "Evaluate every window that has ended, here.", run=_tick),
    Subcommand(
        "evaluate", "Evaluate a monitor's current window now.", _configure_evaluate, _evaluate
    ),
)


def register(commands: Any) -> None:
    """Add `jupyter-mlops monitors ...`."""
    MONITORS.add_to_cli(commands)
