"""Coaching engagements (SPEC §7): lifecycle, progress status, off-track notices.

Status on a day is a pure function of (engagement, summary, day):

- not tracked unless the engagement is active or matching and has a threshold;
- On track while a session (discovery call, for coach matching) is scheduled after today;
- else with `last` = the latest activity date up to the day: Off track from
  `last + threshold` on (that day is `off_track_since`), On track before.

Activity: one-to-one and on-demand count their sessions' dates whatever their status;
coach matching counts the coach selection date and its discovery calls' dates; the date the
engagement became active or matching is always the first activity.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from momentum.domain.access import Principal, may_see_engagement_progress
from momentum.domain.appointments import AppointmentFacts, AppointmentKind
from momentum.domain.effects import Effect, EngagementOffTrack, Evaluation, first_day, replay
from momentum.domain.errors import Conflict, FieldError, InvalidInput
from momentum.domain.progress import Progress
from momentum.domain.recipients import EmailKind, Person, may_email
from momentum.domain.tally import Tally, dates_from_dict


class EngagementType(StrEnum):
    ONE_TO_ONE = "one_to_one"
    ON_DEMAND = "on_demand"
    COACH_MATCHING = "coach_matching"

    @property
    def activity_kind(self) -> AppointmentKind:
        """Which appointments are activity: discovery calls while matching, else sessions."""
        if self is EngagementType.COACH_MATCHING:
            return AppointmentKind.DISCOVERY_CALL
        return AppointmentKind.SESSION


class EngagementStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    MATCHING = "matching"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


TRACKED_STATUSES = frozenset({EngagementStatus.ACTIVE, EngagementStatus.MATCHING})

ALLOWED_TRANSITIONS: Mapping[EngagementStatus, frozenset[EngagementStatus]] = {
    EngagementStatus.DRAFT: frozenset(
        {EngagementStatus.ACTIVE, EngagementStatus.MATCHING, EngagementStatus.CANCELLED}
    ),
    EngagementStatus.MATCHING: frozenset({EngagementStatus.ACTIVE, EngagementStatus.CANCELLED}),
    EngagementStatus.ACTIVE: frozenset({EngagementStatus.COMPLETED, EngagementStatus.CANCELLED}),
    EngagementStatus.COMPLETED: frozenset(),
    EngagementStatus.CANCELLED: frozenset(),
}


@dataclass(frozen=True, slots=True)
class EngagementTracking:
    """Progress tracking settings of a template, copied into an engagement at launch."""

    threshold_days: int | None = None  # tracking is off when unset
    notify_off_track: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"threshold_days": self.threshold_days, "notify_off_track": self.notify_off_track}

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> EngagementTracking:
        threshold = raw.get("threshold_days")
        return cls(
            threshold_days=None if threshold is None else int(threshold),
            notify_off_track=bool(raw.get("notify_off_track", False)),
        )


def engagement_tracking(
    threshold_days: int | None,
    notify_off_track: bool = False,
    loc: tuple[str | int, ...] = ("body",),
) -> EngagementTracking:
    """Validated tracking settings (a threshold is at least one day), else 422."""
    if threshold_days is not None and threshold_days < 1:
        raise InvalidInput(
            "The progress tracking threshold must be at least one day",
            errors=[FieldError((*loc, "threshold_days"), "must be at least 1")],
        )
    return EngagementTracking(threshold_days, notify_off_track)


@dataclass(frozen=True, slots=True)
class Engagement:
    id: str
    type: EngagementType
    status: EngagementStatus
    coachee_id: str
    owner_id: str
    coach_id: str | None = None
    location_id: str | None = None
    tracking: EngagementTracking = field(default_factory=EngagementTracking)
    started_on: date | None = None  # the day it first became active or matching
    coach_selected_on: date | None = None


def change_status(
    engagement: Engagement,
    to: EngagementStatus,
    *,
    today: date,
    template_tracking: EngagementTracking | None = None,
) -> Engagement:
    """Move to `to` if allowed (409 otherwise).

    Launching (leaving draft) copies the template's tracking settings: later template
    edits do not change launched engagements. The clock starts on the first day it is
    active or matching.
    """
    if to not in ALLOWED_TRANSITIONS[engagement.status]:
        raise Conflict(f"An engagement cannot go from {engagement.status} to {to}")
    if to is EngagementStatus.MATCHING and engagement.type is not EngagementType.COACH_MATCHING:
        raise Conflict("Only coach matching engagements go through matching")
    if (
        to is EngagementStatus.ACTIVE
        and engagement.type is EngagementType.COACH_MATCHING
        and engagement.coach_id is None
    ):
        raise Conflict("Select a coach before activating a coach matching engagement")
    tracking = engagement.tracking
    if engagement.status is EngagementStatus.DRAFT and template_tracking is not None:
        tracking = template_tracking
    started = engagement.started_on
    if started is None and to in TRACKED_STATUSES:
        started = today
    return replace(engagement, status=to, tracking=tracking, started_on=started)


def select_coach(engagement: Engagement, coach_id: str, *, today: date) -> Engagement:
    """Set the coach. For coach matching this is activity, and it ends matching."""
    if engagement.status not in (EngagementStatus.DRAFT, *TRACKED_STATUSES):
        raise Conflict(f"A {engagement.status} engagement cannot change coach")
    if engagement.type is not EngagementType.COACH_MATCHING:
        return replace(engagement, coach_id=coach_id)
    selected = replace(engagement, coach_id=coach_id, coach_selected_on=today)
    if engagement.status is EngagementStatus.MATCHING:
        return change_status(selected, EngagementStatus.ACTIVE, today=today)
    return selected


# --- the engagement summary -----------------------------------------------------------------

SUMMARY_VERSION = 1


@dataclass(frozen=True, slots=True)
class EngagementSummary:
    """Activity of an engagement's appointments of its activity kind.

    - `activity`: appointments per local date, whatever their status;
    - `scheduled`: scheduled appointments per local date ("is one scheduled after today?").
    """

    engagement_id: str
    kind: AppointmentKind = AppointmentKind.SESSION
    activity: Tally[date] = field(default_factory=Tally)
    scheduled: Tally[date] = field(default_factory=Tally)

    @classmethod
    def empty(cls, engagement_id: str, engagement_type: EngagementType) -> EngagementSummary:
        return cls(engagement_id, engagement_type.activity_kind)

    def _with(self, facts: AppointmentFacts | None, sign: int) -> EngagementSummary:
        if facts is None or facts.engagement_id != self.engagement_id or facts.kind != self.kind:
            return self
        scheduled = self.scheduled.add(facts.date, sign) if facts.is_scheduled else self.scheduled
        return EngagementSummary(
            self.engagement_id, self.kind, self.activity.add(facts.date, sign), scheduled
        )

    def apply_change(
        self, before: AppointmentFacts | None, after: AppointmentFacts | None
    ) -> EngagementSummary:
        return self._with(before, -1)._with(after, +1)

    def trimmed(self, keep_from: date, keep: int) -> EngagementSummary:
        """The summary keeping what rules ask from `keep_from` on (see `retention`)."""
        return EngagementSummary(
            self.engagement_id,
            self.kind,
            self.activity.trimmed(keep_from, keep),
            self.scheduled.trimmed(keep_from, keep),
        )

    @classmethod
    def rebuild(
        cls,
        engagement_id: str,
        engagement_type: EngagementType,
        appointments: Iterable[AppointmentFacts],
    ) -> EngagementSummary:
        summary = cls.empty(engagement_id, engagement_type)
        for facts in appointments:
            summary = summary._with(facts, +1)
        return summary

    def to_dict(self) -> dict[str, Any]:
        return {
            "v": SUMMARY_VERSION,
            "engagement_id": self.engagement_id,
            "kind": self.kind.value,
            "activity": self.activity.to_dict(),
            "scheduled": self.scheduled.to_dict(),
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> EngagementSummary:
        return cls(
            engagement_id=str(raw["engagement_id"]),
            kind=AppointmentKind(raw.get("kind", AppointmentKind.SESSION)),
            activity=dates_from_dict(raw.get("activity", {})),
            scheduled=dates_from_dict(raw.get("scheduled", {})),
        )


# --- status -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EngagementProgress:
    status: Progress
    off_track_since: date | None = None


NOT_TRACKING = EngagementProgress(Progress.NOT_TRACKING)
ON_TRACK = EngagementProgress(Progress.ON_TRACK)


class _Timeline:
    __slots__ = ("engagement", "events", "extra_activity", "summary", "threshold")

    def __init__(
        self,
        engagement: Engagement,
        summary: EngagementSummary,
        replay_from: date | None = None,
    ) -> None:
        self.engagement = engagement
        self.summary = summary
        tracked = engagement.status in TRACKED_STATUSES
        self.threshold = engagement.tracking.threshold_days if tracked else None
        self.extra_activity = tuple(
            day for day in (engagement.started_on, engagement.coach_selected_on) if day
        )
        self.events = () if replay_from is None else self._events(replay_from)

    def _events(self, replay_from: date) -> tuple[date, ...]:
        # Status changes only when an activity date is reached or its threshold runs out.
        # A scheduled appointment is activity too: once its day comes it is the last
        # activity, so it never needs a day of its own. Activity whose threshold ran out
        # before the replay starts is skipped: only later days are ever asked for.
        if self.threshold is None:
            return ()
        # Trimmed activity is older than the newest activity kept before the replay
        # (`retention`), so its days can change nothing: the listed keys are enough.
        threshold, days = timedelta(days=self.threshold), set[date]()
        recent = self.summary.activity.listed_keys_from(replay_from - threshold)
        for activity in (*recent, *self.extra_activity):
            days.update((activity, activity + threshold))
        return tuple(sorted(days))

    def last_activity(self, day: date) -> date | None:
        candidates = [d for d in self.extra_activity if d <= day]
        latest = self.summary.activity.latest_at_or_before(day)
        if latest is not None:
            candidates.append(latest)
        return max(candidates, default=None)

    def progress(self, day: date) -> EngagementProgress:
        if self.threshold is None:
            return NOT_TRACKING
        if self.summary.scheduled.earliest_after(day) is not None:
            return ON_TRACK
        last = self.last_activity(day)
        if last is None:
            return ON_TRACK
        crossing = last + timedelta(days=self.threshold)
        if day >= crossing:
            return EngagementProgress(Progress.OFF_TRACK, crossing)
        return ON_TRACK

    def step(self, state: EngagementState, day: date) -> tuple[EngagementState, list[Effect]]:
        progress, effects = self.progress(day), list[Effect]()
        off = progress.status is Progress.OFF_TRACK
        # One notice per off-track episode; being On track again re-arms it.
        notified = state.notified and off
        if off and not notified and self.engagement.tracking.notify_off_track:
            assert progress.off_track_since is not None
            engagement = self.engagement
            effects.append(
                EngagementOffTrack(
                    engagement.id,
                    progress.off_track_since,
                    engagement.coachee_id,
                    engagement.coach_id,
                    engagement.owner_id,
                )
            )
            notified = True
        return EngagementState(day, progress.status, progress.off_track_since, notified), effects

    def next_event(self, state: EngagementState, day: date) -> date | None:
        del state
        index = bisect_right(self.events, day)
        return self.events[index] if index < len(self.events) else None


def progress_on(
    engagement: Engagement, summary: EngagementSummary, day: date
) -> EngagementProgress:
    """The engagement's status on `day`, for a viewer allowed to see progress."""
    return _Timeline(engagement, summary).progress(day)


