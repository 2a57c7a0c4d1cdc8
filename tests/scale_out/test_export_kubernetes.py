"""`jupyter-mlops export NAME@ALIAS --kubernetes DIR`: a Deployment (readiness on /health), a
Service and a CPU HorizontalPodAutoscaler for the version, each valid against the Kubernetes
OpenAPI schema (kubernetes-validate, strict: unknown fields are errors). No cluster needed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sklearn.linear_model import LogisticRegression

import jupyter_mlops as mlops

kubernetes_validate = pytest.importorskip(
    "kubernetes_validate", reason="pip install kubernetes-validate"
)
K8S_VERSION = "1.30.0"


def test_kubernetes_manifests_validate_against_the_schema(
    mlops_store: Path, tmp_path: Path
) -> None:
    X = [[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [1.0, 1.0]]
    mlops.register_model(LogisticRegression().fit(X, [0, 1, 0, 1]), "Churn_Model", X=X)
    out = tmp_path / "k8s"
    done = subprocess.run(
        [sys.executable, "-m", "jupyter_mlops.cli", "export", "Churn_Model/1", "--kubernetes",
         str(out), "--image", "registry.example/churn:1", "--credentials-secret", "s3-keys"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    documents = {p.stem: yaml.safe_load(p.read_text()) for p in sorted(out.glob("*.yaml"))}
    assert sorted(documents) == ["deployment", "hpa", "service"]
    for document in documents.values():
        kubernetes_validate.validate(document, K8S_VERSION, strict=True)
    deployment = documents["deployment"]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "registry.example/churn:1"
    assert container["readinessProbe"]["httpGet"] == {"path": "/health", "port": 8080}
    assert container["envFrom"] == [{"secretRef": {"name": "s3-keys"}}]
    name = deployment["metadata"]["name"]
    assert name == "mlops-churn-model-v1"
    assert documents["service"]["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    hpa = documents["hpa"]["spec"]
    assert hpa["scaleTargetRef"]["name"] == name
    assert hpa["metrics"][0]["resource"]["name"] == "cpu"


def test_a_broken_manifest_is_refused_by_the_validator() -> None:
    """The validator used above does refuse what Kubernetes would (so the test can fail)."""
    from jupyter_mlops.serving.k8s_export import manifests

    deployment = manifests("m", 1, "img")[0]
    deployment["spec"]["replicas"] = "three"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSION, strict=True)


def test_export_needs_a_target(mlops_store: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jupyter_mlops.cli", "export", "x/1"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "--docker DIR and/or --kubernetes DIR" in done.stderr
