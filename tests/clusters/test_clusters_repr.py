"""A cluster object at the end of a cell reads as one line, not as every pydantic field."""

from __future__ import annotations

from typing import Any

from jupyter_mlops.clusters.entities import ClusterInfo


def info(status: Any = "closed", **fields: Any) -> ClusterInfo:
    return ClusterInfo(
        id="c1", name="etl", kind="local", cluster_class="LocalCluster", status=status,
        scheduler_address="tls://127.0.0.1:8786", started=0.0, **fields,
    )  # fmt: skip


def test_a_stopped_cluster_reads_as_one_short_line():
    text = repr(info())
    assert text == "<Cluster c1 'etl' [closed] tls://127.0.0.1:8786>"
    assert str(info()) == text
    assert "workers=" not in text and "\n" not in text


def test_the_html_repr_names_the_cluster_and_its_error():
    html = info(status="lost", error="scheduler <gone>")._repr_html_()
    assert "<code>c1</code>" in html and "<b>etl</b>" in html
    assert "scheduler &lt;gone&gt;" in html
