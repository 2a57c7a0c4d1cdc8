"""Data profiling in a real JupyterLab: "Profile data" on a CSV in the file browser opens the
profile with its column cards and charts, the saved profile is listed in the sidebar, Parquet
files get the menu item too, and `mlops.profile(df)` draws its plotly charts inside the widget
in a notebook."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.support.browser import (
    expect,
    layout_saved,
    open_mlops_sidebar,
    run_first_cell,
    screenshot,
    wait_for_lab,
    write_code_notebook,
)

# The tests on `lab_page` take one loaded Lab in turn (tests/support/shared_lab.py).
pytestmark = [pytest.mark.browser, pytest.mark.shared_lab]

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


def open_file_browser_item(page, name: str):
    """The file browser's item `name`, shown; its listing is refreshed first, so a file written
    since the Lab loaded is listed without waiting for the browser's own poll."""
    wait_for_lab(page)
    tab = page.locator('.jp-SideBar [data-id="filebrowser"]')
    tab.wait_for(state="visible")
    if "lm-mod-current" not in (tab.get_attribute("class") or ""):
        tab.click()
    page.evaluate("() => window.jupyterapp.commands.execute('filebrowser:refresh')")
    # The item named `name` exactly: `[title*=name]` also took large_restored.csv for
    # restored.csv, once a test that ran before had written it.
    name_text = page.locator(".jp-DirListing-itemText").get_by_text(name, exact=True)
    item = page.locator(".jp-DirListing-item").filter(has=name_text).first
    item.wait_for(state="visible")
    return item


def choose_profile_data(page, options: dict[str, str] | None = None) -> None:
    """Click "Profile data" in the open context menu, set the dialog's options, accept it."""
    page.locator(".lm-Menu-item", has_text="Profile data").click()
    dialog = page.locator(".jp-Dialog [data-testid=mlops-profile-options]")
    dialog.wait_for(state="visible")
    for name, value in (options or {}).items():
        control = dialog.locator(f"[name={name}]")
        if name == "delimiter":
            control.select_option(value)
        else:
            control.fill(value)
    page.locator(".jp-Dialog .jp-mod-accept", has_text="Profile").click()


def _profile_post(response: Any) -> bool:
    return response.request.method == "POST" and response.url.split("?")[0].endswith(
        "/mlops/api/profiles"
    )


def test_profile_a_csv_from_the_file_browser(lab_page, lab_server):
    frame = sample_frame()
    frame.to_csv(lab_server.root_dir / CSV_NAME, index=False)
    item = open_file_browser_item(lab_page, CSV_NAME)
    assert item.get_attribute("data-file-type") == "csv"
    item.click(button="right")
    started = time.perf_counter()
    with lab_page.expect_response(_profile_post) as posted:
        choose_profile_data(lab_page)
    # A small file is profiled in the server's thread pool: the POST answers the finished job.
    assert posted.value.json()["status"] == "done", posted.value.json()

    report = lab_page.locator("[data-testid=mlops-profile-report]")
    report.wait_for(timeout=60_000)
    print(f"profile shown {time.perf_counter() - started:.2f} s after choosing Profile data")
    expect(report).to_contain_text(CSV_NAME)
    cards = lab_page.locator("[data-testid=mlops-profile-column]")
    expect(cards).to_have_count(len(frame.columns))
    assert sorted(cards.evaluate_all("cards => cards.map(c => c.dataset.column)")) == sorted(
        frame.columns
    )
    bill = lab_page.locator('[data-testid=mlops-profile-column][data-column="bill_mm"]')
    expect(bill).to_contain_text("numeric")
    bill.locator(".main-svg").first.wait_for(state="attached", timeout=30_000)
    # The categorical column shows its top values as bars.
    species = lab_page.locator('[data-testid=mlops-profile-column][data-column="species"]')
    species.scroll_into_view_if_needed()
    species.locator(".main-svg").first.wait_for(state="attached", timeout=30_000)
    expect(lab_page.locator("[data-testid=mlops-profile-alerts]")).to_contain_text("likely id")

    # Saved under its path, it is listed in the sidebar; a click opens the same profile.
    open_mlops_sidebar(lab_page)
    entry = lab_page.locator(f'[data-testid=mlops-profiles] li:has-text("{CSV_NAME}")')
    expect(entry).to_contain_text("300 × 4")
    stored = json.loads(
        lab_page.evaluate(
            """async () => {
                const token = new URLSearchParams(location.search).get('token');
                const r = await fetch('/mlops/api/profiles?token=' + token);
                return await r.text();
            }"""
        )
    )
    # Stored once under its path (the Lab is shared: other tests' profiles may be there too).
    assert [p["name"] for p in stored].count(CSV_NAME) == 1


