"""Session trackers (SPEC §6)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from momentum.domain.clients import ClientSummary
from momentum.domain.effects import CreateTask, ResetTracker, TaskReason
from momentum.domain.errors import Conflict, InvalidInput
from momentum.domain.trackers import (
    MAX_TRACKERS_PER_CLIENT,
    TaskTrigger,
    Tracker,
    TrackerState,
    TrackerTask,
    ensure_can_add_tracker,
    evaluate_tracker,
    period,
    period_index,
    shows_on_appointment,
    tracker_view,
    validate_tracker,
)

from .builders import CANCELLED, MISSED, appt, client_summary, d, day_by_day

MARCH = Tracker(
    id="t1",
    client_id="c1",
    sessions=3,
    begin_date=d("2024-03-01"),
    end_date=d("2024-03-14"),
    note="Direct access: 3 visits",
)


def completed_on(*dates: str) -> ClientSummary:
    return client_summary(appt(f"a{i}", day, package_id=None) for i, day in enumerate(dates))


def run(
    tracker: Tracker, summary: ClientSummary, days_: list[str], state: TrackerState | None = None
) -> tuple[TrackerState, list[object], date | None]:
    state, effects, next_check = day_by_day(
        lambda state, day: evaluate_tracker(tracker, summary, state, day),
        days_,
        state or TrackerState(),
    )
    return state, [effect for _, effect in effects], next_check


class TestRules:
    def test_at_most_eight_trackers_per_client_the_ninth_is_refused(self) -> None:
        ensure_can_add_tracker(MAX_TRACKERS_PER_CLIENT - 1)
        with pytest.raises(Conflict, match="8 trackers"):
            ensure_can_add_tracker(MAX_TRACKERS_PER_CLIENT)

    def test_a_valid_tracker_passes(self) -> None:
        tracker = replace(MARCH, task=TrackerTask("u1", TaskTrigger.FIRST), auto_reset=True)
        assert validate_tracker(tracker) is tracker
        assert validate_tracker(replace(MARCH, end_date=d("2024-03-01"))).end_date == d(
            "2024-03-01"
        )

    @pytest.mark.parametrize(
        ("changes", "bad"),
        [
            ({"sessions": 0}, ("sessions",)),
            ({"end_date": d("2024-02-29")}, ("end_date",)),
            ({"color": "red"}, ("color",)),
            ({"color": "#12345"}, ("color",)),
            ({"end_date": None, "auto_reset": True}, ("auto_reset",)),
            (
                {"end_date": None, "task": TrackerTask("u1", TaskTrigger.END_DATE)},
                ("task", "trigger"),
            ),
            ({"task": TrackerTask("", TaskTrigger.COUNT_REACHED)}, ("task", "assignee_id")),
        ],
    )
    def test_given_a_broken_rule_then_422_with_the_field_path(
        self, changes: dict[str, object], bad: tuple[str, ...]
    ) -> None:
        with pytest.raises(InvalidInput) as caught:
            validate_tracker(replace(MARCH, **changes))  # type: ignore[arg-type]
        assert [e.loc for e in caught.value.errors] == [("body", *bad)]

    @pytest.mark.parametrize(
        ("appointment", "today", "shown"),
        [
            ("2024-03-05", "2024-03-05", True),
            ("2024-03-04", "2024-03-05", True),
            ("2024-03-06", "2024-03-05", False),
        ],
    )
    def test_shows_on_appointments_dated_today_or_earlier_never_future_ones(
        self, appointment: str, today: str, shown: bool
    ) -> None:
        assert shows_on_appointment(d(appointment), d(today)) is shown


class TestCounting:
    def test_used_counts_completed_appointments_of_any_package_from_begin_through_today(
        self,
    ) -> None:
        summary = client_summary(
            [
                appt("a1", "2024-02-29", package_id=None),  # before begin
                appt("a2", "2024-03-01", package_id="p1"),  # begin
                appt("a3", "2024-03-05", package_id=None),
                appt("a4", "2024-03-06", CANCELLED),
                appt("a5", "2024-03-07", MISSED),
                appt("a6", "2024-03-14", package_id="p2"),  # end
                appt("a7", "2024-03-15", package_id=None),  # after end
                appt("a8", "2024-03-05", client_id="c2"),  # someone else
            ]
        )
        assert tracker_view(MARCH, summary, d("2024-03-05")).used == 2
        view = tracker_view(MARCH, summary, d("2024-03-20"))
        assert (view.used, view.remaining, view.ended) == (3, 0, True)

    def test_remaining_never_goes_below_zero(self) -> None:
        view = tracker_view(
            MARCH,
            completed_on("2024-03-02", "2024-03-03", "2024-03-04", "2024-03-05"),
            d("2024-03-06"),
        )
        assert (view.used, view.remaining) == (4, 0)

    def test_without_end_date_it_counts_through_today_and_never_ends(self) -> None:
        open_ended = replace(MARCH, end_date=None)
        view = tracker_view(open_ended, completed_on("2024-03-02", "2025-01-01"), d("2025-06-01"))
        assert (view.begin_date, view.end_date, view.used, view.ended) == (
            d("2024-03-01"),
            None,
            2,
            False,
        )

    @pytest.mark.parametrize(
        ("day", "begin", "end", "used"),
        [
            ("2024-02-20", "2024-03-01", "2024-03-14", 0),
            ("2024-03-14", "2024-03-01", "2024-03-14", 1),
            ("2024-03-15", "2024-03-15", "2024-03-28", 0),  # 1-14 March is followed by 15-28
            ("2024-03-28", "2024-03-15", "2024-03-28", 1),
            ("2024-03-29", "2024-03-29", "2024-04-11", 0),
        ],
    )
    def test_auto_reset_periods_have_the_same_length(
        self, day: str, begin: str, end: str, used: int
    ) -> None:
        resetting = replace(MARCH, auto_reset=True)
        view = tracker_view(resetting, completed_on("2024-03-10", "2024-03-16"), d(day))
        assert (view.begin_date, view.end_date, view.ended, view.used) == (
            d(begin),
            d(end),
            False,
            used,
        )

    def test_period_arithmetic(self) -> None:
        resetting = replace(MARCH, auto_reset=True)
        assert period_index(resetting, d("2024-03-15")) == 1
        assert period_index(MARCH, d("2024-03-15")) == 0
        assert period(resetting, 2).begin == d("2024-03-29")


def march_task(reason: TaskReason) -> CreateTask:
    """The task MARCH's first period (1-14 March) creates for u-assignee."""
    return CreateTask(
        "t1", "c1", d("2024-03-01"), d("2024-03-14"), reason, "u-assignee", MARCH.note
    )


