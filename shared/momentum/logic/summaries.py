"""Summaries as a write leaves them: folded, then trimmed to what their rules can still ask
(`momentum.domain.retention`, issue #15).

A trimmed summary answers every rule exactly, except after something reached past what it
keeps: more of the newest old dates cancelled or deleted than it keeps, an appointment
dated in a subscription period older than the package keeps, or a tracker counting from
before what its client keeps. Then, and only then, the summary is rebuilt from the client's
appointments as stored (one Query of its appointments, `store.client_history`) — never
answered from a guess."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from momentum.domain import retention
from momentum.domain.appointments import AppointmentFacts
from momentum.domain.clients import ClientSummary
from momentum.domain.dates import Timezone
from momentum.domain.engagements import EngagementSummary
from momentum.domain.packages import PackageSummary
from momentum.domain.tally import TrimmedHistory
from momentum.domain.trackers import Tracker, TrackerState
from momentum.store import client_history
from momentum.store.clients import ClientRecord
from momentum.store.engagements import EngagementRecord
from momentum.store.packages import PackageRecord
from momentum.store.trackers import TrackerRecord

type Facts = AppointmentFacts | None


def _history(org_id: str, client_id: str, tz: Timezone) -> list[AppointmentFacts]:
    return client_history.appointment_facts(org_id, client_id, tz)


def client_kept(
    record: ClientRecord,
    folded: ClientSummary,
    before: Facts,
    after: Facts,
    trackers: Iterable[TrackerRecord],
    today: date,
    tz: Timezone,
) -> ClientSummary:
    """The client's summary `folded` (`record`'s with the change `before` → `after`), kept
    for the client's trackers."""
    tracked = [(t.tracker, t.state) for t in trackers]
    kept = retention.client_summary(folded, today, tracked)
    if retention.client_answers(kept, today, tracked):
        return kept
    whole = ClientSummary.rebuild(record.id, _history(record.org_id, record.id, tz))
    return retention.client_summary(whole.apply_change(before, after), today, tracked)


def client_counting(
    record: ClientRecord, tracker: Tracker, state: TrackerState, today: date, tz: Timezone
) -> ClientSummary | None:
    """A client summary that counts from the tracker's period begin, if the stored one does
    not (a tracker created or moved to begin before what the client keeps); None if it
    does. It keeps whatever the stored one kept, so the client's other trackers still
    count: store it with the tracker."""
    summary = record.client_summary()
    if retention.client_answers(summary, today, [(tracker, state)]):
        return None
    whole = ClientSummary.rebuild(record.id, _history(record.org_id, record.id, tz))
    first = retention.client_completed_from(whole.completed, today, [(tracker, state)])
    trim = summary.completed.trim
    if trim is not None:  # never keep less than before: the other trackers count from it
        first = min(first, trim.below)
    return whole.trimmed(first, retention.scheduled_from(today), retention.KEEP_NEWEST)


def package_after(
    record: PackageRecord, before: Facts, after: Facts, today: date, tz: Timezone
) -> PackageSummary:
    """The package's summary with one appointment change folded in, kept for its rules."""
    package = record.package
    folded = record.package_summary().apply_change(before, after)
    kept = retention.package_summary(package, folded, today)
    if retention.package_answers(package, kept, today):
        return kept
    whole = PackageSummary.rebuild(record.id, _history(record.org_id, record.client_id, tz))
    return retention.package_summary(package, whole.apply_change(before, after), today)


def engagement_after(
    record: EngagementRecord, before: Facts, after: Facts, today: date, tz: Timezone
) -> EngagementSummary:
    """The engagement's summary with one appointment change folded in, kept for its rules."""
    folded = record.engagement_summary().apply_change(before, after)
    kept = retention.engagement_summary(folded, record.state, today)
    if retention.engagement_answers(kept, record.state, today):
        return kept
    facts = _history(record.org_id, record.engagement.coachee_id, tz)
    whole = EngagementSummary.rebuild(record.id, record.engagement.type, facts)
    return retention.engagement_summary(whole.apply_change(before, after), record.state, today)


def with_package_history[T](
    record: PackageRecord, tz: Timezone, rule: Callable[[PackageSummary], T]
) -> T:
    """`rule` answered from the package's summary, or from its whole history when it asks
    about dates the summary no longer lists (an appointment dated in a subscription period
    more than a year back)."""
    try:
        return rule(record.package_summary())
    except TrimmedHistory:
        facts = _history(record.org_id, record.client_id, tz)
        return rule(PackageSummary.rebuild(record.id, facts))
