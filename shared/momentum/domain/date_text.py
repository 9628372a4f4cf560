"""Dates and times as people write them, in the organization's timezone: "Monday 2 March
2026", "14:30". The one formatter every email uses.

English names are spelled out here rather than taken from strftime's %A/%B, which follow
the process locale (a Lambda and a laptop would write different words).
"""

from __future__ import annotations

from datetime import date, datetime

from momentum.domain.dates import Timezone, local_date, zone

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def day_text(value: date | datetime, tz: Timezone) -> str:
    """'Monday 2 March 2026'. A date is already a day of the organization's calendar (every
    stored date is, SPEC §1) and is written as is; an instant (aware datetime) is written as
    the day it falls on in `tz`."""
    # datetime is a date too: test for it first.
    day = local_date(value, tz) if isinstance(value, datetime) else value
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def time_text(instant: datetime, tz: Timezone) -> str:
    """'14:30': the 24-hour wall-clock time of an aware instant in `tz`."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        # astimezone would read a naive datetime as the server's local time.
        raise ValueError(f"expected an aware datetime, got naive {instant.isoformat()}")
    local = instant.astimezone(zone(tz))
    return f"{local.hour:02d}:{local.minute:02d}"


def when_text(instant: datetime, tz: Timezone) -> str:
    """'Monday 2 March 2026 at 14:30'."""
    return f"{day_text(instant, tz)} at {time_text(instant, tz)}"


def parse_stored(value: str) -> date | datetime:
    """A date ('2026-03-02') or an aware instant ('2026-03-02T01:30:00Z') as stored in an
    email's data. ValueError for anything else, including an instant without an offset."""
    text = value.strip()
    if "T" not in text and len(text) == 10:
        return date.fromisoformat(text)
    instant = datetime.fromisoformat(text)
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"an instant needs an offset: {value!r}")
    return instant