class TestTasks:
    def task(self, trigger: TaskTrigger, **changes: object) -> Tracker:
        return replace(MARCH, task=TrackerTask("u-assignee", trigger), **changes)  # type: ignore[arg-type]

    def test_count_reached_creates_the_task_when_remaining_reaches_zero(self) -> None:
        tracker = self.task(TaskTrigger.COUNT_REACHED)
        two = completed_on("2024-03-02", "2024-03-05")
        state, effects, next_check = run(tracker, two, ["2024-03-05"])
        assert effects == []
        assert next_check is None  # nothing time-driven: only a completion can reach the count
        three = two.apply_change(None, appt("a9", "2024-03-06", package_id=None))
        state, effects, next_check = run(
            tracker, three, ["2024-03-06", "2024-03-07", "2024-03-20"], state
        )
        assert effects == [march_task(TaskReason.COUNT_REACHED)]
        assert next_check is None

    def test_end_date_creates_the_task_at_the_nightly_run_after_the_end_date(self) -> None:
        tracker = self.task(TaskTrigger.END_DATE)
        state, effects, next_check = run(
            tracker, completed_on("2024-03-02"), ["2024-03-10", "2024-03-14"]
        )
        assert (effects, next_check) == ([], d("2024-03-15"))
        state, effects, next_check = run(tracker, completed_on("2024-03-02"), ["2024-03-15"], state)
        assert [(e.reason, e.period_begin) for e in effects] == [
            (TaskReason.END_DATE, d("2024-03-01"))
        ]  # type: ignore[attr-defined]
        assert next_check is None

    def test_end_date_trigger_fires_even_when_the_count_was_reached(self) -> None:
        tracker = self.task(TaskTrigger.END_DATE)
        _, effects, _ = run(
            tracker,
            completed_on("2024-03-02", "2024-03-03", "2024-03-04"),
            ["2024-03-05", "2024-03-15"],
        )
        assert [e.reason for e in effects] == [TaskReason.END_DATE]  # type: ignore[attr-defined]

    @pytest.mark.parametrize(
        ("sessions", "expected"),
        [
            (
                ("2024-03-02", "2024-03-03", "2024-03-04"),
                [("2024-03-04", TaskReason.COUNT_REACHED)],
            ),
            (("2024-03-02",), [("2024-03-15", TaskReason.END_DATE)]),
        ],
    )
    def test_first_is_whichever_happens_first_and_only_once(
        self, sessions: tuple[str, ...], expected: list[tuple[str, TaskReason]]
    ) -> None:
        tracker = self.task(TaskTrigger.FIRST)
        summary = completed_on(*sessions)
        seen = []
        state = TrackerState()
        for day in [
            "2024-03-01",
            "2024-03-02",
            "2024-03-03",
            "2024-03-04",
            "2024-03-14",
            "2024-03-15",
            "2024-03-16",
        ]:
            result = evaluate_tracker(tracker, summary, state, d(day))
            state = result.state
            seen.extend((day, e.reason) for e in result.effects)  # type: ignore[union-attr]
        assert seen == [(d_, r) for d_, r in expected]

    def test_auto_reset_starts_a_new_period_the_day_after_the_end_date_with_its_own_task(
        self,
    ) -> None:
        tracker = self.task(TaskTrigger.FIRST, auto_reset=True)
        summary = completed_on("2024-03-02", "2024-03-16", "2024-03-17", "2024-03-18")
        state, effects, next_check = run(tracker, summary, ["2024-03-14"])
        assert next_check == d("2024-03-15")
        state, effects, next_check = run(tracker, summary, ["2024-03-15"], state)
        assert effects == [
            march_task(TaskReason.END_DATE),
            ResetTracker("t1", d("2024-03-15"), d("2024-03-28")),
        ]
        assert next_check == d("2024-03-18")  # the third session of the period reaches 3
        state, effects, next_check = run(tracker, summary, ["2024-03-18"], state)
        assert [(e.period_begin, e.reason) for e in effects] == [
            (d("2024-03-15"), TaskReason.COUNT_REACHED)
        ]  # type: ignore[attr-defined]
        assert next_check == d("2024-03-29")

    def test_catch_up_over_several_missed_periods_makes_each_periods_task_once(self) -> None:
        tracker = self.task(TaskTrigger.END_DATE, auto_reset=True)
        summary = completed_on("2024-03-02")
        state, _, _ = run(tracker, summary, ["2024-03-10"])
        caught_up = evaluate_tracker(tracker, summary, state, d("2024-04-20"))
        assert [e.key for e in caught_up.effects] == [
            "tracker#t1#task#2024-03-01",
            "tracker#t1#reset#2024-03-15",
            "tracker#t1#task#2024-03-15",
            "tracker#t1#reset#2024-03-29",
            "tracker#t1#task#2024-03-29",
            "tracker#t1#reset#2024-04-12",
        ]
        assert caught_up.next_check == d("2024-04-26")
        again = evaluate_tracker(tracker, summary, caught_up.state, d("2024-04-20"))
        assert again.effects == ()

    def test_count_reached_in_a_missed_period_still_gets_its_task_at_the_close(self) -> None:
        tracker = self.task(TaskTrigger.COUNT_REACHED, auto_reset=True)
        state, _, _ = run(tracker, ClientSummary("c1"), ["2024-03-01"])
        late = completed_on("2024-03-02", "2024-03-03", "2024-03-04")
        result = evaluate_tracker(tracker, late, state, d("2024-03-20"))
        assert [(type(e).__name__, e.key) for e in result.effects] == [
            ("CreateTask", "tracker#t1#task#2024-03-01"),
            ("ResetTracker", "tracker#t1#reset#2024-03-15"),
        ]
        assert result.effects[0].reason is TaskReason.COUNT_REACHED  # type: ignore[union-attr]

    def test_without_auto_reset_the_tracker_ends_and_stays_visible_as_ended(self) -> None:
        tracker = self.task(TaskTrigger.COUNT_REACHED)
        _state, effects, next_check = run(
            tracker, completed_on("2024-03-02"), ["2024-03-14", "2024-03-15", "2024-04-30"]
        )
        assert (effects, next_check) == ([], None)
        view = tracker_view(tracker, completed_on("2024-03-02", "2024-03-20"), d("2024-04-30"))
        assert (view.ended, view.used, view.end_date) == (True, 1, d("2024-03-14"))

    def test_a_tracker_created_after_its_end_date_gets_no_task_for_the_past(self) -> None:
        tracker = self.task(TaskTrigger.END_DATE)
        result = evaluate_tracker(
            tracker, completed_on("2024-03-02"), TrackerState(), d("2024-04-01")
        )
        assert (result.effects, result.next_check) == ((), None)

    def test_a_tracker_without_task_or_reset_needs_no_check(self) -> None:
        result = evaluate_tracker(
            MARCH, completed_on("2024-03-02"), TrackerState(), d("2024-03-02")
        )
        assert (result.effects, result.next_check) == ((), None)

    def test_state_round_trips(self) -> None:
        state = TrackerState(d("2024-03-02"), d("2024-03-01"))
        assert TrackerState.from_dict(state.to_dict()) == state
        assert TrackerState.from_dict({}) == TrackerState()
