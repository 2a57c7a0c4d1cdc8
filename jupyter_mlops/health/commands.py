"""`status`: one subcommand for `%mlops status` and `jupyter-mlops status`."""

from __future__ import annotations

import argparse
from typing import Any

from ..core.subcommands import Subcommand


def _status(args: argparse.Namespace, shell: Any) -> None:
    from .service import format_health, status

    print(format_health(status()))


STATUS = Subcommand(
    "status",
    "Show the version, the store, its schema and the capabilities.",
    lambda parser: None,
    _status,
)


def _configure_openapi(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--write", metavar="FILE", help="Write the document to FILE instead of printing it."
    )
    parser.add_argument(
        "--base-url", default="/", help="The server's base URL the document is for (default /)."
    )


def _openapi(args: argparse.Namespace, shell: Any) -> None:
    from pathlib import Path

    from .api_document import document_json, write_document

    if args.write:
        changed = write_document(Path(args.write), args.base_url)
        print(f"{args.write}: {'written' if changed else 'unchanged'}")
    else:
        print(document_json(args.base_url), end="")


OPENAPI = Subcommand(
    "openapi",
    "Print (or --write) the REST API's OpenAPI document, built without starting a server.",
    _configure_openapi,
    _openapi,
)
