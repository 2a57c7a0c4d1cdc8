"""What a profile shows (issue 14): flags as booleans with an imbalance alert, sample rows, where
values are missing, Cramér's V, datetimes without nanoseconds, the same look in the notebook
widget as in the Lab, and a package import that loads no pandas or Dask."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import jupyter_mlops as mlops
from jupyter_mlops.profiling import profile
from jupyter_mlops.profiling.report import fmt, format_datetime, profile_report
from jupyter_mlops.profiling.widget import PLOTLY_MIME, ComparisonWidget, ProfileWidget
from tests.support.ipython import ipython_shell

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def frame(n: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    colour = rng.choice(["red", "green", "blue"], n)
    return pd.DataFrame(
        {
            "target": np.where(rng.random(n) < 0.9, 0, 1),
            "colour": pd.Series(colour, dtype="str"),
            # Follows colour exactly: V = 1.
            "shade": pd.Series(
                [{"red": "warm", "green": "cool", "blue": "cool"}[c] for c in colour]
            ),
            "noise": pd.Series(rng.choice(["p", "q"], n), dtype="str"),
            "x": np.where(np.arange(n) >= n // 2, np.nan, rng.normal(size=n)),
            "when": pd.Timestamp("2022-07-01 13:32:12.126669568")
            + pd.to_timedelta(np.arange(n), "s"),
        }
    )


@pytest.fixture(scope="module", params=["pandas", "dask"])
def result(request):
    return profile(frame(), engine=request.param)


def test_a_two_valued_integer_column_is_boolean_with_an_imbalance_alert(result):
    target = result.columns["target"]
    assert target.type == "boolean" and target.histogram is None
    assert {value for value, _ in target.top_values} == {0, 1}
    kinds = [alert.kind for alert in result.alerts_for("target")]
    assert "imbalanced" in kinds and "skewed" not in kinds


def test_sample_rows_are_the_first_and_random_rows(result):
    samples = result.samples
    assert samples.columns == list(frame().columns)
    assert [row[0] for row in samples.head] == frame()["target"].head(10).tolist()
    assert len(samples.random) == 10 and all(len(row) == 6 for row in samples.random)
    assert samples.head[0][5].startswith("2022-07-01T13:32:12")


def test_the_missing_matrix_shows_where_values_are_missing(result):
    matrix = result.missing_matrix
    x = matrix.columns.index("x")
    assert sum(matrix.block_rows) == 400 and len(matrix.block_rows) <= 100
    starts = np.cumsum([0, *matrix.block_rows[:-1]])
    # The first half of x is present, the second half missing.
    for start, rows, count in zip(starts, matrix.block_rows, matrix.counts[x], strict=True):
        if start + rows <= 200:
            assert count == 0
        elif start >= 200:
            assert count == rows
    assert sum(matrix.counts[x]) == 200


def test_cramers_v_between_categorical_columns(result):
    associations = result.associations
    assert associations.method == "cramers_v"
    assert set(associations.columns) == {"colour", "shade", "noise"}
    at = associations.columns.index
    v = associations.matrix
    assert v[at("colour")][at("shade")] == pytest.approx(1.0)
    assert v[at("colour")][at("noise")] < 0.2
    assert v[at("shade")][at("colour")] == v[at("colour")][at("shade")]


def test_datetimes_show_without_nanoseconds():
    assert format_datetime("2022-07-01T13:32:12.126669568") == "2022-07-01 13:32:12.126"
    assert format_datetime("2024-01-01T00:00:00") == "2024-01-01"
    assert format_datetime("2024-01-01T10:00:00+02:00") == "2024-01-01 10:00:00+02:00"
    assert format_datetime("2026-12-01T15:06:01+00:00") == "2026-12-01 15:06:01 UTC"
    assert fmt("2022-07-01T13:32:12.000000000") == "2022-07-01 13:32:12"
    assert format_datetime("not a date") is None


def test_the_widget_has_the_lab_views_sections_and_cards(result):
    widget = ProfileWidget(result)
    text = " ".join(getattr(child, "value", "") for child in widget.children)
    order = [
        "Missing values",
        "Alerts (",
        "Columns (6)",
        "Correlations (Pearson)",
        "Associations (Cramér's V)",
        "Where values are missing",
        "Sample rows",
    ]
    positions = [text.index(title) for title in order]
    assert positions == sorted(positions)
    # One card per column with the Lab's classes, in the frame's order.
    assert list(widget.cards) == list(frame().columns)
    head = widget.cards["when"].children[0].value
    assert "jp-MLOps-profile-columnName" in head and "2022-07-01 13:32:12" in head
    assert ".126669568" not in text + head
    # The search box filters the cards.
    assert widget.filter_columns("SHA") == ["shade"]
    widget.search.value = "olo"
    assert widget.cards["colour"].layout.display is None
    assert widget.cards["shade"].layout.display == "none"
    widget.search.value = ""
    assert widget.cards["colour"].layout.display is None


def test_correlation_colours_are_the_labs_blue_for_plus_one():
    rng = np.random.default_rng(0)
    x = rng.normal(size=100)
    widget = ProfileWidget(profile(pd.DataFrame({"x": x, "y": x + rng.normal(size=100)})))
    specs = [
        item["data"][PLOTLY_MIME]
        for child in widget.children
        for item in getattr(child, "outputs", ())
        if PLOTLY_MIME in item["data"]
    ]
    heatmap = next(spec["data"][0] for spec in specs if spec["data"][0]["type"] == "heatmap")
    scale = heatmap["colorscale"]
    assert scale[0] == [0.0, "#b2182b"] and scale[-1] == [1.0, "#2166ac"]
    assert heatmap.get("reversescale") in (None, False)


def test_the_report_file_has_every_section_and_a_search_box(tmp_path, result):
    html = profile_report(result, tmp_path / "r.html")
    for section in ("Associations (Cramér", "Where values are missing", "Sample rows"):
        assert section in html
    assert "jp-MLOps-profile-search" in html and html.count("class='jp-MLOps-profile-card'") == 6


def test_compare_draws_overlaid_histograms_of_shifted_columns():
    a = frame()
    b = a.assign(x=a["x"] + 3)
    comparison = mlops.compare_profiles(profile(a), profile(b), labels=("train", "live"))
    assert comparison.columns[0].column == "x" and comparison.columns[0].shifted
    widget = ComparisonWidget(comparison)
    assert "train" in widget.children[0].value and "jp-mod-shifted" in widget.children[0].value
    (card,) = widget.children[1].children
    spec = card.children[1].outputs[0]["data"][PLOTLY_MIME]
    assert [trace["name"] for trace in spec["data"]] == ["train", "live"]
    assert spec["layout"]["barmode"] == "overlay"
    with pytest.raises(mlops.MLOpsError):
        mlops.compare_profiles(profile(a), profile(b), psi_threshold=-1)


def test_profiles_display_as_widgets_once_the_package_is_imported_in_ipython():
    shell = ipython_shell()
    data, _ = shell.display_formatter.format(profile(pd.DataFrame({"a": [1, 2, 3]})))
    assert WIDGET_MIME in data
    assert "<script" not in data["text/html"] and data["text/plain"].startswith("<Profile: 3 rows")


def test_importing_the_package_loads_no_pandas_dask_or_plotly():
    code = (
        "import sys, jupyter_mlops.profiling, jupyter_mlops.profiling.handlers, "
        "jupyter_mlops.profiling.magics\n"
        "print(sorted(m for m in ('pandas', 'dask', 'plotly', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
