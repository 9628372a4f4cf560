"""What every write that touches a tracked item does: recompute its stored status and its
place in the due index. The nightly evaluator alone performs side effects (email, renewals);
a write only makes sure the item is due when something is. A package's write also records
its On track state, so an episode the write starts begins that day (SPEC §5)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from momentum.domain.clients import ClientSummary
from momentum.domain.dates import start_of_day
from momentum.domain.effects import CreateTask
from momentum.domain.engagements import evaluate_engagement
from momentum.domain.on_track import PackageInputs, evaluate_package_write, status_on
from momentum.domain.trackers import evaluate_tracker
from momentum.store import engagements as engagement_store
from momentum.store import packages as package_store
from momentum.store import trackers as tracker_store
from momentum.store.engagements import EngagementRecord
from momentum.store.packages import PackageRecord
from momentum.store.trackers import TrackerRecord


def check_at(check: date | None, timezone: str) -> datetime | None:
    """The instant a next check's day begins in the organization (None: no next check,
    out of the due index)."""
    return None if check is None else start_of_day(check, timezone)


def refresh_package(
    record: PackageRecord, today: date, timezone: str, *, before: PackageRecord | None = None
) -> PackageRecord:
    """The package as a write leaves it: status as of today, the On track state (an
    episode the write started begins today) and the next check date.

    `before` is the package as stored before this write (None for a new package): the days
    since the last evaluation are caught up with what was true then. Effects found due (a
    reminder, an expiry, a renewal) are owed to the next run, which the due date makes now."""
    package, summary = record.package, record.package_summary()
    previous = (
        None
        if before is None
        else PackageInputs(before.package, before.settings, before.package_summary())
    )
    state = record.state if before is None else before.state
    evaluation = evaluate_package_write(
        package, record.settings, summary, state, today, before=previous
    )
    status = status_on(package, record.settings, summary, today)
    return package_store.scheduled(
        replace(record, state=evaluation.state, status=status.value),
        check_at(evaluation.next_check, timezone),
    )


def refresh_engagement(record: EngagementRecord, today: date, timezone: str) -> EngagementRecord:
    """The engagement's next check; due today when an off-track notice is due. With none
    due, the state caught up to today is kept (the nightly would find the same), so the
    next evaluation replays from tomorrow and the summary need keep no older activity
    (`domain.retention`); with one due, the state stays for the nightly to send it."""
    evaluation = evaluate_engagement(
        record.engagement, record.engagement_summary(), record.state, today
    )
    if evaluation.effects:
        return engagement_store.scheduled(record, check_at(today, timezone))
    caught_up = replace(record, state=evaluation.state)
    return engagement_store.scheduled(caught_up, check_at(evaluation.next_check, timezone))


def evaluate_tracker_now(
    record: TrackerRecord, summary: ClientSummary, today: date, timezone: str
) -> tuple[TrackerRecord, list[CreateTask]]:
    """Trackers need no outside data to act: bring the tracker up to today, returning the
    tasks to create now (a completion that reaches the count creates its task in the same
    request) and the tracker with its new state and next check."""
    evaluation = evaluate_tracker(record.tracker, summary, record.state, today)
    tasks = [e for e in evaluation.effects if isinstance(e, CreateTask)]
    updated = tracker_store.scheduled(
        replace(record, state=evaluation.state), check_at(evaluation.next_check, timezone)
    )
    return updated, tasks
