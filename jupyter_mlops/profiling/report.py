"""HTML views of a profile: a static summary (no scripts) and a standalone report with charts.

Both follow the Lab's profile view (labextension/src/profiling/ProfileReport.tsx) section by
section and use its CSS classes, so a profile looks the same in the Lab view, the notebook
widget (which reuses these pieces) and a saved report: overview, missing values, alerts, one
card per column, correlations (Pearson and Cramér's V), where values are missing, sample rows.
`STYLE` restates the Lab's styles for pages outside the Lab (Lab variables with fallbacks).
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core import artifact_store
from .entities import Alert, ColumnProfile, Profile

if TYPE_CHECKING:
    from .compare import ProfileComparison

STYLE = """
.jp-MLOps-profile-report { font-family: var(--jp-ui-font-family, system-ui, sans-serif);
  color: var(--jp-ui-font-color1, #222); font-size: var(--jp-ui-font-size1, 13px); }
.jp-MLOps-profile-report h2 { margin: 0 0 8px; font-size: 18px; }
.jp-MLOps-profile-report h3 { margin: 16px 0 6px; font-size: 14px; }
.jp-MLOps-profile-facts { display: grid; grid-template-columns: max-content 1fr;
  gap: 2px 12px; margin: 0; }
.jp-MLOps-profile-facts dt { color: var(--jp-ui-font-color2, #666); }
.jp-MLOps-profile-facts dd { margin: 0; overflow: hidden; text-overflow: ellipsis;
  white-space: nowrap; font-variant-numeric: tabular-nums; }
.jp-MLOps-profile-widget dl.jp-MLOps-profile-facts { display: grid; width: auto;
  line-height: normal; }
.jp-MLOps-profile-widget dl.jp-MLOps-profile-facts > dt,
.jp-MLOps-profile-widget dl.jp-MLOps-profile-facts > dd { float: none; width: auto;
  font-weight: normal; }
.jp-MLOps-profile-alerts { margin: 0; padding-left: 0; list-style: none; }
.jp-MLOps-profile-alerts li { padding: 2px 0; }
.jp-MLOps-profile-alertKind { display: inline-block; min-width: 110px; margin-right: 6px;
  color: var(--jp-warn-color0, #b35c00); }
.jp-MLOps-profile-cards { display: grid; gap: 12px;
  grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); }
.jp-MLOps-profile-card { border: 1px solid var(--jp-border-color2, #ddd); border-radius: 4px;
  padding: 8px 10px; background: var(--jp-layout-color1, #fff); min-width: 0; }
.jp-MLOps-profile-card header { display: flex; gap: 8px; align-items: baseline;
  margin-bottom: 4px; }
.jp-MLOps-profile-columnName { flex: 1 1 auto; font-weight: 600; overflow: hidden;
  text-overflow: ellipsis; white-space: nowrap; }
.jp-MLOps-profile-type { padding: 0 6px; border-radius: 8px;
  background: var(--jp-layout-color3, #ddd); font-size: 11px; }
.jp-MLOps-profile-cardAlerts { display: flex; flex-wrap: wrap; gap: 6px; margin-bottom: 4px;
  color: var(--jp-warn-color0, #b35c00); font-size: 11px; }
.jp-MLOps-profile-table { border-collapse: collapse; margin: 4px 0 12px; }
.jp-MLOps-profile-table th, .jp-MLOps-profile-table td { padding: 2px 8px; text-align: left;
  border-bottom: 1px solid var(--jp-border-color2, #ddd); white-space: nowrap; }
.jp-MLOps-profile-table td.num { text-align: right; font-variant-numeric: tabular-nums; }
.jp-MLOps-profile-table tr.jp-mod-shifted { background: var(--jp-warn-color3, #fff3cd); }
.jp-MLOps-profile-table td.jp-mod-shifted { color: var(--jp-warn-color0, #b35c00);
  font-weight: 600; }
.jp-MLOps-profile-search { margin: 0 0 8px; padding: 3px 6px; width: 240px; }
.jp-MLOps-muted { color: var(--jp-ui-font-color2, #666); }
"""

_ISO = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?([+-]\d{2}:?\d{2}|Z)?$")


def format_datetime(text: str) -> str | None:
    """An ISO timestamp as `YYYY-MM-DD HH:MM:SS` (milliseconds only when there are some, the
    date alone at midnight, UTC written as such, another offset kept); None if `text` is not
    one."""
    match = _ISO.match(text)
    if match is None:
        return None
    date, time, fraction, zone = match.groups()
    millis = (fraction or "")[:4].ljust(4, "0") if fraction else ""
    if millis == ".000":
        millis = ""
    if time == "00:00:00" and not millis and not zone:
        return date
    shown_zone = " UTC" if zone in ("Z", "+00:00", "+0000") else (zone or "")
    return f"{date} {time}{millis}{shown_zone}"


def fmt(value: Any) -> str:
    """A statistic as short text, as the Lab shows it (`format.ts` formatValue), HTML-escaped."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        magnitude = abs(value)
        if magnitude != 0 and (magnitude < 1e-3 or magnitude >= 1e6):
            mantissa, exponent = f"{value:.3e}".split("e")
            return f"{mantissa}e{int(exponent):+d}"
        return f"{value:,.4g}"
    text = str(value)
    text = format_datetime(text) or text
    return escape(text if len(text) <= 48 else text[:47] + "…")


def size_text(n_bytes: int) -> str:
    """Bytes as the Lab's kit (and Dask) write them: `512 B`, `1.50 kiB`, `0.93 GiB` (a unit
    is used from 0.9 of it)."""
    for unit, size in (("PiB", 2**50), ("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20)):
        if abs(n_bytes) >= size * 0.9:
            return f"{n_bytes / size:.2f} {unit}"
    if abs(n_bytes) >= 1024 * 0.9:
        return f"{n_bytes / 1024:.2f} kiB"
    return f"{n_bytes} B"


def _share(part: int, total: int) -> str:
    return "0%" if total == 0 else f"{100 * part / total:.1f}%"


def title_of(profile: Profile) -> str:
    """The profile's heading: its name, else its source."""
    return profile.name or profile.source or "Data profile"


def facts_html(facts: list[tuple[str, str]]) -> str:
    """Terms and values (already escaped) as the Lab's fact grid."""
    items = "".join(f"<dt>{term}</dt><dd title='{value}'>{value}</dd>" for term, value in facts)
    return f"<dl class='jp-MLOps-profile-facts'>{items}</dl>"


def overview_facts(profile: Profile) -> list[tuple[str, str]]:
    """Table-level facts: rows, columns, duplicates, memory, engine, approximations."""
    duplicates = fmt(profile.n_duplicate_rows)
    engine = profile.engine + (f" ({profile.scheduler})" if profile.scheduler else "")
    facts = [
        ("Rows", fmt(profile.n_rows)),
        ("Columns", fmt(profile.n_columns)),
        ("Duplicate rows", f"≈ {duplicates}" if profile.duplicates_are_approximate else duplicates),
        ("Memory", size_text(profile.memory_bytes)),
        ("Engine", escape(engine)),
        ("Profiled", fmt(profile.created_at)),
    ]
    if profile.source:
        facts.insert(0, ("Source", escape(profile.source)))
    if profile.quantile_rank_error:
        facts.append(("Quantile rank error", f"≤ {100 * profile.quantile_rank_error:.3f}%"))
    if profile.distinct_relative_error is not None:
        facts.append(
            ("Distinct count error", f"≈ {100 * profile.distinct_relative_error:.2f}% (1σ)")
        )
    return facts


def overview_html(profile: Profile) -> str:
    """Table-level facts as the Lab shows them."""
    return facts_html(overview_facts(profile))


def alerts_html(profile: Profile) -> str:
    """The alerts, one per line (or a line saying there are none)."""
    if not profile.alerts:
        return "<div class='jp-MLOps-muted'>No alerts.</div>"
    items = "".join(
        f"<li data-kind='{escape(alert.kind)}'><span class='jp-MLOps-profile-alertKind'>"
        f"{escape(alert.kind.replace('_', ' '))}</span><b>{escape(alert.column or 'table')}</b> "
        f"{escape(alert.detail)}</li>"
        for alert in profile.alerts
    )
    return f"<ul class='jp-MLOps-profile-alerts'>{items}</ul>"


def card_facts(column: ColumnProfile) -> list[tuple[str, str]]:
    """The facts of a column card (the Lab's `columnFacts`): missing, distinct, then the
    statistics that apply to its type."""
    approx = "≈ " if column.distinct_is_approximate else ""
    total = column.count + column.n_missing
    facts = [
        ("Missing", f"{fmt(column.n_missing)} ({_share(column.n_missing, total)})"),
        ("Distinct", f"{approx}{fmt(column.n_distinct)}"),
    ]
    optional: list[tuple[str, Any]] = [
        ("Mean", column.mean),
        ("Std", column.std),
        ("Min", column.min),
        ("Median", (column.quantiles or {}).get("0.5")),
        ("Max", column.max),
        ("Skewness", column.skewness),
        ("Zeros", column.n_zeros),
        ("Mean length", column.mean_length),
    ]
    facts.extend((term, fmt(value)) for term, value in optional if value is not None)
    return facts


def card_head_html(column: ColumnProfile, alerts: list[Alert]) -> str:
    """A column card without its chart: name, type, alert badges, facts."""
    badges = "".join(
        f"<span title='{escape(a.detail)}'>⚠ {escape(a.kind.replace('_', ' '))}</span>"
        for a in alerts
    )
    return (
        f"<header><span class='jp-MLOps-profile-columnName' title='{escape(column.name)}'>"
        f"{escape(column.name)}</span><span class='jp-MLOps-profile-type' "
        f"data-type='{column.type}'>{column.type}</span></header>"
        + (f"<div class='jp-MLOps-profile-cardAlerts'>{badges}</div>" if badges else "")
        + facts_html(card_facts(column))
    )


def samples_html(profile: Profile) -> str:
    """The first rows and a random sample of rows, as tables."""
    samples = profile.samples
    if samples is None or not samples.head:
        return "<div class='jp-MLOps-muted'>No rows.</div>"
    header = "".join(f"<th>{escape(name)}</th>" for name in samples.columns)

    def table(rows: list[list[Any]], label: str) -> str:
        body = "".join(
            "<tr>" + "".join(f"<td>{fmt(cell)}</td>" for cell in row) + "</tr>" for row in rows
        )
        return (
            f"<h4>{label}</h4><div style='overflow-x:auto'><table class='jp-MLOps-profile-table' "
            f"data-sample='{label.split()[0].lower()}'><tr>{header}</tr>{body}</table></div>"
        )

    return table(samples.head, "First rows") + table(samples.random, "Random rows")


def columns_table_html(profile: Profile) -> str:
    """One row per column: type, missing, distinct, mean, min, max, alerts (the static
    summary's table)."""
    header = (
        "<tr><th>Column</th><th>Type</th><th>Missing</th><th>Distinct</th><th>Mean</th>"
        "<th>Min</th><th>Max</th><th>Alerts</th></tr>"
    )
    rows = []
    for name, column in profile.columns.items():
        distinct = fmt(column.n_distinct)
        if column.distinct_is_approximate:
            distinct = f"≈ {distinct}"
        kinds = ", ".join(a.kind.replace("_", " ") for a in profile.alerts_for(name))
        rows.append(
            f"<tr><td>{escape(name)}</td><td><span class='jp-MLOps-profile-type'>{column.type}"
            f"</span></td><td class='num'>{column.missing_share:.1%}</td>"
            f"<td class='num'>{distinct}</td><td class='num'>{fmt(column.mean)}</td>"
            f"<td class='num'>{fmt(column.min)}</td><td class='num'>{fmt(column.max)}</td>"
            f"<td>{escape(kinds)}</td></tr>"
        )
    return f"<table class='jp-MLOps-profile-table'>{header}{''.join(rows)}</table>"


def summary_html(profile: Profile) -> str:
    """A static summary with no scripts: overview, alerts, and the columns table."""
    return (
        f"<div class='jp-MLOps-profile-report'><style>{STYLE}</style>"
        f"<h2>{escape(title_of(profile))}</h2>{overview_html(profile)}"
        f"<h3>Alerts ({len(profile.alerts)})</h3>{alerts_html(profile)}"
        f"<h3>Columns ({profile.n_columns})</h3>{columns_table_html(profile)}</div>"
    )


# Filters the cards of a saved report by column name (the Lab view's search box).
_SEARCH_SCRIPT = """
<script>document.querySelector('.jp-MLOps-profile-search').addEventListener('input', e => {
  const text = e.target.value.toLowerCase();
  document.querySelectorAll('.jp-MLOps-profile-card').forEach(card => {
    card.style.display = card.dataset.column.toLowerCase().includes(text) ? '' : 'none';
  });
});</script>
"""


def render_html(profile: Profile) -> str:
    """A standalone HTML page with every chart; plotly.js is inlined once (works offline)."""
    from . import charts

    include_js: bool | str = True

    def embed(figure: Any) -> str:
        nonlocal include_js
        if figure is None:
            return ""
        fragment = figure.to_html(
            full_html=False, include_plotlyjs=include_js, config={"displayModeBar": False}
        )
        include_js = False
        return str(fragment)

    cards = "".join(
        f"<section class='jp-MLOps-profile-card' data-column='{escape(name)}'>"
        f"{card_head_html(column, profile.alerts_for(name))}"
        f"{embed(charts.column_figure(column))}</section>"
        for name, column in profile.columns.items()
    )
    missing = charts.missing_figure(profile)
    correlations = charts.correlation_figure(profile)
    associations = charts.association_figure(profile)
    matrix = charts.missing_matrix_figure(profile)
    none = "<div class='jp-MLOps-muted'>{}</div>".format
    title = escape(title_of(profile))
    body = (
        f"<h2>{title}</h2>{overview_html(profile)}"
        + (f"<h3>Missing values</h3>{embed(missing)}" if missing is not None else "")
        + f"<h3>Alerts ({len(profile.alerts)})</h3>{alerts_html(profile)}"
        + f"<h3>Columns ({profile.n_columns})</h3>"
        + "<input class='jp-MLOps-profile-search' type='search' placeholder='Find a column'>"
        + f"<div class='jp-MLOps-profile-cards'>{cards}</div>"
        + "<h3>Correlations (Pearson)</h3>"
        + (embed(correlations) if correlations else none("Fewer than two numeric columns."))
        + "<h3>Associations (Cramér's V)</h3>"
        + (embed(associations) if associations else none("Fewer than two categorical columns."))
        + "<h3>Where values are missing</h3>"
        + (embed(matrix) if matrix else none("No missing values."))
        + f"<h3>Sample rows</h3>{samples_html(profile)}"
    )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{title}</title><style>body{{margin:24px}}{STYLE}</style></head>"
        f"<body><div class='jp-MLOps-profile-report'>{body}</div>{_SEARCH_SCRIPT}</body></html>"
    )


def profile_report(profile: Profile, path: str | Path | None = None) -> str:
    """A standalone HTML report of `profile` (plotly.js inlined once: it opens offline),
    written to `path` when given: a local path, or any fsspec URL (`s3://bucket/report.html`)
    the artifact store reaches with the environment's credentials. Returns the HTML."""
    html = render_html(profile)
    if path is not None:
        # Through the artifact store: a URL is an object (one PUT), not a local "s3:" folder.
        artifact_store.write_bytes(str(path), html.encode("utf-8"))
    return html


def comparison_html(comparison: ProfileComparison) -> str:
    """Two profiles side by side: shifted columns first, their rows and PSI highlighted."""
    a, b = escape(comparison.label_a), escape(comparison.label_b)
    header = (
        "<tr><th>Column</th><th>Type</th><th>PSI</th><th>Mean shift (σ)</th>"
        f"<th>Missing {a}</th><th>Missing {b}</th><th>Mean {a}</th><th>Mean {b}</th>"
        f"<th>Median {a}</th><th>Median {b}</th><th>Distinct {a}</th><th>Distinct {b}</th></tr>"
    )

    def share(value: float | None) -> str:
        return "—" if value is None else f"{value:.1%}"

    rows = []
    for c in comparison.columns:
        kind = c.type_a if c.type_a == c.type_b else f"{c.type_a or '—'} → {c.type_b or '—'}"
        mark = " class='jp-mod-shifted'" if c.shifted else ""
        rows.append(
            f"<tr{mark} data-column='{escape(c.column)}'><td>{escape(c.column)}</td>"
            f"<td>{escape(str(kind))}</td>"
            f"<td class='num{' jp-mod-shifted' if c.shifted else ''}'>{fmt(c.psi)}</td>"
            f"<td class='num'>{fmt(c.mean_shift)}</td>"
            f"<td class='num'>{share(c.missing_share_a)}</td>"
            f"<td class='num'>{share(c.missing_share_b)}</td><td class='num'>{fmt(c.mean_a)}</td>"
            f"<td class='num'>{fmt(c.mean_b)}</td><td class='num'>{fmt(c.median_a)}</td>"
            f"<td class='num'>{fmt(c.median_b)}</td><td class='num'>{fmt(c.n_distinct_a)}</td>"
            f"<td class='num'>{fmt(c.n_distinct_b)}</td></tr>"
        )
    rows_a, rows_b = comparison.n_rows
    shifted = comparison.n_shifted
    return (
        f"<div class='jp-MLOps-profile-report'><style>{STYLE}</style>"
        f"<p><b>{a}</b>: {rows_a:,} rows · <b>{b}</b>: {rows_b:,} rows · "
        f"{shifted} column{'s' if shifted != 1 else ''} with PSI ≥ "
        f"{comparison.psi_threshold:g}</p>"
        f"<table class='jp-MLOps-profile-table'>{header}{''.join(rows)}</table></div>"
    )
