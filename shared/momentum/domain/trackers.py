"""Session trackers (SPEC §6): per-client counters of completed appointments with a target.

`used` counts the client's completed appointments (any package or none) from the period's
begin date through the earlier of today and its end date; it reads the client summary's
per-date tally, so trackers need no write when an appointment changes.

Periods: a tracker with an end date and `auto_reset` runs in back-to-back periods of the
same length (1-14 March, then 15-28 March, ...). Period `n` is computed from the begin and
end dates the user entered, so catching up several missed periods is arithmetic. Without
`auto_reset` the tracker ends after its end date and stays visible as ended.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from momentum.domain.clients import ClientSummary
from momentum.domain.effects import CreateTask, Effect, Evaluation, ResetTracker, TaskReason, replay
from momentum.domain.errors import Conflict, FieldError, InvalidInput

MAX_TRACKERS_PER_CLIENT = 8
DAY = timedelta(days=1)
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class TaskTrigger(StrEnum):
    COUNT_REACHED = "count_reached"
    END_DATE = "end_date"
    FIRST = "first"  # whichever happens first


@dataclass(frozen=True, slots=True)
class TrackerTask:
    assignee_id: str
    trigger: TaskTrigger


@dataclass(frozen=True, slots=True)
class Tracker:
    """A tracker as entered. Build with `validate_tracker` to have its rules checked."""

    id: str
    client_id: str
    sessions: int
    begin_date: date
    end_date: date | None = None
    note: str = ""
    color: str = "#4A90E2"
    task: TrackerTask | None = None
    auto_reset: bool = False

    @property
    def length_days(self) -> int | None:
        return None if self.end_date is None else (self.end_date - self.begin_date).days + 1


def validate_tracker(tracker: Tracker, loc: tuple[str | int, ...] = ("body",)) -> Tracker:
    """The tracker if its fields obey the rules, else InvalidInput (422) with field paths."""
    errors: list[FieldError] = []
    if tracker.sessions < 1:
        errors.append(FieldError((*loc, "sessions"), "must be at least 1"))
    if tracker.end_date is not None and tracker.end_date < tracker.begin_date:
        errors.append(FieldError((*loc, "end_date"), "must be on or after begin_date"))
    if not _COLOR.match(tracker.color):
        errors.append(FieldError((*loc, "color"), "must be a colour like #1A2B3C"))
    if tracker.auto_reset and tracker.end_date is None:
        errors.append(FieldError((*loc, "auto_reset"), "needs an end_date to reset on"))
    task = tracker.task
    if task is not None:
        if not task.assignee_id:
            errors.append(FieldError((*loc, "task", "assignee_id"), "must name a staff user"))
        if task.trigger is not TaskTrigger.COUNT_REACHED and tracker.end_date is None:
            errors.append(FieldError((*loc, "task", "trigger"), "needs an end_date"))
    if errors:
        raise InvalidInput("The tracker has invalid fields", errors=errors)
    return tracker


def ensure_can_add_tracker(existing_trackers: int) -> None:
    """A client has at most 8 trackers; the 9th is refused (409)."""
    if existing_trackers >= MAX_TRACKERS_PER_CLIENT:
        raise Conflict(
            f"This client already has {MAX_TRACKERS_PER_CLIENT} trackers, the most allowed; "
            "delete one first"
        )


def shows_on_appointment(appointment_date: date, today: date) -> bool:
    """Trackers show on appointments dated today or earlier, never on future ones."""
    return appointment_date <= today


# --- periods ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrackerPeriod:
    begin: date
    end: date | None


def period_index(tracker: Tracker, day: date) -> int:
    """Which period `day` falls in: 0 unless the tracker resets and `day` is past its end."""
    length = tracker.length_days
    if not tracker.auto_reset or length is None:
        return 0
    return max(0, (day - tracker.begin_date).days // length)


def period(tracker: Tracker, index: int) -> TrackerPeriod:
    length = tracker.length_days
    if length is None:
        return TrackerPeriod(tracker.begin_date, None)
    begin = tracker.begin_date + timedelta(days=index * length)
    return TrackerPeriod(begin, begin + timedelta(days=length - 1))


def has_ended(tracker: Tracker, day: date) -> bool:
    """A tracker without auto_reset stops counting after its end date."""
    return not tracker.auto_reset and tracker.end_date is not None and day > tracker.end_date


def used_in(summary: ClientSummary, span: TrackerPeriod, day: date) -> int:
    """Completed appointments dated from the period's begin through min(day, its end)."""
    last = day if span.end is None else min(day, span.end)
    return summary.completed.between(span.begin, last)


@dataclass(frozen=True, slots=True)
class TrackerView:
    """A tracker as shown on the client record and on appointments."""

    begin_date: date
    end_date: date | None
    used: int
    remaining: int
    ended: bool


