"""Appointments (SPEC §3): facts, dates in the org's zone, the future-completion rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from momentum.domain.appointments import (
    AppointmentKind,
    AppointmentStatus,
    appointment_facts,
    check_change,
    duration_minutes,
)
from momentum.domain.errors import Conflict, InvalidInput
from momentum.domain.on_track import window_count
from momentum.domain.packages import PackageSummary

from .builders import CANCELLED, COMPLETED, MISSED, SCHEDULED, appt, d


def test_facts_take_the_date_from_the_start_in_the_org_zone() -> None:
    starts = datetime(2024, 3, 11, 6, 30, tzinfo=UTC)  # 23:30 on 10 March in Los Angeles
    facts = appointment_facts(
        id="a1",
        client_id="c1",
        practitioner_id="u1",
        starts_at=starts,
        ends_at=starts + timedelta(minutes=50),
        tz="America/Los_Angeles",
        kind=AppointmentKind.DISCOVERY_CALL,
        status=AppointmentStatus.COMPLETED,
        package_id="p1",
        engagement_id="e1",
    )
    assert (facts.date, facts.duration_minutes, facts.counts) == (d("2024-03-10"), 50, True)


def test_a_session_across_the_dst_change_lasts_its_real_length() -> None:
    london = ZoneInfo("Europe/London")
    start = datetime(2024, 3, 31, 0, 30, tzinfo=london)
    end = datetime(2024, 3, 31, 2, 30, tzinfo=london)  # clocks jump 01:00 -> 02:00
    assert duration_minutes(start, end) == 60


@pytest.mark.parametrize(
    ("start", "end", "loc"),
    [
        (datetime(2024, 5, 1, 10), datetime(2024, 5, 1, 11, tzinfo=UTC), ("body", "starts_at")),
        (datetime(2024, 5, 1, 10, tzinfo=UTC), datetime(2024, 5, 1, 11), ("body", "ends_at")),
        (
            datetime(2024, 5, 1, 10, tzinfo=UTC),
            datetime(2024, 5, 1, 10, tzinfo=UTC),
            ("body", "ends_at"),
        ),
    ],
)
def test_times_need_offsets_and_end_after_start(
    start: datetime, end: datetime, loc: tuple[str, ...]
) -> None:
    with pytest.raises(InvalidInput) as caught:
        duration_minutes(start, end)
    assert caught.value.errors[0].loc == loc


@pytest.mark.parametrize("status", [COMPLETED, CANCELLED, MISSED, SCHEDULED])
def test_only_completed_counts(status: AppointmentStatus) -> None:
    assert appt("a1", "2024-05-01", status).counts is (status is COMPLETED)


@pytest.mark.parametrize(
    ("day", "status", "refused"),
    [
        ("2024-05-02", COMPLETED, True),  # tomorrow
        ("2024-05-01", COMPLETED, False),  # today
        ("2024-04-30", COMPLETED, False),
        ("2024-05-02", SCHEDULED, False),
        ("2024-05-02", CANCELLED, False),
    ],
)
def test_an_appointment_dated_in_the_future_cannot_be_completed(
    day: str, status: AppointmentStatus, refused: bool
) -> None:
    after = appt("a1", day, status)
    if refused:
        with pytest.raises(Conflict, match="future"):
            check_change(after, d("2024-05-01"))
    else:
        check_change(after, d("2024-05-01"))
    check_change(None, d("2024-05-01"))  # deletes are always fine


def test_a_2330_session_on_a_dst_change_day_counts_on_its_local_date_in_its_package() -> None:
    # 23:30 on 10 March 2024 (the US spring-forward day) in Los Angeles is 11 March in UTC.
    starts = datetime(2024, 3, 10, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    facts = appointment_facts(
        id="a1",
        client_id="c1",
        practitioner_id="u1",
        starts_at=starts.astimezone(UTC),
        ends_at=starts.astimezone(UTC) + timedelta(minutes=30),
        tz="America/Los_Angeles",
        status=AppointmentStatus.COMPLETED,
        package_id="p1",
    )
    summary = PackageSummary("p1").apply_change(None, facts)
    assert summary.last_session == d("2024-03-10")
    assert window_count(summary, d("2024-03-10"), 1) == 1
    assert window_count(summary, d("2024-03-11"), 1) == 0
