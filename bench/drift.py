"""Drift benchmark: `jupyter_mlops.drift` beside scipy computed directly, and Evidently.

A deterministic pair of tables, 1M reference and 1M current rows by default, 20 columns (12
numeric, 4 categorical of cardinality 5 / 50 / 1,000 / 100,000, 2 binary, 1 integer, 1
datetime) where exactly 3 columns are shifted in the current table (`num_0` by +0.2 std,
`cat_5` towards one value, `bin_0` from 30% to 50% true). Each tool runs in a fresh process
that builds the tables first, so peaks do not mix; memory is the process's resident set
sampled every 5 ms, minus the resident set once the tables are built.

- jupyter-mlops: `mlops.drift(reference, current)` (summaries once per side, then tests);
- scipy, directly on the raw columns: KS and PSI (10 reference deciles) for numeric columns
  (drifted: PSI >= 0.1, or KS p < 0.05 with a gap >= 0.05), chi-square on the contingency
  table for categorical ones (p < 0.05: this is where ids get flagged on noise);
- Evidently's `DataDriftPreset`, when importable (it is not a dependency: pass
  `--evidently-python` an interpreter that has it, or it is skipped with a note).

    .venv/bin/python bench/drift.py                # 1M vs 1M
    .venv/bin/python bench/drift.py --rows 100000
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pandas as pd

SHIFTED = ("num_0", "cat_5", "bin_0")


def make_tables(n_rows: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The reference and current tables (deterministic for a seed)."""
    rng = np.random.default_rng(seed)

    def table(current: bool) -> pd.DataFrame:
        columns: dict[str, object] = {}
        for i in range(12):
            values = (
                rng.normal(i, 1 + i % 3, n_rows) if i % 2 == 0 else rng.lognormal(0, 0.5, n_rows)
            )
            if current and i == 0:
                values = values + 0.2
            columns[f"num_{i}"] = values
        for cardinality in (5, 50, 1_000, 100_000):
            codes = rng.integers(0, cardinality, n_rows)
            if current and cardinality == 5:
                codes = np.where(rng.random(n_rows) < 0.2, 0, codes)
            prefix = "id" if cardinality >= 100_000 else "v"
            columns[f"cat_{cardinality}"] = np.char.add(prefix, codes.astype(str))
        columns["bin_0"] = rng.random(n_rows) < (0.5 if current else 0.3)
        columns["bin_1"] = rng.random(n_rows) < 0.5
        columns["int_0"] = rng.integers(0, 100, n_rows)
        start = np.datetime64("2026-01-01T00:00:00", "s").astype(np.int64)
        columns["when"] = pd.to_datetime(start + rng.integers(0, 86_400 * 30, n_rows), unit="s")
        return pd.DataFrame(columns)

    return table(False), table(True)


def run_ours(reference: pd.DataFrame, current: pd.DataFrame) -> list[str]:
    import jupyter_mlops as mlops

    return mlops.drift(reference, current).drifted_columns


def run_scipy(reference: pd.DataFrame, current: pd.DataFrame) -> list[str]:
    from scipy import stats

    drifted = []
    for name in reference.columns:
        ref, cur = reference[name], current[name]
        if (pd.api.types.is_numeric_dtype(ref) and not pd.api.types.is_bool_dtype(ref)) or (
            pd.api.types.is_datetime64_any_dtype(ref)
        ):
            a = (
                ref.to_numpy(np.float64)
                if not pd.api.types.is_datetime64_any_dtype(ref)
                else (ref.astype("int64").to_numpy(np.float64))
            )
            b = (
                cur.to_numpy(np.float64)
                if not pd.api.types.is_datetime64_any_dtype(cur)
                else (cur.astype("int64").to_numpy(np.float64))
            )
            ks = stats.ks_2samp(a, b)
            cuts = np.unique(np.quantile(a, np.linspace(0, 1, 11)[1:-1]))
            p = (
                np.bincount(np.searchsorted(cuts, a, side="right"), minlength=cuts.size + 1)
                / a.size
            )
            q = (
                np.bincount(np.searchsorted(cuts, b, side="right"), minlength=cuts.size + 1)
                / b.size
            )
            p, q = np.where(p == 0, 1e-4, p), np.where(q == 0, 1e-4, q)
            psi = float(((p - q) * np.log(p / q)).sum())
            # KS p-values at a million rows flag any wobble; PSI is the verdict most teams use.
            if psi >= 0.1 or (ks.pvalue < 0.05 and ks.statistic >= 0.05):
                drifted.append(name)
        else:
            table = pd.crosstab(
                np.r_[np.zeros(len(ref)), np.ones(len(cur))],
                np.r_[ref.astype(str).to_numpy(), cur.astype(str).to_numpy()],
            )
            if stats.chi2_contingency(table.to_numpy()).pvalue < 0.05:
                drifted.append(name)
    return drifted


