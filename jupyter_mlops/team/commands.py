"""`audit`: one subcommand for `%mlops audit` and `jupyter-mlops audit`."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from datetime import datetime, timezone
from typing import Any

from ..core.subcommands import Subcommand


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--object-type", help="model, endpoint, job, monitor, experiment")
    parser.add_argument("--object-id", help="e.g. a model's name")
    parser.add_argument("--user", help="only this user's changes")
    parser.add_argument("--action", help="e.g. alias.set, or alias.* for a prefix")
    parser.add_argument("--since", type=int, help="ms since the epoch")
    parser.add_argument("--until", type=int, help="ms since the epoch (exclusive)")
    parser.add_argument("--before-id", type=int, help="page token from the previous page")
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--json", action="store_true", help="one JSON document")


def _when(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _short(value: Any) -> str:
    return "" if value is None else json.dumps(value, sort_keys=True, default=str)[:60]


def _audit(args: argparse.Namespace, shell: Any) -> None:
    from ..core.store import get_database
    from ..core.team.audit import query

    page = query(
        get_database(),
        object_type=args.object_type,
        object_id=args.object_id,
        user=args.user,
        action=args.action,
        since=args.since,
        until=args.until,
        before_id=args.before_id,
        limit=args.limit,
    )
    if args.json:
        entries = [asdict(entry) for entry in page.entries]
        print(json.dumps({"entries": entries, "next_before_id": page.next_before_id}, indent=2))
        return
    rows = [
        (str(e.id), _when(e.time), e.user, e.source, e.action, f"{e.object_type}:{e.object_id}",
         _short(e.before), _short(e.after))
        for e in page.entries
    ]  # fmt: skip
    header = ("id", "time (UTC)", "user", "from", "action", "object", "before", "after")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    if page.next_before_id is not None:
        print(f"(more: --before-id {page.next_before_id})")


AUDIT = Subcommand(
    "audit",
    "Show the audit trail: who changed what, when and from where (newest first).",
    _configure,
    _audit,
)
