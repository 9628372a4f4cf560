"""What every write that touches a tracked item does: recompute its stored status and its
place in the due index. The nightly evaluator alone performs side effects (email, renewals);
a write only makes sure the item is due when something is. A package's write also records
its On track state, so an episode the write starts begins that day (SPEC §5)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from momentum.domain.clients import ClientSummary
from momentum.domain.dates import start_of_day
from momentum.domain.effects import CreateTask
from momentum.domain.engagements import evaluate_engagement
from momentum.domain.on_track import PackageInputs, evaluate_package_write, status_on
from momentum.domain.trackers import evaluate_tracker
from momentum.store import due
from momentum.store.engagements import PREFIX as ENGAGEMENT_PREFIX
from momentum.store.engagements import EngagementRecord
from momentum.store.keys import client_pk
from momentum.store.packages import PREFIX as PACKAGE_PREFIX
from momentum.store.packages import PackageRecord
from momentum.store.trackers import PREFIX as TRACKER_PREFIX
from momentum.store.trackers import TrackerRecord


def due_fields(pk: str, sk: str, check: date | None, timezone: str) -> dict[str, Any]:
    return due.due_fields(pk, sk, None if check is None else start_of_day(check, timezone))


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
    pk = client_pk(record.org_id, package.client_id)
    return replace(
        record,
        state=evaluation.state,
        status=status.value,
        due=due_fields(pk, PACKAGE_PREFIX + package.id, evaluation.next_check, timezone),
    )


def refresh_engagement(record: EngagementRecord, today: date, timezone: str) -> EngagementRecord:
    """The engagement's next check; due today when an off-track notice is due."""
    evaluation = evaluate_engagement(
        record.engagement, record.engagement_summary(), record.state, today
    )
    check = today if evaluation.effects else evaluation.next_check
    e = record.engagement
    return replace(
        record,
        due=due_fields(
            client_pk(record.org_id, e.coachee_id), ENGAGEMENT_PREFIX + e.id, check, timezone
        ),
    )


def evaluate_tracker_now(
    record: TrackerRecord, summary: ClientSummary, today: date, timezone: str
) -> tuple[TrackerRecord, list[CreateTask]]:
    """Trackers need no outside data to act: bring the tracker up to today, returning the
    tasks to create now (a completion that reaches the count creates its task in the same
    request) and the tracker with its new state and next check."""
    evaluation = evaluate_tracker(record.tracker, summary, record.state, today)
    tasks = [e for e in evaluation.effects if isinstance(e, CreateTask)]
    t = record.tracker
    updated = replace(
        record,
        state=evaluation.state,
        due=due_fields(
            client_pk(record.org_id, t.client_id),
            TRACKER_PREFIX + t.id,
            evaluation.next_check,
            timezone,
        ),
    )
    return updated, tasks
