"""Calendar dates in an organization's timezone.

Every date in the product is a local date of the organization (SPEC §1). Instants are
aware datetimes; converting one to a date always goes through zoneinfo, so a session at
23:30 on a DST-change day stays on that day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from momentum.domain.errors import FieldError, InvalidInput

type Timezone = ZoneInfo | str
"""A zoneinfo zone or its IANA name (e.g. "Pacific/Auckland")."""

DAY = timedelta(days=1)

# The supported calendar (SPEC §9: at least 1900-2200), in one place. Every date a caller
# sends, and every date derived from one, stays inside it; Python's own limits (years 1 and
# 9999) are then centuries away from any arithmetic the rules do.
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2200, 12, 31)
# Timestamps: the instant, in UTC, from the first moment of MIN_DATE to the last of MAX_DATE.
MIN_INSTANT = datetime.combine(MIN_DATE, time(0), tzinfo=UTC)
END_INSTANT = datetime.combine(MAX_DATE + DAY, time(0), tzinfo=UTC)
RANGE_TEXT = f"between {MIN_DATE.isoformat()} and {MAX_DATE.isoformat()}"


def zone(tz: Timezone) -> ZoneInfo:
    """The ZoneInfo for `tz` (ZoneInfo caches instances, so this is cheap)."""
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def _require_aware(instant: datetime) -> None:
    # A naive datetime has no instant: guessing its zone is how sessions move days.
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got naive {instant.isoformat()}")


def local_date(instant: datetime, tz: Timezone) -> date:
    """The organization's calendar date of an instant."""
    _require_aware(instant)
    return instant.astimezone(zone(tz)).date()


def today_in(tz: Timezone, now: datetime) -> date:
    """Today in the organization, given the caller's clock reading `now` (aware)."""
    return local_date(now, tz)


def start_of_day(day: date, tz: Timezone) -> datetime:
    """The UTC instant at which `day` begins in `tz` (the nightly run's "the day starts").

    fold=0 resolves a midnight that falls in a DST gap to the transition instant and an
    ambiguous midnight to its first occurrence; both are the first instant of `day`.
    """
    local_midnight = datetime.combine(day, time(0), tzinfo=zone(tz))
    return local_midnight.astimezone(UTC)


def days_between(earlier: date, later: date) -> int:
    """Whole days from `earlier` to `later` (negative when `later` is before)."""
    return (later - earlier).days


def date_in_range(day: date) -> bool:
    """Whether `day` is inside the supported calendar."""
    return MIN_DATE <= day <= MAX_DATE


def instant_in_range(instant: datetime) -> bool:
    """Whether an aware instant is inside the supported calendar (in UTC). Comparing aware
    datetimes never overflows, even for 9999-12-31T22:00-12:00."""
    _require_aware(instant)
    return MIN_INSTANT <= instant < END_INSTANT


def ensure_derived_in_range(day: date | None, loc: tuple[str | int, ...], why: str) -> None:
    """A date the rules computed from what the caller sent (an end from a start and a
    validity...) must stay in the supported calendar too: else a 422 on the field sent."""
    if day is not None and not date_in_range(day):
        raise InvalidInput(
            f"{why[:1].upper()}{why[1:]} would fall on {day.isoformat()}, outside the "
            f"supported dates ({RANGE_TEXT}).",
            errors=[FieldError(loc=loc, msg=f"{why} must be {RANGE_TEXT}")],
        )


# Listed by zoneinfo on some hosts, but not a place: `localtime` is the server's own zone
# (a symlink), `Factory` is tzdata's "zone not yet set" placeholder.
_NOT_PLACES = frozenset({"localtime", "Factory", "posixrules"})


@cache
def _known_zones() -> frozenset[str]:
    # Read lazily and once: listing the tz database costs milliseconds.
    return frozenset(available_timezones()) - _NOT_PLACES


def validate_timezone(name: str, loc: tuple[str | int, ...] = ("body", "timezone")) -> ZoneInfo:
    """An IANA timezone name the organization may use, or InvalidInput (422)."""
    if name == "UTC" or name in _known_zones():
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):  # pragma: no cover - listed but unloadable
            pass
    raise InvalidInput(
        f"'{name}' is not an IANA timezone name",
        errors=[FieldError(loc=loc, msg="must be an IANA timezone name, e.g. Europe/London")],
    )
