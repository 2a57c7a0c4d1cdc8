"""The notebook view of a profile or a comparison: ipywidgets with plotly charts.

The layout, the CSS classes, the facts and the charts are those of the Lab's profile view
(`report` builds the HTML pieces, `charts` the figures): overview, missing values, alerts, a
column search box over one card per column, correlations, associations, where values are
missing, sample rows. Charts go into `ipywidgets.Output` widgets as plotly's own mime type
(`application/vnd.plotly.v1+json`), which JupyterLab renders with the plotly extension that
the `plotly` package installs.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

import ipywidgets as widgets
import plotly.graph_objects as go

from . import charts
from .compare import ProfileComparison
from .entities import Profile
from .report import (
    STYLE,
    alerts_html,
    card_head_html,
    comparison_html,
    overview_html,
    samples_html,
    title_of,
)

PLOTLY_MIME = "application/vnd.plotly.v1+json"
# Cards drawn with their chart at first; the rest wait for "Show all columns".
FIRST_CHARTS = 40


def figure_output(figure: go.Figure | None) -> widgets.Output:
    """An Output widget holding `figure` as a plotly mime bundle (empty for None)."""
    output = widgets.Output()
    if figure is not None:
        spec = json.loads(figure.to_json())
        spec["config"] = {"displaylogo": False, "responsive": True, "displayModeBar": False}
        output.outputs = (
            {
                "output_type": "display_data",
                "data": {PLOTLY_MIME: spec, "text/plain": "<plotly figure>"},
                "metadata": {},
            },
        )
    return output


def _html(content: str) -> widgets.HTML:
    return widgets.HTML(
        f"<div class='jp-MLOps-profile-report'><style>{STYLE}</style>{content}</div>"
    )


def _heading(text: str) -> widgets.HTML:
    return _html(f"<h3>{text}</h3>")


class ProfileWidget(widgets.VBox):
    """A `Profile` as the Lab's profile view shows it, section by section."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.search = widgets.Text(placeholder="Find a column", continuous_update=True)
        self.search.observe(self._on_search, names="value")
        self.cards: dict[str, widgets.VBox] = {}
        names = list(profile.columns)
        for index, name in enumerate(names):
            self.cards[name] = self._card(name, with_chart=index < FIRST_CHARTS)
        self.more = widgets.Button(description=f"Show all {len(names)} columns")
        self.more.on_click(lambda _: self._draw_all())
        self.more.layout.display = None if len(names) > FIRST_CHARTS else "none"
        grid = widgets.GridBox(
            list(self.cards.values()),
            layout=widgets.Layout(
                grid_template_columns="repeat(auto-fill, minmax(300px, 1fr))", grid_gap="12px"
            ),
        )
        missing = charts.missing_figure(profile)
        parts: list[widgets.Widget] = [
            _html(f"<h2>{title_of(profile)}</h2>{overview_html(profile)}"),
        ]
        if missing is not None:
            parts += [_heading("Missing values"), figure_output(missing)]
        parts += [
            _html(f"<h3>Alerts ({len(profile.alerts)})</h3>{alerts_html(profile)}"),
            _heading(f"Columns ({len(names)})"),
            self.search,
            grid,
            self.more,
            *self._matrix("Correlations (Pearson)", charts.correlation_figure(profile), "numeric"),
            *self._matrix(
                "Associations (Cramér's V)", charts.association_figure(profile), "categorical"
            ),
        ]
        matrix = charts.missing_matrix_figure(profile)
        parts.append(_heading("Where values are missing"))
        parts.append(
            figure_output(matrix)
            if matrix is not None
            else _html("<div class='jp-MLOps-muted'>No missing values.</div>")
        )
        parts.append(_html(f"<h3>Sample rows</h3>{samples_html(profile)}"))
        super().__init__(children=parts)
        self.add_class("jp-MLOps-profile-widget")

    def _matrix(self, title: str, figure: go.Figure | None, kind: str) -> list[widgets.Widget]:
        body = (
            figure_output(figure)
            if figure is not None
            else _html(f"<div class='jp-MLOps-muted'>Fewer than two {kind} columns.</div>")
        )
        return [_heading(title), body]

    def _card(self, name: str, with_chart: bool) -> widgets.VBox:
        column = self.profile.columns[name]
        head = widgets.HTML(card_head_html(column, self.profile.alerts_for(name)))
        children = [head, figure_output(charts.column_figure(column))] if with_chart else [head]
        card = widgets.VBox(children, layout=widgets.Layout(min_width="0"))
        card.add_class("jp-MLOps-profile-card")
        return card

    def _draw_all(self) -> None:
        for name, card in self.cards.items():
            if len(card.children) == 1:
                column = self.profile.columns[name]
                card.children = [*card.children, figure_output(charts.column_figure(column))]
        self.more.layout.display = "none"

    def _on_search(self, change: dict[str, Any]) -> None:
        self.filter_columns(str(change.get("new") or ""))

    def filter_columns(self, text: str) -> list[str]:
        """Show only the cards whose column name contains `text` (any case); returns them."""
        needle = text.lower()
        shown = []
        for name, card in self.cards.items():
            visible = needle in name.lower()
            card.layout.display = None if visible else "none"
            if visible:
                shown.append(name)
        return shown


class ComparisonWidget(widgets.VBox):
    """A `ProfileComparison`: the table (shifted columns first, highlighted), then overlaid
    histograms of the shifted columns, or of all numeric ones when none shifted."""

    def __init__(self, comparison: ProfileComparison) -> None:
        self.comparison = comparison
        drawn = [c for c in comparison.columns if c.shifted and c.edges is not None]
        if not drawn:
            drawn = [c for c in comparison.columns if c.edges is not None]
        cards = []
        for column in drawn[:FIRST_CHARTS]:
            head = widgets.HTML(
                f"<header><span class='jp-MLOps-profile-columnName'>{escape(column.column)}</span>"
                f"<span class='jp-MLOps-profile-type'>PSI {column.psi or 0:.3f}</span></header>"
            )
            figure = charts.overlay_figure(column, comparison.label_a, comparison.label_b)
            card = widgets.VBox([head, figure_output(figure)])
            card.add_class("jp-MLOps-profile-card")
            cards.append(card)
        grid = widgets.GridBox(
            cards,
            layout=widgets.Layout(
                grid_template_columns="repeat(auto-fill, minmax(300px, 1fr))", grid_gap="12px"
            ),
        )
        super().__init__(children=[widgets.HTML(comparison_html(comparison)), grid])
        self.add_class("jp-MLOps-profile-widget")