def progress_for(
    viewer: Principal, engagement: Engagement, summary: EngagementSummary, today: date
) -> EngagementProgress:
    """What `viewer` sees in the On/Off track column: `-` unless they may see progress."""
    if not may_see_engagement_progress(
        viewer,
        owner_id=engagement.owner_id,
        coach_id=engagement.coach_id,
        location_id=engagement.location_id,
    ):
        return NOT_TRACKING
    return progress_on(engagement, summary, today)


@dataclass(frozen=True, slots=True)
class EngagementState:
    """What the evaluation persists: status, off_track_since, and whether this off-track
    episode's notice went out."""

    evaluated_on: date | None = None
    status: Progress = Progress.NOT_TRACKING
    off_track_since: date | None = None
    notified: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "evaluated_on": None if self.evaluated_on is None else self.evaluated_on.isoformat(),
            "status": self.status.value,
            "off_track_since": (
                None if self.off_track_since is None else self.off_track_since.isoformat()
            ),
            "notified": self.notified,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> EngagementState:
        evaluated, since = raw.get("evaluated_on"), raw.get("off_track_since")
        return cls(
            evaluated_on=None if evaluated is None else date.fromisoformat(str(evaluated)),
            status=Progress(raw.get("status", Progress.NOT_TRACKING)),
            off_track_since=None if since is None else date.fromisoformat(str(since)),
            notified=bool(raw.get("notified", False)),
        )