def test_a_small_csv_is_profiled_in_the_server_thread_pool(lab_page, lab_server):
    """A 178-row CSV (the wine data) is profiled by the server while it answers the POST, as
    a recorded run of the jobs runner; the report shows without a progress poll."""
    from sklearn.datasets import load_wine

    name = "wine_small.csv"
    load_wine(as_frame=True).frame.to_csv(lab_server.root_dir / name, index=False)
    timings = []
    polls: list[str] = []

    def polled(request: Any) -> None:
        if "/profiles/jobs/" in request.url:
            polls.append(request.url)

    lab_page.on("request", polled)  # removed at the end: the next test takes this page
    for attempt in range(2):  # the first pays the server's imports (Dask), the second not
        if attempt:
            lab_page.locator(
                ".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabCloseIcon"
            ).click()
        item = open_file_browser_item(lab_page, name)
        item.click(button="right")
        lab_page.locator(".lm-Menu-item", has_text="Profile data").click()
        lab_page.locator(".jp-Dialog [data-testid=mlops-profile-options]").wait_for()
        polls.clear()
        started = time.perf_counter()
        with lab_page.expect_response(_profile_post) as posted:
            lab_page.locator(".jp-Dialog .jp-mod-accept", has_text="Profile").click()
        answered = time.perf_counter() - started
        job = posted.value.json()
        report = lab_page.locator("[data-testid=mlops-profile-report]")
        report.wait_for(timeout=60_000)
        expect(report.locator("[data-testid=mlops-profile-column]")).to_have_count(14)
        timings.append((answered, time.perf_counter() - started))
        assert job["runs_in"] == "server" and job["status"] == "done", job
        # The finished job came back with the POST: one read of it, no progress polling.
        assert len(polls) == 1, polls
        run = lab_server.api(f"job-runs/{job['id']}")
        assert run["status"] == "succeeded" and run["kind"] == "profiling.profile_file"
    for attempt, (answered, shown) in enumerate(timings):
        print(
            f"wine 178 rows, profile {attempt + 1}: POST answered {answered:.2f} s, "
            f"report with 14 columns shown {shown:.2f} s after clicking Profile"
        )
    lab_page.remove_listener("request", polled)


def test_a_saved_profile_opens_from_the_sidebar(lab_page, lab_server):
    frame = sample_frame().head(50)
    name = "sidebar_open.csv"
    frame.to_csv(lab_server.root_dir / name, index=False)
    item = open_file_browser_item(lab_page, name)
    item.click(button="right")
    choose_profile_data(lab_page)
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
    report = lab_page.locator("[data-testid=mlops-profile-report]")
    expect(report).to_contain_text(name)
    expect(lab_page.locator("[data-testid=mlops-profile-column]")).to_have_count(4)
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
    item = open_file_browser_item(lab_page, "penguins_browser.parquet")
    assert item.get_attribute("data-file-type") == "parquet"
    item.click(button="right")
    choose_profile_data(lab_page)
    seen = lab_page.locator('[data-testid=mlops-profile-column][data-column="seen"]')
    seen.wait_for(state="visible", timeout=60_000)
    expect(seen).to_contain_text("datetime")
    expect(seen).to_contain_text("2024-01-01")  # the minimum, as a timestamp
    seen.scroll_into_view_if_needed()
    seen.locator(".main-svg").first.wait_for(state="attached", timeout=30_000)
    # The histogram's axis is a date axis (ticks are days of January, not epoch numbers);
    # plotly adds its SVG before it draws the axes into it.
    expect(seen.locator(".xtick").filter(has_text="Jan").first).to_be_attached()


@pytest.mark.slow
def test_the_notebook_widget_draws_plotly_charts_in_the_lab(blank_page, lab_server):
    page = blank_page  # nothing loaded: the test opens its notebook first
    source = (
        "import pandas as pd, numpy as np\n"
        "import jupyter_mlops as mlops\n"
        "rng = np.random.default_rng(0)\n"
        "df = pd.DataFrame({'x': rng.normal(size=500), 'y': rng.normal(size=500),"
        " 'c': rng.choice(['a', 'b'], 500)})\n"
        "mlops.profile(df)"
    )
    write_code_notebook(lab_server.root_dir / "widget_check.ipynb", source)
    page.goto(lab_server.lab_url("lab/tree/widget_check.ipynb"))
    run_first_cell(page)
    widget = page.locator(".jp-MLOps-profile-widget")
    widget.wait_for(timeout=90_000)
    expect(widget).to_contain_text("Columns (3)")
    # One card per column, styled by the Lab view's classes, each with its plotly chart.
    cards = page.locator(".jp-MLOps-profile-widget .jp-MLOps-profile-card")
    expect(cards).to_have_count(3)
    cards.first.locator(".js-plotly-plot .main-svg").first.wait_for(state="visible", timeout=60_000)
    expect(cards.first.locator(".bars").first).to_be_attached()
    cards.first.scroll_into_view_if_needed()
    screenshot(page, "profile_notebook_widget")
    heatmap = page.locator(".jp-MLOps-profile-widget .js-plotly-plot .heatmaplayer")
    heatmap.first.wait_for(state="attached", timeout=30_000)
    # The search box filters the cards, as in the Lab view.
    page.locator(".jp-MLOps-profile-widget input[placeholder='Find a column']").fill("c")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-MLOps-profile-widget .jp-MLOps-profile-card')]"
        ".filter(card => card.offsetParent !== null).length === 1"
    )


