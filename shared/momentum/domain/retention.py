"""How much history each summary keeps (issue #15): the dates its rules can still ask about,
the newest few before them, and one count for the rest — so items stay the same size
however long a client has been coming.

Every rule asks about days from "now" on (today, or the next evaluation's replay, which
starts the day after the last one) or about a window that ends on such a day. What each
summary keeps, and why:

- package `completed`/`completed_minutes`: from today - 365 days (the longest On track
  window; subscription periods and "last session" are shorter). A fixed package keeps every
  date: its used-up day is counted from its first session, and it holds at most its size.
- client `completed`: from today - 92 days (so a tracker created with a begin date in the
  last quarter needs no re-read), or from the earliest current-period begin of the client's
  trackers (`used` counts from there, however long the period). A tracker whose period
  began before the client's first completed session needs none of the dates: it counts
  them all, listed and trimmed — unless its period ended before what the client keeps.
- engagement `activity`: from the day before its last evaluation (the next one replays from
  the day after; crossings of older activity are superseded by the newest kept one).
- every `scheduled`: from yesterday (the next scheduled start is asked from now on).
- a tracker's copy of the client's `completed`: the dates since its period's begin, those
  before its last evaluation as one count.

Before the cut each tally keeps its `KEEP_NEWEST` newest dates, so "last session" and "last
activity" stay exact after that many of them are cancelled or deleted. A write that leaves a
summary unable to answer what it must (`*_answers` false: more removals than that, or a
tracker counting from before what its client keeps) rebuilds it from the client's
appointments instead (`momentum.logic.summaries`): correct, and rare.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from momentum.domain.clients import ClientSummary
from momentum.domain.engagements import EngagementState, EngagementSummary
from momentum.domain.on_track import MAX_WINDOW_DAYS
from momentum.domain.packages import Package, PackageKind, PackageSummary
from momentum.domain.tally import Tally
from momentum.domain.trackers import Tracker, TrackerPeriod, TrackerState, period, period_index

KEEP_NEWEST = 3
PACKAGE_DAYS = MAX_WINDOW_DAYS  # the longest On track window
# A tracker created with a begin date in the last quarter counts from the client's summary
# without a re-read (older ones re-read once: `logic.summaries.client_counting`).
CLIENT_DAYS = 92
# The engagement evaluator's history compares the day before the due day with it.
ENGAGEMENT_MARGIN = timedelta(days=2)


def scheduled_from(today: date) -> datetime:
    """Starts before this are never "next" again: UTC midnight of yesterday is before the
    start of `today` in every timezone (UTC+14 included)."""
    return datetime.combine(today - timedelta(days=1), time(), tzinfo=UTC)


# --- packages ---------------------------------------------------------------------------------


def package_completed_from(package: Package, today: date) -> date | None:
    """The first completed date the package's rules can ask about (None: all of them)."""
    if package.size.kind is PackageKind.FIXED:
        return None
    return today - timedelta(days=PACKAGE_DAYS)


def package_summary(package: Package, summary: PackageSummary, today: date) -> PackageSummary:
    return summary.trimmed(
        package_completed_from(package, today), scheduled_from(today), KEEP_NEWEST
    )


def package_answers(package: Package, summary: PackageSummary, today: date) -> bool:
    """Whether every rule of the package can be answered from `summary` from today on."""
    first = package_completed_from(package, today)
    if first is None:
        return summary.completed.total() == sum(n for _, n in summary.completed.items)
    return summary.completed.knows_from(first) and summary.completed_minutes.knows_from(first)


# --- clients and their trackers ------------------------------------------------------------


def _seen(evaluated_on: date | None, today: date) -> date:
    return today if evaluated_on is None else min(evaluated_on, today)


def _tracker_span(tracker: Tracker, state: TrackerState, today: date) -> TrackerPeriod:
    """The earliest period the tracker's rules can still count: the one its next
    evaluation replays from (views ask about today's, which is never earlier)."""
    return period(tracker, period_index(tracker, _seen(state.evaluated_on, today)))