def _changed(before: EngagementState, after: EngagementState) -> bool:
    return replace(after, evaluated_on=before.evaluated_on) != before


def evaluate_engagement(
    engagement: Engagement, summary: EngagementSummary, state: EngagementState, today: date
) -> Evaluation[EngagementState]:
    """Status, off_track_since and the off-track notice due by `today`; next check date."""
    timeline = _Timeline(engagement, summary, first_day(state.evaluated_on, today))
    return replay(
        state=state,
        evaluated_on=state.evaluated_on,
        today=today,
        step=timeline.step,
        next_event=timeline.next_event,
        changed=_changed,
    )


# --- off-track email ----------------------------------------------------------------------------


class NoticeRole(StrEnum):
    COACHEE = "coachee"
    COACH = "coach"


@dataclass(frozen=True, slots=True)
class OffTrackEmail:
    """One off-track email to an engagement's coachee or coach."""

    recipient_id: str
    role: NoticeRole
    notice: EngagementOffTrack

    @property
    def key(self) -> str:
        return f"{self.notice.key}#{self.role}#{self.recipient_id}"


@dataclass(frozen=True, slots=True)
class OffTrackDigest:
    """One email per administrator listing every engagement of theirs crossing in a run."""

    recipient_id: str
    run_date: date
    notices: tuple[EngagementOffTrack, ...]

    @property
    def key(self) -> str:
        return f"digest#{EmailKind.ENGAGEMENT_OFF_TRACK}#{self.recipient_id}#{self.run_date}"


