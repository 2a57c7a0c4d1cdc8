"""The `jupyter-mlops` command line: version, store administration and the capabilities' commands.

A capability adds commands with a module `jupyter_mlops/<capability>/cli.py` exposing
`register(commands)`, where `commands` is this parser's subparsers action; it adds each of its
`Subcommand`s (`core/subcommands.py`, the same definitions `%mlops` uses) with `add_to_cli`.
Those modules must import lightly (heavy imports go inside the command functions) so
`jupyter-mlops --help` stays fast. Bad arguments are one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence

from ._version import __version__
from .capabilities import installed_capabilities
from .core import schema
from .core.config import resolve_db_url
from .core.db import Database
from .core.errors import MLOpsError
from .core.process_start import skip_iri_grammar
from .core.subcommands import CommandLineParser, CommandUsageError, Subcommand


def _open(url: str | None) -> Database:
    return Database(resolve_db_url(url))


def _db_upgrade(args: argparse.Namespace, shell: object) -> int:
    database = _open(args.url)
    try:
        revisions = schema.upgrade(database.engine)
    finally:
        database.close()
    print(f"{database.masked_url}: at {', '.join(revisions)} (head)")
    return 0


def _db_current(args: argparse.Namespace, shell: object) -> int:
    database = _open(args.url)
    try:
        current = schema.current_revisions(database.engine)
    finally:
        database.close()
    heads = schema.head_revisions()
    state = "(head)" if current == heads else f"(behind head {', '.join(heads)})"
    print(f"{database.masked_url}: {', '.join(current) or 'empty'} {state}")
    return 0


def _migrate_artifacts(args: argparse.Namespace, shell: object) -> int:
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


def _configure_url(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", help="SQLAlchemy URL (default: $JUPYTER_MLOPS_DB_URL or SQLite).")


def _configure_migrate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--to", required=True, help="The new root, e.g. s3://bucket/prefix.")
    _configure_url(parser)
    parser.add_argument("--dry-run", action="store_true", help="List what would move.")


DB = Subcommand.group(
    "db",
    "Manage the store's schema.",
    Subcommand(
        "upgrade", "Upgrade the store to this version's schema.", _configure_url, _db_upgrade
    ),
    Subcommand("current", "Print the store's schema revision.", _configure_url, _db_current),
)
MIGRATE_ARTIFACTS = Subcommand(
    "migrate-artifacts",
    "Move a local store's artifacts and model files to an artifact root (resumable).",
    _configure_migrate,
    _migrate_artifacts,
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `jupyter-mlops`."""
    parser = CommandLineParser(prog="jupyter-mlops", description=__doc__)
    parser.add_argument("--version", action="version", version=f"jupyter-mlops {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    DB.add_to_cli(commands)
    MIGRATE_ARTIFACTS.add_to_cli(commands)
    for capability in installed_capabilities():
        module_name = f"{capability.package}.cli"
        if importlib.util.find_spec(capability.package) is None:
            continue
        if importlib.util.find_spec(module_name) is not None:
            importlib.import_module(module_name).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status (2 for usage, 1 for a store error)."""
    skip_iri_grammar()  # this process never checks an IRI format: 2.6 s of CPU less per run
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except CommandUsageError as exc:  # a check argparse cannot express (`usage_error`)
        print(exc, file=sys.stderr)
        return 2
    except MLOpsError as exc:
        print(f"jupyter-mlops: {exc.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
