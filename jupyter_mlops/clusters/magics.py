"""`%mlops cluster ...`: start, connect, scale, adapt, stop and show Dask clusters.

In a kernel JupyterLab started, these act on the server's clusters (the Cluster panel shows
them); without a reachable server they fall back to clusters of the kernel, and say so.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from IPython.core.error import UsageError

from ..core.query import is_decimal
from ..core.subcommands import MagicArgumentParser, Subcommand, SubcommandRegistry


def _gpus(value: str) -> str | int:
    if value in ("all", "none"):
        return value
    if is_decimal(value):
        return int(value)
    raise argparse.ArgumentTypeError(f"{value!r} is not 'all', 'none' or a number of GPUs")


def _configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(
        dest="action", metavar="ACTION", parser_class=MagicArgumentParser
    )
    status = actions.add_parser("status", help="Show the clusters (the default action).")
    status.set_defaults(_cluster=_status)

    start = actions.add_parser("start", help="Start a cluster and make it current.")
    start.add_argument("--workers", type=int, help="number of workers")
    start.add_argument("--threads", type=int, help="threads per worker")
    start.add_argument("--memory", help="memory per worker, e.g. 4GB")
    start.add_argument("--gpus", type=_gpus, help="'all' or N: one dask-cuda worker per GPU")
    start.add_argument(
        "--processes",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="workers in their own processes (default) or threads of one process",
    )
    start.add_argument("--adapt", nargs=2, type=int, metavar=("MIN", "MAX"))
    start.add_argument("--name", help="a name to show in the panel")
    start.set_defaults(_cluster=_start)

    connect = actions.add_parser("connect", help="Register a running scheduler by address.")
    connect.add_argument("address", help="e.g. tcp://10.0.0.5:8786")
    connect.add_argument("--name")
    connect.add_argument("--dashboard", help="its dashboard URL, opened directly")
    connect.set_defaults(_cluster=_connect)

    scale = actions.add_parser("scale", help="Scale to N workers, or --adapt MIN MAX.")
    scale.add_argument("workers", type=int, nargs="?", help="number of workers")
    scale.add_argument("--adapt", nargs=2, type=int, metavar=("MIN", "MAX"))
    scale.add_argument("--cluster", help="id, name or address (default: the current one)")
    scale.set_defaults(_cluster=_scale)

    stop = actions.add_parser("stop", help="Close the cluster (default: the current one).")
    stop.add_argument("cluster", nargs="?", help="id, name or address")
    stop.set_defaults(_cluster=_stop)
    parser.set_defaults(_cluster=_status)


def _say(verb: str, info: Any, where: str) -> None:
    from .report import cluster_text

    print(f"{verb} on {where}:")
    print(cluster_text(info, None, workers=False))


def _status(args: argparse.Namespace) -> Any:
    from .backends import choose_backend
    from .report import ClusterReport

    backend = choose_backend()
    return ClusterReport(backend.list(), backend.where, backend.dashboard_base)


def _start(args: argparse.Namespace) -> None:
    from .backends import choose_backend
    from .client import validated
    from .entities import StartCluster
    from .report import cluster_text

    bounds = {"minimum": args.adapt[0], "maximum": args.adapt[1]} if args.adapt else None
    request = validated(
        StartCluster,
        workers=args.workers,
        threads=args.threads,
        memory=args.memory,
        gpus=args.gpus,
        processes=args.processes,
        adapt=bounds,
        name=args.name,
    )
    backend = choose_backend()
    info = backend.start(request)
    print(f"Started on {backend.where}:")
    print(cluster_text(info, backend.dashboard_base))
    print("Connect with: from jupyter_mlops import get_client; client = get_client()")


def _connect(args: argparse.Namespace) -> None:
    from .backends import choose_backend
    from .client import connect_cluster

    info = connect_cluster(args.address, args.name, args.dashboard)
    _say("Connected", info, choose_backend(quiet=True).where)


def _scale(args: argparse.Namespace) -> None:
    from .backends import choose_backend
    from .client import adapt_cluster, scale_cluster

    if (args.workers is None) == (args.adapt is None):
        raise UsageError("%mlops cluster scale: give N workers or --adapt MIN MAX (not both)")
    if args.adapt is not None:
        info = adapt_cluster(args.adapt[0], args.adapt[1], args.cluster)
    else:
        info = scale_cluster(args.workers, args.cluster)
    _say("Scaled", info, choose_backend(quiet=True).where)


def _stop(args: argparse.Namespace) -> None:
    from .client import stop_cluster

    info = stop_cluster(args.cluster)
    print(f"Stopped {info.id} ({info.name}).")


def _run(args: argparse.Namespace, shell: Any) -> Any:
    action: Callable[[argparse.Namespace], Any] = args._cluster
    return action(args)


def register(registry: SubcommandRegistry, ipython: Any) -> None:
    """Add `%mlops cluster` to the `%mlops` magic."""
    registry.add(
        Subcommand(
            "cluster",
            "Dask clusters: status (default), start, connect, scale, stop.",
            _configure,
            _run,
        )
    )