@dataclass(frozen=True, slots=True)
class OffTrackEmails:
    emails: tuple[OffTrackEmail, ...]
    digests: tuple[OffTrackDigest, ...]


def plan_off_track_emails(
    notices: Sequence[EngagementOffTrack], people: Mapping[str, Person], run_date: date
) -> OffTrackEmails:
    """Who is emailed for a run's off-track crossings.

    Coachee and coach get one email per engagement; each owner (administrator) gets one
    digest for all their engagements crossing in this run. Anyone without an address,
    inactive and never invited, or who turned these emails off, gets nothing.
    """
    kind = EmailKind.ENGAGEMENT_OFF_TRACK
    emails: list[OffTrackEmail] = []
    per_owner: dict[str, list[EngagementOffTrack]] = {}
    for notice in sorted(set(notices), key=lambda n: n.key):
        if may_email(people.get(notice.coachee_id), kind):
            emails.append(OffTrackEmail(notice.coachee_id, NoticeRole.COACHEE, notice))
        coach = notice.coach_id
        # A coach who also owns the engagement hears about it in the digest.
        if coach is not None and coach != notice.owner_id and may_email(people.get(coach), kind):
            emails.append(OffTrackEmail(coach, NoticeRole.COACH, notice))
        if may_email(people.get(notice.owner_id), kind):
            per_owner.setdefault(notice.owner_id, []).append(notice)
    digests = tuple(
        OffTrackDigest(owner, run_date, tuple(owned)) for owner, owned in sorted(per_owner.items())
    )
    return OffTrackEmails(tuple(emails), digests)
