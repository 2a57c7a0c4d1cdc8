"""`jupyter-mlops export NAME@ALIAS --kubernetes DIR`: manifests that run one version's endpoint.

Written from the same version record as the Docker folder (`docker_export.py`, whose image they
run): a Deployment (port 8080, readiness and liveness on `/health`, CPU requested so the
autoscaler has a base, an unprivileged read-only container), a ClusterIP Service on port 80 and
a HorizontalPodAutoscaler (autoscaling/v2) on CPU utilisation. Nothing secret is written: the
artifact root's credentials come from a Secret the cluster holds (`--credentials-secret`,
mounted with `envFrom`), the endpoint token from another (`--token-secret`) when given.
Validated in the tests against the Kubernetes OpenAPI schema (`kubernetes-validate`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..core.errors import MLOpsError
from .api import get_registry
from .model_uri import parse_ref

PORT = 8080


def resource_name(model: str, version: int) -> str:
    """A DNS-1123 label for the model's objects: `mlops-<name>-v<version>`."""
    slug = re.sub(r"[^a-z0-9-]+", "-", model.lower()).strip("-") or "model"
    return f"mlops-{slug}"[:55].rstrip("-") + f"-v{version}"


def manifests(
    model: str,
    version: int,
    image: str,
    *,
    replicas: int = 1,
    max_replicas: int = 5,
    cpu_target: int = 70,
    cpu_request: str = "250m",
    memory: str = "512Mi",
    credentials_secret: str | None = None,
    token_secret: str | None = None,
) -> list[dict[str, Any]]:
    """The Deployment, Service and HorizontalPodAutoscaler of one version, as dicts."""
    name = resource_name(model, version)
    labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "jupyter-mlops"}
    probe = {"httpGet": {"path": "/health", "port": PORT}, "periodSeconds": 5}
    container: dict[str, Any] = {
        "name": "endpoint",
        "image": image,
        "ports": [{"name": "http", "containerPort": PORT}],
        "readinessProbe": {**probe, "initialDelaySeconds": 2},
        "livenessProbe": {**probe, "initialDelaySeconds": 30, "failureThreshold": 6},
        "resources": {
            "requests": {"cpu": cpu_request, "memory": memory},
            "limits": {"memory": memory},
        },
        "securityContext": {
            "runAsNonRoot": True,
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
        },
    }
    if credentials_secret:
        container["envFrom"] = [{"secretRef": {"name": credentials_secret}}]
    if token_secret:
        container["env"] = [
            {
                "name": "JUPYTER_MLOPS_ENDPOINT_TOKEN",
                "valueFrom": {"secretKeyRef": {"name": token_secret, "key": "token"}},
            }
        ]
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": {**labels, "mlops/model": model[:63]}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [container]},
            },
        },
    }
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "selector": labels,
            "ports": [{"name": "http", "port": 80, "targetPort": "http"}],
        },
    }
    autoscaler = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": replicas,
            "maxReplicas": max(max_replicas, replicas),
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": cpu_target},
                    },
                }
            ],
        },
    }
    return [deployment, service, autoscaler]


def export_kubernetes(
    model: str, folder: Path, image: str | None = None, **options: Any
) -> list[Path]:
    """Write `deployment.yaml`, `service.yaml` and `hpa.yaml` for `model` into `folder`."""
    import yaml  # type: ignore[import-untyped,unused-ignore]

    version = get_registry().get_version(parse_ref(model))
    folder = folder.resolve()
    if folder.exists() and any(folder.iterdir()):
        raise MLOpsError(f"{folder} is not empty", field="kubernetes")
    folder.mkdir(parents=True, exist_ok=True)
    chosen = image or f"{resource_name(version.name, version.version)}:latest"
    written = []
    objects = manifests(version.name, version.version, chosen, **options)
    for file_name, document in zip(("deployment", "service", "hpa"), objects, strict=True):
        path = folder / f"{file_name}.yaml"
        path.write_text(yaml.safe_dump(document, sort_keys=False))
        written.append(path)
    return written
