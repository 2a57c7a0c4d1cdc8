"""The drift tests by name, as a registry a user adds to (like Evidently's `register_stattest`).

A test is a function of two column summaries (`summaries.ColumnSummary`: a numeric or datetime
column's `sketch` holds its values and weights, every column's `stat_tests.value_counts` its
counts) returning `(statistic, p_value)`. A test that returns a p-value finds drift below its
threshold; one that returns None for it (a distance) at or above it. Each test names the column
kinds it applies to and its default threshold:

    register_stat_test("mean_shift", mean_shift, kinds=("numeric",), threshold=0.5)

`drift(..., tests=...)` and monitors then take it by name: one name for every column of its
kinds, `{column: name}`, or `{"kind:numeric": name}` for every column of a kind. An unknown name
is a 400 naming the field. The built-in tests (`stat_tests.py`, numpy and scipy) are registered
here and imported on their first run, so checking a monitor's settings imports neither.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..core.errors import MLOpsError

if TYPE_CHECKING:
    from .summaries import ColumnSummary

StatFunction = Callable[["ColumnSummary", "ColumnSummary"], tuple[float, "float | None"]]
NoiseFunction = Callable[["ColumnSummary", "ColumnSummary"], float]
# The column kinds of `summaries` (here as well, so that this module imports no numpy).
KINDS = ("numeric", "categorical", "boolean", "datetime")
# `tests` keys naming a kind rather than a column: {"kind:numeric": "psi"}.
KIND_PREFIX = "kind:"


@dataclass(frozen=True)
class StatTest:
    """A registered test: its function, the column kinds it applies to, its default threshold,
    and optionally the statistic expected with no drift at the samples' sizes (`noise`; the
    statistic is judged net of it)."""

    name: str
    function: StatFunction
    kinds: tuple[str, ...]
    threshold: float
    description: str = ""
    noise: NoiseFunction | None = None

    @property
    def numeric(self) -> bool:
        """Whether it reads values (a sketch) rather than counts."""
        return set(self.kinds) <= {"numeric", "datetime"}

    def applies_to(self, reference: ColumnSummary, current: ColumnSummary | None = None) -> bool:
        """Whether it can run on this column: its kind, and values to read for a numeric test."""
        sides = [reference] if current is None else [reference, current]
        return reference.kind in self.kinds and not (
            self.numeric and any(side.sketch is None for side in sides)
        )


@dataclass
class TestResult:
    """A test's outcome: p-value tests drift below the threshold, distances at or above it."""

    test: str
    statistic: float
    p_value: float | None
    threshold: float
    drifted: bool
    # What the statistic is expected to be with no drift at these sample sizes (None: not
    # estimated); a distance is judged after taking this sampling noise out.
    noise: float | None = None


_TESTS: dict[str, StatTest] = {}


def register_stat_test(
    name: str,
    function: StatFunction,
    *,
    kinds: tuple[str, ...] | list[str],
    threshold: float,
    description: str = "",
    noise: NoiseFunction | None = None,
) -> StatTest:
    """Make `function` the drift test `name` for columns of `kinds` (replacing a test of that
    name). `threshold`: a p-value for tests that return one, else a distance."""
    if not name or not name.replace("_", "").replace("-", "").isalnum():
        raise ValueError("a stat test's name is letters, digits, - or _")
    unknown = [kind for kind in kinds if kind not in KINDS]
    if not kinds or unknown:
        raise ValueError(f"kinds are among {', '.join(KINDS)}, not {unknown or 'none'}")
    if not callable(function):
        raise TypeError("a stat test is a function of two column summaries")
    if isinstance(threshold, bool) or not math.isfinite(threshold) or threshold < 0:
        raise ValueError("a stat test's threshold is a finite number >= 0")
    test = StatTest(name, function, tuple(kinds), float(threshold), description, noise)
    _TESTS[name] = test
    return test


def unregister_stat_test(name: str) -> None:
    """Remove a test (reports and monitors naming it are then refused, saying so)."""
    _TESTS.pop(name, None)


def stat_test_names() -> list[str]:
    """The registered tests' names, in registration order."""
    return list(_TESTS)


def stat_test(name: str, field: str = "tests") -> StatTest:
    """The test registered as `name`; a 400 naming `field` and listing them otherwise."""
    test = _TESTS.get(name)
    if test is None:
        raise MLOpsError(
            f"unknown drift test {name!r}: use one of {', '.join(_TESTS)}", field=field
        )
    return test


