"""`jupyter-mlops serve` (an endpoint in the foreground) and `jupyter-mlops export --docker`,
each one `Subcommand` (`core/subcommands.py`).

Light at import: the endpoint app and the exporters are imported inside the commands.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core.subcommands import Subcommand, usage_error


def _whole_number_from(minimum: int) -> Callable[[str], int]:
    """An argparse `type`: a whole number of at least `minimum`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}")
        return value

    return parse


def _configure_serve(serve: argparse.ArgumentParser) -> None:
    serve.add_argument(
        "model", nargs="?", help="NAME@ALIAS (follows the alias), NAME/VERSION or NAME (latest)."
    )
    serve.add_argument("--model-dir", help="Serve a model folder (as exported), without a store.")
    serve.add_argument("--endpoint", help=argparse.SUPPRESS)  # the supervisor's endpoint record
    serve.add_argument("--restarts", type=int, default=0, help=argparse.SUPPRESS)  # for /metrics
    # The supervisor's warm spare: imports, then serves the endpoint its stdin names (`spare`).
    serve.add_argument("--spare", action="store_true", help=argparse.SUPPRESS)
    serve.add_argument("--host", default="127.0.0.1", help="Address to bind (default 127.0.0.1).")
    serve.add_argument("--port", type=int, default=8000, help="Port (default 8000).")
    serve.add_argument(
        "--workers",
        type=_whole_number_from(1),
        default=None,
        help="Worker processes (default: one per available core, fewer where the model threads "
        "by itself or memory is short; see serving/worker_count.py).",
    )
    serve.add_argument(
        "--advertise-url",
        help="The URL callers reach this endpoint at, recorded in the store so the Lab lists it "
        "(default $JUPYTER_MLOPS_ENDPOINT_URL, else http://HOST:PORT).",
    )
    serve.add_argument(
        "--auth",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="Require 'Authorization: Bearer <token>' on every route but /health and /ping; the "
        "token is $JUPYTER_MLOPS_ENDPOINT_TOKEN, else one is generated and printed. Default: "
        "--no-auth (the endpoints the Jupyter server deploys always have a token).",
    )
    serve.add_argument(
        "--log-name", help="Request log folder name (default: the endpoint or model name)."
    )
    serve.add_argument(
        "--no-request-log", action="store_true", help="Do not log requests for monitoring."
    )
    serve.add_argument(
        "--request-log-rows",
        type=_whole_number_from(2),  # the writer needs room for a row while it flushes another
        default=100_000,
        help="Rows the request log queues for its writer; past that it samples (default 100000).",
    )
    serve.add_argument("--max-batch-rows", type=int, default=512, help="Rows per model call.")
    serve.add_argument(
        "--max-wait-ms", type=float, default=2.0, help="Longest wait to fill a batch."
    )
    serve.add_argument(
        "--max-body-bytes", type=int, default=10 * 1024 * 1024, help="Larger bodies get a 413."
    )


def _configure_export(export: argparse.ArgumentParser) -> None:
    export.add_argument("model", help="NAME@ALIAS, NAME/VERSION or NAME (latest).")
    export.add_argument("--docker", metavar="DIR", help="Folder for the Dockerfile and the model.")
    export.add_argument(
        "--kubernetes",
        metavar="DIR",
        help="Folder for a Deployment, Service (readiness on /health) and CPU autoscaler.",
    )
    export.add_argument(
        "--from-root",
        action="store_true",
        help="--docker: the container reads the model from the artifact root at start (its hash "
        "checked) instead of baking the files in.",
    )
    export.add_argument("--image", help="The image the Deployment runs (--kubernetes).")
    export.add_argument(
        "--credentials-secret",
        help="A Secret with the artifact root's credentials (AWS_*), mounted with envFrom.",
    )


