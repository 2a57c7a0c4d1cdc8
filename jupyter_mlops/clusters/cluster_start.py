"""A cluster start: from a validated request to a running cluster in the manager's record.

The plan comes from the factory (`factory.py`), or, for Dask Gateway, with the start's GPUs
and options as the gateway's cluster options (`gateway.py`). A start that raises is kept as
a `failed` record with its error (the manager lists it until it is deleted) and answers 503.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from ..core.errors import ErrorCode, MLOpsError
from . import gateway
from .cluster_record import ManagedCluster, maybe_await
from .entities import StartCluster
from .factory import ClusterFactory, ClusterPlan, plan_cluster
from .gpus import select_gpus


async def plan_start(
    request: StartCluster, factory: ClusterFactory, gateway_gpu_option: str
) -> ClusterPlan:
    """What a start builds: the factory's class and kwargs, GPUs selected on this machine,
    or the gateway's cluster options (`gateway_gpu_option` names the one `gpus` sets)."""
    if gateway.is_gateway(factory.class_path):
        # GPUs and other options are the gateway's to grant: they go as cluster options.
        wanted = gateway.requested_options(request, gateway_gpu_option)
        plan = plan_cluster(request.model_copy(update={"gpus": None}), factory, None)
        plan.kwargs["cluster_options"] = await gateway.cluster_options(plan.kwargs, wanted)
    else:
        if request.options:
            raise MLOpsError(
                "options: cluster options are Dask Gateway's "
                f"(MLOpsApp.cluster_backend = 'gateway'); {factory.class_path} takes none",
                field="options",
            )
        gpus = select_gpus(request.gpu_count) if request.gpu_count is not None else None
        plan = plan_cluster(request, factory, gpus)
    return plan


async def build_cluster(
    record: ManagedCluster, plan: ClusterPlan, request: StartCluster, log: logging.Logger
) -> None:
    """Construct the planned cluster into `record`, scaled or adaptive as asked, and mark it
    running; on failure mark it failed, close what was made, and raise a 503."""
    record.gpu_indexes = plan.gpu_indexes
    record.security = plan.security
    try:
        cluster = await plan.cls(**plan.kwargs, asynchronous=True)
        record.cluster = cluster
        record.address = cluster.scheduler_address
        record.comm = cluster.scheduler_comm
        if record.security is None:  # a gateway issues per-cluster credentials
            record.security = gateway.cluster_security(cluster)
        if plan.scale_to is not None and request.adapt is None:
            await maybe_await(cluster.scale(plan.scale_to))
        if request.adapt is not None:
            record.adaptive = cluster.adapt(
                minimum=request.adapt.minimum, maximum=request.adapt.maximum
            )
            record.adapt = request.adapt
    except MLOpsError:
        raise
    except Exception as exc:
        record.state = "failed"
        record.error = f"{type(exc).__name__}: {exc}"
        log.warning("cluster %s (%s) did not start: %s", record.id, plan.class_path, exc)
        if record.cluster is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(maybe_await(record.cluster.close()), 10)
        raise MLOpsError(
            f"the {plan.class_path} cluster did not start: {record.error}",
            ErrorCode.UNAVAILABLE,
        ) from exc
    record.state = "running"
