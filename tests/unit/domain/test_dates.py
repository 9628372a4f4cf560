"""Dates are the organization's local dates; DST must not move a session to another day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from momentum.domain.dates import (
    days_between,
    local_date,
    start_of_day,
    today_in,
    validate_timezone,
    zone,
)
from momentum.domain.errors import InvalidInput

from .builders import d


class TestLocalDate:
    def test_given_a_2330_session_on_the_spring_forward_day_when_dated_then_it_stays_on_that_day(
        self,
    ) -> None:
        # America/Los_Angeles springs forward on 10 March 2024; 23:30 PDT is 06:30 UTC on 11th.
        starts_at = datetime(2024, 3, 10, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
        assert starts_at.astimezone(UTC).date() == d("2024-03-11")
        assert local_date(starts_at, "America/Los_Angeles") == d("2024-03-10")
        assert local_date(starts_at.astimezone(UTC), "America/Los_Angeles") == d("2024-03-10")

    def test_given_a_2330_session_on_the_fall_back_day_when_dated_then_it_stays_on_that_day(
        self,
    ) -> None:
        # Europe/London falls back on 27 October 2024; 23:30 GMT == 23:30 UTC.
        instant = datetime(2024, 10, 27, 23, 30, tzinfo=UTC)
        assert local_date(instant, "Europe/London") == d("2024-10-27")
        # Auckland's DST starts 29 Sep 2024: 23:30 NZDT is 10:30 UTC the same day.
        auckland = datetime(2024, 9, 29, 23, 30, tzinfo=ZoneInfo("Pacific/Auckland"))
        assert local_date(auckland.astimezone(UTC), "Pacific/Auckland") == d("2024-09-29")

    def test_given_one_instant_when_read_in_auckland_and_los_angeles_then_todays_differ(
        self,
    ) -> None:
        now = datetime(2024, 5, 1, 20, 0, tzinfo=UTC)
        assert today_in("Pacific/Auckland", now) == d("2024-05-02")
        assert today_in(ZoneInfo("America/Los_Angeles"), now) == d("2024-05-01")

    def test_given_a_naive_datetime_when_dated_then_it_is_refused(self) -> None:
        with pytest.raises(ValueError, match="naive"):
            local_date(datetime(2024, 5, 1, 10, 0), "UTC")


class TestStartOfDay:
    @pytest.mark.parametrize(
        ("day", "tz", "expected_utc"),
        [
            ("2024-05-01", "UTC", datetime(2024, 5, 1, tzinfo=UTC)),
            ("2024-05-02", "Pacific/Auckland", datetime(2024, 5, 1, 12, tzinfo=UTC)),
            ("2024-03-10", "America/Los_Angeles", datetime(2024, 3, 10, 8, tzinfo=UTC)),
            ("2024-03-11", "America/Los_Angeles", datetime(2024, 3, 11, 7, tzinfo=UTC)),
            # Sao Paulo skipped midnight on 4 Nov 2018: the day began at 01:00 local.
            ("2018-11-04", "America/Sao_Paulo", datetime(2018, 11, 4, 3, tzinfo=UTC)),
        ],
    )
    def test_given_a_day_when_asked_its_start_then_it_is_the_first_instant_of_that_local_day(
        self, day: str, tz: str, expected_utc: datetime
    ) -> None:
        start = start_of_day(d(day), tz)
        assert start == expected_utc
        assert start.tzinfo is UTC
        assert local_date(start, tz) == d(day)
        assert local_date(start - timedelta(seconds=1), tz) == d(day) - timedelta(days=1)


class TestTimezones:
    @pytest.mark.parametrize("name", ["UTC", "Europe/London", "Pacific/Auckland"])
    def test_given_an_iana_name_when_validated_then_the_zone_is_returned(self, name: str) -> None:
        assert validate_timezone(name) == ZoneInfo(name)
        assert zone(name) is zone(ZoneInfo(name))

    @pytest.mark.parametrize("name", ["", "Mars/Olympus", "../etc/passwd", "Europe/london"])
    def test_given_an_unknown_name_when_validated_then_422_on_the_timezone_field(
        self, name: str
    ) -> None:
        with pytest.raises(InvalidInput) as caught:
            validate_timezone(name)
        assert caught.value.errors[0].loc == ("body", "timezone")

    def test_days_between(self) -> None:
        assert days_between(d("2024-05-01"), d("2024-05-31")) == 30
        assert days_between(d("2024-05-31"), d("2024-05-01")) == -30
