"""On track for packages (SPEC §5) and the package's nightly evaluation."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from momentum.domain.clients import ClientSummary
from momentum.domain.effects import (
    ExpirePackage,
    ReminderRecipient,
    RenewPackage,
    SendReminder,
)
from momentum.domain.errors import InvalidInput
from momentum.domain.on_track import (
    OnTrackSettings,
    PackageState,
    classify,
    effective_settings,
    evaluate_package,
    on_track_settings,
    portal_status,
    report_row,
    status_on,
    window_count,
)
from momentum.domain.packages import Lifecycle, Package, PackageKind, PackageSize, PackageSummary
from momentum.domain.progress import Progress

from .builders import (
    SCHEDULED,
    appt,
    client_summary,
    d,
    day_by_day,
    days,
    package_summary,
    sessions_on,
)

ON, RISK, OFF, NOT = (
    Progress.ON_TRACK,
    Progress.AT_RISK,
    Progress.OFF_TRACK,
    Progress.NOT_TRACKING,
)
SEED = OnTrackSettings(enabled=True, window_days=30, at_risk_below=2, off_track_below=1)
REMINDING = replace(SEED, reminder_after_days=2, remind_team_member=True, remind_client=True)


def package(**changes: object) -> Package:
    fields: dict[str, object] = {
        "id": "p1",
        "client_id": "c1",
        "size": PackageSize(PackageKind.USAGE),
        "start_date": d("2024-01-01"),
        "assigned_team_member_id": "u-team",
    }
    fields.update(changes)
    return Package(**fields)  # type: ignore[arg-type]


class TestSettings:
    def test_defaults_are_off(self) -> None:
        assert OnTrackSettings().enabled is False
        assert status_on(package(), OnTrackSettings(), sessions_on(), d("2024-05-01")) is NOT
        assert status_on(package(), None, sessions_on(), d("2024-05-01")) is NOT

    @pytest.mark.parametrize(
        ("fields", "bad"),
        [
            ({"window_days": 0}, "window_days"),
            ({"window_days": 366}, "window_days"),
            ({"at_risk_below": 0, "off_track_below": 0}, "at_risk_below"),
            ({"off_track_below": -1}, "off_track_below"),
            ({"at_risk_below": 2, "off_track_below": 2}, "off_track_below"),
            ({"at_risk_below": 2, "off_track_below": 3}, "off_track_below"),
            ({"reminder_after_days": -1}, "reminder_after_days"),
        ],
    )
    def test_given_a_rule_broken_then_422_names_the_field(
        self, fields: dict[str, int], bad: str
    ) -> None:
        with pytest.raises(InvalidInput) as caught:
            on_track_settings(enabled=True, **fields)
        assert [e.loc for e in caught.value.errors] == [("body", "on_track", bad)]

    @pytest.mark.parametrize(
        "fields",
        [
            {"window_days": 1},
            {"window_days": 365},
            {"at_risk_below": 1, "off_track_below": 0},
            {"reminder_after_days": 0},
        ],
    )
    def test_boundary_values_are_accepted(self, fields: dict[str, int]) -> None:
        settings = on_track_settings(enabled=True, **fields)
        assert OnTrackSettings.from_dict(settings.to_dict()) == settings

    def test_client_level_override_replaces_the_template_settings_entirely(self) -> None:
        override = OnTrackSettings(enabled=False)
        assert effective_settings(SEED, override) is override
        assert effective_settings(SEED, None) is SEED
        assert effective_settings(None, None) is None
        assert (
            status_on(package(), effective_settings(SEED, override), sessions_on(), d("2024-05-01"))
            is NOT
        )


class TestStatus:
    @pytest.mark.parametrize(
        ("sessions", "expected"),
        [(("2024-05-20", "2024-05-25"), ON), (("2024-05-20",), RISK), ((), OFF)],
    )
    def test_seed_example_window_30_at_risk_below_2_off_track_below_1(
        self, sessions: tuple[str, ...], expected: Progress
    ) -> None:
        assert status_on(package(), SEED, sessions_on(*sessions), d("2024-05-31")) is expected

    @pytest.mark.parametrize(
        ("count", "expected"),
        [(0, OFF), (1, RISK), (2, RISK), (3, ON), (4, ON)],
    )
    def test_thresholds_are_inclusive_at_the_boundary(self, count: int, expected: Progress) -> None:
        settings = OnTrackSettings(enabled=True, at_risk_below=3, off_track_below=1)
        assert classify(count, settings) is expected

    def test_off_track_below_zero_means_never_off_track(self) -> None:
        settings = OnTrackSettings(enabled=True, at_risk_below=1, off_track_below=0)
        assert classify(0, settings) is RISK

    @pytest.mark.parametrize(
        ("session", "counted"),
        [
            ("2024-05-31", True),  # today is in the window
            ("2024-05-02", True),  # the first day of the 30-day window
            ("2024-05-01", False),  # 30 days ago: just outside
        ],
    )
    def test_the_window_is_the_last_window_days_days_today_included(
        self, session: str, counted: bool
    ) -> None:
        assert window_count(sessions_on(session), d("2024-05-31"), 30) == int(counted)

    def test_only_completed_appointments_in_the_package_count(self) -> None:
        summary = package_summary(
            [
                appt("a1", "2024-05-20", SCHEDULED),
                appt("a2", "2024-05-21", package_id="p2"),
                appt("a3", "2024-05-22", package_id=None),
            ]
        )
        assert status_on(package(), SEED, summary, d("2024-05-31")) is OFF

    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            ("2024-04-30", ON),  # before the start
            ("2024-05-01", ON),  # the start
            ("2024-05-30", ON),  # 29 days after the start: still the first window
            ("2024-05-31", OFF),  # 30 days have passed: judged
        ],
    )
    def test_first_window_grace_until_a_full_window_has_passed_since_the_start(
        self, day: str, expected: Progress
    ) -> None:
        fresh = package(start_date=d("2024-05-01"))
        assert status_on(fresh, SEED, sessions_on(), d(day)) is expected

    def test_packages_that_are_not_open_are_not_tracked(self) -> None:
        ending = package(end_date=d("2024-05-31"))
        assert status_on(ending, SEED, sessions_on(), d("2024-05-31")) is OFF
        assert status_on(ending, SEED, sessions_on(), d("2024-06-01")) is NOT
        assert status_on(package(cancelled=True), SEED, sessions_on(), d("2024-05-31")) is NOT
        one = package(size=PackageSize(PackageKind.FIXED, 1))
        assert status_on(one, SEED, sessions_on("2024-05-30"), d("2024-05-31")) is NOT

    def test_portal_shows_status_only_when_client_visible(self) -> None:
        assert portal_status(SEED, ON) is None
        assert portal_status(None, ON) is None
        assert portal_status(replace(SEED, client_visible=True), RISK) is RISK


def run(
    pkg: Package,
    settings: OnTrackSettings | None,
    summary: PackageSummary,
    days_: list[str],
    state: PackageState | None = None,
) -> tuple[PackageState, list[tuple[date, object]], date | None]:
    """Evaluate on each day in turn; collect (day, effect)."""
    return day_by_day(
        lambda state, day: evaluate_package(pkg, settings, summary, state, day),
        days_,
        state or PackageState(),
    )


# At risk from 10 May: sessions 10 and 20 April leave the 30-day window on 10 and 20 May.
APRIL = sessions_on("2024-04-10", "2024-04-20")


class TestReminders:
    def test_given_at_risk_from_10_may_and_reminder_after_2_days_then_it_goes_out_on_12_may(
        self,
    ) -> None:
        state, effects, next_check = run(package(), REMINDING, APRIL, ["2024-05-09"])
        assert (state.status, next_check, effects) == (ON, d("2024-05-10"), [])

        state, effects, next_check = run(package(), REMINDING, APRIL, ["2024-05-10"], state)
        assert (state.status, state.episode_start, next_check) == (
            RISK,
            d("2024-05-10"),
            d("2024-05-12"),
        )
        assert effects == []

        state, effects, next_check = run(
            package(), REMINDING, APRIL, ["2024-05-11", "2024-05-12"], state
        )
        assert effects == [
            (
                d("2024-05-12"),
                SendReminder("p1", "c1", d("2024-05-10"), ReminderRecipient.TEAM_MEMBER, "u-team"),
            ),
            (
                d("2024-05-12"),
                SendReminder("p1", "c1", d("2024-05-10"), ReminderRecipient.CLIENT, "c1"),
            ),
        ]
        assert state.reminded
        assert next_check == d("2024-05-20")  # off track: same episode, no new reminder

        state, effects, next_check = run(
            package(), REMINDING, APRIL, ["2024-05-20", "2024-06-30"], state
        )
        assert (state.status, state.status_since, state.episode_start) == (
            OFF,
            d("2024-05-20"),
            d("2024-05-10"),
        )
        assert (effects, next_check) == ([], None)

    def test_given_missed_nights_then_the_reminder_whose_day_passed_in_the_episode_is_sent_once(
        self,
    ) -> None:
        state, _, _ = run(package(), REMINDING, APRIL, ["2024-05-09"])
        caught_up = evaluate_package(package(), REMINDING, APRIL, state, d("2024-05-25"))
        assert [e.key for e in caught_up.effects] == [
            "package#p1#reminder#2024-05-10#team_member",
            "package#p1#reminder#2024-05-10#client",
        ]
        again = evaluate_package(package(), REMINDING, APRIL, caught_up.state, d("2024-05-25"))
        assert (again.effects, again.state) == ((), caught_up.state)

    def test_given_the_package_is_back_on_track_before_the_day_then_no_reminder(self) -> None:
        state, _, _ = run(package(), REMINDING, APRIL, ["2024-05-09", "2024-05-10"])
        back = APRIL.apply_change(None, appt("new", "2024-05-11"))
        state, effects, next_check = run(
            package(), REMINDING, back, ["2024-05-11", "2024-05-12"], state
        )
        assert (state.status, state.episode_start, effects) == (ON, None, [])
        assert next_check == d("2024-05-20")  # 20 April leaves the window: a new episode

    def test_one_reminder_per_episode_the_next_needs_on_track_first(self) -> None:
        state, effects, _ = run(
            package(), REMINDING, APRIL, ["2024-05-09", "2024-05-10", "2024-05-12"]
        )
        assert len(effects) == 2
        back = APRIL.apply_change(None, appt("new", "2024-05-13"))
        state, effects, _next_check = run(
            package(),
            REMINDING,
            back,
            ["2024-05-13", "2024-05-20", "2024-05-21", "2024-05-22"],
            state,
        )
        assert [(day, e.episode_start) for day, e in effects] == [  # type: ignore[attr-defined]
            (d("2024-05-22"), d("2024-05-20")),
            (d("2024-05-22"), d("2024-05-20")),
        ]

    @pytest.mark.parametrize(
        ("settings", "member", "expected"),
        [
            (replace(REMINDING, remind_client=False), "u-team", ["team_member"]),
            (replace(REMINDING, remind_team_member=False), "u-team", ["client"]),
            (REMINDING, None, ["client"]),  # no assigned team member: only the client
            (replace(REMINDING, reminder_after_days=None), "u-team", []),
            (replace(REMINDING, remind_client=False, remind_team_member=False), "u", []),
        ],
    )
    def test_recipients_follow_the_flags(
        self, settings: OnTrackSettings, member: str | None, expected: list[str]
    ) -> None:
        pkg = package(assigned_team_member_id=member)
        _, effects, _ = run(pkg, settings, APRIL, ["2024-05-09", "2024-05-15"])
        assert [e.recipient.value for _, e in effects] == expected  # type: ignore[attr-defined]

    def test_reminder_after_0_days_goes_out_on_the_first_day_of_the_episode(self) -> None:
        settings = replace(REMINDING, reminder_after_days=0)
        _, effects, _ = run(package(), settings, APRIL, ["2024-05-09", "2024-05-10"])
        assert {day for day, _ in effects} == {d("2024-05-10")}


def may_package_renewing(size: int) -> Package:
    """A fixed package of `size` sessions for May 2024 that renews from template t1."""
    return package(
        size=PackageSize(PackageKind.FIXED, size),
        start_date=d("2024-05-01"),
        end_date=d("2024-05-31"),
        auto_renew=True,
        template_id="t1",
    )


class TestExpiryAndRenewal:
    def test_given_a_package_ending_31_may_then_the_1_june_run_expires_and_renews_it(self) -> None:
        pkg = may_package_renewing(10)
        state, effects, next_check = run(pkg, SEED, sessions_on("2024-05-03"), ["2024-05-31"])
        assert (state.lifecycle, effects, next_check) == (Lifecycle.OPEN, [], d("2024-06-01"))
        state, effects, next_check = run(
            pkg, SEED, sessions_on("2024-05-03"), ["2024-06-01"], state
        )
        assert [e for _, e in effects] == [
            ExpirePackage("p1", d("2024-06-01")),
            RenewPackage("p1", "c1", "t1", d("2024-06-01"), d("2024-07-01")),
        ]
        assert (state.lifecycle, state.status, state.renewed, next_check) == (
            Lifecycle.EXPIRED,
            NOT,
            True,
            None,
        )

    def test_given_use_up_and_expiry_on_the_same_day_then_exactly_one_renewal(self) -> None:
        pkg = may_package_renewing(1)
        used = sessions_on("2024-05-31")
        _state, effects, _ = run(
            pkg, None, used, ["2024-05-30", "2024-05-31", "2024-06-01", "2024-06-02"]
        )
        renewals = [e for _, e in effects if isinstance(e, RenewPackage)]
        assert renewals == [RenewPackage("p1", "c1", "t1", d("2024-06-01"), d("2024-07-01"))]
        assert [day for day, e in effects if isinstance(e, ExpirePackage)] == [d("2024-06-01")]

    def test_given_used_up_mid_month_then_the_renewal_starts_the_next_day(self) -> None:
        pkg = may_package_renewing(2)
        summary = sessions_on("2024-05-03", "2024-05-20")
        result = evaluate_package(pkg, None, summary, PackageState(), d("2024-05-20"))
        assert result.effects == (RenewPackage("p1", "c1", "t1", d("2024-05-21"), d("2024-06-20")),)
        assert result.state.lifecycle is Lifecycle.USED_UP
        later = evaluate_package(pkg, None, summary, result.state, d("2024-06-01"))
        assert [type(e) for e in later.effects] == [ExpirePackage]

    def test_effects_carry_deterministic_keys_for_the_outbox(self) -> None:
        assert ExpirePackage("p1", d("2024-06-01")).key == "package#p1#expired#2024-06-01"
        renewal = RenewPackage("p1", "c1", "t1", d("2024-06-01"), None)
        assert renewal.key == "package#p1#renewal"  # one renewal per package, whatever fired it

    def test_a_package_without_on_track_or_end_has_no_next_check(self) -> None:
        result = evaluate_package(
            package(), None, sessions_on("2024-05-03"), PackageState(), d("2024-05-20")
        )
        assert (result.state.status, result.effects, result.next_check) == (NOT, (), None)

    def test_state_round_trips_through_a_plain_dict(self) -> None:
        state, _, _ = run(package(), REMINDING, APRIL, ["2024-05-09", "2024-05-12"])
        assert PackageState.from_dict(state.to_dict()) == state
        assert PackageState.from_dict({}) == PackageState()


class TestReportRow:
    def test_the_row_shows_last_session_days_since_next_session_status_and_outstanding(
        self,
    ) -> None:
        pkg = package(size=PackageSize(PackageKind.FIXED, 10))
        appointments = [
            appt("a1", "2024-05-03"),
            appt("a2", "2024-05-20"),
            appt("a3", "2024-06-04", SCHEDULED),
            appt("a4", "2024-06-02", SCHEDULED, package_id=None),
        ]
        now = datetime(2024, 5, 31, 12, tzinfo=UTC)
        row = report_row(
            pkg,
            SEED,
            package_summary(appointments),
            client_summary(appointments),
            today=d("2024-05-31"),
            now=now,
        )
        assert row.last_session == d("2024-05-20")
        assert row.days_since == 11
        assert row.next_session_at == datetime(2024, 6, 4, 10, tzinfo=UTC)  # the package's own
        assert (row.status, row.outstanding) == (ON, 8)

    def test_next_session_falls_back_to_the_clients_next_then_none(self) -> None:
        other = [appt("a4", "2024-06-02", SCHEDULED, package_id=None)]
        now = datetime(2024, 5, 31, 12, tzinfo=UTC)
        row = report_row(
            package(),
            SEED,
            PackageSummary("p1"),
            client_summary(other),
            today=d("2024-05-31"),
            now=now,
        )
        assert row.next_session_at == datetime(2024, 6, 2, 10, tzinfo=UTC)
        assert (row.last_session, row.days_since, row.status, row.outstanding) == (
            None,
            None,
            OFF,
            "N/A",
        )
        empty = report_row(
            package(),
            None,
            PackageSummary("p1"),
            ClientSummary("c1"),
            today=d("2024-05-31"),
            now=now,
        )
        assert (empty.next_session_at, empty.status) == (None, NOT)

    def test_a_scheduled_appointment_already_started_is_not_the_next_session(self) -> None:
        past = [appt("a1", "2024-05-31", SCHEDULED, hour=9)]
        now = datetime(2024, 5, 31, 12, tzinfo=UTC)
        row = report_row(
            package(),
            SEED,
            package_summary(past),
            client_summary(past),
            today=d("2024-05-31"),
            now=now,
        )
        assert row.next_session_at is None


def test_next_check_is_not_needlessly_early_when_the_count_drops_but_the_status_holds() -> None:
    # Three sessions, at_risk_below 2: the first leaving the window changes nothing.
    summary = sessions_on("2024-05-01", "2024-05-10", "2024-05-20")
    result = evaluate_package(package(), SEED, summary, PackageState(), d("2024-05-25"))
    assert result.state.status is ON
    assert result.next_check == d("2024-05-10") + days(30)  # the second leaves: at risk
