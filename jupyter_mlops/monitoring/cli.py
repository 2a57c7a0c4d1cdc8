"""`jupyter-mlops monitors list|tick|evaluate`: monitoring without a Lab (e.g. from cron).

Light at import: the store and pandas are imported inside the commands.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any


def _service() -> Any:
    from .service import MonitorService

    return MonitorService.of_this_process()


def _window_line(window: Any) -> str:
    share = "-" if window.share_drifted is None else f"{window.share_drifted:.0%} drifted"
    return f"window {window.window_id}  {window.status:<8}  {window.n_rows:>7} rows  {share}"


def _list(args: argparse.Namespace) -> int:
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


def _tick(args: argparse.Namespace) -> int:
    windows = _service().tick(runner=None)
    for window in windows:
        print(_window_line(window))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from .api import evaluate_monitor

    window = evaluate_monitor(args.monitor)
    if args.json:
        print(json.dumps(asdict(window), indent=2, default=str))
    else:
        print(_window_line(window))
    return 0 if window.status != "failed" else 1


def register(commands: Any) -> None:
    """Add `jupyter-mlops monitors ...`."""
    monitors = commands.add_parser("monitors", help="Drift monitors of endpoints.")
    actions = monitors.add_subparsers(dest="monitors_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="List the monitors.")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=_list)
    tick = actions.add_parser("tick", help="Evaluate every window that has ended, here.")
    tick.set_defaults(func=_tick)
    evaluate = actions.add_parser("evaluate", help="Evaluate a monitor's current window now.")
    evaluate.add_argument("monitor", help="monitor id or endpoint name")
    evaluate.add_argument("--json", action="store_true")
    evaluate.set_defaults(func=_evaluate)