def mixed_frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 200
    colour = rng.choice(["red", "green", "blue"], n)
    return pd.DataFrame(
        {
            "target": np.where(rng.random(n) < 0.88, 0, 1),
            "colour": colour,
            "warmth": ["warm" if c == "red" else "cool" for c in colour],
            "weight": np.where(np.arange(n) % 9 == 0, np.nan, rng.normal(70, 8, n).round(1)),
            "seen": pd.Timestamp("2022-07-01 13:32:12.126669")
            + pd.to_timedelta(np.arange(n), "min"),
        }
    )


def _use_theme(page, theme: str, light: bool) -> None:
    """Switch the loaded Lab to `theme` with its own command (through the command palette where
    the page exposes no app object), and wait until the body says so. The same way both ways:
    the palette's shortcut could leave its input hidden when focus sat elsewhere."""
    if page.evaluate("() => !!(window.jupyterapp ?? window.jupyterlab)"):
        page.evaluate(
            """async theme => {
                const app = window.jupyterapp ?? window.jupyterlab;
                await app.commands.execute('apputils:change-theme', {theme});
            }""",
            theme,
        )
    else:
        page.keyboard.press("Control+Shift+C")
        page.locator(".lm-CommandPalette-input").fill(f"Use Theme: {theme}")
        page.keyboard.press("Enter")
    expected = "true" if light else "false"
    page.wait_for_function(
        f"() => document.body.dataset.jpThemeLight === '{expected}'", timeout=30_000
    )


def test_options_sections_search_export_and_both_themes(lab_page, lab_server, tmp_path):
    page = lab_page
    name = "semicolons.csv"
    mixed_frame().to_csv(lab_server.root_dir / name, index=False, sep=";")
    item = open_file_browser_item(page, name)
    item.click(button="right")
    choose_profile_data(page, {"delimiter": ";", "sample": "150"})
    report = page.locator("[data-testid=mlops-profile-report]")
    report.wait_for(timeout=60_000)
    # The delimiter and the sample size reached the server.
    facts = report.locator(".jp-MLOps-profile-facts").first
    expect(facts).to_contain_text(re.compile(r"Rows\s*150"), use_inner_text=True)
    cards = page.locator("[data-testid=mlops-profile-column]")
    expect(cards).to_have_count(5)
    target = page.locator('[data-testid=mlops-profile-column][data-column="target"]')
    expect(target).to_contain_text("boolean")
    expect(target).to_contain_text("imbalanced")
    seen = page.locator('[data-testid=mlops-profile-column][data-column="seen"]')
    expect(seen).to_contain_text(
        re.compile(r"Min\n2022-07-01 \d\d:\d\d:12\.126\n"), use_inner_text=True
    )
    assert ".126669" not in report.inner_text()  # no nanoseconds anywhere
    for section in (
        "Missing values",
        "Correlations (Pearson)",
        "Associations (Cramér's V)",
        "Where values are missing",
        "Sample rows",
    ):
        expect(report.locator("h3", has_text=section), section).to_have_count(1)
    samples = page.locator("[data-testid=mlops-profile-samples] table")
    expect(samples).to_have_count(2)
    expect(samples.first.locator("tbody tr")).to_have_count(10)
    associations = page.locator("[data-testid=mlops-profile-associations]")
    associations.scroll_into_view_if_needed()  # charts are drawn once scrolled into view
    associations.locator(".heatmaplayer").wait_for(state="attached", timeout=30_000)
    page.wait_for_timeout(300)
    screenshot(page, "profile_correlations_light")
    page.locator("[data-testid=mlops-profile-samples]").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    screenshot(page, "profile_samples_light")
    report.locator("h2").scroll_into_view_if_needed()
    screenshot(page, "profile_light")

    # The search box keeps the cards whose name matches.
    page.locator("[data-testid=mlops-profile-search]").fill("WEI")
    expect(cards).to_have_count(1)
    expect(cards.first).to_have_attribute("data-column", "weight")
    page.locator("[data-testid=mlops-profile-search]").fill("")

    # Export HTML downloads the standalone report.
    with page.expect_download() as download_info:
        page.locator("[data-testid=mlops-profile-export]").click()
    download = download_info.value
    assert download.suggested_filename == "semicolons.csv.html"
    saved = tmp_path / "report.html"
    download.save_as(saved)
    assert "class='jp-MLOps-profile-card'" in saved.read_text(encoding="utf-8")

    # The dark theme: the same view, drawn on the dark background.
    _use_theme(page, "JupyterLab Dark", light=False)
    try:
        # The theme's stylesheet can apply a moment after the body says dark: wait for it.
        view_background = (
            "() => getComputedStyle(document.querySelector('.jp-MLOps-profile-view'))"
            ".backgroundColor"
        )
        page.wait_for_function(
            f"() => ({view_background})().slice(4, -1).split(',').slice(0, 3)"
            ".map(Number).reduce((a, b) => a + b, 0) < 200"
        )
        background = page.evaluate(view_background)
        red, green, blue = (int(x) for x in background[4:-1].split(",")[:3])
        assert red + green + blue < 200, background  # dark
        page.wait_for_timeout(500)  # the charts redraw in the dark theme's colours
        screenshot(page, "profile_dark")
    finally:
        _use_theme(page, "JupyterLab Light", light=True)


