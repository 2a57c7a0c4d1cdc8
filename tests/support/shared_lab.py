"""One loaded JupyterLab page that the browser tests of the modules that opt in take in turn.

A Lab page load costs about 4 s of wall time and 7 s of CPU (JupyterLab's own start-up), the
largest cost of a browser test. The modules that opt in (`pytest.mark.shared_lab`) share one
loaded Lab for a run of the browser package, a module of a single test too; before each later
test the page is put back into the state a fresh load gives, without a reload: every main-area
tab closed and a Launcher opened (as the Lab does on an empty layout), the left and right areas
as the load left them, the storage our UI wrote cleared, the file browser at the root.

The page is loaded afresh (in a new browser context, as a test without the marker gets)
instead, whenever it cannot be reset that way: the test before failed or met an unexpected
dialog, it navigated (a `goto` ends the loaded Lab), a dialog is still open, the theme or the
bottom area changed. The routes a test added (`page.route`, `context.route`) are removed.
What a reset cannot see is the tests' to keep: a test on the shared page removes the request
listeners it adds, and does not `add_init_script`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .browser import wait_for_lab
from .dialogs import DialogGuard
from .lab import LabServer

#: The page size every browser test gets.
VIEWPORT = {"width": 1400, "height": 900}

#: What a fresh load shows, read right after it (the reset restores it).
_BASELINE = """
(load) => {
  window.__mlopsLoad = load;
  const shell = window.jupyterapp.shell;
  const shown = area => Array.from(shell.widgets(area)).filter(w => w.isVisible).map(w => w.id);
  return {
    load,
    main: Array.from(shell.widgets('main')).map(w => w.constructor.name),
    left: shown('left'), leftCollapsed: shell.leftCollapsed,
    right: shown('right'), rightCollapsed: shell.rightCollapsed,
    down: Array.from(shell.widgets('down')).map(w => w.id),
    theme: document.body.dataset.jpThemeName,
    mode: shell.mode,
    local: Object.keys(window.localStorage),
  };
}
"""

#: The widget types of the main area (a fresh load's: one Launcher).
_MAIN = "() => Array.from(window.jupyterapp.shell.widgets('main')).map(w => w.constructor.name)"

#: The Lab opens a Launcher in an empty main area, and focuses it.
_LAUNCHER_FOCUSED = "document.activeElement?.closest('.jp-Launcher') != null"

#: Puts the loaded Lab back into `baseline`'s state; returns why it cannot ('' when done).
_RESET = """
async (baseline) => {
  const app = window.jupyterapp;
  if (!app || window.__mlopsLoad !== baseline.load) return 'the page navigated';
  if (document.querySelector('.jp-Dialog')) return 'a dialog is open';
  if (document.body.dataset.jpThemeName !== baseline.theme) return 'the theme changed';
  const shell = app.shell;
  if (shell.mode !== baseline.mode) return 'the document mode changed';
  const down = Array.from(shell.widgets('down')).map(w => w.id);
  if (JSON.stringify(down) !== JSON.stringify(baseline.down)) return 'the bottom area changed';
  // dispose, not close: a changed notebook would ask whether to save it. The Lab then opens
  // a Launcher in the empty main area by itself.
  for (const widget of Array.from(shell.widgets('main'))) widget.dispose();
  for (const key of Object.keys(window.localStorage)) {
    if (!baseline.local.includes(key)) window.localStorage.removeItem(key);
  }
  window.sessionStorage.clear();
  await app.commands.execute('filebrowser:go-to-path', { path: '/', dontShowBrowser: true });
  for (const [area, collapse] of [['left', 'collapseLeft'], ['right', 'collapseRight']]) {
    if (baseline[area + 'Collapsed']) shell[collapse]();
    else for (const id of baseline[area]) shell.activateById(id);
  }
  return '';
}
"""


def new_page(browser: Any, folder: Path) -> tuple[Any, Any, DialogGuard]:
    """A new browser context and page, its dialogs watched (pictures in `folder`); nothing
    loaded yet."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page, DialogGuard(page, folder).install()


@dataclass
class SharedLab:
    """The loaded Lab page of the modules that share it (see the module's docstring)."""

    browser: Any
    server: LabServer
    context: Any = None
    page: Any = None
    guard: DialogGuard | None = None
    baseline: dict[str, Any] | None = None
    loads: int = 0
    #: Why the last `take` loaded afresh ('' when it reset the page instead).
    reloaded_because: str = ""

    def take(self, folder: Path) -> tuple[Any, DialogGuard]:
        """The page in a fresh load's state, for one test whose pictures go to `folder`."""
        why = self._reset() if self.page is not None else "first test"
        if why:
            self.close()
            self.context, self.page, self.guard = new_page(self.browser, folder)
            self.page.goto(self.server.lab_url())
            wait_for_lab(self.page)
            # The state the reset restores is the one a test meets: the Launcher open.
            self.page.wait_for_function(_LAUNCHER_FOCUSED)
            self.loads += 1
            self.baseline = self.page.evaluate(_BASELINE, self.loads)
        self.reloaded_because = why
        # In the test's captured output: why the page was loaded afresh, if it was.
        print(f"shared Lab page: {'loaded afresh: ' + why if why else 'reset, not reloaded'}")
        assert self.guard is not None
        self.guard.folder = folder
        self.guard.unexpected.clear()
        self.page.evaluate("window.__mlopsDialogs = []")
        return self.page, self.guard

    def release(self, reusable: bool) -> None:
        """After a test: keep the page for the next one only if the test passed cleanly."""
        if not reusable:
            self.close()

    def close(self) -> None:
        """Close the page's context (the next `take` loads afresh)."""
        if self.context is not None:
            self.context.close()
        self.context = self.page = self.guard = self.baseline = None

    def _reset(self) -> str:
        try:
            # A route a test added (one that cut the network off) is not the next test's.
            self.context.unroute_all(behavior="ignoreErrors")
            self.page.unroute_all(behavior="ignoreErrors")
            self.page.keyboard.press("Escape")  # an open menu or command palette
            why = str(self.page.evaluate(_RESET, self.baseline))
            if why:
                return why
            # The Lab opens and focuses a Launcher in the emptied main area, as after a load.
            self.page.wait_for_function(_LAUNCHER_FOCUSED, timeout=10_000)
            main = self.page.evaluate(_MAIN)
            if self.baseline is None or main != self.baseline["main"]:
                return f"the main area holds {main}, not what a load shows"
        except Exception as error:  # the page crashed or is navigating
            return f"the reset failed: {error}"
        return why
