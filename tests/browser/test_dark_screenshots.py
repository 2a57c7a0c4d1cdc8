"""The monitor page and a drift alert's "v2 ready: Compare / Promote" in the dark theme: every
box and button takes the theme's colours (no light box, no dark text on the dark background),
pictured for docs/screenshots/ (monitor-dark.png, monitor-alert-promote-dark.png) when
$MLOPS_SCREENSHOTS is set. The scenario is test_retraining's: v1 served, a drifted window, its
alert's retraining run registered v2 (names of its own)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from tests.browser import test_retraining
from tests.browser.test_visual import THEMES, _save_theme, _set_theme
from tests.support.browser import expect, screenshot
from tests.support.lab import LabServer

pytestmark = pytest.mark.browser

# test_retraining's scenario under names of its own (the package's tests share one Lab).
TRAIN = test_retraining.TRAIN.replace("retrain-model", "dark-model")
ALERT = test_retraining.ALERT.replace("retrain-ep", "dark-ep").replace(
    "retrain-model", "dark-model"
)

# Relative luminance (WCAG) of each computed colour an element shows: its text, and the
# background it draws on (the nearest ancestor with one that is not transparent).
COLOURS_JS = """el => {
  const lum = c => {
    const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(v => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  let back = el;
  const clear = e => ['rgba(0, 0, 0, 0)', 'transparent']
    .includes(getComputedStyle(e).backgroundColor);
  while (back && clear(back)) {
    back = back.parentElement;
  }
  return {text: lum(getComputedStyle(el).color),
          background: lum(getComputedStyle(back || document.body).backgroundColor)};
}"""


def _contrast(colours: dict[str, float]) -> float:
    light, dark = sorted((colours["text"], colours["background"]), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.fixture
def dark(blank_page, lab_server: LabServer) -> Iterator[None]:
    """The Lab loaded in the dark theme, its setting back to the light one afterwards (the
    tests share one Lab; this page is closed, so it is not reloaded)."""
    _set_theme(blank_page, lab_server, THEMES["dark"])
    yield
    _save_theme(blank_page, lab_server, THEMES["light"])


@pytest.mark.slow
def test_the_monitor_page_and_the_alerts_promote_in_the_dark_theme(blank_page, lab_server, dark):
    subprocess.run([sys.executable, "-c", TRAIN], env=lab_server.env(), check=True)
    api = f"{lab_server.url}/mlops/api"
    auth = {"Authorization": f"token {lab_server.token}"}
    deployed = httpx.post(
        f"{api}/endpoints",
        json={"model": "dark-model@champion", "name": "dark-ep"},
        headers=auth,
        timeout=300,
    )
    assert deployed.status_code == 201, deployed.text
    try:
        subprocess.run([sys.executable, "-c", ALERT], env=lab_server.env(), check=True)
        page = blank_page  # loaded in the dark theme by `dark`
        page.locator('[data-testid=mlops-monitor][data-endpoint="dark-ep"]').click()
        view = page.locator("[data-testid=mlops-monitor-view]")
        view.wait_for(state="visible")
        block = view.locator("[data-testid=mlops-monitor-retraining]")
        promote = block.locator("[data-testid=mlops-alert-promote]")
        expect(block.locator("[data-testid=mlops-alert-version]")).to_contain_text("v2 ready:")
        expect(promote).to_be_visible()
        view.locator("[data-testid=mlops-monitor-timeline] .main-svg").first.wait_for()
        view.locator("[data-testid=mlops-monitor-alerts]").wait_for()

        # A dark page: the view's background is dark and its text light.
        page_colours = view.evaluate(COLOURS_JS)
        assert page_colours["background"] < 0.1, page_colours
        # Each text of the retraining block and the alerts table reads on what it sits on.
        texts = view.locator(
            "[data-testid=mlops-monitor-retraining] :is(span, a, button, b), "
            "[data-testid=mlops-monitor-alerts] :is(th, td)"
        )
        assert texts.count() > 5
        for index in range(texts.count()):
            item = texts.nth(index)
            if not item.is_visible() or not item.inner_text().strip():
                continue
            colours = item.evaluate(COLOURS_JS)
            assert _contrast(colours) >= 3, (item.inner_text(), colours)
        assert promote.evaluate(COLOURS_JS)["background"] < 0.5  # not a light box

        # The pictures, without the Lab's question about its news in a corner.
        news = page.locator(".Toastify button", has_text="No")
        if news.count():
            news.first.click()
        page.wait_for_timeout(500)  # plotly's transitions end before the pictures
        screenshot(page, "monitor-dark")
        # The alert's row in the alerts table, its "v2 ready: Compare / Promote" in view.
        cell = view.locator(
            "[data-testid=mlops-monitor-alerts] [data-testid=mlops-alert-retraining]"
        )
        expect(cell.locator("[data-testid=mlops-alert-promote]")).to_be_visible()
        # The columns' histograms draw once in view.
        columns = view.locator("[data-testid=mlops-drift-column]")
        columns.first.scroll_into_view_if_needed()
        columns.last.locator(".main-svg").first.wait_for()
        cell.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        screenshot(page, "monitor-alert-promote-dark")
    finally:
        httpx.delete(f"{api}/endpoints/dark-ep", headers=auth, timeout=120)