def test_a_profile_tab_is_restored_after_a_reload(blank_page, lab_server):
    page = blank_page  # nothing loaded: the test opens its own workspace
    name = "restored.csv"
    workspace = "lab/workspaces/mlops-profile-restore"
    sample_frame().head(40).to_csv(lab_server.root_dir / name, index=False)
    page.goto(lab_server.lab_url(workspace))
    item = open_file_browser_item(page, name)
    item.click(button="right")
    # Once its profile is saved, the tab is renamed after it, and the layout is saved saying so
    # by itself: no other change of the layout comes to save it (a reload right after the
    # profile appears restores the tab).
    with page.expect_response(layout_saved(holding="mlops-profile:profile:"), timeout=90_000):
        choose_profile_data(page)
        page.locator("[data-testid=mlops-profile-report]").wait_for(timeout=60_000)
    page.goto(f"{lab_server.url}/{workspace}")  # no reset: the Lab restores the layout
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=f"Profile: {name}")
    tab.wait_for(timeout=60_000)
    tab.click()
    report = page.locator("[data-testid=mlops-profile-report]")
    report.wait_for(timeout=60_000)
    expect(report.locator("h2")).to_contain_text(name)


def test_a_bad_csv_shows_the_parsers_cause(lab_page, lab_server):
    (lab_server.root_dir / "ragged.csv").write_text("a,b\n1,2\n3,4,5\n")
    item = open_file_browser_item(lab_page, "ragged.csv")
    item.click(button="right")
    choose_profile_data(lab_page)
    error = lab_page.locator("[data-testid=mlops-profile-error]")
    error.wait_for(timeout=60_000)
    expect(error).to_have_text("cannot read ragged.csv: line 3 has 3 fields where the header has 2")


@pytest.mark.slow
def test_a_tab_whose_job_was_running_is_restored_and_follows_that_job(blank_page, lab_server):
    page = blank_page  # nothing loaded: the test opens its own workspace
    name = "large_restored.csv"
    workspace = "lab/workspaces/mlops-profile-running"
    rng = np.random.default_rng(5)
    n = 1_500_000  # long enough (seconds) to reload while the job runs
    pd.DataFrame({"a": rng.normal(size=n), "b": rng.integers(0, 1000, n)}).to_csv(
        lab_server.root_dir / name, index=False
    )
    page.goto(lab_server.lab_url(workspace))
    item = open_file_browser_item(page, name)
    item.click(button="right")
    choose_profile_data(page)
    page.locator("[data-testid=mlops-profile-progress]").wait_for(timeout=60_000)
    # The tab's job id is saved with the layout; then reload while the job still runs.
    with page.expect_response(layout_saved(holding="mlops-profile:file:", with_arg="jobId")):
        page.locator(".lm-TabBar-tab", has_text="Launcher").first.click()
    assert page.locator("[data-testid=mlops-profile-progress]").count() == 1, "job ended early"
    requests: list[tuple[str, str]] = []
    page.on("request", lambda request: requests.append((request.method, request.url)))
    page.goto(f"{lab_server.url}/{workspace}")
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=f"Profile: {name}")
    tab.wait_for(timeout=60_000)
    tab.click()
    report = page.locator("[data-testid=mlops-profile-report]")
    report.wait_for(timeout=180_000)
    expect(report.locator("h2")).to_contain_text(name)
    # It followed the running job: no second profiling of the file was started.
    api = [(method, url.split("?")[0]) for method, url in requests if "/mlops/api/profiles" in url]
    assert not [url for method, url in api if method == "POST"], api
    assert any("/mlops/api/profiles/jobs/" in url for method, url in api if method == "GET"), api
