"""Evaluation benchmark: `mlops.evaluate` on a Dask frame beside scikit-learn's own metric
calls on the same rows in memory, in the same run.

A deterministic table of 1M rows by default: 20 numeric columns, a binary label drawn from a
logistic model of them, and a `group` column (4 values) the model does not take. A logistic
regression is fitted on 50,000 rows first. Then, each timed on the same process:

- scikit-learn in memory: `predict` and `predict_proba` on the whole pandas frame, then
  `accuracy_score`, `precision_score`, `recall_score`, `f1_score`, `roc_auc_score`, `log_loss`
  and `brier_score_loss`;
- jupyter-mlops on Dask (`--partitions`, default 8, threaded scheduler): `mlops.evaluate`
  with the same metrics (and calibration), no importance, not logged; and again with
  `slices=["group"]` and `sensitive_features=["group"]` (per-slice metrics and fairlearn's
  MetricFrame per group), which scikit-learn's calls above do not do.

The best of `--repeat` runs is printed with the ratio. Nothing asserts on time.

    .venv/bin/python bench/evaluation.py
    .venv/bin/python bench/evaluation.py --rows 200000 --repeat 1
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np
import pandas as pd

N_FEATURES = 20


def make_table(n_rows: int, seed: int = 0) -> pd.DataFrame:
    """Features, a group column and a label (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    features = rng.normal(size=(n_rows, N_FEATURES))
    weights = rng.normal(size=N_FEATURES)
    logits = features @ weights * 0.5
    label = (rng.random(n_rows) < 1 / (1 + np.exp(-logits))).astype(int)
    frame = pd.DataFrame(features, columns=[f"x{i}" for i in range(N_FEATURES)])
    frame["group"] = np.asarray(["a", "b", "c", "d"])[rng.integers(0, 4, n_rows)]
    frame["label"] = label
    return frame


def sklearn_metrics(model: Any, frame: pd.DataFrame, features: list[str]) -> dict[str, float]:
    """scikit-learn's own calls on the in-memory frame."""
    from sklearn import metrics

    X, y = frame[features], frame["label"].to_numpy()
    predicted = model.predict(X)
    proba = model.predict_proba(X)
    return {
        "accuracy": metrics.accuracy_score(y, predicted),
        "precision": metrics.precision_score(y, predicted),
        "recall": metrics.recall_score(y, predicted),
        "f1": metrics.f1_score(y, predicted),
        "roc_auc": metrics.roc_auc_score(y, proba[:, 1]),
        "log_loss": metrics.log_loss(y, proba),
        "brier": metrics.brier_score_loss(y, proba[:, 1]),
    }


def best(func: Any, repeat: int) -> tuple[float, Any]:
    """The fastest of `repeat` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    """Build the table, time both sides, print the figures and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import dask
    import dask.dataframe as dd
    from sklearn.linear_model import LogisticRegression

    import jupyter_mlops as mlops

    frame = make_table(args.rows)
    features = [f"x{i}" for i in range(N_FEATURES)]
    model = LogisticRegression(max_iter=500).fit(frame[features][:50_000], frame["label"][:50_000])
    partitioned = dd.from_pandas(frame, npartitions=args.partitions).persist()

    sk_seconds, sk = best(lambda: sklearn_metrics(model, frame, features), args.repeat)
    with dask.config.set(scheduler="threads"):
        ours_seconds, ours = best(
            lambda: mlops.evaluate(model, partitioned, "label", importance=False, log=False),
            args.repeat,
        )
        grouped_seconds, _ = best(
            lambda: mlops.evaluate(
                model, partitioned, "label", slices=["group"], sensitive_features=["group"],
                importance=False, log=False,
            ),
            args.repeat,
        )  # fmt: skip
    print(f"rows {args.rows:,} x {N_FEATURES} features, {args.partitions} Dask partitions")
    print(f"scikit-learn metric calls, in memory : {sk_seconds:7.2f} s")
    print(f"mlops.evaluate on Dask               : {ours_seconds:7.2f} s "
          f"({ours_seconds / sk_seconds:.2f}x scikit-learn)")  # fmt: skip
    print(f"  + slices and fairness by group     : {grouped_seconds:7.2f} s "
          f"({grouped_seconds / sk_seconds:.2f}x scikit-learn)")  # fmt: skip
    for key, value in sk.items():
        print(f"  {key:10} sklearn {value:.6f}  mlops {ours.metrics[key]:.6f}")


if __name__ == "__main__":
    main()
