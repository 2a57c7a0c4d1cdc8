"""`jupyter-mlops models promote ENDPOINT VERSION [--gates] [--override]`, `models gates MODEL
[--set FILE]` and `models gate-runs [MODEL]`: promotion with gates from a shell or CI.

From a Jupyter server's terminal, kernel or job the gates run as a task of that server's jobs
runner; elsewhere they run in this process on the configured store (an endpoint is still
promoted by moving its record, which the endpoint process follows).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..core.subcommands import Subcommand


def register(commands: Any) -> None:
    """Add `models` (promote, gates, gate-runs) to the `jupyter-mlops` parser, and install
    the jobs' `validate:` input checks in this process as a Jupyter server does at setup: the
    standalone `jupyter-mlops scheduler` runs jobs itself (without them every run declaring
    `validate:` failed), and `jupyter-mlops jobs create` checks the declaration."""
    from .job_inputs import install_standalone

    install_standalone()  # light: the store and pandas are imported when a check runs
    MODELS.add_to_cli(commands)


def _configure_promote(promote: argparse.ArgumentParser) -> None:
    promote.add_argument("endpoint", help="The endpoint's name.")
    promote.add_argument("version", type=int, help="The version to serve.")
    promote.add_argument(
        "--gates", action="store_true", help="Run the model's gates first; refuse if any fails."
    )
    promote.add_argument(
        "--override", action="store_true", help="Promote even when gates fail (needs MANAGE)."
    )
    promote.add_argument(
        "--check", action="store_true", help="Run the gates and print them; do not promote."
    )


def _configure_gates(gates: argparse.ArgumentParser) -> None:
    gates.add_argument("model")
    gates.add_argument("--alias", help="The gates of one alias (default: the model's).")
    gates.add_argument("--set", metavar="FILE", help="YAML or JSON file of GateSpec fields.")


def _configure_gate_runs(runs: argparse.ArgumentParser) -> None:
    runs.add_argument("model", nargs="?")


def _print_run(run: Any) -> None:
    print(f"{run.model_name} v{run.version} on {run.endpoint_name}: {run.status}")
    for result in run.results:
        mark = {True: "pass", False: "FAIL", None: "skip"}[result.passed]
        print(f"  {mark:4}  {result.name:16} {result.detail}")
    if run.message:
        print(f"  {run.message}")


def _promote(args: argparse.Namespace, shell: Any) -> int:
    from .api import check_gates, promote

    if args.check:
        run = check_gates(args.endpoint, args.version)
        _print_run(run)
        return 0 if run.status == "passed" else 1
    if not args.gates:
        endpoint = promote(args.endpoint, args.version)
        print(f"{endpoint.name}: serving {endpoint.target}")
        return 0
    run = promote(
        args.endpoint, args.version, gates=True, override=args.override, raise_on_refusal=False
    )
    _print_run(run)
    return 0 if run.status in ("promoted", "overridden") else 1


def _gates(args: argparse.Namespace, shell: Any) -> int:
    from .api import get_gates, set_gates

    spec: Any
    if args.set:
        import yaml

        with open(args.set) as handle:
            fields = yaml.safe_load(handle) or {}
        spec = set_gates(args.model, args.alias, **fields)
    else:
        spec = get_gates(args.model, args.alias)
        if spec is None:
            print(f"{args.model} declares no gates", file=sys.stderr)
            return 1
    print(json.dumps(spec.model_dump(), indent=2))
    return 0


def _gate_runs(args: argparse.Namespace, shell: Any) -> int:
    from ..core.store import get_database
    from .store import EvaluationStore

    for run in EvaluationStore(get_database()).list_runs(args.model, limit=20):
        failed = ", ".join(run.failed) or "-"
        print(f"{run.gate_run_id}  {run.model_name} v{run.version}  {run.status:10} {failed}")
    return 0


MODELS = Subcommand.group(
    "models",
    "Promote model versions through their gates.",
    Subcommand("promote", "Serve VERSION on ENDPOINT.", _configure_promote, _promote),
    Subcommand(
        "gates",
        "Print (or set from a YAML/JSON file) a model's gates.",
        _configure_gates,
        _gates,
    ),
    Subcommand("gate-runs", "The latest gate runs.", _configure_gate_runs, _gate_runs),
)
