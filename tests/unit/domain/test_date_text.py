"""Dates as people write them, in the organization's timezone (the one formatter emails use)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from momentum.domain.date_text import day_text, parse_stored, time_text, when_text
from momentum.domain.dates import start_of_day

FAST = settings(max_examples=150, deadline=None)

# Zones with DST on either hemisphere, half-hour and 45-minute offsets, the date line.
ZONES = (
    "UTC",
    "Europe/London",
    "America/Los_Angeles",
    "Pacific/Auckland",
    "Pacific/Honolulu",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Pacific/Kiritimati",
    "America/St_Johns",
)
days = st.dates(min_value=date(1970, 1, 1), max_value=date(2100, 12, 31))
zones = st.sampled_from(ZONES)


class TestWritten:
    def test_a_date_is_written_with_its_weekday_day_month_and_year(self) -> None:
        assert day_text(date(2026, 3, 2), "UTC") == "Monday 2 March 2026"
        assert day_text(date(2026, 12, 31), "UTC") == "Thursday 31 December 2026"

    def test_a_date_is_already_local_and_no_timezone_moves_it(self) -> None:
        assert day_text(date(2026, 3, 2), "Pacific/Auckland") == "Monday 2 March 2026"
        assert day_text(date(2026, 3, 2), "Pacific/Honolulu") == "Monday 2 March 2026"

    def test_a_utc_instant_late_in_the_day_is_the_next_day_in_auckland(self) -> None:
        instant = datetime(2026, 3, 1, 22, 15, tzinfo=UTC)
        assert day_text(instant, "UTC") == "Sunday 1 March 2026"
        # NZDT (+13): 11:15 on 2 March.
        assert day_text(instant, "Pacific/Auckland") == "Monday 2 March 2026"
        assert time_text(instant, "Pacific/Auckland") == "11:15"
        assert when_text(instant, "Pacific/Auckland") == "Monday 2 March 2026 at 11:15"

    def test_times_are_24_hour_with_two_digit_minutes(self) -> None:
        instant = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)
        assert time_text(instant, "Europe/London") == "14:30"
        assert time_text(instant.replace(hour=9, minute=5), "UTC") == "09:05"
        assert time_text(instant, "Asia/Kolkata") == "20:00"

    def test_a_naive_datetime_is_refused_rather_than_guessed(self) -> None:
        with pytest.raises(ValueError, match="naive"):
            day_text(datetime(2026, 3, 2, 14, 30), "UTC")
        with pytest.raises(ValueError, match="naive"):
            time_text(datetime(2026, 3, 2, 14, 30), "UTC")

    def test_stored_values_parse_as_a_date_or_an_aware_instant(self) -> None:
        assert parse_stored("2026-03-02") == date(2026, 3, 2)
        assert parse_stored("2026-03-02T01:30:00Z") == datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
        with pytest.raises(ValueError, match="offset"):
            parse_stored("2026-03-02T01:30:00")
        with pytest.raises(ValueError, match="Invalid isoformat"):
            parse_stored("next Monday")


@FAST
@given(days, zones)
def test_local_midnight_and_the_instant_before_it_are_written_as_different_days(
    day: date, tz: str
) -> None:
    """Every instant from the day's local midnight up to the next one is written as that
    day; the instant before is the day before — whatever the zone's offset or DST."""
    begins = start_of_day(day, tz)
    ends = start_of_day(day + timedelta(days=1), tz) - timedelta(microseconds=1)
    assert day_text(begins, tz) == day_text(day, tz)
    assert day_text(ends, tz) == day_text(day, tz)
    assert day_text(begins - timedelta(microseconds=1), tz) == day_text(day - timedelta(days=1), tz)


@FAST
@given(days, st.times(min_value=time(12, 0)))
def test_an_afternoon_utc_instant_is_already_the_next_day_in_auckland(day: date, at: time) -> None:
    """Auckland is UTC+12 or +13: from noon UTC on, it is the next day there."""
    instant = datetime.combine(day, at, tzinfo=UTC)
    assert day_text(instant, "Pacific/Auckland") == day_text(day + timedelta(days=1), "UTC")


@FAST
@given(days, st.times(max_value=time(9, 59, 59, 999999)))
def test_an_early_utc_instant_is_still_the_previous_day_in_honolulu(day: date, at: time) -> None:
    """Honolulu is UTC-10 (no DST): before 10:00 UTC it is the day before there."""
    instant = datetime.combine(day, at, tzinfo=UTC)
    assert day_text(instant, "Pacific/Honolulu") == day_text(day - timedelta(days=1), "UTC")


@FAST
@given(st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 12, 31)), zones)
def test_what_is_written_reads_back_as_the_local_date_and_time(naive: datetime, tz: str) -> None:
    instant = naive.replace(tzinfo=UTC)
    local = instant.astimezone(ZoneInfo(tz))
    written = when_text(instant, tz)
    # %A/%B/%d are the C locale's English names, as the formatter writes them.
    assert datetime.strptime(written, "%A %d %B %Y at %H:%M") == local.replace(
        second=0, microsecond=0, tzinfo=None
    )
