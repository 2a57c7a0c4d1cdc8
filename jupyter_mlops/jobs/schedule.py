"""Cron schedules: validation, a short human description and the firing times (croniter).

Times are epoch milliseconds; a schedule is read in its job's IANA timezone, so "0 2 * * *" in
Europe/Berlin fires at 02:00 Berlin time across daylight-saving changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..core.errors import MLOpsError
from ..core.query import is_decimal

_DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]  # fmt: skip
# The five fields, each with the range its values (and so its steps) live in.
_FIELDS = [("minute", 0, 59), ("hour", 0, 23), ("day", 1, 31), ("month", 1, 12), ("weekday", 0, 6)]
_ALIASES = {
    "@hourly": "0 * * * *",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@weekly": "0 0 * * 0",
    "@monthly": "0 0 1 * *",
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
}


def check_timezone(name: str) -> ZoneInfo:
    """The zone named `name`; an unknown name is a 400 naming `timezone`."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise MLOpsError(f"unknown timezone {name!r}", field="timezone") from None


def check_cron(expression: str) -> str:
    """`expression` normalised (aliases expanded); a bad one is a 400 naming `schedule`."""
    from croniter import croniter

    text = " ".join(expression.split())
    text = _ALIASES.get(text.lower(), text)
    if len(text.split()) != 5 or any(ord(c) < 32 for c in text) or not _valid(text):
        raise MLOpsError(
            f"{expression!r} is not a cron schedule (five fields: minute hour day month "
            "weekday, e.g. '0 2 * * *')",
            field="schedule",
        )
    _check_steps(expression, text)
    try:
        croniter(text, datetime(2026, 1, 1, tzinfo=timezone.utc)).get_next(datetime)
    except Exception:  # e.g. "0 0 30 2 *": croniter gives up looking for a Feb 30
        raise MLOpsError(f"{expression!r} never fires", field="schedule") from None
    return text


def _check_steps(expression: str, text: str) -> None:
    """Refuse a step longer than its field: croniter takes `*/1000000000` in the minute field,
    which fires at minute 0 of every hour, not "every 1000000000 minutes"."""
    for (name, low, high), field_text in zip(_FIELDS, text.split(), strict=True):
        for part in field_text.split(","):
            _, slash, step = part.partition("/")
            if slash and is_decimal(step) and not 1 <= int(step) <= high - low + 1:
                raise MLOpsError(
                    f"{expression!r}: the {name} field's step /{step} is beyond its range "
                    f"({low}-{high}); a step is 1 to {high - low + 1}",
                    field="schedule",
                )


def _valid(text: str) -> bool:
    from croniter import croniter

    try:
        return bool(croniter.is_valid(text))
    except Exception:  # croniter raises on some malformed fields instead of answering
        return False


def firings(expression: str, tz: str, after_ms: int) -> Iterator[int]:
    """Firing times strictly after `after_ms`, in order (an endless iterator)."""
    from croniter import croniter

    zone = check_timezone(tz)
    start = datetime.fromtimestamp(after_ms / 1000, tz=timezone.utc).astimezone(zone)
    it = croniter(expression, start)
    while True:
        moment = it.get_next(datetime)
        yield int(moment.timestamp() * 1000)


def next_times(expression: str, tz: str, after_ms: int, count: int = 3) -> list[int]:
    """The next `count` firing times after `after_ms`."""
    it = firings(expression, tz, after_ms)
    return [next(it) for _ in range(count)]


def due_firings(expression: str, tz: str, after_ms: int, now_ms: int) -> list[int]:
    """Firing times in `(after_ms, now_ms]`, in order (at most the last 1,000)."""
    found: list[int] = []
    for moment in firings(expression, tz, after_ms):
        if moment > now_ms:
            break
        found.append(moment)
        if len(found) > 1000:
            found.pop(0)
    return found


def _at(minute: str, hour: str) -> str | None:
    if is_decimal(minute) and is_decimal(hour):
        return f"{int(hour):02d}:{int(minute):02d}"
    return None


def _divides(step: str, span: int) -> bool:
    # `*/7` restarts at 0 each hour (..., :49, :56, :00): not "every 7 minutes".
    return is_decimal(step) and span % int(step) == 0


def _list_of(field_text: str, names: list[str], offset: int) -> str | None:
    parts = field_text.split(",")
    if all(is_decimal(part) for part in parts):
        try:
            return ", ".join(names[(int(part) - offset) % len(names)] for part in parts)
        except IndexError:
            return None
    if "-" in field_text and all(is_decimal(p) for p in field_text.split("-")):
        low, high = (int(p) for p in field_text.split("-"))
        return f"{names[(low - offset) % len(names)]} to {names[(high - offset) % len(names)]}"
    return None


def describe(expression: str, tz: str = "UTC") -> str:
    """A short English reading of a cron schedule, e.g. "every day at 02:00 (Europe/Berlin)".

    Common shapes get words; anything else is shown as its cron fields.
    """
    minute, hour, day, month, weekday = check_cron(expression).split()
    at = _at(minute, hour)
    text: str | None = None
    if (day, month, weekday) == ("*", "*", "*"):
        if at:
            text = f"every day at {at}"
        elif (minute, hour) == ("*", "*"):
            text = "every minute"
        elif minute.startswith("*/") and hour == "*" and _divides(minute[2:], 60):
            text = f"every {minute[2:]} minutes"
        elif is_decimal(minute) and hour == "*":
            text = f"every hour at minute {int(minute)}"
        elif is_decimal(minute) and hour.startswith("*/") and _divides(hour[2:], 24):
            text = f"every {hour[2:]} hours at minute {int(minute)}"
    elif at and (day, month) == ("*", "*"):
        days = _list_of(weekday, _DAYS, 0)
        if weekday == "1-5":
            days = "weekday"
        if days:
            text = f"every {days} at {at}"
    elif at and weekday == "*" and is_decimal(day):
        if month == "*":
            text = f"on day {int(day)} of every month at {at}"
        else:
            months = _list_of(month, _MONTHS, 1)
            if months:
                text = f"every {months} {int(day)} at {at}"
    if text is None:
        text = f"cron '{minute} {hour} {day} {month} {weekday}'"
    return f"{text} ({tz})"
