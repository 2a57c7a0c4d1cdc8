"""What the profile computes from a column read once equals what it computed from the frame:
object string columns' codes (row hashes, joint counts), missing masks (missing-value
blocks), co-moments by blocks of rows, the random sample without a full sort."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import jupyter_mlops as mlops
from jupyter_mlops.profiling import columns
from jupyter_mlops.profiling.associations import JointCounts
from jupyter_mlops.profiling.correlation import CoMoments
from jupyter_mlops.profiling.frame import Schema, summarize_frame
from jupyter_mlops.profiling.row_facts import RowHashes
from jupyter_mlops.profiling.samples import MissingBlocks, _smallest
from jupyter_mlops.profiling.sketches import SketchLimits, ValueCounts


def _frame(n: int = 3_000) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    words = np.array(["a", "b b", "ünï", "", "x"], dtype=object)
    frame = pd.DataFrame(
        {
            "label": pd.Series(words[rng.integers(0, 5, n)], dtype=object),
            "city": pd.Series(rng.choice(["Oslo", "Lima", "Pune"], n), dtype=object),
            "id": pd.Series([f"id-{k % 997}" for k in range(n)], dtype=object),
            "nulls": pd.Series([None] * n, dtype=object),
            "mixed": pd.Series(["a", 1, None] * (n // 3), dtype=object),
            "x": rng.normal(size=n),
            "k": rng.integers(0, 3, n),
            "flag": rng.random(n) < 0.5,
            "when": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 9, n), "D"),
            "cat": pd.Categorical(rng.choice(["p", "q"], n)),
        }
    )
    frame.loc[::13, "label"] = None
    frame.loc[::17, "city"] = np.nan
    frame.loc[::19, "x"] = np.nan
    frame.loc[::23, "when"] = pd.NaT
    return pd.concat([frame, frame.iloc[:40]], ignore_index=True)  # 40 duplicate rows


def _reads(frame: pd.DataFrame) -> list[columns.ColumnRead]:
    kinds = Schema.of(frame).kinds
    return [
        columns.read_column(frame.iloc[:, i], kind, SketchLimits.exact())
        for i, kind in enumerate(kinds)
    ]


def _encoded(frame: pd.DataFrame) -> dict[int, columns.Encoded]:
    return {i: r.encoded for i, r in enumerate(_reads(frame)) if r.encoded is not None}


def test_object_string_columns_and_only_they_are_encoded() -> None:
    frame = _frame()
    assert sorted(_encoded(frame)) == [0, 1, 2]  # all-null and mixed columns are not strings


def test_row_hashes_from_codes_equal_pandas_hashes_of_the_frame() -> None:
    frame = _frame()
    expected = pd.util.hash_pandas_object(frame, index=False).to_numpy(np.uint64)
    coded = RowHashes.of(frame, None, _encoded(frame))
    unique, counts = np.unique(expected, return_counts=True)
    assert np.array_equal(coded.hashes, unique) and np.array_equal(coded.counts, counts)
    assert coded.checksum == RowHashes.of(frame, None).checksum


def test_joint_counts_from_codes_equal_the_grouped_ones() -> None:
    frame = _frame()
    positions = Schema.of(frame).associated
    coded = JointCounts.of(frame, positions, _encoded(frame))
    general = JointCounts.of(frame, positions)
    assert coded.values == general.values
    assert coded.pairs == general.pairs
    assert (0, 1) in coded.pairs  # two encoded columns counted from their codes


def test_missing_blocks_from_the_columns_masks_equal_isna() -> None:
    frame = _frame(1_234)
    summary = summarize_frame(frame, Schema.of(frame), SketchLimits.exact(), workers=2)
    assert summary.missing == MissingBlocks.of(frame)
    empty = frame.iloc[:0]
    assert summarize_frame(empty, Schema.of(empty), SketchLimits.exact()).missing == (
        MissingBlocks([], [])
    )


def test_the_smallest_keys_are_a_stable_sorts_first() -> None:
    keys = np.array([0.5, 0.1, 0.3, 0.1, 0.9, 0.3, 0.3, 0.2])
    for size in range(0, 10):
        expected = np.sort(np.argsort(keys, kind="stable")[:size])
        assert np.array_equal(_smallest(keys, size), expected)


def test_co_moments_by_blocks_equal_those_of_the_whole_matrix() -> None:
    rng = np.random.default_rng(3)
    matrix = np.asfortranarray(rng.normal(5.0, 2.0, size=(150_000, 4)))
    matrix[rng.random(matrix.shape) < 0.1] = np.nan
    shift = np.nanmean(matrix, axis=0)
    whole = CoMoments.of(matrix.copy(order="F"), shift)
    blocks = (matrix[s : s + 65_536].copy(order="F") for s in range(0, 150_000, 65_536))
    blocked = CoMoments.of_blocks(blocks, 4, shift)
    for a, b in zip(
        (whole.n, whole.mean_row, whole.m2_row, whole.comoment),
        (blocked.n, blocked.mean_row, blocked.m2_row, blocked.comoment),
        strict=True,
    ):
        assert np.array_equal(a, b)


def test_a_profile_through_codes_equals_the_general_path(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = _frame()
    fast = json.loads(mlops.profile(frame).to_json())
    monkeypatch.setattr(columns, "_object_strings", lambda series: None)
    general = json.loads(mlops.profile(frame).to_json())
    fast.pop("created_at"), general.pop("created_at")
    assert fast.pop("memory_bytes") == pytest.approx(general.pop("memory_bytes"), rel=0.02)
    assert fast["associations"] is not None and fast["n_duplicate_rows"] == 40
    assert fast == general


@pytest.mark.parametrize("order", ["sorted", "shuffled"])
def test_top_values_of_many_ties_are_the_first_in_value_order(order: str) -> None:
    rng = np.random.default_rng(11)
    values = np.sort(rng.normal(size=5_000))
    tallies = np.ones(values.size, dtype=np.int64)
    tallies[[40, 999, 2_500, 4_321]] = 3  # 4 above the cutoff, 6 of the 4,996 ties of 1
    if order == "shuffled":  # e.g. counts merged from partitions: not in value order
        shuffle = rng.permutation(values.size)
        values, tallies = values[shuffle], tallies[shuffle]
    counts = pd.Series(tallies, index=pd.Index(values))
    pairs = zip(values.tolist(), tallies.tolist(), strict=True)
    expected = sorted(pairs, key=lambda vc: (-vc[1], vc[0]))
    assert ValueCounts.of(counts, None, 1_000).top(10) == [(v, c) for v, c in expected[:10]]
