"""HTML views of a profile: a static summary (no scripts) and a standalone report with charts.

The summary is what a notebook shows where widgets cannot run (nbconvert, GitHub) and the
widget's overview; the report (`Profile.to_html`) inlines plotly.js once so it opens offline.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from . import charts
from .model import ColumnProfile, Profile

if TYPE_CHECKING:
    from .compare import ProfileComparison

# Lab's CSS variables where they exist (the notebook), plain colours elsewhere (a file).
STYLE = """
.mlops-profile { font-family: var(--jp-ui-font-family, system-ui, sans-serif);
  color: var(--jp-ui-font-color1, #222); font-size: 13px; }
.mlops-profile table { border-collapse: collapse; margin: 6px 0 12px; }
.mlops-profile th, .mlops-profile td { padding: 3px 10px; text-align: left;
  border-bottom: 1px solid var(--jp-border-color2, #ddd); }
.mlops-profile th { color: var(--jp-ui-font-color2, #555); font-weight: 600; }
.mlops-profile td.num { text-align: right; font-variant-numeric: tabular-nums; }
.mlops-profile .alert { color: var(--jp-warn-color0, #b35c00); }
.mlops-profile .type { font-size: 11px; padding: 1px 6px; border-radius: 8px;
  background: var(--jp-layout-color2, #eee); }
.mlops-profile .muted { color: var(--jp-ui-font-color2, #666); }
.mlops-profile .card { border: 1px solid var(--jp-border-color2, #ddd); border-radius: 4px;
  padding: 8px 12px; margin: 8px 0; }
.mlops-profile .shifted { background: var(--jp-warn-color3, #fff3cd); }
"""


def fmt(value: Any) -> str:
    """A statistic as short text."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e15 else f"{value:.4g}"
    text = str(value)
    return escape(text if len(text) <= 60 else text[:59] + "…")


def _size(n_bytes: int) -> str:
    size = float(n_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.1f} {unit}" if unit != "B" else f"{int(size)} B"
        size /= 1024
    return f"{size:.1f} TB"


def overview_html(profile: Profile) -> str:
    """Table-level facts: rows, columns, duplicates, memory, engine, approximations."""
    duplicates = fmt(profile.n_duplicate_rows)
    if profile.duplicates_are_approximate:
        duplicates = f"≈ {duplicates}"
    facts = [
        ("Rows", fmt(profile.n_rows)),
        ("Columns", fmt(profile.n_columns)),
        ("Duplicate rows", duplicates),
        ("Memory", _size(profile.memory_bytes)),
        (
            "Engine",
            escape(profile.engine + (f" ({profile.scheduler})" if profile.scheduler else "")),
        ),
        ("Fingerprint", f"<code>{escape(profile.fingerprint)}</code>"),
    ]
    if profile.source:
        facts.insert(0, ("Source", escape(profile.source)))
    if profile.quantile_rank_error:
        facts.append(("Quantile rank error", f"≤ {profile.quantile_rank_error:.3%}"))
    if profile.distinct_relative_error:
        facts.append(("Distinct count error", f"≈ {profile.distinct_relative_error:.2%} (1 σ)"))
    rows = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in facts)
    return f"<table>{rows}</table>"


def alerts_html(profile: Profile) -> str:
    """The alerts as a list (or a line saying there are none)."""
    if not profile.alerts:
        return '<p class="muted">No alerts.</p>'
    items = "".join(
        f'<li class="alert"><b>{escape(alert.column or "table")}</b> '
        f"<code>{escape(alert.kind)}</code> {escape(alert.detail)}</li>"
        for alert in profile.alerts
    )
    return f"<ul>{items}</ul>"


def columns_table_html(profile: Profile) -> str:
    """One row per column: type, missing, distinct, mean, min, max, alerts."""
    header = (
        "<tr><th>Column</th><th>Type</th><th>Missing</th><th>Distinct</th><th>Mean</th>"
        "<th>Min</th><th>Max</th><th>Alerts</th></tr>"
    )
    rows = []
    for name, column in profile.columns.items():
        distinct = fmt(column.n_distinct)
        if column.distinct_is_approximate:
            distinct = f"≈ {distinct}"
        kinds = ", ".join(a.kind for a in profile.alerts_for(name))
        rows.append(
            f"<tr><td>{escape(name)}</td><td><span class='type'>{column.type}</span></td>"
            f"<td class='num'>{column.missing_share:.1%}</td><td class='num'>{distinct}</td>"
            f"<td class='num'>{fmt(column.mean)}</td><td class='num'>{fmt(column.min)}</td>"
            f"<td class='num'>{fmt(column.max)}</td><td class='alert'>{escape(kinds)}</td></tr>"
        )
    return f"<table>{header}{''.join(rows)}</table>"


def column_stats_html(column: ColumnProfile) -> str:
    """The statistics of one column that apply to its type."""
    pairs: list[tuple[str, Any]] = [
        ("type", column.type),
        ("dtype", column.dtype),
        ("count", column.count),
        ("missing", f"{column.n_missing:,} ({column.missing_share:.1%})"),
        ("distinct", column.n_distinct),
        ("mean", column.mean),
        ("std", column.std),
        ("min", column.min),
        ("max", column.max),
        ("skewness", column.skewness),
        ("zeros", column.n_zeros),
        ("negative", column.n_negative),
        ("infinite", column.n_infinite),
        ("mean length", column.mean_length),
    ]
    for key, value in (column.quantiles or {}).items():
        pairs.append((f"q{key}", value))
    if column.value_types:
        pairs.append(
            ("value types", ", ".join(f"{k}: {v:,}" for k, v in column.value_types.items()))
        )
    cells = "".join(
        f"<tr><th>{escape(k)}</th><td class='num'>{fmt(v)}</td></tr>"
        for k, v in pairs
        if v is not None
    )
    return f"<table>{cells}</table>"


def summary_html(profile: Profile) -> str:
    """A static summary with no scripts: overview, alerts, and the columns table."""
    title = escape(profile.name or profile.source or "Data profile")
    return (
        f"<div class='mlops-profile'><style>{STYLE}</style><h3>{title}</h3>"
        f"{overview_html(profile)}<h4>Alerts</h4>{alerts_html(profile)}"
        f"<h4>Columns</h4>{columns_table_html(profile)}</div>"
    )


def render_html(profile: Profile) -> str:
    """A standalone HTML page with every chart; plotly.js is inlined once (works offline)."""
    figures: list[tuple[str, Any]] = []
    missing = charts.missing_figure(profile)
    if missing is not None:
        figures.append(("", missing))
    correlation = charts.correlation_figure(profile)
    sections: list[str] = []
    include_js: bool | str = True

    def embed(figure: Any) -> str:
        nonlocal include_js
        fragment = figure.to_html(full_html=False, include_plotlyjs=include_js)
        include_js = False
        return str(fragment)

    for _, figure in figures:
        sections.append(embed(figure))
    cards = []
    for name, column in profile.columns.items():
        figure = charts.column_figure(column)
        chart = embed(figure) if figure is not None else ""
        alerts = "".join(
            f"<li class='alert'>{escape(a.kind)}: {escape(a.detail)}</li>"
            for a in profile.alerts_for(name)
        )
        cards.append(
            f"<div class='card' data-column='{escape(name)}'><h4>{escape(name)} "
            f"<span class='type'>{column.type}</span></h4>"
            f"<ul>{alerts}</ul>{column_stats_html(column)}{chart}</div>"
        )
    heatmap = embed(correlation) if correlation is not None else "<p class='muted'>None.</p>"
    title = escape(profile.name or profile.source or "Data profile")
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{title}</title><style>body{{margin:24px}}{STYLE}</style></head>"
        f"<body><div class='mlops-profile'><h2>{title}</h2>{overview_html(profile)}"
        f"<h3>Alerts</h3>{alerts_html(profile)}{''.join(sections)}"
        f"<h3>Columns</h3>{columns_table_html(profile)}{''.join(cards)}"
        f"<h3>Correlations</h3>{heatmap}</div></body></html>"
    )


def comparison_html(comparison: ProfileComparison) -> str:
    """Two profiles side by side, shifted columns highlighted."""
    a, b = escape(comparison.label_a), escape(comparison.label_b)
    header = (
        "<tr><th>Column</th><th>Type</th>"
        f"<th>Missing {a}</th><th>Missing {b}</th><th>Mean {a}</th><th>Mean {b}</th>"
        f"<th>Median {a}</th><th>Median {b}</th><th>Distinct {a}</th><th>Distinct {b}</th>"
        "<th>Mean shift (σ)</th><th>PSI</th></tr>"
    )
    rows = []
    for c in comparison.columns:
        kind = c.type_a if c.type_a == c.type_b else f"{c.type_a or '—'} → {c.type_b or '—'}"

        def share(value: float | None) -> str:
            return "—" if value is None else f"{value:.1%}"

        rows.append(
            f"<tr class='{'shifted' if c.shifted else ''}'><td>{escape(c.column)}</td>"
            f"<td>{escape(str(kind))}</td><td class='num'>{share(c.missing_share_a)}</td>"
            f"<td class='num'>{share(c.missing_share_b)}</td><td class='num'>{fmt(c.mean_a)}</td>"
            f"<td class='num'>{fmt(c.mean_b)}</td><td class='num'>{fmt(c.median_a)}</td>"
            f"<td class='num'>{fmt(c.median_b)}</td><td class='num'>{fmt(c.n_distinct_a)}</td>"
            f"<td class='num'>{fmt(c.n_distinct_b)}</td><td class='num'>{fmt(c.mean_shift)}</td>"
            f"<td class='num'>{fmt(c.psi)}</td></tr>"
        )
    rows_a, rows_b = comparison.n_rows
    return (
        f"<div class='mlops-profile'><style>{STYLE}</style>"
        f"<p><b>{a}</b>: {rows_a:,} rows · <b>{b}</b>: {rows_b:,} rows</p>"
        f"<table>{header}{''.join(rows)}</table></div>"
    )
