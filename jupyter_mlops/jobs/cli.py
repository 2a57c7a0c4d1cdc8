"""`jupyter-mlops run`, `jupyter-mlops jobs ...` and `jupyter-mlops scheduler`.

Light at import: the store, papermill and croniter are imported inside the commands.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any


def _print_json(value: Any) -> None:
    print(json.dumps(value, default=str, indent=2))


def _run_summary(run: Any) -> dict[str, Any]:
    data = asdict(run)
    data["status"] = run.status.value
    data["output_path"] = run.outputs.get("ipynb")
    return data


def _run(args: argparse.Namespace) -> int:
    # jsonschema (imported by nbformat) builds rfc3987-syntax's IRI grammar at import when that
    # package is installed: 2-3 s of CPU for a format check a run never makes.
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    from .api import run_notebook_locally
    from .parameters import parse_assignments

    run = run_notebook_locally(
        args.notebook, parse_assignments(args.parameter), output=args.output, from_text=True
    )
    if args.json:
        _print_json(_run_summary(run))
    else:
        print(run.run_id)
        if run.status.value != "succeeded":
            # The error names the failed cell as the user counts it ("code cell 3 of 5: ...").
            print(f"{run.status.value}: {run.error}", file=sys.stderr)
        elif run.outputs.get("ipynb"):
            print(f"output: {run.outputs['ipynb']}", file=sys.stderr)
    return 0 if run.status.value == "succeeded" else 1


def _service() -> Any:
    from ..core.store import get_database
    from .service import JobService
    from .store import JobStore

    return JobService(JobStore(get_database()), Path.cwd())


def _job_line(job: Any) -> str:
    state = "paused" if job.paused else (job.schedule or "manual")
    last = job.last_run.status.value if job.last_run else "-"
    return f"{job.job_id}  {job.name:<30}  {state:<16}  last: {last}"


def _jobs_create(args: argparse.Namespace) -> int:
    from .entities import JobSpec
    from .parameters import parse_assignments

    spec = JobSpec(
        notebook_path=args.notebook,
        name=args.name,
        parameters=dict(parse_assignments(args.parameter)),
        schedule=args.cron,
        timezone=args.timezone,
        target=args.target,
        gpu=args.gpu,
        timeout_s=args.timeout,
        retries=args.retries,
        outputs=["ipynb", "html"] if args.html else ["ipynb"],
        missed_policy=args.missed,
    )
    job = _service().create(spec, from_text=True)
    if args.json:
        _print_json(asdict(job))
    else:
        print(job.job_id)
    return 0


def _jobs_list(args: argparse.Namespace) -> int:
    jobs = _service().store.list_jobs()
    if args.json:
        _print_json([asdict(job) for job in jobs])
    else:
        for job in jobs:
            print(_job_line(job))
    return 0


def _jobs_runs(args: argparse.Namespace) -> int:
    store = _service().store
    store.get_job(args.job)  # an unknown job is an error, not an empty list
    runs = store.list_runs(job_id=args.job)
    if args.json:
        _print_json([_run_summary(run) for run in runs])
    else:
        for run in runs:
            print(f"{run.run_id}  {run.status.value:<10}  {run.trigger:<8}  {run.error or ''}")
    return 0


def _jobs_run(args: argparse.Namespace) -> int:
    from .api import local_runner

    runner = local_runner(Path.cwd())
    try:
        run = runner.wait(runner.run_job(args.job).run_id)
    finally:
        runner.close(wait=True)
    if args.json:
        _print_json(_run_summary(run))
    else:
        print(run.run_id)
    return 0 if run.status.value == "succeeded" else 1


def _jobs_set(changes: dict[str, Any]) -> Any:
    def command(args: argparse.Namespace) -> int:
        job = _service().update(args.job, changes)
        if args.json:
            _print_json(asdict(job))
        else:
            print(_job_line(job))
        return 0

    return command


def _jobs_delete(args: argparse.Namespace) -> int:
    _service().store.delete_job(args.job)
    if args.json:
        _print_json({"deleted": args.job})
    return 0


def _scheduler(args: argparse.Namespace) -> int:
    from ..core.config import resolve_data_dir
    from ..core.store import get_database
    from .runner import JobRunner
    from .scheduler import Scheduler

    runner = JobRunner(
        get_database(),
        output_root=resolve_data_dir() / "jobs" / "runs",
        root_dir=Path(args.root_dir).resolve(),
        concurrency=args.concurrency,
    )
    scheduler = Scheduler(runner, interval_s=args.interval)
    recovered = runner.recover()
    print(
        f"jupyter-mlops scheduler {scheduler.name}: {len(recovered)} dead run(s) marked failed",
        flush=True,
    )
    try:
        while True:
            for run in scheduler.tick():
                print(f"fired {run.title} -> run {run.run_id}", flush=True)
            if args.once:
                break
            time.sleep(args.interval)
    except KeyboardInterrupt:
        pass
    finally:
        runner.close(wait=True)
    return 0


def register(commands: Any) -> None:
    """Add `run`, `jobs` and `scheduler` to the `jupyter-mlops` parser."""
    run = commands.add_parser("run", help="Run a notebook now as a recorded job run.")
    run.add_argument("notebook")
    run.add_argument("-p", "--parameter", action="append", metavar="KEY=VALUE")
    run.add_argument("--output", help="Path of the executed notebook.")
    run.add_argument("--json", action="store_true")
    run.set_defaults(func=_run)

    jobs = commands.add_parser("jobs", help="Scheduled notebook jobs.")
    actions = jobs.add_subparsers(dest="jobs_command", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="Make a job of a notebook (under this folder).")
    create.add_argument("notebook")
    create.add_argument("--cron", help="Cron schedule, e.g. '0 2 * * *' (none: run on demand).")
    create.add_argument("--timezone", default="UTC")
    create.add_argument("-p", "--parameter", action="append", metavar="KEY=VALUE")
    create.add_argument("--name")
    create.add_argument("--target", default="local", choices=["local", "dask"])
    create.add_argument("--gpu", action="store_true")
    create.add_argument("--timeout", type=int, help="Seconds before the kernel is killed.")
    create.add_argument("--retries", type=int, default=0)
    create.add_argument("--html", action="store_true", help="Also export HTML.")
    create.add_argument("--missed", default="skip", choices=["skip", "catch_up"])
    create.add_argument("--json", action="store_true")
    create.set_defaults(func=_jobs_create)
    listing = actions.add_parser("list", help="List jobs.")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=_jobs_list)
    for name, func, help_text in (
        ("runs", _jobs_runs, "List a job's runs."),
        ("run", _jobs_run, "Run a job now (in this process) and wait."),
        ("pause", _jobs_set({"paused": True}), "Pause a job's schedule."),
        ("resume", _jobs_set({"paused": False}), "Resume a job's schedule."),
        ("delete", _jobs_delete, "Delete a job and its runs."),
    ):
        sub = actions.add_parser(name, help=help_text)
        sub.add_argument("job", help="Job id.")
        sub.add_argument("--json", action="store_true")
        sub.set_defaults(func=func)

    scheduler = commands.add_parser(
        "scheduler", help="Run the job scheduler as its own process (no Lab needed)."
    )
    scheduler.add_argument("--interval", type=float, default=5.0, help="Seconds between checks.")
    scheduler.add_argument("--concurrency", type=int, default=2)
    scheduler.add_argument("--root-dir", default=".", help="Folder job notebooks run in.")
    scheduler.add_argument("--once", action="store_true", help="Check once, finish runs, exit.")
    scheduler.set_defaults(func=_scheduler)
