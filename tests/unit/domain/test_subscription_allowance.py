"""SPEC §4: a subscription's sessions left are those of the current period. Once a period's
allowance is used, an appointment dated in that period is refused (409) and the open list
leaves the package out until the next period begins."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from momentum.domain.errors import Conflict
from momentum.domain.packages import (
    Package,
    PackageKind,
    PackageSize,
    PackageSummary,
    Period,
    can_take_appointments,
    ensure_can_take_appointment,
    is_open,
    outstanding,
    subscription_period,
    used_up_period,
)

from .builders import appt, d, sessions_on

FAST = settings(max_examples=200, deadline=None)


def subscription(period: Period, amount: int, start: date) -> Package:
    return Package("p1", "c1", PackageSize(PackageKind.SUBSCRIPTION, amount, period=period), start)


def naive_period(package: Package, day: date) -> tuple[date, date]:
    """Walk the periods from the start: weeks of 7 days; months beginning on the start's
    day of the month, clamped to the month's length (31 Jan, 29 Feb, 31 Mar...)."""
    start = package.start_date

    def begin(index: int) -> date:
        if package.size.period is Period.WEEK:
            return start + timedelta(days=7 * index)
        year, month = divmod(start.month - 1 + index, 12)
        year += start.year
        return date(year, month + 1, min(start.day, calendar.monthrange(year, month + 1)[1]))

    index = 0
    while begin(index + 1) <= day:
        index += 1
    return begin(index), begin(index + 1) - timedelta(days=1)


starts = st.dates(date(2023, 1, 1), date(2025, 12, 31))
periods = st.sampled_from(list(Period))


@FAST
@given(periods, starts, st.integers(0, 800))
def test_the_period_of_a_day_is_the_one_that_contains_it_and_periods_tile(
    period: Period, start: date, offset: int
) -> None:
    package = subscription(period, 2, start)
    day = start + timedelta(days=offset)
    first, last = subscription_period(package, day)
    assert (first, last) == naive_period(package, day)
    assert first <= day <= last
    # The next period starts the day after this one ends, and the day before it is this one.
    assert subscription_period(package, last + timedelta(days=1))[0] == last + timedelta(days=1)
    assert subscription_period(package, last) == (first, last)
    assert subscription_period(package, first) == (first, last)


@FAST
@given(
    periods,
    starts,
    st.integers(1, 4),
    st.lists(st.integers(0, 120), max_size=10),
    st.integers(0, 120),
)
def test_an_appointment_is_refused_exactly_when_its_periods_allowance_is_used(
    period: Period, start: date, amount: int, session_offsets: list[int], offset: int
) -> None:
    package = subscription(period, amount, start)
    sessions = [start + timedelta(days=o) for o in session_offsets]
    summary = sessions_on(*(s.isoformat() for s in sessions))
    day = start + timedelta(days=offset)
    first, last = naive_period(package, day)
    used = sum(1 for s in sessions if first <= s <= last)
    today = start  # the lifecycle is open throughout: only the allowance decides
    if used >= amount:
        with pytest.raises(Conflict) as refused:
            ensure_can_take_appointment(package, summary, today, day)
        assert f"{first} to {last}" in refused.value.detail
        assert f"from {last + timedelta(days=1)}" in refused.value.detail
        assert used_up_period(package, summary, day) == (first, last)
    else:
        ensure_can_take_appointment(package, summary, today, day)
        assert used_up_period(package, summary, day) is None
    assert outstanding(package, summary, day) == max(amount - used, 0)
    # Offered by the forms on `day` exactly when that period has sessions left; still open
    # (active) either way, so On track keeps tracking it.
    assert can_take_appointments(package, summary, day) is (used < amount)
    assert is_open(package, summary, day)


@FAST
@given(periods, starts, st.integers(1, 4), st.integers(0, 400), st.data())
def test_the_last_day_of_a_used_period_is_refused_and_the_next_day_is_taken(
    period: Period, start: date, amount: int, offset: int, data: st.DataObject
) -> None:
    package = subscription(period, amount, start)
    first, last = subscription_period(package, start + timedelta(days=offset))
    length = (last - first).days
    days_used = data.draw(st.lists(st.integers(0, length), min_size=amount, max_size=amount))
    summary = PackageSummary("p1")
    for index, used in enumerate(days_used):
        summary = summary.apply_change(None, appt(f"a{index}", first + timedelta(days=used)))
    with pytest.raises(Conflict):
        ensure_can_take_appointment(package, summary, first, last)
    with pytest.raises(Conflict):
        ensure_can_take_appointment(package, summary, first, first)
    following = last + timedelta(days=1)
    ensure_can_take_appointment(package, summary, first, following)
    assert not can_take_appointments(package, summary, last)
    assert can_take_appointments(package, summary, following)


def test_four_a_month_from_the_15th_then_a_fifth_before_the_next_15th_is_refused() -> None:
    monthly = subscription(Period.MONTH, 4, d("2024-01-15"))
    three = sessions_on("2024-05-15", "2024-05-20", "2024-05-27")
    ensure_can_take_appointment(monthly, three, d("2024-06-03"), d("2024-06-10"))
    four = three.apply_change(None, appt("x", "2024-06-03"))
    with pytest.raises(Conflict, match="allowance of 4 sessions per month is used up"):
        ensure_can_take_appointment(monthly, four, d("2024-06-04"), d("2024-06-14"))
    ensure_can_take_appointment(monthly, four, d("2024-06-04"), d("2024-06-15"))
    assert not can_take_appointments(monthly, four, d("2024-06-14"))
    assert can_take_appointments(monthly, four, d("2024-06-15"))


def test_fixed_and_usage_packages_have_no_period_allowance() -> None:
    for size in (PackageSize(PackageKind.FIXED, 1), PackageSize(PackageKind.USAGE)):
        package = Package("p1", "c1", size, d("2024-01-01"))
        assert used_up_period(package, sessions_on("2024-01-02"), d("2024-01-02")) is None
