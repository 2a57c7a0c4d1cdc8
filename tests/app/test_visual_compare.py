"""The screenshot comparison of the visual regression check can fail (tests/support/visual.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.support import visual


def _png(colour: tuple[int, int, int], size=(40, 20), patch: tuple[int, int, int] | None = None):
    from PIL import Image

    image = Image.new("RGB", size, colour)
    if patch is not None:
        for x in range(size[0] // 2):
            for y in range(size[1]):
                image.putpixel((x, y), patch)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def baselines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(visual, "BASELINES", tmp_path / "baselines")
    monkeypatch.delenv("MLOPS_UPDATE_BASELINES", raising=False)
    monkeypatch.delenv("CI", raising=False)
    return tmp_path / "baselines"


def test_a_missing_baseline_is_written_then_matched(baselines: Path, tmp_path: Path):
    light = _png((250, 250, 250))
    assert visual.check_against_baseline(light, "view", tmp_path / "out") == "written"
    assert (baselines / "view.png").read_bytes() == light
    assert visual.check_against_baseline(light, "view", tmp_path / "out") == "matched"


def test_small_rendering_noise_is_tolerated(baselines: Path, tmp_path: Path):
    visual.check_against_baseline(_png((250, 250, 250)), "view", tmp_path / "out")
    assert visual.check_against_baseline(_png((240, 245, 250)), "view", tmp_path) == "matched"


def test_a_changed_view_fails_with_the_share_of_pixels_and_a_diff_image(
    baselines: Path, tmp_path: Path
):
    visual.check_against_baseline(_png((250, 250, 250)), "view", tmp_path / "out")
    dark_half = _png((250, 250, 250), patch=(30, 30, 30))
    with pytest.raises(AssertionError, match=r"50\.0% of the pixels differ"):
        visual.check_against_baseline(dark_half, "view", tmp_path / "out")
    assert (tmp_path / "out" / "view-diff.png").exists()


def test_a_resized_view_fails(baselines: Path, tmp_path: Path):
    visual.check_against_baseline(_png((250, 250, 250)), "view", tmp_path / "out")
    with pytest.raises(AssertionError, match="the size changed"):
        visual.check_against_baseline(_png((250, 250, 250), size=(40, 24)), "view", tmp_path)


def test_a_missing_baseline_fails_under_ci(
    baselines: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(AssertionError, match="no baseline"):
        visual.check_against_baseline(_png((250, 250, 250)), "view", tmp_path)
