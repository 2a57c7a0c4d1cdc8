"""The notebook view of a profile: ipywidgets tabs with plotly charts.

Charts go into `ipywidgets.Output` widgets as plotly's own mime type
(`application/vnd.plotly.v1+json`), which JupyterLab renders with the plotly extension that
the `plotly` package installs. (`go.FigureWidget` would need anywidget; HTML with a script
would not run inside a widget.) Column cards are drawn when opened, so wide tables stay fast.
"""

from __future__ import annotations

import json
from typing import Any

import ipywidgets as widgets
import plotly.graph_objects as go

from . import charts
from .model import Profile
from .report import STYLE, alerts_html, column_stats_html, columns_table_html, overview_html

PLOTLY_MIME = "application/vnd.plotly.v1+json"
TAB_TITLES = ("Overview", "Columns", "Correlations", "Alerts")


def figure_output(figure: go.Figure | None) -> widgets.Output:
    """An Output widget holding `figure` as a plotly mime bundle (empty for None)."""
    output = widgets.Output()
    if figure is not None:
        spec = json.loads(figure.to_json())
        spec["config"] = {"displaylogo": False, "responsive": True}
        output.outputs = (
            {
                "output_type": "display_data",
                "data": {PLOTLY_MIME: spec, "text/plain": "<plotly figure>"},
                "metadata": {},
            },
        )
    return output


def _html(content: str) -> widgets.HTML:
    return widgets.HTML(f"<div class='mlops-profile'><style>{STYLE}</style>{content}</div>")


class ProfileWidget(widgets.VBox):  # type: ignore[misc]
    """Overview, one card per column, correlations and alerts of a `Profile`."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        title = profile.name or profile.source or "Data profile"
        header = _html(
            f"<h3 style='margin:4px 0'>{title}</h3>"
            f"<span class='muted'>{profile.n_rows:,} rows × {profile.n_columns} columns · "
            f"{len(profile.alerts)} alerts · engine {profile.engine}</span>"
        )
        self.tabs = widgets.Tab(
            children=[
                self._overview(),
                self._columns_view(),
                self._correlations(),
                _html(alerts_html(profile)),
            ]
        )
        self.tabs.titles = (
            TAB_TITLES[0],
            f"{TAB_TITLES[1]} ({profile.n_columns})",
            TAB_TITLES[2],
            f"{TAB_TITLES[3]} ({len(profile.alerts)})",
        )
        super().__init__(children=[header, self.tabs])
        self.add_class("mlops-profile-widget")

    def _overview(self) -> widgets.Widget:
        parts: list[widgets.Widget] = [_html(overview_html(self.profile))]
        missing = charts.missing_figure(self.profile)
        if missing is not None:
            parts.append(figure_output(missing))
        parts.append(_html(columns_table_html(self.profile)))
        return widgets.VBox(parts)

    def _correlations(self) -> widgets.Widget:
        figure = charts.correlation_figure(self.profile)
        if figure is None:
            return _html("<p class='muted'>Fewer than two numeric columns: no correlations.</p>")
        return figure_output(figure)

    def _columns_view(self) -> widgets.Accordion:
        names = list(self.profile.columns)
        self.columns_view = widgets.Accordion(children=[widgets.VBox() for _ in names])
        self.columns_view.titles = tuple(self._card_title(name) for name in names)
        self.columns_view.observe(self._on_open, names="selected_index")
        if names:
            self.columns_view.selected_index = 0
        return self.columns_view

    def _card_title(self, name: str) -> str:
        column = self.profile.columns[name]
        alerts = self.profile.alerts_for(name)
        flag = f" · ⚠ {', '.join(a.kind for a in alerts)}" if alerts else ""
        return f"{name} · {column.type}{flag}"

    def _on_open(self, change: dict[str, Any]) -> None:
        if change.get("new") is not None:
            self.fill_card(int(change["new"]))

    def fill_card(self, index: int) -> None:
        """Draw the card of the `index`-th column (once)."""
        card = self.columns_view.children[index]
        if card.children:
            return
        column = list(self.profile.columns.values())[index]
        chart = figure_output(charts.column_figure(column))
        chart.layout.flex = "1 1 auto"
        stats = _html(column_stats_html(column))
        card.children = [widgets.HBox([stats, chart], layout=widgets.Layout(width="100%"))]
