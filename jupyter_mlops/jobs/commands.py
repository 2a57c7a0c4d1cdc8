"""The jobs commands, each defined once for `%mlops` and `jupyter-mlops`.

`%mlops schedule` and `jupyter-mlops jobs create` are one command under two names (the same
arguments, `--missed` included); `run` is one command in both; `jobs ...` and `scheduler`
are command-line only. Where a notebook and a shell want different output (a status line and
the run object vs. an id and an exit status), `run` looks at `shell` (None on the CLI).

Light at import: the store, papermill and croniter are imported inside the commands.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..core.subcommands import Subcommand

MISSED_POLICIES = ("skip", "catch_up")


def _print_json(value: Any) -> None:
    print(json.dumps(value, default=str, indent=2))


def _add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="Print the result as JSON.")


def _add_parameters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-p", "--parameter", action="append", metavar="KEY=VALUE", help="A notebook parameter."
    )


def _run_summary(run: Any) -> dict[str, Any]:
    data = asdict(run)
    data["status"] = run.status.value
    data["output_path"] = run.outputs.get("ipynb")
    return data


# --- run -------------------------------------------------------------------------------


def _configure_run(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("notebook")
    _add_parameters(parser)
    parser.add_argument("--output", help="Path of the executed notebook.")
    _add_json(parser)


def _run(args: argparse.Namespace, shell: Any) -> Any:
    from .api import run_notebook_locally
    from .parameters import parse_assignments

    run = run_notebook_locally(
        args.notebook, parse_assignments(args.parameter), output=args.output, from_text=True
    )
    if args.json:
        _print_json(_run_summary(run))
    elif shell is not None:
        print(f"run {run.run_id}: {run.status.value}" + (f" ({run.error})" if run.error else ""))
    else:
        print(run.run_id)
        if run.status.value != "succeeded":
            # The error names the failed cell as the user counts it ("code cell 3 of 5: ...").
            print(f"{run.status.value}: {run.error}", file=sys.stderr)
        elif run.outputs.get("ipynb"):
            print(f"output: {run.outputs['ipynb']}", file=sys.stderr)
    if shell is not None:
        return run
    return 0 if run.status.value == "succeeded" else 1


RUN = Subcommand("run", "Run a notebook now as a recorded job run.", _configure_run, _run)


# --- schedule / jobs create --------------------------------------------------------------


def _configure_create(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("notebook")
    parser.add_argument("--cron", help="Cron schedule, e.g. '0 2 * * *' (none: run on demand).")
    parser.add_argument("--timezone", default="UTC")
    _add_parameters(parser)
    parser.add_argument("--name")
    # Any registered target (jobs.targets); the job service names the known ones on a typo.
    parser.add_argument("--target", default="local", help="local, dask or a registered target")
    parser.add_argument("--gpu", action="store_true")
    parser.add_argument("--timeout", type=int, help="Seconds before the kernel is killed.")
    parser.add_argument("--retries", type=int, default=0)
    parser.add_argument("--html", action="store_true", help="Also export HTML.")
    parser.add_argument(
        "--missed",
        default="skip",
        choices=MISSED_POLICIES,
        help="Firings missed while no scheduler ran: skip them, or catch_up with one run.",
    )
    _add_json(parser)


def _spec_fields(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "timezone": args.timezone,
        "name": args.name,
        "target": args.target,
        "gpu": args.gpu,
        "timeout_s": args.timeout,
        "retries": args.retries,
        "missed_policy": args.missed,
    }


def _typed(notebook: str, pairs: list[str] | None) -> dict[str, Any]:
    from .parameters import check_parameters, inspect_parameters, parse_assignments
    from .service import read_notebook

    raw = parse_assignments(pairs)
    if not raw:
        return {}
    _, nb = read_notebook(Path(notebook).expanduser().resolve(), "notebook")
    return check_parameters(inspect_parameters(nb), raw, from_text=True)


def _create(args: argparse.Namespace, shell: Any) -> Any:
    outputs = ["ipynb", "html"] if args.html else ["ipynb"]
    if shell is None:
        return _create_here(args, outputs)
    from .api import schedule

    # In a kernel: through the Lab server when there is one (the Jobs panel shows it).
    job = schedule(
        args.notebook,
        args.cron,
        _typed(args.notebook, args.parameter),
        outputs=tuple(outputs),
        **_spec_fields(args),
    )
    if args.json:
        _print_json(job if isinstance(job, dict) else asdict(job))
    elif isinstance(job, dict):
        when = job.get("schedule_description") or "on demand"
        print(f"job {job['name']} ({job['job_id']}): {when}")
    else:
        print(f"job {job.name} ({job.job_id}): {job.schedule or 'on demand'}")
    return job


def _create_here(args: argparse.Namespace, outputs: list[str]) -> int:
    from .entities import JobSpec
    from .parameters import parse_assignments

    spec = JobSpec(
        notebook_path=args.notebook,
        parameters=dict(parse_assignments(args.parameter)),
        schedule=args.cron,
        outputs=outputs,
        **_spec_fields(args),
    )
    job = _service().create(spec, from_text=True)
    if args.json:
        _print_json(asdict(job))
    else:
        print(job.job_id)
    return 0


SCHEDULE = Subcommand("schedule", "Make a scheduled job of a notebook.", _configure_create, _create)
CREATE = Subcommand(
    "create", "Make a job of a notebook (under this folder).", _configure_create, _create
)


# --- jobs list|runs|run|pause|resume|delete ------------------------------------------------


def _service() -> Any:
    from ..core.store import get_database
    from .service import JobService
    from .store import JobStore

    return JobService(JobStore(get_database()), Path.cwd())


def _job_line(job: Any) -> str:
    state = "paused" if job.paused else (job.schedule or "manual")
    last = job.last_run.status.value if job.last_run else "-"
    return f"{job.job_id}  {job.name:<30}  {state:<16}  last: {last}"


def _configure_job(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("job", help="Job id.")
    _add_json(parser)


def _jobs_list(args: argparse.Namespace, shell: Any) -> int:
    jobs = _service().store.list_jobs()
    if args.json:
        _print_json([asdict(job) for job in jobs])
    else:
        for job in jobs:
            print(_job_line(job))
    return 0


def _jobs_runs(args: argparse.Namespace, shell: Any) -> int:
    store = _service().store
    store.get_job(args.job)  # an unknown job is an error, not an empty list
    runs = store.list_runs(job_id=args.job)
    if args.json:
        _print_json([_run_summary(run) for run in runs])
    else:
        for run in runs:
            print(f"{run.run_id}  {run.status.value:<10}  {run.trigger:<8}  {run.error or ''}")
    return 0


def _jobs_run(args: argparse.Namespace, shell: Any) -> int:
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
    def command(args: argparse.Namespace, shell: Any) -> int:
        job = _service().update(args.job, changes)
        if args.json:
            _print_json(asdict(job))
        else:
            print(_job_line(job))
        return 0

    return command


def _jobs_delete(args: argparse.Namespace, shell: Any) -> int:
    _service().store.delete_job(args.job)
    if args.json:
        _print_json({"deleted": args.job})
    return 0


JOBS = Subcommand.group(
    "jobs",
    "Scheduled notebook jobs.",
    CREATE,
    Subcommand("list", "List jobs.", _add_json, _jobs_list),
    Subcommand("runs", "List a job's runs.", _configure_job, _jobs_runs),
    Subcommand("run", "Run a job now (in this process) and wait.", _configure_job, _jobs_run),
    Subcommand("pause", "Pause a job's schedule.", _configure_job, _jobs_set({"paused": True})),
    Subcommand("resume", "Resume a job's schedule.", _configure_job, _jobs_set({"paused": False})),
    Subcommand("delete", "Delete a job and its runs.", _configure_job, _jobs_delete),
)


# --- scheduler ---------------------------------------------------------------------------


def _configure_scheduler(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--interval", type=float, default=5.0, help="Seconds between checks.")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--root-dir", default=".", help="Folder job notebooks run in.")
    parser.add_argument("--once", action="store_true", help="Check once, finish runs, exit.")


def _scheduler(args: argparse.Namespace, shell: Any) -> int:
    from ..core.config import resolve_data_dir
    from ..core.periodic import Periodic
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

    def fire() -> None:
        for run in scheduler.tick():
            print(f"fired {run.title} -> run {run.run_id}", flush=True)

    try:
        if args.once:
            fire()
        else:
            loop = Periodic("mlops-scheduler", fire, args.interval, immediately=True).start()
            try:
                threading.Event().wait()  # until Ctrl-C
            finally:
                loop.stop()
    except KeyboardInterrupt:
        pass
    finally:
        runner.close(wait=True)
    return 0


SCHEDULER = Subcommand(
    "scheduler",
    "Run the job scheduler as its own process (no Lab needed).",
    _configure_scheduler,
    _scheduler,
)
