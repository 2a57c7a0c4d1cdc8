"""How clusters read in a notebook: plain text for `%mlops cluster` and consoles, HTML in Lab."""

from __future__ import annotations

import html

from dask.utils import format_bytes

from .entities import ClusterInfo, ClusterList, WorkerInfo


def dashboard_link(info: ClusterInfo, base_path: str | None) -> str | None:
    """The dashboard link a browser can open: through the server's proxy, else direct."""
    if info.dashboard_path and base_path is not None:
        return base_path.rstrip("/") + "/" + info.dashboard_path
    return info.dashboard_url


def _gpu_text(worker: WorkerInfo) -> str:
    gpu = worker.gpu
    if gpu is None:
        return "-"
    memory = ""
    if gpu.memory_total:
        used = format_bytes(gpu.memory_used) if gpu.memory_used is not None else "?"
        memory = f" {used} / {format_bytes(gpu.memory_total)}"
    return f"{gpu.name}{memory}"


def cluster_text(info: ClusterInfo, base_path: str | None, workers: bool = True) -> str:
    """A cluster in a few lines: id, name, status, address, sizes, dashboard and workers."""
    mark = "*" if info.current else " "
    lines = [f"{mark} {info.id}  {info.name}  [{info.status}]  {info.scheduler_address or ''}"]
    if info.error:
        lines.append(f"    {info.error}")
    if info.status == "running":
        lines.append(f"    {info.size_summary()}")
        link = dashboard_link(info, base_path)
        if link:
            lines.append(f"    dashboard: {link}")
    if workers and info.workers:
        lines.append("    worker  threads  memory                cpu    tasks  gpu")
        for w in info.workers:
            memory = f"{format_bytes(w.memory_used)} / {format_bytes(w.memory_limit)}"
            lines.append(
                f"    {w.name:<7} {w.threads:<8} {memory:<21} {w.cpu:>4.0f}%  "
                f"{w.executing:<6} {_gpu_text(w)}"
            )
    return "\n".join(lines)


class ClusterReport:
    """What `%mlops cluster` returns: the clusters as text (consoles) and HTML (notebooks)."""

    def __init__(self, listing: ClusterList, where: str, base_path: str | None) -> None:
        self.listing = listing
        self.where = where
        self.base_path = base_path

    def __repr__(self) -> str:
        head = f"Dask clusters on {self.where} (* = current, used by get_client()):"
        if not self.listing.clusters:
            body = "  none: start one with %mlops cluster start"
        else:
            body = "\n".join(cluster_text(c, self.base_path) for c in self.listing.clusters)
        return f"{head}\n{body}\nGPUs: {self.listing.gpus.note}"

    def _repr_html_(self) -> str:
        rows = []
        for c in self.listing.clusters:
            link = dashboard_link(c, self.base_path)
            anchor = (
                f'<a href="{html.escape(link)}" target="_blank" rel="noopener">dashboard</a>'
                if link and c.status == "running"
                else ""
            )
            detail = c.size_summary() if c.status == "running" else html.escape(c.error or "")
            rows.append(
                f"<tr><td>{'★' if c.current else ''}</td><td><code>{c.id}</code></td>"
                f"<td>{html.escape(c.name)}</td><td>{c.status}</td>"
                f"<td><code>{html.escape(c.scheduler_address or '')}</code></td>"
                f"<td>{html.escape(detail)}</td><td>{anchor}</td></tr>"
            )
        table = (
            "<table><tr><th></th><th>id</th><th>name</th><th>status</th><th>scheduler</th>"
            "<th>size</th><th></th></tr>" + "".join(rows) + "</table>"
            if rows
            else "<p>No cluster: start one with <code>%mlops cluster start</code>.</p>"
        )
        return (
            f"<div><b>Dask clusters</b> on {html.escape(self.where)}{table}"
            f"<small>GPUs: {html.escape(self.listing.gpus.note)}</small></div>"
        )
