"""Engagements (SPEC §7): status, visibility, notices and digests, lifecycle."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from momentum.domain.access import Principal, Role
from momentum.domain.appointments import AppointmentKind
from momentum.domain.effects import EngagementOffTrack
from momentum.domain.engagements import (
    Engagement,
    EngagementProgress,
    EngagementState,
    EngagementStatus,
    EngagementSummary,
    EngagementTracking,
    EngagementType,
    NoticeRole,
    change_status,
    engagement_tracking,
    evaluate_engagement,
    plan_off_track_emails,
    progress_for,
    progress_on,
    select_coach,
)
from momentum.domain.errors import Conflict, InvalidInput
from momentum.domain.progress import Progress
from momentum.domain.recipients import EmailKind, Person, may_email

from .builders import CANCELLED, COMPLETED, MISSED, SCHEDULED, appt, d, day_by_day

ON, OFF, NOT = Progress.ON_TRACK, Progress.OFF_TRACK, Progress.NOT_TRACKING
THREE_WEEKS = EngagementTracking(threshold_days=21, notify_off_track=True)
ACTIVE = Engagement(
    id="e1",
    type=EngagementType.ONE_TO_ONE,
    status=EngagementStatus.ACTIVE,
    coachee_id="c1",
    owner_id="u-owner",
    coach_id="u-coach",
    location_id="loc-1",
    tracking=THREE_WEEKS,
    started_on=d("2024-03-01"),
)
NO_SESSIONS = EngagementSummary("e1")


def sessions(
    *items: tuple[str, object], kind: AppointmentKind = AppointmentKind.SESSION
) -> EngagementSummary:
    facts = [
        appt(f"a{i}", day, status, package_id=None, engagement_id="e1", kind=kind)  # type: ignore[arg-type]
        for i, (day, status) in enumerate(items)
    ]
    kind_type = (
        EngagementType.COACH_MATCHING
        if kind is AppointmentKind.DISCOVERY_CALL
        else EngagementType.ONE_TO_ONE
    )
    return EngagementSummary.rebuild("e1", kind_type, facts)


class TestStatus:
    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            ("2024-03-01", EngagementProgress(ON)),
            ("2024-03-21", EngagementProgress(ON)),  # on track through 21 March
            ("2024-03-22", EngagementProgress(OFF, d("2024-03-22"))),  # off track from 22 March
            ("2024-05-01", EngagementProgress(OFF, d("2024-03-22"))),
        ],
    )
    def test_spec_example_threshold_21_activated_1_march_no_sessions(
        self, day: str, expected: EngagementProgress
    ) -> None:
        assert progress_on(ACTIVE, NO_SESSIONS, d(day)) == expected

    @pytest.mark.parametrize("status", [COMPLETED, CANCELLED, MISSED, SCHEDULED])
    def test_a_sessions_date_is_activity_whatever_its_status(self, status: object) -> None:
        summary = sessions(("2024-03-10", status))
        assert progress_on(ACTIVE, summary, d("2024-03-30")) == EngagementProgress(ON)
        assert progress_on(ACTIVE, summary, d("2024-03-31")) == EngagementProgress(
            OFF, d("2024-03-31")
        )

    def test_a_session_scheduled_after_today_keeps_it_on_track_however_far_away(self) -> None:
        summary = sessions(("2024-06-01", SCHEDULED))
        assert progress_on(ACTIVE, summary, d("2024-05-31")) == EngagementProgress(ON)
        # Once its day comes, it is the last activity: on track until 21 days later.
        assert progress_on(ACTIVE, summary, d("2024-06-21")) == EngagementProgress(ON)
        assert progress_on(ACTIVE, summary, d("2024-06-22")) == EngagementProgress(
            OFF, d("2024-06-22")
        )

    def test_a_future_cancelled_session_is_not_scheduled_but_counts_once_its_day_comes(
        self,
    ) -> None:
        summary = sessions(("2024-05-01", CANCELLED))
        assert progress_on(ACTIVE, summary, d("2024-04-30")).status is OFF
        assert progress_on(ACTIVE, summary, d("2024-05-01")).status is ON

    def test_coach_matching_counts_discovery_calls_and_coach_selection_not_sessions(self) -> None:
        matching = replace(
            ACTIVE, type=EngagementType.COACH_MATCHING, status=EngagementStatus.MATCHING
        )
        calls = sessions(("2024-03-15", CANCELLED), kind=AppointmentKind.DISCOVERY_CALL)
        assert progress_on(matching, calls, d("2024-04-04")).status is ON
        assert progress_on(matching, calls, d("2024-04-05")).status is OFF
        session_only = EngagementSummary("e1", AppointmentKind.DISCOVERY_CALL).apply_change(
            None, appt("s1", "2024-03-15", engagement_id="e1")
        )
        assert progress_on(matching, session_only, d("2024-03-22")).status is OFF
        selected = replace(matching, coach_selected_on=d("2024-04-01"))
        assert progress_on(selected, session_only, d("2024-04-21")).status is ON
        assert progress_on(selected, session_only, d("2024-04-22")).status is OFF

    def test_without_any_activity_date_yet_it_is_on_track(self) -> None:
        unknown_start = replace(ACTIVE, started_on=None)
        assert progress_on(unknown_start, NO_SESSIONS, d("2024-05-01")) == EngagementProgress(ON)

    @pytest.mark.parametrize(
        "engagement",
        [
            replace(ACTIVE, status=EngagementStatus.DRAFT),
            replace(ACTIVE, status=EngagementStatus.COMPLETED),
            replace(ACTIVE, status=EngagementStatus.CANCELLED),
            replace(ACTIVE, tracking=EngagementTracking(threshold_days=None)),
        ],
    )
    def test_not_tracking_when_not_active_or_matching_or_without_threshold(
        self, engagement: Engagement
    ) -> None:
        assert progress_on(engagement, NO_SESSIONS, d("2024-05-01")).status is NOT


class TestVisibility:
    @pytest.mark.parametrize(
        ("principal", "sees"),
        [
            (Principal("o1", "u-owner", Role.STAFF), True),  # the engagement's owner
            (Principal("o1", "u-x", Role.OWNER), True),
            (Principal("o1", "u-x", Role.ADMIN), True),
            (Principal("o1", "u-x", Role.LOCATION_ADMIN, location_ids=frozenset({"loc-1"})), True),
            (Principal("o1", "u-x", Role.LOCATION_ADMIN, location_ids=frozenset({"loc-2"})), False),
            (Principal("o1", "u-coach", Role.STAFF), True),
            (Principal("o1", "u-other", Role.STAFF), False),
            (Principal("o1", "c1", Role.CLIENT, client_id="c1"), False),
        ],
    )
    def test_progress_is_visible_to_owner_admins_location_admins_and_the_coach_only(
        self, principal: Principal, sees: bool
    ) -> None:
        shown = progress_for(principal, ACTIVE, NO_SESSIONS, d("2024-04-01"))
        assert shown.status is (OFF if sees else NOT)


def run(
    engagement: Engagement,
    summary: EngagementSummary,
    days_: list[str],
    state: EngagementState | None = None,
) -> tuple[EngagementState, list[tuple[date, object]], date | None]:
    return day_by_day(
        lambda state, day: evaluate_engagement(engagement, summary, state, day),
        days_,
        state or EngagementState(),
    )


class TestNotices:
    def test_the_notice_goes_out_on_the_day_it_becomes_off_track(self) -> None:
        state, effects, next_check = run(ACTIVE, NO_SESSIONS, ["2024-03-01"])
        assert (state.status, effects, next_check) == (ON, [], d("2024-03-22"))
        state, effects, next_check = run(
            ACTIVE, NO_SESSIONS, ["2024-03-21", "2024-03-22", "2024-03-23"], state
        )
        notice = EngagementOffTrack("e1", d("2024-03-22"), "c1", "u-coach", "u-owner")
        assert effects == [(d("2024-03-22"), notice)]
        assert (state.status, state.off_track_since, state.notified, next_check) == (
            OFF,
            d("2024-03-22"),
            True,
            None,
        )

    def test_without_notify_off_track_the_status_changes_but_nobody_is_told(self) -> None:
        quiet = replace(ACTIVE, tracking=EngagementTracking(21, notify_off_track=False))
        state, effects, next_check = run(quiet, NO_SESSIONS, ["2024-03-01", "2024-03-22"])
        assert (state.status, effects) == (OFF, [])
        assert next_check is None

    def test_missed_nights_still_notify_exactly_once(self) -> None:
        state, _, _ = run(ACTIVE, NO_SESSIONS, ["2024-03-01"])
        result = evaluate_engagement(ACTIVE, NO_SESSIONS, state, d("2024-04-10"))
        assert [e.key for e in result.effects] == ["engagement#e1#off_track#2024-03-22"]
        assert evaluate_engagement(ACTIVE, NO_SESSIONS, result.state, d("2024-04-10")).effects == ()

    def test_on_track_again_clears_off_track_since_and_a_later_episode_notifies_again(self) -> None:
        state, effects, _ = run(ACTIVE, NO_SESSIONS, ["2024-03-01", "2024-03-22"])
        assert len(effects) == 1
        booked = sessions(("2024-03-29", SCHEDULED))
        state, effects, next_check = run(ACTIVE, booked, ["2024-03-25"], state)
        assert (state.status, state.off_track_since, state.notified, effects) == (
            ON,
            None,
            False,
            [],
        )
        assert next_check == d("2024-04-19")  # 29 March + 21 days
        state, effects, _ = run(ACTIVE, booked, ["2024-04-19"], state)
        assert [e.key for _, e in effects] == ["engagement#e1#off_track#2024-04-19"]  # type: ignore[attr-defined]

    def test_state_round_trips(self) -> None:
        state, _, _ = run(ACTIVE, NO_SESSIONS, ["2024-03-01", "2024-03-22"])
        assert EngagementState.from_dict(state.to_dict()) == state
        assert EngagementState.from_dict({}) == EngagementState()


class TestRecipients:
    @pytest.mark.parametrize(
        ("person", "emailed"),
        [
            (Person("p", "a@x.test", active=True), True),
            (Person("p", None, active=True), False),
            (Person("p", "", active=True), False),
            (Person("p", "a@x.test", active=False, invited=True), True),  # invited, inactive
            (Person("p", "a@x.test", active=False, invited=False), False),  # internal record
            (
                Person(
                    "p",
                    "a@x.test",
                    active=True,
                    opted_out=frozenset({EmailKind.ENGAGEMENT_OFF_TRACK}),
                ),
                False,
            ),
            (
                Person(
                    "p", "a@x.test", active=True, opted_out=frozenset({EmailKind.ON_TRACK_REMINDER})
                ),
                True,
            ),
            (None, False),
        ],
    )
    def test_who_may_be_emailed(self, person: Person | None, emailed: bool) -> None:
        assert may_email(person, EmailKind.ENGAGEMENT_OFF_TRACK) is emailed

    def test_one_digest_per_administrator_and_one_email_each_for_coachee_and_coach(self) -> None:
        notices = [
            EngagementOffTrack("e1", d("2024-03-22"), "c1", "u-coach", "u-admin"),
            EngagementOffTrack("e2", d("2024-03-22"), "c2", None, "u-admin"),
            EngagementOffTrack("e3", d("2024-03-22"), "c3", "u-admin", "u-admin"),
            EngagementOffTrack("e4", d("2024-03-22"), "c4", "u-coach", "u-other"),
        ]
        people = {
            "c1": Person("c1", "c1@x.test", active=True),
            "c2": Person("c2", "c2@x.test", active=False, invited=True),
            "c3": Person("c3", "c3@x.test", active=False),  # internal record: nothing
            "c4": Person("c4", None, active=True),
            "u-coach": Person("u-coach", "coach@x.test", active=False, invited=True),
            "u-admin": Person("u-admin", "admin@x.test", active=True),
            "u-other": Person(
                "u-other",
                "o@x.test",
                active=True,
                opted_out=frozenset({EmailKind.ENGAGEMENT_OFF_TRACK}),
            ),
        }
        plan = plan_off_track_emails([*notices, notices[0]], people, d("2024-03-22"))
        assert [(e.recipient_id, e.role, e.notice.engagement_id) for e in plan.emails] == [
            ("c1", NoticeRole.COACHEE, "e1"),
            ("u-coach", NoticeRole.COACH, "e1"),
            ("c2", NoticeRole.COACHEE, "e2"),
            ("u-coach", NoticeRole.COACH, "e4"),
        ]
        assert len({e.key for e in plan.emails}) == 4
        assert [(g.recipient_id, [n.engagement_id for n in g.notices]) for g in plan.digests] == [
            ("u-admin", ["e1", "e2", "e3"])
        ]
        assert plan.digests[0].key == "digest#engagement_off_track#u-admin#2024-03-22"


class TestLifecycle:
    DRAFT = replace(
        ACTIVE, status=EngagementStatus.DRAFT, tracking=EngagementTracking(), started_on=None
    )

    def test_launch_copies_the_template_settings_and_starts_the_clock(self) -> None:
        launched = change_status(
            self.DRAFT,
            EngagementStatus.ACTIVE,
            today=d("2024-03-01"),
            template_tracking=THREE_WEEKS,
        )
        assert (launched.status, launched.tracking, launched.started_on) == (
            EngagementStatus.ACTIVE,
            THREE_WEEKS,
            d("2024-03-01"),
        )
        # Later template edits do not change a launched engagement.
        completed = change_status(
            launched,
            EngagementStatus.COMPLETED,
            today=d("2024-04-01"),
            template_tracking=EngagementTracking(7),
        )
        assert (completed.tracking, completed.started_on) == (THREE_WEEKS, d("2024-03-01"))

    @pytest.mark.parametrize(
        ("start", "to"),
        [
            (EngagementStatus.ACTIVE, EngagementStatus.DRAFT),
            (EngagementStatus.ACTIVE, EngagementStatus.MATCHING),
            (EngagementStatus.COMPLETED, EngagementStatus.ACTIVE),
            (EngagementStatus.CANCELLED, EngagementStatus.ACTIVE),
            (EngagementStatus.DRAFT, EngagementStatus.COMPLETED),
        ],
    )
    def test_disallowed_transitions_are_409(
        self, start: EngagementStatus, to: EngagementStatus
    ) -> None:
        with pytest.raises(Conflict):
            change_status(replace(ACTIVE, status=start), to, today=d("2024-03-01"))

    def test_matching_is_for_coach_matching_which_needs_a_coach_to_become_active(self) -> None:
        with pytest.raises(Conflict, match="coach matching"):
            change_status(self.DRAFT, EngagementStatus.MATCHING, today=d("2024-03-01"))
        draft = replace(self.DRAFT, type=EngagementType.COACH_MATCHING, coach_id=None)
        matching = change_status(
            draft, EngagementStatus.MATCHING, today=d("2024-03-01"), template_tracking=THREE_WEEKS
        )
        assert (matching.status, matching.started_on) == (
            EngagementStatus.MATCHING,
            d("2024-03-01"),
        )
        with pytest.raises(Conflict, match="Select a coach"):
            change_status(matching, EngagementStatus.ACTIVE, today=d("2024-03-05"))
        selected = select_coach(matching, "u-coach", today=d("2024-03-10"))
        assert (
            selected.status,
            selected.coach_id,
            selected.coach_selected_on,
            selected.started_on,
        ) == (
            EngagementStatus.ACTIVE,
            "u-coach",
            d("2024-03-10"),
            d("2024-03-01"),
        )

    def test_select_coach_on_other_types_and_states(self) -> None:
        assert select_coach(ACTIVE, "u-new", today=d("2024-03-10")).coach_selected_on is None
        draft_matching = replace(self.DRAFT, type=EngagementType.COACH_MATCHING)
        assert (
            select_coach(draft_matching, "u-c", today=d("2024-03-10")).status
            is EngagementStatus.DRAFT
        )
        with pytest.raises(Conflict):
            select_coach(
                replace(ACTIVE, status=EngagementStatus.COMPLETED), "u-c", today=d("2024-03-10")
            )

    def test_tracking_settings_validation_and_round_trip(self) -> None:
        assert engagement_tracking(21, notify_off_track=True) == THREE_WEEKS
        assert engagement_tracking(None) == EngagementTracking()
        with pytest.raises(InvalidInput) as caught:
            engagement_tracking(0)
        assert caught.value.errors[0].loc == ("body", "threshold_days")
        assert EngagementTracking.from_dict(THREE_WEEKS.to_dict()) == THREE_WEEKS
        assert EngagementTracking.from_dict({}) == EngagementTracking()

    def test_summary_round_trips(self) -> None:
        summary = sessions(("2024-03-10", COMPLETED), ("2024-04-01", SCHEDULED))
        assert summary.to_dict()["scheduled"] == {"2024-04-01": 1}
        assert EngagementSummary.from_dict(summary.to_dict()) == summary