def run_evidently(reference: pd.DataFrame, current: pd.DataFrame) -> list[str]:
    from evidently import Report
    from evidently.presets import DataDriftPreset

    result = Report([DataDriftPreset()]).run(reference_data=reference, current_data=current)
    drifted = []
    for metric in result.dict()["metrics"]:
        config = metric.get("config", {})
        if not str(config.get("type", "")).endswith("ValueDrift"):
            continue
        value, threshold = float(metric["value"]), float(config["threshold"])
        # p-value tests drift below their threshold, distances at or above it.
        if "p_value" in str(config.get("method")):
            if value < threshold:
                drifted.append(config["column"])
        elif value >= threshold:
            drifted.append(config["column"])
    return drifted


TOOLS = {"jupyter-mlops": run_ours, "scipy direct": run_scipy, "evidently": run_evidently}


def _rss() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakRss:
    """The process's resident set while the block runs, sampled every 5 ms: `base` at entry,
    `peak` the highest seen (both in bytes)."""

    def __enter__(self) -> PeakRss:
        self.base = self.peak = _rss()
        self._done = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        return self

    def _sample(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, _rss())
            time.sleep(0.005)

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._sampler.join()


def _measure(tool: str, n_rows: int, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    reference, current = make_tables(n_rows)
    with PeakRss() as memory:
        started = time.perf_counter()
        try:
            drifted = TOOLS[tool](reference, current)
            error = None
        except Exception as exc:  # report the peer's failure, keep benchmarking the others
            drifted, error = [], f"{type(exc).__name__}: {exc}"
        elapsed = time.perf_counter() - started
    peak_mb = (memory.peak - memory.base) / 1e6
    out.put({"seconds": elapsed, "peak_mb": peak_mb, "drifted": drifted, "error": error})


def measure(tool: str, n_rows: int) -> dict[str, object]:
    """Run one tool in a fresh process; its time, extra peak memory and drifted columns."""
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    process = multiprocessing.get_context("fork").Process(
        target=_measure, args=(tool, n_rows, queue)
    )
    process.start()
    result = queue.get()
    process.join()
    return result  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--evidently-python", help="an interpreter with evidently installed")
    args = parser.parse_args()
    print(
        f"drift: {args.rows:,} reference vs {args.rows:,} current rows, 20 columns, shifted: "
        f"{', '.join(SHIFTED)}"
    )
    results: dict[str, dict[str, object]] = {}
    for tool in ("jupyter-mlops", "scipy direct"):
        results[tool] = measure(tool, args.rows)
    try:
        import evidently  # noqa: F401

        results["evidently"] = measure("evidently", args.rows)
    except ImportError:
        if args.evidently_python:
            output = subprocess.run(
                [args.evidently_python, __file__, "--rows", str(args.rows), "--only-evidently"],
                capture_output=True,
                text=True,
                check=False,
            )
            lines = output.stdout.strip().splitlines()
            if output.returncode == 0 and lines:
                results["evidently"] = json.loads(lines[-1])
            else:
                print(f"evidently failed: {output.stderr[-2000:]}")
        else:
            print("evidently: not installed here (pass --evidently-python), skipped")
    ours = float(results["jupyter-mlops"]["seconds"])  # type: ignore[arg-type]
    print(f"{'tool':<15} {'seconds':>9} {'peak MB':>9} {'vs ours':>8}  flagged")
    for tool, result in results.items():
        seconds = float(result["seconds"])  # type: ignore[arg-type]
        flagged = result["error"] or ", ".join(result["drifted"]) or "none"  # type: ignore[arg-type]
        exact = (
            ""
            if result["error"]
            else (
                " (exactly the shifted)" if set(result["drifted"]) == set(SHIFTED) else ""  # type: ignore[arg-type]
            )
        )
        print(
            f"{tool:<15} {seconds:>9.2f} {float(result['peak_mb']):>9.0f} "  # type: ignore[arg-type]
            f"{seconds / ours:>7.1f}x  {flagged}{exact}"
        )
    print(
        json.dumps(
            {tool: {k: v for k, v in r.items() if k != "drifted"} for tool, r in results.items()}
        )
    )


if __name__ == "__main__":
    if "--only-evidently" in sys.argv:
        rows = int(sys.argv[sys.argv.index("--rows") + 1])
        print(json.dumps(measure("evidently", rows)))
    else:
        main()
