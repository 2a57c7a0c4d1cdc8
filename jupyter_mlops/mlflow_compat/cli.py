"""`jupyter-mlops import-mlflow SOURCE [--experiment NAME ...]`: copy an MLflow store in."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..core.subcommands import Subcommand


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", metavar="SOURCE", help="MLflow tracking URI or mlruns folder.")
    parser.add_argument(
        "--experiment",
        action="append",
        metavar="NAME",
        help="Copy only this experiment (repeat for several; default: every active one).",
    )
    parser.add_argument(
        "--artifact-root",
        action="append",
        metavar="DIR",
        default=[],
        help=(
            "A local folder besides the source store that runs' artifacts may be read from "
            "(repeat for several). A run whose artifact_uri is a local path outside the store "
            "(and these folders) is refused and reported."
        ),
    )
    parser.add_argument("--quiet", action="store_true", help="No progress bar.")


def _import_mlflow(args: argparse.Namespace, shell: Any) -> int:
    from tqdm import tqdm

    from ..core.config import resolve_data_dir
    from ..core.store import get_database
    from ..tracking.store import TrackingStore
    from .importer import import_mlflow

    store = TrackingStore(get_database(), resolve_data_dir())
    bar = tqdm(total=0, unit="run", file=sys.stderr, disable=args.quiet)

    def set_total(total: int) -> None:
        bar.total = total
        bar.refresh()

    try:
        report = import_mlflow(
            args.source,
            store,
            args.experiment,
            progress=bar.update,
            on_total=set_total,
            artifact_roots=args.artifact_root,
        )
    finally:
        bar.close()
    print(report.summary())
    return 1 if report.failures else 0


IMPORT_MLFLOW = Subcommand(
    "import-mlflow",
    "Copy experiments, runs and artifacts from an MLflow tracking store.",
    _configure,
    _import_mlflow,
    description=(
        "Copy an MLflow tracking store into the workbench's store: experiments, runs "
        "(status, times, names, parent/child), params, tags, full metric histories and "
        "artifacts. SOURCE is any MLflow tracking URI: an mlruns folder, sqlite:///mlflow.db, "
        "postgresql://..., http://host:5000. Running it again copies only new runs. "
        "Needs the mlflow package (pip install 'jupyter-mlops[mlflow]')."
    ),
)


def register(commands: Any) -> None:
    """Add `import-mlflow` to the `jupyter-mlops` command line."""
    IMPORT_MLFLOW.add_to_cli(commands)