def tracker_counted_from(tracker: Tracker, state: TrackerState, today: date) -> date:
    return _tracker_span(tracker, state, today).begin


def tracker_reaches_back(tracker: Tracker, state: TrackerState, today: date) -> bool:
    """Whether the tracker counts from before what every client keeps anyway: a write that
    stores it must land on the client summary it counted from."""
    return tracker_counted_from(tracker, state, today) < today - timedelta(days=CLIENT_DAYS)


def _earliest(completed: Tally[date]) -> date | None:
    if completed.trim is not None:
        return completed.trim.lowest
    return completed.items[0][0] if completed.items else None


def _pin(completed: Tally[date], tracker: Tracker, state: TrackerState, today: date) -> date | None:
    """The date a tracker needs its client to keep every completed date from, or None when
    it counts without them: its period began before the client's first completed session
    and ends after what the client keeps anyway, so "all of them" (listed plus the trim's
    count) is its count. A tracker since the client's first session keeps nothing."""
    span = _tracker_span(tracker, state, today)
    earliest = _earliest(completed)
    ends_late = span.end is None or span.end >= today - timedelta(days=CLIENT_DAYS)
    if earliest is None or (span.begin <= earliest and ends_late):
        return None
    return span.begin


type Tracked = tuple[Tracker, TrackerState]


def client_completed_from(completed: Tally[date], today: date, trackers: Iterable[Tracked]) -> date:
    pins = (_pin(completed, tracker, state, today) for tracker, state in trackers)
    return min((today - timedelta(days=CLIENT_DAYS), *(pin for pin in pins if pin is not None)))


def client_summary(
    summary: ClientSummary, today: date, trackers: Iterable[Tracked]
) -> ClientSummary:
    """`trackers`: the client's trackers with their states (before this write's evaluation)."""
    first = client_completed_from(summary.completed, today, trackers)
    return summary.trimmed(first, scheduled_from(today), KEEP_NEWEST)


def _tracker_answers(
    completed: Tally[date], tracker: Tracker, state: TrackerState, today: date
) -> bool:
    span = _tracker_span(tracker, state, today)
    if not completed.counts_from(span.begin):
        return False
    # Counting through the trim's count needs the period to end after it.
    trim = completed.trim
    if trim is None or trim.count == 0 or span.begin >= trim.below:
        return True
    return span.end is None or span.end >= trim.below


def client_answers(summary: ClientSummary, today: date, trackers: Iterable[Tracked]) -> bool:
    """Whether every tracker can count its periods with `summary`."""
    return all(_tracker_answers(summary.completed, t, s, today) for t, s in trackers)


def tracker_copy(
    completed: Tally[date], tracker: Tracker, state: TrackerState, today: date
) -> Tally[date]:
    """The client's completed dates a tracker's nightly evaluation needs (it reads no
    client): those since its period's begin, the ones before its last evaluation as one
    count. `state` is the tracker's state as written; `completed` must count from the
    period's begin (`client_answers`)."""
    since = completed.since(tracker_counted_from(tracker, state, today))
    return since.trimmed(_seen(state.evaluated_on, today), KEEP_NEWEST)


# --- engagements --------------------------------------------------------------------------------


def engagement_kept_from(state: EngagementState, today: date) -> date:
    """The next evaluation replays from the day after `state.evaluated_on`; views ask
    about today."""
    return _seen(state.evaluated_on, today) - ENGAGEMENT_MARGIN


def engagement_summary(
    summary: EngagementSummary, state: EngagementState, today: date
) -> EngagementSummary:
    return summary.trimmed(engagement_kept_from(state, today), KEEP_NEWEST)


def engagement_answers(summary: EngagementSummary, state: EngagementState, today: date) -> bool:
    first = engagement_kept_from(state, today)
    return summary.activity.knows_from(first) and summary.scheduled.lists_from(first)
