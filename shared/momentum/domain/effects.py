"""Side effects an evaluation asks for, and the replay driver every tracked kind shares.

Every effect has a deterministic `key` (item id + episode/period + kind): the evaluator
writes effects to the outbox under that key, so a retried run can never make a second one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class ReminderRecipient(StrEnum):
    TEAM_MEMBER = "team_member"
    CLIENT = "client"


class TaskReason(StrEnum):
    COUNT_REACHED = "count_reached"
    END_DATE = "end_date"


@dataclass(frozen=True, slots=True)
class SendReminder:
    """An On track reminder for one episode of a package being at risk or off track."""

    package_id: str
    client_id: str
    episode_start: date
    recipient: ReminderRecipient
    recipient_id: str

    @property
    def key(self) -> str:
        return f"package#{self.package_id}#reminder#{self.episode_start}#{self.recipient}"


@dataclass(frozen=True, slots=True)
class ExpirePackage:
    """The package's end date has passed: it is no longer open."""

    package_id: str
    expired_on: date

    @property
    def key(self) -> str:
        return f"package#{self.package_id}#expired#{self.expired_on}"


@dataclass(frozen=True, slots=True)
class RenewPackage:
    """Create the one renewal of an auto-renewing package from its template."""

    package_id: str
    client_id: str
    template_id: str
    start_date: date
    end_date: date | None

    @property
    def key(self) -> str:
        # Exactly one renewal per package, whatever triggered it.
        return f"package#{self.package_id}#renewal"


@dataclass(frozen=True, slots=True)
class CreateTask:
    """The task of one tracker period: names the client, the note and why it fired."""

    tracker_id: str
    client_id: str
    period_begin: date
    period_end: date | None
    reason: TaskReason
    assignee_id: str
    note: str

    @property
    def key(self) -> str:
        return f"tracker#{self.tracker_id}#task#{self.period_begin}"


@dataclass(frozen=True, slots=True)
class ResetTracker:
    """An auto-resetting tracker has started a new period."""

    tracker_id: str
    begin_date: date
    end_date: date

    @property
    def key(self) -> str:
        return f"tracker#{self.tracker_id}#reset#{self.begin_date}"


@dataclass(frozen=True, slots=True)
class EngagementOffTrack:
    """An engagement crossed into Off track; coachee, coach and owner are to be told."""

    engagement_id: str
    off_track_since: date
    coachee_id: str
    coach_id: str | None
    owner_id: str

    @property
    def key(self) -> str:
        return f"engagement#{self.engagement_id}#off_track#{self.off_track_since}"


type Effect = (
    SendReminder | ExpirePackage | RenewPackage | CreateTask | ResetTracker | EngagementOffTrack
)


@dataclass(frozen=True, slots=True)
class Evaluation[S]:
    """What an evaluation returns: the state to persist, effects due, and the next check.

    `next_check` is the first day after today on which the state or an effect could change
    if nothing new happens; None means never (until an appointment or an edit changes it).
    """

    state: S
    effects: tuple[Effect, ...]
    next_check: date | None


type Step[S] = Callable[[S, date], tuple[S, list[Effect]]]
type NextEvent[S] = Callable[[S, date], date | None]
type Changed[S] = Callable[[S, S], bool]


def first_day(evaluated_on: date | None, today: date) -> date:
    """The first day an evaluation on `today` replays: the day after the last one, or
    today itself when it was evaluated today (data may have changed) or never."""
    if evaluated_on is not None and evaluated_on < today:
        return evaluated_on + timedelta(days=1)
    return today


def replay[S](
    *,
    state: S,
    evaluated_on: date | None,
    today: date,
    step: Step[S],
    next_event: NextEvent[S],
    changed: Changed[S],
) -> Evaluation[S]:
    """Bring `state` up to `today`, then find the next check date.

    `step(state, day)` applies one day; `next_event(state, day)` is the next day after `day`
    on which a step could do anything (statuses are constant between such days). Missed
    days are replayed from the day after `evaluated_on`, so anything that fell due while no
    run happened is produced now, exactly once; today may be evaluated again (data changed).
    """
    day = first_day(evaluated_on, today)
    effects: list[Effect] = []
    while True:
        state, due = step(state, day)
        effects.extend(due)
        if day >= today:
            break
        # Skip the days on which nothing can happen, but always finish on today.
        following = next_event(state, day)
        day = today if following is None else min(following, today)
    return Evaluation(state, tuple(effects), _next_check(state, today, step, next_event, changed))


def _next_check[S](
    state: S, today: date, step: Step[S], next_event: NextEvent[S], changed: Changed[S]
) -> date | None:
    # Walk only the days on which something could happen, and stop at the first one where
    # something does: the answer is exact, never a day late and never needlessly early.
    day = next_event(state, today)
    while day is not None:
        after, due = step(state, day)
        if due or changed(state, after):
            return day
        state = after
        day = next_event(state, day)
    return None
