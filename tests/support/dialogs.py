"""Unexpected JupyterLab dialogs in browser tests: dismissed, pictured, and reported.

A `.jp-Dialog` a test did not open (the Lab's "Select Kernel", "Server Connection Error"...)
is modal: every later click fails with "<dialog ...> intercepts pointer events", which says
nothing about which dialog or why. `DialogGuard` makes such a run say why:

- every dialog that opens is logged in the page (title and text), so a failed test lists the
  dialogs it met and the ones still open;
- a dialog of the Lab's own that no test opens on purpose is answered as soon as an action
  meets it (its default button, so the test can go on), pictured, and the test then fails
  with its title, text and picture.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The titles of the Lab's dialogs that no test opens on purpose.
UNEXPECTED_TITLES = re.compile(
    r"^\s*(Select Kernel|Kernel Restarting|Kernel Terminating|Kernel Busy|Error Starting Kernel"
    r"|Server Connection Error|File Changed|File Load Error|Build Recommended|Build Complete"
    r"|Build Failed|Cell not executed due to pending input)"
)

#: Logs every dialog that opens into `window.__mlopsDialogs` (title, then text).
_LOG_DIALOGS = """
(() => {
  window.__mlopsDialogs = [];
  const seen = new WeakSet();
  const log = () => {
    for (const dialog of document.querySelectorAll('.jp-Dialog')) {
      if (seen.has(dialog)) continue;
      seen.add(dialog);
      setTimeout(() => {
        const title = dialog.querySelector('.jp-Dialog-header')?.textContent?.trim() ?? '';
        const text = (dialog.innerText || dialog.textContent || '').trim().slice(0, 500);
        window.__mlopsDialogs.push({ title, text });
      }, 50);
    }
  };
  new MutationObserver(log).observe(document, { childList: true, subtree: true });
})();
"""


@dataclass
class DialogGuard:
    """Watches one page's dialogs (see the module's docstring); `folder` keeps the pictures."""

    page: Any
    folder: Path
    unexpected: list[str] = field(default_factory=list)

    def install(self) -> DialogGuard:
        """Log every dialog, and answer and record the unexpected ones (before `goto`)."""
        self.page.add_init_script(_LOG_DIALOGS)
        header = self.page.locator(".jp-Dialog-header", has_text=UNEXPECTED_TITLES)
        self.page.add_locator_handler(
            self.page.locator(".jp-Dialog").filter(has=header), self._answer
        )
        return self

    def _answer(self, dialog: Any) -> None:
        picture = self.folder / f"unexpected-dialog-{len(self.unexpected) + 1}.png"
        try:
            text = dialog.inner_text(timeout=2_000).strip()
            self.page.screenshot(path=str(picture))
        except Exception as error:  # the dialog can close by itself meanwhile
            text = f"(could not read it: {error})"
        self.unexpected.append(f"{' | '.join(text.splitlines())}\n  picture: {picture}")
        default = dialog.locator(".jp-Dialog-footer .jp-mod-accept")
        if default.count():
            default.first.click()
        else:
            self.page.keyboard.press("Escape")

    def seen(self) -> list[dict[str, str]]:
        """Every dialog the page showed so far: `{"title", "text"}`."""
        try:
            return list(self.page.evaluate("window.__mlopsDialogs || []"))
        except Exception:  # the page is gone or navigating
            return []

    def open_now(self) -> list[str]:
        """The texts of the dialogs open now."""
        try:
            dialogs = self.page.locator(".jp-Dialog")
            return [dialogs.nth(i).inner_text(timeout=2_000) for i in range(dialogs.count())]
        except Exception:
            return []

    def report(self) -> str:
        """What a failed test's output says about dialogs ('' when there were none)."""
        lines = [f"unexpected dialog answered: {text}" for text in self.unexpected]
        lines += [f"dialog still open: {' | '.join(t.splitlines())}" for t in self.open_now()]
        lines += [f"dialog shown during the test: {d['title']!r}" for d in self.seen()]
        return "\n".join(lines)


def confirm_dialog(page: Any, title: str, button: str) -> None:
    """Answer the Lab dialog titled `title` (it must show) with its `button`, and wait until it
    is gone: the confirmations of destructive or traffic-changing actions."""
    dialog = page.locator(".jp-Dialog").filter(
        has=page.locator(".jp-Dialog-header", has_text=title)
    )
    dialog.locator(".jp-Dialog-footer button", has_text=button).click()
    dialog.wait_for(state="detached")
