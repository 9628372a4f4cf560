"""Packages (SPEC §4): kinds, lifecycle, outstanding, renewal, the package summary."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from momentum.domain.errors import Conflict, InvalidInput
from momentum.domain.packages import (
    Lifecycle,
    Package,
    PackageKind,
    PackageSize,
    PackageSummary,
    Period,
    Unit,
    end_date_for,
    ensure_can_take_appointment,
    is_open,
    lifecycle_on,
    outstanding,
    package_for_new_appointment,
    package_size,
    renewal_of,
    subscription_period,
    used_up_on,
    validate_dates,
)

from .builders import CANCELLED, MISSED, SCHEDULED, appt, d, package_summary, sessions_on

TEN_SESSIONS = PackageSize(PackageKind.FIXED, 10)


def fixed(amount: int = 10, **changes: object) -> Package:
    fields: dict[str, object] = {
        "id": "p1",
        "client_id": "c1",
        "size": PackageSize(PackageKind.FIXED, amount),
        "start_date": d("2024-05-01"),
        "end_date": d("2024-05-31"),
    }
    fields.update(changes)
    return Package(**fields)  # type: ignore[arg-type]


EMPTY = PackageSummary("p1")


class TestSize:
    @pytest.mark.parametrize(
        ("kind", "amount", "unit", "period"),
        [
            (PackageKind.FIXED, 10, Unit.SESSIONS, None),
            (PackageKind.FIXED, 5, Unit.HOURS, None),
            (PackageKind.SUBSCRIPTION, 2, Unit.SESSIONS, Period.WEEK),
            (PackageKind.SUBSCRIPTION, 4, Unit.SESSIONS, Period.MONTH),
            (PackageKind.USAGE, None, Unit.SESSIONS, None),
        ],
    )
    def test_valid_sizes(
        self, kind: PackageKind, amount: int | None, unit: Unit, period: Period | None
    ) -> None:
        assert package_size(kind, amount, unit, period) == PackageSize(kind, amount, unit, period)

    @pytest.mark.parametrize(
        ("kind", "amount", "unit", "period", "fields"),
        [
            (PackageKind.FIXED, 0, Unit.SESSIONS, None, {"size"}),
            (PackageKind.FIXED, None, Unit.SESSIONS, Period.WEEK, {"size", "period"}),
            (PackageKind.SUBSCRIPTION, 2, Unit.HOURS, None, {"period", "unit"}),
            (PackageKind.USAGE, 3, Unit.HOURS, None, {"size", "unit"}),
        ],
    )
    def test_given_fields_that_do_not_fit_the_kind_then_422_names_each(
        self,
        kind: PackageKind,
        amount: int | None,
        unit: Unit,
        period: Period | None,
        fields: set[str],
    ) -> None:
        with pytest.raises(InvalidInput) as caught:
            package_size(kind, amount, unit, period)
        assert {e.loc[-1] for e in caught.value.errors} == fields

    def test_dates(self) -> None:
        validate_dates(d("2024-05-01"), d("2024-05-01"))
        validate_dates(d("2024-05-01"), None)
        with pytest.raises(InvalidInput) as caught:
            validate_dates(d("2024-05-02"), d("2024-05-01"))
        assert caught.value.errors[0].loc == ("body", "end_date")
        assert end_date_for(d("2024-05-01"), 31) == d("2024-05-31")
        assert end_date_for(d("2024-05-01"), None) is None


class TestSummary:
    def test_only_completed_appointments_count_and_scheduled_ones_are_kept_for_next_session(
        self,
    ) -> None:
        summary = package_summary(
            [
                appt("a1", "2024-05-02", minutes=50),
                appt("a2", "2024-05-02", minutes=30),
                appt("a3", "2024-05-03", CANCELLED),
                appt("a4", "2024-05-04", MISSED),
                appt("a5", "2024-05-20", SCHEDULED),
                appt("a6", "2024-05-21", package_id="other"),
            ]
        )
        assert summary.used_sessions == 2
        assert summary.used_minutes == 80
        assert summary.completed.to_dict() == {"2024-05-02": 2}
        assert summary.last_session == d("2024-05-02")
        now = datetime(2024, 5, 10, tzinfo=UTC)
        assert summary.next_scheduled(now) == datetime(2024, 5, 20, 10, tzinfo=UTC)
        assert summary.next_scheduled(datetime(2024, 5, 21, tzinfo=UTC)) is None

    def test_given_the_latest_session_is_cancelled_then_last_session_is_the_previous_one(
        self,
    ) -> None:
        first, latest = appt("a1", "2024-05-02"), appt("a2", "2024-05-09")
        summary = package_summary([first, latest])
        cancelled = summary.apply_change(latest, appt("a2", "2024-05-09", CANCELLED))
        assert cancelled.last_session == d("2024-05-02")
        assert cancelled == package_summary([first, appt("a2", "2024-05-09", CANCELLED)])

    def test_given_an_appointment_moves_between_packages_then_both_summaries_follow(
        self,
    ) -> None:
        before = appt("a1", "2024-05-02", package_id="p1")
        after = appt("a1", "2024-05-02", package_id="p2")
        p1 = PackageSummary("p1").apply_change(None, before).apply_change(before, after)
        p2 = PackageSummary("p2").apply_change(None, before).apply_change(before, after)
        assert p1 == PackageSummary("p1")
        assert p2.used_sessions == 1

    def test_round_trips_through_a_plain_dict_with_dynamodb_decimals(self) -> None:
        summary = package_summary([appt("a1", "2024-05-02"), appt("a2", "2024-05-20", SCHEDULED)])
        raw = summary.to_dict()
        assert raw["completed"] == {"2024-05-02": 1}
        assert raw["scheduled"] == {"2024-05-20T10:00:00+00:00": 1}
        as_dynamo = {
            k: ({kk: Decimal(vv) for kk, vv in v.items()} if isinstance(v, dict) else v)
            for k, v in raw.items()
        }
        as_dynamo["used_sessions"] = Decimal(1)
        assert PackageSummary.from_dict(as_dynamo) == summary


class TestLifecycle:
    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            ("2024-04-30", Lifecycle.OPEN),  # not started yet: still open for booking
            ("2024-05-01", Lifecycle.OPEN),
            ("2024-05-31", Lifecycle.OPEN),  # the end date is the last valid day
            ("2024-06-01", Lifecycle.EXPIRED),  # ending 31 May expires on 1 June
        ],
    )
    def test_given_a_package_ending_31_may_then_it_expires_on_1_june(
        self, day: str, expected: Lifecycle
    ) -> None:
        assert lifecycle_on(fixed(), EMPTY, d(day)) is expected
        assert is_open(fixed(), EMPTY, d(day)) is (expected is Lifecycle.OPEN)

    def test_given_ten_sessions_then_used_up_on_the_date_of_the_tenth(self) -> None:
        dates = [f"2024-05-{day:02d}" for day in range(1, 11)]
        summary = sessions_on(*dates)
        assert used_up_on(fixed(), summary) == d("2024-05-10")
        assert lifecycle_on(fixed(), summary, d("2024-05-09")) is Lifecycle.OPEN
        assert lifecycle_on(fixed(), summary, d("2024-05-10")) is Lifecycle.USED_UP
        assert used_up_on(fixed(), sessions_on(*dates[:9])) is None

    def test_given_an_hours_package_then_it_is_used_up_by_duration(self) -> None:
        package = fixed(2, size=PackageSize(PackageKind.FIXED, 2, Unit.HOURS))
        summary = package_summary(
            [appt("a1", "2024-05-02", minutes=90), appt("a2", "2024-05-03", minutes=20)]
        )
        assert used_up_on(package, summary) is None
        assert outstanding(package, summary, d("2024-05-03")) == Decimal("0.16")
        more = summary.apply_change(None, appt("a3", "2024-05-04", minutes=10))
        assert used_up_on(package, more) == d("2024-05-04")
        assert outstanding(package, more, d("2024-05-04")) == Decimal("0.00")

    def test_cancelled_wins_and_subscriptions_and_usage_are_never_used_up(self) -> None:
        assert lifecycle_on(fixed(cancelled=True), EMPTY, d("2024-05-02")) is Lifecycle.CANCELLED
        many = sessions_on(*[f"2024-05-{day:02d}" for day in range(1, 29)])
        weekly = fixed(size=PackageSize(PackageKind.SUBSCRIPTION, 2, period=Period.WEEK))
        usage = fixed(size=PackageSize(PackageKind.USAGE))
        assert lifecycle_on(weekly, many, d("2024-05-28")) is Lifecycle.OPEN
        assert lifecycle_on(usage, many, d("2024-05-28")) is Lifecycle.OPEN

    def test_only_open_packages_take_appointments_and_within_their_dates(self) -> None:
        ensure_can_take_appointment(fixed(), EMPTY, d("2024-05-10"), d("2024-05-31"))
        with pytest.raises(Conflict, match="expired"):
            ensure_can_take_appointment(fixed(), EMPTY, d("2024-06-01"), d("2024-06-01"))
        with pytest.raises(Conflict, match="cancelled"):
            ensure_can_take_appointment(
                fixed(cancelled=True), EMPTY, d("2024-05-10"), d("2024-05-10")
            )
        used = sessions_on("2024-05-02")
        with pytest.raises(Conflict, match="used up"):
            ensure_can_take_appointment(fixed(1), used, d("2024-05-10"), d("2024-05-11"))
        with pytest.raises(Conflict, match="runs"):
            ensure_can_take_appointment(fixed(), EMPTY, d("2024-05-10"), d("2024-06-03"))
        with pytest.raises(Conflict, match="runs"):
            ensure_can_take_appointment(fixed(), EMPTY, d("2024-04-10"), d("2024-04-30"))

    def test_preferred_package_is_used_only_when_open_and_none_was_chosen(self) -> None:
        assert package_for_new_appointment("p9", "p1", preferred_is_open=True) == "p9"
        assert package_for_new_appointment(None, "p1", preferred_is_open=True) == "p1"
        assert package_for_new_appointment(None, "p1", preferred_is_open=False) is None
        assert package_for_new_appointment(None, None, preferred_is_open=False) is None


class TestOutstanding:
    def test_fixed_sessions_left_never_negative(self) -> None:
        assert outstanding(fixed(10), sessions_on("2024-05-02", "2024-05-03"), d("2024-05-04")) == 8
        assert outstanding(fixed(1), sessions_on("2024-05-02", "2024-05-03"), d("2024-05-04")) == 0

    def test_usage_is_not_applicable(self) -> None:
        usage = fixed(size=PackageSize(PackageKind.USAGE))
        assert outstanding(usage, sessions_on("2024-05-02"), d("2024-05-04")) == "N/A"

    def test_weekly_subscription_allowance_restarts_each_week_from_the_start_date(self) -> None:
        weekly = fixed(size=PackageSize(PackageKind.SUBSCRIPTION, 2, period=Period.WEEK))
        summary = sessions_on("2024-05-02", "2024-05-07", "2024-05-08")
        # Weeks run 1-7 May, 8-14 May, ... (from the start date, a Wednesday).
        assert subscription_period(weekly, d("2024-05-07")) == (d("2024-05-01"), d("2024-05-07"))
        assert outstanding(weekly, summary, d("2024-05-07")) == 0
        assert outstanding(weekly, summary, d("2024-05-08")) == 1
        assert outstanding(weekly, summary, d("2024-04-20")) == 0  # before start: first week

    @pytest.mark.parametrize(
        ("start", "day", "period"),
        [
            ("2024-01-15", "2024-01-15", ("2024-01-15", "2024-02-14")),
            ("2024-01-15", "2024-02-14", ("2024-01-15", "2024-02-14")),
            ("2024-01-15", "2024-02-15", ("2024-02-15", "2024-03-14")),
            ("2024-01-31", "2024-02-28", ("2024-01-31", "2024-02-28")),
            ("2024-01-31", "2024-02-29", ("2024-02-29", "2024-03-30")),
            ("2024-01-31", "2024-03-31", ("2024-03-31", "2024-04-29")),
            ("2024-11-30", "2025-01-10", ("2024-12-30", "2025-01-29")),
        ],
    )
    def test_monthly_periods_follow_the_start_day_clamped_to_short_months(
        self, start: str, day: str, period: tuple[str, str]
    ) -> None:
        monthly = fixed(
            start_date=d(start), size=PackageSize(PackageKind.SUBSCRIPTION, 4, period=Period.MONTH)
        )
        assert subscription_period(monthly, d(day)) == (d(period[0]), d(period[1]))


class TestRenewal:
    def renewing(self, **changes: object) -> Package:
        return fixed(auto_renew=True, template_id="t1", **changes)

    def test_given_no_auto_renew_or_no_template_then_no_renewal(self) -> None:
        assert renewal_of(fixed(), EMPTY) is None
        assert renewal_of(fixed(auto_renew=True), EMPTY) is None
        assert renewal_of(self.renewing(cancelled=True), EMPTY) is None
        assert renewal_of(self.renewing(end_date=None), EMPTY) is None

    def test_given_expiry_then_the_renewal_starts_the_day_after_the_end_date_same_length(
        self,
    ) -> None:
        renewal = renewal_of(self.renewing(), EMPTY)
        assert renewal is not None
        assert (renewal.due_on, renewal.start_date, renewal.end_date) == (
            d("2024-06-01"),
            d("2024-06-01"),
            d("2024-07-01"),  # 31 days, like 1-31 May
        )

    def test_given_use_up_first_then_the_renewal_starts_the_day_after_it_was_used_up(
        self,
    ) -> None:
        renewal = renewal_of(self.renewing(amount=2), sessions_on("2024-05-03", "2024-05-20"))
        assert renewal is not None
        assert (renewal.due_on, renewal.start_date, renewal.end_date) == (
            d("2024-05-20"),
            d("2024-05-21"),
            d("2024-06-20"),
        )

    def test_given_use_up_on_the_end_date_then_one_renewal_starting_the_day_after(self) -> None:
        renewal = renewal_of(self.renewing(amount=1), sessions_on("2024-05-31"))
        assert renewal is not None
        assert (renewal.due_on, renewal.start_date) == (d("2024-05-31"), d("2024-06-01"))

    def test_given_no_end_date_then_a_used_up_package_renews_without_end(self) -> None:
        renewal = renewal_of(self.renewing(amount=1, end_date=None), sessions_on("2024-05-05"))
        assert renewal is not None
        assert (renewal.start_date, renewal.end_date) == (d("2024-05-06"), None)
