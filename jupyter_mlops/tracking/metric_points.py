"""The step and timestamp of a metric point, checked where it is logged.

The store keeps both as signed 64-bit integers. A point outside that range (`step=2**70`) or
of the wrong type would be refused only later, by the database, inside a batch written in the
background: so it is refused here, at the `log_metric` call, with an error naming the field.
"""

from __future__ import annotations

import numbers

from ..core.errors import MLOpsError

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def metric_step(key: str, step: object) -> int:
    """A step as an int in the store's range (0 when None); floats must be whole numbers."""
    if step is None:
        return 0
    if type(step) is int and INT64_MIN <= step <= INT64_MAX:
        return step
    return _checked_int(key, step, "step", INT64_MIN)


def metric_timestamp(key: str, timestamp: object) -> int:
    """A timestamp in ms since the epoch: a whole number from 0 to 2**63-1."""
    if type(timestamp) is int and 0 <= timestamp <= INT64_MAX:
        return timestamp
    return _checked_int(key, timestamp, "timestamp", 0)


def _checked_int(key: str, value: object, what: str, lowest: int) -> int:
    field = f"metrics.{key}.{what}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise MLOpsError(
            f"the {what} of metric {key!r} must be an integer, not {type(value).__name__}",
            field=field,
        )
    if isinstance(value, numbers.Integral):
        number = int(value)
    else:
        as_float = float(value)
        if not as_float.is_integer():  # also NaN and infinities
            raise MLOpsError(
                f"the {what} of metric {key!r} must be a whole number, not {value!r}", field=field
            )
        number = int(as_float)
    if not lowest <= number <= INT64_MAX:
        raise MLOpsError(
            f"the {what} of metric {key!r} must be between {lowest} and {INT64_MAX}, not {number}",
            field=field,
        )
    return number
