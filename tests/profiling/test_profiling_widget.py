"""The notebook side: the widget a profile displays as, and `%mlops profile` in real IPython."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
import pytest
from IPython.core.error import UsageError
from sklearn import datasets

import jupyter_mlops as mlops
from jupyter_mlops.profiling import Profile, profile
from jupyter_mlops.profiling.display import mimebundle
from jupyter_mlops.profiling.widget import PLOTLY_MIME, ProfileWidget
from tests.support.ipython import ipython_shell

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def iris():
    return datasets.load_iris(as_frame=True).frame


def plotly_specs(output) -> list[dict]:
    return [item["data"][PLOTLY_MIME] for item in output.outputs if PLOTLY_MIME in item["data"]]


def test_the_widget_has_overview_cards_correlations_and_alerts(iris):
    result = profile(pd.concat([iris, iris.head(3)], ignore_index=True))
    widget = ProfileWidget(result)
    text = " ".join(getattr(child, "value", "") for child in widget.children)
    assert "153" in text and "duplicate rows" in text and "Alerts (1)" in text
    heatmaps = [
        spec
        for child in widget.children
        if isinstance(child, widgets.Output)
        for spec in plotly_specs(child)
        if spec["data"][0]["type"] == "heatmap"
    ]
    assert len(heatmaps[0]["data"][0]["x"]) == 5  # target (0, 1, 2) is numeric, not a flag
    # One card per column: its facts, then its chart.
    assert list(widget.cards) == list(iris.columns)
    head, chart = widget.cards["petal width (cm)"].children
    assert "Skewness" in head.value and "Median" in head.value
    bars = plotly_specs(chart)[0]["data"][0]
    assert bars["type"] == "bar" and sum(bars["y"]) == 153


def test_categorical_cards_show_top_values():
    frame = pd.DataFrame({"fruit": pd.Series(["apple"] * 5 + ["pear"] * 2, dtype="str")})
    widget = ProfileWidget(profile(frame))
    chart = widget.cards["fruit"].children[1]
    bars = plotly_specs(chart)[0]["data"][0]
    assert bars["orientation"] == "h"
    assert list(bars["y"]) == ["pear", "apple"] and list(bars["x"]) == [2, 5]


def test_a_profile_displays_as_the_widget_with_static_fallbacks(iris):
    bundle = mimebundle(profile(iris))
    assert WIDGET_MIME in bundle
    assert "sepal length (cm)" in bundle["text/html"] and "<script" not in bundle["text/html"]
    assert bundle["text/plain"].startswith("<Profile: 150 rows x 5 columns")


@pytest.fixture(scope="module")
def shell():
    return ipython_shell()


def test_magic_profiles_a_notebook_variable(shell, iris):
    shell.user_ns["train"] = iris
    result = shell.run_line_magic("mlops", "profile train")
    assert isinstance(result, Profile)
    assert result.n_rows == 150 and result.engine == "pandas"


def test_magic_takes_engine_sample_name_and_html(shell, iris, tmp_path):
    shell.user_ns["holder"] = type("Holder", (), {"frame": iris})()
    report = tmp_path / "r.html"
    result = shell.run_line_magic(
        "mlops", f"profile holder.frame --engine dask --sample 0.5 --name iris-half --html {report}"
    )
    assert result.engine == "dask" and result.sample == 0.5
    assert mlops.load_profile("iris-half").id == result.id
    assert report.exists()


def test_magic_profiles_a_file_path(shell, iris, tmp_path):
    path = tmp_path / "iris.csv"
    iris.to_csv(path, index=False)
    result = shell.run_line_magic("mlops", f"profile {path}")
    assert result.source == str(path) and result.n_rows == 150


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("profile nothing_here", "no variable named 'nothing_here'"),
        ("profile train.nope", "has no attribute 'nope'"),
        ("profile", "required: data"),
        ("profile train --engine spark", "invalid choice"),
        ("profile train --sample many", "not a number"),
    ],
)
def test_magic_usage_errors_are_one_line(shell, iris, line, message):
    shell.user_ns["train"] = iris
    with pytest.raises(UsageError) as info:
        shell.run_line_magic("mlops", line)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_magic_on_something_that_is_not_a_table_is_an_mlops_error(shell):
    shell.user_ns["numbers"] = [1, 2, 3]
    with pytest.raises(mlops.MLOpsError) as info:
        shell.run_line_magic("mlops", "profile numbers")
    assert info.value._render_traceback_()[0].startswith("MLOpsError (data):")
