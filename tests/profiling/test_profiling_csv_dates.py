"""Which CSV columns are read as dates: the sample read with pandas' own types skips the
columns it reads as numbers or booleans, and finds what the per-column check of every column
as text found."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from jupyter_mlops.profiling.sources import date_columns


def _as_text_rule(path: Path) -> list[str]:
    """The check as it was: every column read as text, numbers told apart by `to_numeric`."""
    sample = pd.read_csv(path, nrows=500, dtype=str)
    found = []
    for column in sample.columns:
        values = sample[column].dropna()
        if values.empty or pd.to_numeric(values, errors="coerce").notna().mean() > 0.5:
            continue
        parsed = pd.to_datetime(values, format="ISO8601", errors="coerce")
        if parsed.notna().mean() >= 0.95:
            found.append(str(column))
    return found


def test_date_columns_are_those_the_text_check_finds(tmp_path: Path) -> None:
    n = 60
    frame = pd.DataFrame(
        {
            "when": [f"2024-01-{1 + i % 28:02d}" for i in range(n)],
            "stamp": [f"2024-02-03T04:05:{i % 60:02d}Z" for i in range(n)],
            "mostly_dates": ["2024-01-01"] * 58 + ["later", None],
            "some_dates": ["2024-01-01"] * 50 + ["no"] * 10,
            "compact": [20240101 + i for i in range(n)],  # numbers, not dates
            "x": [i / 3 for i in range(n)],
            "k": list(range(n)),
            "flag": [True, False] * (n // 2),
            "empty": [None] * n,
            "words": ["a b", "c"] * (n // 2),
            "numbers_and_text": [str(i) for i in range(n - 10)] + ["n/a"] * 10,
            "inf": ["inf", "-inf", "1.5"] * (n // 3),
        }
    )
    path = tmp_path / "table.csv"
    frame.to_csv(path, index=False)
    found = date_columns(str(path), ",")
    assert found == _as_text_rule(path)
    assert found == ["when", "stamp", "mostly_dates"]
