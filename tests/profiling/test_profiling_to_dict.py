"""`Profile.to_dict` is `dataclasses.asdict` without deep-copying every scalar: the same data,
in new containers that share nothing mutable with the profile."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pandas as pd

import jupyter_mlops as mlops


def test_to_dict_equals_asdict_and_shares_no_container() -> None:
    rng = np.random.default_rng(2)
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=300),
            "y": rng.integers(0, 5, 300),
            "label": pd.Series(np.array(["a", "b", None], dtype=object)[rng.integers(0, 3, 300)]),
            "other": pd.Series(rng.choice(["p", "q"], 300), dtype=object),
            "when": pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(300), "h"),
        }
    )
    profile = mlops.profile(frame)
    assert profile.correlations is not None and profile.associations is not None
    data = profile.to_dict()
    assert data == asdict(profile)
    data["columns"]["x"]["histogram"]["counts"].append(-1)
    data["correlations"]["matrix"][0][0] = None
    data["samples"]["head"][0][0] = "changed"
    assert profile.to_dict() == asdict(profile) != data
