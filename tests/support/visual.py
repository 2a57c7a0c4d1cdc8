"""Screenshot comparison with a tolerance: the visual regression check of the main views.

A picture matches its baseline (`tests/browser/baselines/<name>.png`) when it has the same size
and at most `tolerance` of its pixels differ by more than `channel_threshold` in any colour
channel (font hinting and anti-aliasing move a few pixels by a few levels; a button whose label
sits on its bottom edge, a light box in the dark theme or a missing button move many). A
mismatch fails with the share of differing pixels and leaves the picture and a diff image
beside the test's tmp dir. A missing baseline is written (and the test says so) outside CI,
and fails under CI. `MLOPS_UPDATE_BASELINES=1` rewrites the baselines after an intended change.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

BASELINES = Path(__file__).resolve().parents[1] / "browser" / "baselines"


@dataclass(frozen=True)
class Difference:
    """How two pictures differ: `share` of pixels beyond the threshold, or a size mismatch."""

    share: float
    size_a: tuple[int, int]
    size_b: tuple[int, int]

    @property
    def same_size(self) -> bool:
        """Whether both pictures have the same width and height."""
        return self.size_a == self.size_b


def difference(a: bytes, b: bytes, channel_threshold: int = 40) -> Difference:
    """Compare two PNG pictures pixel by pixel (RGB)."""
    import numpy as np
    from PIL import Image

    first = np.asarray(Image.open(io.BytesIO(a)).convert("RGB"), dtype=np.int16)
    second = np.asarray(Image.open(io.BytesIO(b)).convert("RGB"), dtype=np.int16)
    size_a = (first.shape[1], first.shape[0])
    size_b = (second.shape[1], second.shape[0])
    if size_a != size_b:
        return Difference(1.0, size_a, size_b)
    changed = (np.abs(first - second) > channel_threshold).any(axis=2)
    return Difference(float(changed.mean()), size_a, size_b)


def diff_image(a: bytes, b: bytes, channel_threshold: int = 40) -> bytes:
    """A PNG of `b` with the pixels that differ from `a` painted magenta."""
    import numpy as np
    from PIL import Image

    first = np.asarray(Image.open(io.BytesIO(a)).convert("RGB"), dtype=np.int16)
    second = np.asarray(Image.open(io.BytesIO(b)).convert("RGB"), dtype=np.int16)
    out = second.copy()
    if first.shape == second.shape:
        changed = (np.abs(first - second) > channel_threshold).any(axis=2)
        out[changed] = (255, 0, 255)
    buffer = io.BytesIO()
    Image.fromarray(out.astype("uint8")).save(buffer, format="PNG")
    return buffer.getvalue()


def check_against_baseline(
    picture: bytes, name: str, failures: Path, tolerance: float = 0.02
) -> str:
    """Compare `picture` with the baseline `name`; raise AssertionError when they differ.

    Returns what happened ("matched", "written"). `failures` receives the picture and the
    diff image of a mismatch.
    """
    baseline = BASELINES / f"{name}.png"
    if os.environ.get("MLOPS_UPDATE_BASELINES") or not baseline.exists():
        if not baseline.exists() and os.environ.get("CI"):
            raise AssertionError(f"no baseline {baseline} (write it with MLOPS_UPDATE_BASELINES=1)")
        BASELINES.mkdir(parents=True, exist_ok=True)
        baseline.write_bytes(picture)
        return "written"
    expected = baseline.read_bytes()
    found = difference(expected, picture)
    if found.same_size and found.share <= tolerance:
        return "matched"
    failures.mkdir(parents=True, exist_ok=True)
    (failures / f"{name}.png").write_bytes(picture)
    (failures / f"{name}-diff.png").write_bytes(diff_image(expected, picture))
    what = (
        f"{found.share:.1%} of the pixels differ (tolerance {tolerance:.0%})"
        if found.same_size
        else f"the size changed from {found.size_a} to {found.size_b}"
    )
    raise AssertionError(
        f"{name} no longer looks like {baseline}: {what}; see {failures / name}.png and "
        f"{failures / name}-diff.png (MLOPS_UPDATE_BASELINES=1 accepts an intended change)"
    )