def _serve(args: argparse.Namespace, shell: Any) -> int:
    if args.spare:
        from .spare import run_spare

        return run_spare()
    from .endpoint_app import EndpointConfig, serve

    chosen = [x for x in (args.model, args.model_dir, args.endpoint) if x]
    if len(chosen) != 1:
        raise usage_error(args, "give one of MODEL or --model-dir")
    config = EndpointConfig(
        endpoint=args.endpoint,
        model=args.model,
        model_dir=str(Path(args.model_dir).resolve()) if args.model_dir else None,
        log_name=args.log_name,
        log_requests=not args.no_request_log,
        log_queue_rows=args.request_log_rows,
        max_batch_rows=args.max_batch_rows,
        max_wait_ms=args.max_wait_ms,
        max_body_bytes=args.max_body_bytes,
        restarts=args.restarts,
    )
    if config.model:
        from .model_uri import parse_ref

        parse_ref(config.model)
    token, says = _auth(args)
    print(f"jupyter-mlops: serving {chosen[0]} on http://{args.host}:{args.port}", flush=True)
    print(f"jupyter-mlops: {says}", flush=True)
    workers = args.workers
    if workers is None:
        workers, why = _auto_workers(config)
        print(f"jupyter-mlops: {why} (--workers N to choose)", flush=True)
    serve(config, args.host, args.port, workers, token, args.advertise_url)
    return 0


def _auto_workers(config: Any) -> tuple[int, str]:
    """`--workers` by `worker_count`'s rule, from what the store (or the folder) says of the
    model; a model it cannot find is sized as unknown (the worker then reports the error)."""
    from ..core.errors import MLOpsError
    from .worker_count import default_workers, folder_bytes

    estimator_class: str | None = None
    size: int | None = None
    try:
        if config.model_dir:
            from ..model_format.sklearn_folder import read_model_info

            size = folder_bytes(config.model_dir)
            estimator_class = read_model_info(Path(config.model_dir)).estimator_class
        else:
            from .api import get_registry
            from .model_uri import ModelRef, parse_ref

            registry = get_registry()
            if config.endpoint:
                name = registry.get_endpoint(config.endpoint).model_name
                version = int(registry.endpoint_version(config.endpoint))
            else:
                ref = parse_ref(config.model)
                name, version = ref.name, int(registry.resolve(ref))
            entry = registry.get_version(ModelRef(name, version=version))
            estimator_class = entry.estimator_class
            size = folder_bytes(entry.storage_location)
    except (MLOpsError, OSError, ValueError):
        pass
    return default_workers(estimator_class, size)


def _auth(args: argparse.Namespace) -> tuple[str | None, str]:
    """The token `serve` requires (None: none) and the line that says so."""
    import secrets

    from .endpoint_auth import TOKEN_ENV, TOKEN_FILE_ENV

    if args.endpoint:  # started by the server's supervisor: its token file, if it has auth
        if os.environ.get(TOKEN_FILE_ENV):
            return None, f"auth on: bearer token from {os.environ[TOKEN_FILE_ENV]}"
        return None, "auth off: this endpoint was deployed without auth"
    if not args.auth:
        os.environ.pop(TOKEN_ENV, None)  # --no-auth means open, whatever the environment says
        os.environ.pop(TOKEN_FILE_ENV, None)
        return None, (
            f"auth off (--no-auth): anything that reaches {args.host}:{args.port} can call it"
        )
    if os.environ.get(TOKEN_ENV):
        return os.environ[TOKEN_ENV], f"auth on (--auth): bearer token from ${TOKEN_ENV}"
    token = secrets.token_urlsafe(32)
    return token, f"auth on (--auth): generated bearer token {token}"


def _export(args: argparse.Namespace, shell: Any) -> int:
    if not args.docker and not args.kubernetes:
        raise usage_error(args, "give --docker DIR and/or --kubernetes DIR")
    if args.docker:
        from .docker_export import export_docker

        folder = export_docker(args.model, Path(args.docker), from_root=args.from_root)
        print(f"jupyter-mlops: wrote {folder} (docker build -t NAME {folder})")
    if args.kubernetes:
        from .k8s_export import export_kubernetes

        written = export_kubernetes(
            args.model,
            Path(args.kubernetes),
            args.image,
            credentials_secret=args.credentials_secret,
        )
        print(f"jupyter-mlops: wrote {', '.join(str(p) for p in written)} (kubectl apply -f)")
    return 0


SERVE = Subcommand(
    "serve",
    "Serve a registered model over HTTP (POST /invocations, /predict; GET /health, /schema, "
    "/metrics).",
    _configure_serve,
    _serve,
)
EXPORT = Subcommand(
    "export", "Write a container build folder for a registered model.", _configure_export, _export
)


def register(commands: Any) -> None:
    """Add `serve` and `export` to the `jupyter-mlops` parser."""
    SERVE.add_to_cli(commands)
    EXPORT.add_to_cli(commands)
