"""`%mlops profile NAME`: profile a DataFrame variable (or a CSV/Parquet path) in a notebook."""

from __future__ import annotations

import argparse
from typing import Any

from IPython.core.error import UsageError

from ..core.subcommands import Subcommand, SubcommandRegistry
from .api import ENGINES
from .sources import file_format


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "data", help="a DataFrame variable of the notebook, or the path of a CSV/Parquet file"
    )
    parser.add_argument("--engine", choices=ENGINES, default="auto", help="default: auto")
    parser.add_argument(
        "--sample", type=_sample, default=None, help="rows (e.g. 10000) or a fraction (e.g. 0.1)"
    )
    parser.add_argument("--name", default=None, help="save the profile in the store under NAME")
    parser.add_argument("--html", default=None, metavar="PATH", help="also write an HTML report")


def _sample(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None


def resolve_data(name: str, namespace: dict[str, Any]) -> Any:
    """The notebook variable `name` (dotted attributes allowed), or `name` itself if it is
    the path of a CSV/Parquet file; anything else is a one-line usage error."""
    head, *attributes = name.split(".")
    if head.isidentifier() and head in namespace:
        value = namespace[head]
        for attribute in attributes:
            if not hasattr(value, attribute):
                raise UsageError(f"%mlops profile: {head} has no attribute {attribute!r}")
            value = getattr(value, attribute)
        return value
    if file_format(name) is not None:
        return name
    raise UsageError(
        f"%mlops profile: no variable named {name!r} in the notebook "
        "(give a DataFrame variable or a .csv/.parquet path)"
    )


def _run(args: argparse.Namespace, shell: Any) -> Any:
    from .api import profile

    data = resolve_data(args.data, shell.user_ns)
    result = profile(data, engine=args.engine, sample=args.sample, name=args.name)
    if args.html:
        from .report import profile_report

        profile_report(result, args.html)
    return result


def register(registry: SubcommandRegistry, ipython: Any) -> None:
    """Add `%mlops profile` to the `%mlops` magic (and profiles' notebook display)."""
    from .display import register as register_display

    register_display(ipython)
    registry.add(
        Subcommand(
            "profile",
            "Profile a DataFrame (or a CSV/Parquet file) and show it as a widget.",
            _configure,
            _run,
        )
    )
