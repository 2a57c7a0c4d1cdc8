"""The `jupyter-mlops` command line: version, store administration and the capabilities' commands.

A capability adds commands with a module `jupyter_mlops/<capability>/cli.py` exposing
`register(commands)`, where `commands` is this parser's subparsers action; each command it adds
sets `func(args) -> int` with `set_defaults`. Those modules must import lightly (heavy imports
go inside the command functions) so `jupyter-mlops --help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence

from ._version import __version__
from .capabilities import CAPABILITIES
from .core import schema
from .core.config import resolve_db_url
from .core.db import Database
from .core.errors import MLOpsError


def _open(url: str | None) -> Database:
    return Database(resolve_db_url(url))


def _db_upgrade(args: argparse.Namespace) -> int:
    database = _open(args.url)
    try:
        revisions = schema.upgrade(database.engine)
    finally:
        database.close()
    print(f"{database.masked_url}: at {', '.join(revisions)} (head)")
    return 0


def _db_current(args: argparse.Namespace) -> int:
    database = _open(args.url)
    try:
        current = schema.current_revisions(database.engine)
    finally:
        database.close()
    heads = schema.head_revisions()
    state = "(head)" if current == heads else f"(behind head {', '.join(heads)})"
    print(f"{database.masked_url}: {', '.join(current) or 'empty'} {state}")
    return 0


def _migrate_artifacts(args: argparse.Namespace) -> int:
    from .serving.artifact_migration import migrate_artifacts

    database = _open(args.url)
    try:
        report = migrate_artifacts(database, args.to, dry_run=args.dry_run, progress=print)
    finally:
        database.close()
    verb = "would move" if args.dry_run else "moved"
    print(
        f"{verb} {report.runs} runs, {report.experiments} experiments, {report.versions} "
        f"versions; {report.files_copied} files copied ({report.bytes_copied} bytes), "
        f"{report.files_skipped} already there"
    )
    if report.left_behind and not args.dry_run:
        print("the local copies were kept; delete them once you have checked the new root")
    print(f"set MLOpsApp.artifact_root / $JUPYTER_MLOPS_ARTIFACT_ROOT to {args.to} for new runs")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `jupyter-mlops`."""
    parser = argparse.ArgumentParser(prog="jupyter-mlops", description=__doc__)
    parser.add_argument("--version", action="version", version=f"jupyter-mlops {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    db = commands.add_parser("db", help="Manage the store's schema.")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    for name, func, help_text in (
        ("upgrade", _db_upgrade, "Upgrade the store to this version's schema."),
        ("current", _db_current, "Print the store's schema revision."),
    ):
        sub = db_commands.add_parser(name, help=help_text)
        sub.add_argument("--url", help="SQLAlchemy URL (default: $JUPYTER_MLOPS_DB_URL or SQLite).")
        sub.set_defaults(func=func)

    migrate = commands.add_parser(
        "migrate-artifacts",
        help="Move a local store's artifacts and model files to an artifact root (resumable).",
    )
    migrate.add_argument("--to", required=True, help="The new root, e.g. s3://bucket/prefix.")
    migrate.add_argument("--url", help="SQLAlchemy URL (default: $JUPYTER_MLOPS_DB_URL or SQLite).")
    migrate.add_argument("--dry-run", action="store_true", help="List what would move.")
    migrate.set_defaults(func=_migrate_artifacts)

    for capability in CAPABILITIES:
        module_name = f"jupyter_mlops.{capability.name}.cli"
        if importlib.util.find_spec(f"jupyter_mlops.{capability.name}") is None:
            continue
        if importlib.util.find_spec(module_name) is not None:
            importlib.import_module(module_name).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status (2 for usage, 1 for a store error)."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except MLOpsError as exc:
        print(f"jupyter-mlops: {exc.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
