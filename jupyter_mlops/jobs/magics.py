"""`%mlops schedule NOTEBOOK --cron ... -p key=value` and `%mlops run NOTEBOOK -p key=value`."""

from __future__ import annotations

import argparse
from typing import Any

from ..core.subcommands import Subcommand, SubcommandRegistry


def _configure_schedule(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("notebook")
    parser.add_argument("--cron", help="Cron schedule, e.g. '0 2 * * *' (none: on demand).")
    parser.add_argument("--timezone", default="UTC")
    parser.add_argument("-p", "--parameter", action="append", metavar="KEY=VALUE")
    parser.add_argument("--name")
    parser.add_argument("--target", default="local", choices=["local", "dask"])
    parser.add_argument("--gpu", action="store_true")
    parser.add_argument("--timeout", type=int)
    parser.add_argument("--retries", type=int, default=0)
    parser.add_argument("--html", action="store_true")


def _typed(notebook: str, pairs: list[str] | None) -> dict[str, Any]:
    from pathlib import Path

    from .parameters import check_parameters, inspect_parameters, parse_assignments
    from .service import read_notebook

    raw = parse_assignments(pairs)
    if not raw:
        return {}
    _, nb = read_notebook(Path(notebook).expanduser().resolve(), "notebook")
    return check_parameters(inspect_parameters(nb), raw, from_text=True)


def _schedule(args: argparse.Namespace, shell: Any) -> Any:
    from .api import schedule

    job = schedule(
        args.notebook,
        args.cron,
        _typed(args.notebook, args.parameter),
        timezone=args.timezone,
        name=args.name,
        target=args.target,
        gpu=args.gpu,
        timeout_s=args.timeout,
        retries=args.retries,
        outputs=("ipynb", "html") if args.html else ("ipynb",),
    )
    if isinstance(job, dict):
        when = job.get("schedule_description") or "on demand"
        print(f"job {job['name']} ({job['job_id']}): {when}")
    else:
        print(f"job {job.name} ({job.job_id}): {job.schedule or 'on demand'}")
    return job


def _configure_run(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("notebook")
    parser.add_argument("-p", "--parameter", action="append", metavar="KEY=VALUE")
    parser.add_argument("--output")


def _run(args: argparse.Namespace, shell: Any) -> Any:
    from .api import run_notebook_locally
    from .parameters import parse_assignments

    run = run_notebook_locally(
        args.notebook, parse_assignments(args.parameter), output=args.output, from_text=True
    )
    print(f"run {run.run_id}: {run.status.value}" + (f" ({run.error})" if run.error else ""))
    return run


def register(registry: SubcommandRegistry, ipython: Any) -> None:
    """Add `%mlops schedule` and `%mlops run`."""
    registry.add(
        Subcommand(
            "schedule", "Make a scheduled job of a notebook.", _configure_schedule, _schedule
        )
    )
    registry.add(
        Subcommand("run", "Run a notebook now as a recorded job run.", _configure_run, _run)
    )