def check_tests(tests: str | dict[str, str] | None, field: str = "tests") -> None:
    """`tests` as `drift` and monitors take them: registered names, and `kind:` keys naming a
    kind the test applies to (a 400 naming `field` or `field.key`)."""
    if tests is None or isinstance(tests, str):
        if tests is not None:
            stat_test(tests, field)
        return
    for key, name in tests.items():
        where = f"{field}.{key}"
        if not isinstance(name, str):
            raise MLOpsError("a drift test is given by its name", field=where)
        test = stat_test(name, where)
        if key.startswith(KIND_PREFIX):
            kind = key[len(KIND_PREFIX) :]
            if kind not in KINDS:
                raise MLOpsError(f"{kind!r} is not a column kind: {', '.join(KINDS)}", field=where)
            if kind not in test.kinds:
                raise MLOpsError(f"{name} applies to {', '.join(test.kinds)} columns", field=where)


def run_test(
    name: str, reference: ColumnSummary, current: ColumnSummary, threshold: float | None = None
) -> TestResult:
    """Run the test `name` on two summaries of one column (a ValueError if it does not apply
    to the column's kind)."""
    from .stat_tests import rebinned, rescaled

    test = _TESTS.get(name)
    if test is None:
        raise ValueError(f"unknown drift test {name!r}: use one of {', '.join(_TESTS)}")
    if not test.applies_to(reference, current):
        raise ValueError(
            f"{name} applies to {', '.join(test.kinds)} columns, "
            f"{reference.name!r} is {reference.kind}"
        )
    limit = test.threshold if threshold is None else float(threshold)
    if test.numeric:
        reference, current = rescaled(reference, current)
    if reference.bin_edges is not None and current.sketch is not None:
        # A reference known only as a histogram: put the current values in the same bins, so
        # that binning alone does not look like drift.
        import numpy as np

        current = rebinned(current, np.asarray(reference.bin_edges, dtype=np.float64))
    statistic, p_value = test.function(reference, current)
    noise = None
    if p_value is not None:
        drifted = p_value < limit
    elif test.noise is not None:
        noise = test.noise(reference, current)
        # Squared distances add: take the noise's share out before comparing.
        drifted = math.sqrt(max(statistic**2 - noise**2, 0.0)) >= limit
    else:
        drifted = statistic >= limit
    return TestResult(name, statistic, p_value, limit, bool(drifted), noise)


def _builtin(name: str) -> StatFunction:
    """The built-in test `name` of `stat_tests`, imported (numpy, scipy) on its first run."""

    def run(reference: ColumnSummary, current: ColumnSummary) -> tuple[float, float | None]:
        from .stat_tests import BUILTIN

        function: StatFunction = BUILTIN[name]
        return function(reference, current)

    run.__name__ = name
    return run


def _jensenshannon_noise(reference: ColumnSummary, current: ColumnSummary) -> float:
    from .stat_tests import jensenshannon_noise

    return jensenshannon_noise(reference, current)


_NUMERIC = ("numeric", "datetime")
register_stat_test(
    "ks", _builtin("ks"), kinds=_NUMERIC, threshold=0.05, description="Kolmogorov-Smirnov"
)
register_stat_test(
    "wasserstein",
    _builtin("wasserstein"),
    kinds=_NUMERIC,
    threshold=0.1,
    description="Wasserstein distance / the reference's std",
)
register_stat_test(
    "psi", _builtin("psi"), kinds=_NUMERIC, threshold=0.1, description="population stability"
)
register_stat_test(
    "chisquare", _builtin("chisquare"), kinds=KINDS, threshold=0.05, description="chi-square"
)
register_stat_test(
    "ztest", _builtin("ztest"), kinds=KINDS, threshold=0.05, description="proportion z-test"
)
register_stat_test(
    "jensenshannon",
    _builtin("jensenshannon"),
    kinds=KINDS,
    threshold=0.1,
    description="Jensen-Shannon distance, net of its sampling noise",
    noise=_jensenshannon_noise,
)
register_stat_test(
    "heavy_hitters",
    _builtin("heavy_hitters"),
    kinds=KINDS,
    threshold=0.1,
    description="total variation over the values holding >= 1% of the reference",
)
