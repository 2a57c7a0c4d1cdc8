"""The first notebook opened by URL starts its own kernel, even when a cell runs at once;
and a dialog of the Lab's own that no test opens fails the test with its text and picture."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.support.browser import expect, write_code_notebook
from tests.support.dialogs import DialogGuard


def test_a_cell_run_before_the_lab_has_a_checkpoint_starts_the_notebooks_kernel(
    blank_page, lab_server
):
    """The Lab sets a notebook's kernel preference only after its checkpoint requests; on a
    busy server a cell run in between asked "Select Kernel" (the fixture fails the test when
    that dialog shows). Hold the checkpoint requests to run the cell in that window."""
    page = blank_page  # nothing loaded: the test opens its Lab URL first
    write_code_notebook(lab_server.root_dir / "kernel_first.ipynb", "print('ran', 6 * 7)")
    held: list = []
    released = False

    def hold(route) -> None:
        if released:
            route.continue_()
        else:
            held.append(route)

    page.route("**/api/contents/kernel_first.ipynb/checkpoints**", hold)
    page.goto(lab_server.lab_url("lab/tree/kernel_first.ipynb"))
    page.locator(".jp-Notebook .jp-CodeCell .cm-content").first.wait_for()
    page.locator(".jp-Notebook .jp-CodeCell .cm-content").first.click()
    page.keyboard.press("Control+Enter")
    released = True
    for route in held:
        route.continue_()
    # The Lab can drop a run sent before its kernel connects: send it again until it starts.
    prompt = page.locator(".jp-Cell .jp-InputPrompt").first
    for _ in range(6):
        try:
            page.wait_for_function(
                "el => /\\[(\\*|\\d+)\\]/.test(el.textContent)",
                arg=prompt.element_handle(),
                timeout=10_000,
            )
            break
        except PlaywrightTimeout:
            page.locator(".jp-Notebook .jp-CodeCell .cm-content").first.click()
            page.keyboard.press("Control+Enter")
    page.locator(".jp-OutputArea-output", has_text="ran 42").wait_for(timeout=90_000)
    expect(page.locator(".jp-Dialog")).to_have_count(0)
    expect(page.locator(".jp-StatusBar-Widget", has_text="Python 3 (ipykernel)")).to_have_count(1)


_FAKE_DIALOG = """
<button id="open" onclick="document.getElementById('dialog').style.display = 'block'">open</button>
<button id="next">next</button>
<dialog id="dialog" class="jp-Dialog" style="display:none; position:fixed; inset:0; z-index:9">
  <div class="jp-Dialog-header">Select Kernel</div>
  <div class="jp-Dialog-body">Select kernel for: "x.ipynb"</div>
  <div class="jp-Dialog-footer"><button class="jp-mod-accept"
      onclick="document.getElementById('dialog').style.display = 'none'">Select</button></div>
</dialog>
"""


def test_the_dialog_guard_answers_pictures_and_reports_an_unexpected_dialog(
    browser, tmp_path: Path
):
    context = browser.new_context(viewport={"width": 800, "height": 600})
    try:
        page = context.new_page()
        guard = DialogGuard(page, tmp_path).install()
        page.goto("about:blank")
        page.set_content(_FAKE_DIALOG)
        page.click("#open")
        page.click("#next", timeout=10_000)  # the guard answers the dialog in the way
        assert len(guard.unexpected) == 1, guard.unexpected
        assert 'Select Kernel | Select kernel for: "x.ipynb"' in guard.unexpected[0]
        assert (tmp_path / "unexpected-dialog-1.png").stat().st_size > 0
        assert "unexpected dialog answered: Select Kernel" in guard.report()
    finally:
        context.close()