def tracker_view(tracker: Tracker, summary: ClientSummary, today: date) -> TrackerView:
    """The current period's counts, straight from the client summary (always current)."""
    span = period(tracker, period_index(tracker, today))
    used = used_in(summary, span, today)
    return TrackerView(
        begin_date=span.begin,
        end_date=span.end,
        used=used,
        remaining=max(tracker.sessions - used, 0),
        ended=has_ended(tracker, today),
    )


# --- the nightly evaluation ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrackerState:
    """What the evaluation persists: the begin date of the period whose task exists."""

    evaluated_on: date | None = None
    task_created_for: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "evaluated_on": None if self.evaluated_on is None else self.evaluated_on.isoformat(),
            "task_created_for": (
                None if self.task_created_for is None else self.task_created_for.isoformat()
            ),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> TrackerState:
        evaluated, task = raw.get("evaluated_on"), raw.get("task_created_for")
        return cls(
            evaluated_on=None if evaluated is None else date.fromisoformat(str(evaluated)),
            task_created_for=None if task is None else date.fromisoformat(str(task)),
        )


class _TrackerRules:
    __slots__ = ("summary", "tracker")

    def __init__(self, tracker: Tracker, summary: ClientSummary) -> None:
        self.tracker = tracker
        self.summary = summary

    def _task(self, span: TrackerPeriod, reason: TaskReason) -> CreateTask:
        tracker, task = self.tracker, self.tracker.task
        assert task is not None
        return CreateTask(
            tracker.id, tracker.client_id, span.begin, span.end, reason, task.assignee_id,
            tracker.note,
        )  # fmt: skip

    def _close(self, index: int, task_for: date | None, effects: list[Effect]) -> date | None:
        """The period's end date has passed: its end_date task, or a count_reached one the
        runs missed (the count was reached inside the period)."""
        task, span = self.tracker.task, period(self.tracker, index)
        if task is None or task_for == span.begin:
            return task_for
        assert span.end is not None
        reached = used_in(self.summary, span, span.end) >= self.tracker.sessions
        if task.trigger is TaskTrigger.COUNT_REACHED and not reached:
            return task_for
        reason = (
            TaskReason.COUNT_REACHED
            if reached and task.trigger is not TaskTrigger.END_DATE
            else TaskReason.END_DATE
        )
        effects.append(self._task(span, reason))
        return span.begin

    def step(self, state: TrackerState, day: date) -> tuple[TrackerState, list[Effect]]:
        tracker, effects = self.tracker, list[Effect]()
        task_for, previous = state.task_created_for, state.evaluated_on
        # Close every period whose end date passed since the last evaluation. A tracker seen
        # for the first time starts in today's period: it never had the earlier ones.
        if previous is not None and previous < day and tracker.end_date is not None:
            if tracker.auto_reset:
                for index in range(period_index(tracker, previous), period_index(tracker, day)):
                    task_for = self._close(index, task_for, effects)
                    following = period(tracker, index + 1)
                    assert following.end is not None
                    effects.append(ResetTracker(tracker.id, following.begin, following.end))
            elif previous <= tracker.end_date < day:
                task_for = self._close(0, task_for, effects)
        task = tracker.task
        if (
            task is not None
            and task.trigger is not TaskTrigger.END_DATE
            and not has_ended(tracker, day)
        ):
            span = period(tracker, period_index(tracker, day))
            if task_for != span.begin and used_in(self.summary, span, day) >= tracker.sessions:
                effects.append(self._task(span, TaskReason.COUNT_REACHED))
                task_for = span.begin
        return TrackerState(day, task_for), effects

    def next_event(self, state: TrackerState, day: date) -> date | None:
        del state  # the days things can happen do not depend on what was done
        tracker = self.tracker
        if has_ended(tracker, day):
            return None
        span = period(tracker, period_index(tracker, day))
        candidates: list[date] = []
        if span.end is not None:
            candidates.append(span.end + DAY)
        # A completed appointment dated after `day` (only if dates were moved) enters the
        # count on its date.
        entering = self.summary.completed.earliest_after(day)
        if entering is not None and (span.end is None or entering <= span.end):
            candidates.append(entering)
        return min(candidates, default=None)


def _changed(before: TrackerState, after: TrackerState) -> bool:
    return before.task_created_for != after.task_created_for


def evaluate_tracker(
    tracker: Tracker, summary: ClientSummary, state: TrackerState, today: date
) -> Evaluation[TrackerState]:
    """Tasks and resets due by `today`, and the tracker's next check date.

    Call it from the nightly run and after every appointment write for the client's
    trackers (a completion can reach the count). Exactly one task per tracker period.
    """
    rules = _TrackerRules(tracker, summary)
    return replay(
        state=state,
        evaluated_on=state.evaluated_on,
        today=today,
        step=rules.step,
        next_event=rules.next_event,
        changed=_changed,
    )
