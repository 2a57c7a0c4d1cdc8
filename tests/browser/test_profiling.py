"""Data profiling in a real JupyterLab: "Profile data" on a CSV in the file browser opens the
profile with its column cards and charts, the saved profile is listed in the sidebar, Parquet
files get the menu item too, and `mlops.profile(df)` draws its plotly charts inside the widget
in a notebook."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from tests.support.browser import open_mlops_sidebar

pytestmark = pytest.mark.browser

CSV_NAME = "penguins_browser.csv"


def sample_frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 300
    return pd.DataFrame(
        {
            "species": rng.choice(["Adelie", "Gentoo", "Chinstrap"], n),
            "bill_mm": rng.normal(44, 5, n).round(1),
            "mass_g": rng.normal(4200, 800, n).round(0),
            "island_id": np.arange(n),
        }
    )


def open_file_browser_item(page, lab_server, name: str):
    # A fresh load lists the files written since the Lab started.
    page.goto(lab_server.lab_url())
    page.wait_for_selector("#jp-main-dock-panel", state="attached")
    tab = page.locator('.jp-SideBar [data-id="filebrowser"]')
    tab.wait_for(state="visible")
    if "lm-mod-current" not in (tab.get_attribute("class") or ""):
        tab.click()
    item = page.locator(f'.jp-DirListing-item[title*="{name}"]').first
    item.wait_for(state="visible")
    return item


def test_profile_a_csv_from_the_file_browser(lab_page, lab_server):
    frame = sample_frame()
    frame.to_csv(lab_server.root_dir / CSV_NAME, index=False)
    item = open_file_browser_item(lab_page, lab_server, CSV_NAME)
    assert item.get_attribute("data-file-type") == "csv"
    item.click(button="right")
    lab_page.locator(".lm-Menu-item", has_text="Profile data").click()

    report = lab_page.wait_for_selector("[data-testid=mlops-profile-report]", timeout=60_000)
    assert CSV_NAME in report.inner_text()
    cards = lab_page.locator("[data-testid=mlops-profile-column]")
    assert sorted(cards.evaluate_all("cards => cards.map(c => c.dataset.column)")) == sorted(
        frame.columns
    )
    bill = lab_page.locator('[data-testid=mlops-profile-column][data-column="bill_mm"]')
    assert "numeric" in bill.inner_text()
    bill.locator(".main-svg").first.wait_for(state="attached", timeout=30_000)
    # The categorical column shows its top values as bars.
    species = lab_page.locator('[data-testid=mlops-profile-column][data-column="species"]')
    species.scroll_into_view_if_needed()
    species.locator(".main-svg").first.wait_for(state="attached", timeout=30_000)
    assert "likely id" in lab_page.locator("[data-testid=mlops-profile-alerts]").inner_text()

    # Saved under its path, it is listed in the sidebar; a click opens the same profile.
    open_mlops_sidebar(lab_page)
    entry = lab_page.locator(f'[data-testid=mlops-profiles] li:has-text("{CSV_NAME}")')
    entry.wait_for(state="visible", timeout=30_000)
    assert "300 × 4" in entry.inner_text()
    stored = json.loads(
        lab_page.evaluate(
            """async () => {
                const token = new URLSearchParams(location.search).get('token');
                const r = await fetch('/mlops/api/profiles?token=' + token);
                return await r.text();
            }"""
        )
    )
    assert [p["name"] for p in stored] == [CSV_NAME]


def test_a_saved_profile_opens_from_the_sidebar(lab_page, lab_server):
    frame = sample_frame().head(50)
    name = "sidebar_open.csv"
    frame.to_csv(lab_server.root_dir / name, index=False)
    item = open_file_browser_item(lab_page, lab_server, name)
    item.click(button="right")
    lab_page.locator(".lm-Menu-item", has_text="Profile data").click()
    lab_page.wait_for_selector("[data-testid=mlops-profile-report]", timeout=60_000)
    # Close the view, then open it again from the Profiles section.
    lab_page.locator(
        ".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabCloseIcon"
    ).click()
    lab_page.wait_for_selector("[data-testid=mlops-profile-report]", state="detached")
    open_mlops_sidebar(lab_page)
    lab_page.locator(
        f'[data-testid=mlops-profiles] li:has-text("{name}") .jp-MLOps-profileItem'
    ).click()
    report = lab_page.wait_for_selector("[data-testid=mlops-profile-report]", timeout=30_000)
    assert name in report.inner_text()
    assert lab_page.locator("[data-testid=mlops-profile-column]").count() == 4
    # Deleting it from the sidebar asks first, then removes it from the list.
    lab_page.locator(
        f'[data-testid=mlops-profiles] li:has-text("{name}") .jp-MLOps-profileDelete'
    ).click()
    lab_page.locator(".jp-Dialog .jp-mod-accept", has_text="Delete").click()
    lab_page.locator(f'[data-testid=mlops-profiles] li:has-text("{name}")').wait_for(
        state="detached", timeout=30_000
    )


def test_parquet_files_offer_profile_data(lab_page, lab_server):
    frame = sample_frame()
    frame["seen"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(len(frame)), "h")
    frame.to_parquet(lab_server.root_dir / "penguins_browser.parquet", index=False)
    item = open_file_browser_item(lab_page, lab_server, "penguins_browser.parquet")
    assert item.get_attribute("data-file-type") == "parquet"
    item.click(button="right")
    lab_page.locator(".lm-Menu-item", has_text="Profile data").click()
    seen = lab_page.locator('[data-testid=mlops-profile-column][data-column="seen"]')
    seen.wait_for(state="visible", timeout=60_000)
    assert "datetime" in seen.inner_text()
    assert "2024-01-01" in seen.inner_text()  # the minimum, as a timestamp
    seen.scroll_into_view_if_needed()
    seen.locator(".main-svg").first.wait_for(state="attached", timeout=30_000)
    # The histogram's axis is a date axis (ticks are days of January, not epoch numbers).
    ticks = seen.locator(".xtick").all_text_contents()
    assert any("Jan" in tick for tick in ticks), ticks


def test_the_notebook_widget_draws_plotly_charts_in_the_lab(lab_page, lab_server):
    source = (
        "import pandas as pd, numpy as np\n"
        "import jupyter_mlops as mlops\n"
        "rng = np.random.default_rng(0)\n"
        "df = pd.DataFrame({'x': rng.normal(size=500), 'y': rng.normal(size=500),"
        " 'c': rng.choice(['a', 'b'], 500)})\n"
        "mlops.profile(df)"
    )
    notebook = {
        "cells": [{"cell_type": "code", "metadata": {}, "source": source, "outputs": [],
                   "execution_count": None}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }  # fmt: skip
    (lab_server.root_dir / "widget_check.ipynb").write_text(json.dumps(notebook))
    lab_page.goto(lab_server.lab_url("lab/tree/widget_check.ipynb"))
    lab_page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    lab_page.wait_for_selector(
        ".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000
    )
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    # A run sent while the kernel is still connecting can be dropped: send it again if the
    # cell has not started.
    prompt = lab_page.locator(".jp-Cell .jp-InputPrompt").first
    for _ in range(6):
        lab_page.locator(".jp-Cell .cm-content").first.click()
        lab_page.keyboard.press("Control+Enter")
        try:
            lab_page.wait_for_function(
                "el => /\\[(\\*|\\d+)\\]/.test(el.textContent)",
                arg=prompt.element_handle(),
                timeout=10_000,
            )
            break
        except PlaywrightTimeout:
            continue
    widget = lab_page.wait_for_selector(".jupyter-widgets .widget-tab", timeout=90_000)
    assert "Columns (3)" in widget.inner_text()
    tabs = lab_page.locator(".jupyter-widgets .widget-tab .lm-TabBar-tab")
    # The first column's card is open: its histogram is a plotly chart, drawn in the Lab.
    tabs.filter(has_text="Columns (3)").click()
    card = lab_page.locator(".jupyter-widgets .widget-accordion .js-plotly-plot .main-svg")
    card.first.wait_for(state="visible", timeout=60_000)
    assert lab_page.locator(".jupyter-widgets .widget-accordion .js-plotly-plot .bars").count()
    tabs.filter(has_text="Correlations").click()
    heatmap = lab_page.locator(".jupyter-widgets .js-plotly-plot .heatmaplayer")
    heatmap.first.wait_for(state="visible", timeout=30_000)
