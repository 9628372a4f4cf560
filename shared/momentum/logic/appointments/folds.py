"""What one appointment change does to each record it touches (SPEC §3), decided per
aggregate over the state the write loaded: the appointment itself, the client, each
package it left or joined, each engagement, each of the client's trackers. Each fold
decides from the state it is handed (it reads nothing, but for the rare rebuild of a
trimmed summary: `logic.summaries`) and returns the operations that
make it so; `operations` gathers them for ONE transaction, every record written under the
version it was read at."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from momentum.domain import retention
from momentum.domain.appointments import AppointmentFacts, check_change
from momentum.domain.clients import ClientSummary, status_after_appointment
from momentum.domain.engagements import progress_on
from momentum.domain.packages import lifecycle_on
from momentum.logic import summaries
from momentum.logic.history import LIFECYCLE, PROGRESS, history_op
from momentum.logic.tracking import evaluate_tracker_now, refresh_engagement, refresh_package
from momentum.store import appointments as appointment_store
from momentum.store import clients as client_store
from momentum.store import engagements as engagement_store
from momentum.store import packages as package_store
from momentum.store import trackers as tracker_store
from momentum.store.appointments import AppointmentRecord, BookingState
from momentum.store.clients import ClientRecord
from momentum.store.due import instant_text
from momentum.store.engagements import EngagementRecord
from momentum.store.packages import PackageRecord
from momentum.store.trackers import TrackerRecord
from momentum.store.transactions import Op

# The cause history entries record for transitions an appointment write makes.
CAUSE = "appointment"


@dataclass(frozen=True)
class When:
    """The moment of a write, in the organization's timezone."""

    now: datetime
    today: date
    timezone: str


@dataclass(frozen=True)
class Change:
    """One appointment change (create: `before` None; delete: `after` None), with what it
    brings along (a new pack made from a template)."""

    before: AppointmentRecord | None
    after: AppointmentRecord | None
    new_package: PackageRecord | None = None


@dataclass(frozen=True)
class Facts:
    """The change as every summary counts it."""

    before: AppointmentFacts | None
    after: AppointmentFacts | None

    def ids(self, of: Callable[[AppointmentFacts], str | None]) -> list[str]:
        """The ids (of packages, engagements) the appointment left or joined, in order."""
        found = (of(f) for f in (self.before, self.after) if f is not None)
        return sorted({i for i in found if i})


def operations(state: BookingState, change: Change, when: When) -> list[Op]:
    """Every write one appointment change makes, for one transaction. Refuses a change no
    appointment may make (completed while in the future, dates out of range)."""
    tz = when.timezone
    facts = Facts(
        change.before.facts(tz) if change.before else None,
        change.after.facts(tz) if change.after else None,
    )
    check_change(facts.after, when.today)
    client = fold_client(state.client, facts)
    # Kept for the trackers' periods (history re-read only if one reaches past it).
    kept = summaries.client_kept(
        state.client,
        client.client_summary(),
        facts.before,
        facts.after,
        state.trackers.values(),
        when.today,
        when.timezone,
    )
    client = replace(client, summary=kept)
    ops = appointment_ops(change, tz)
    ops += client_store.appointment_fold_ops(state.client, client)
    for package_id in facts.ids(lambda f: f.package_id):
        new = change.new_package
        if new is not None and new.id == package_id:
            ops += new_package_ops(new, facts, when)
        else:
            ops += package_ops(state.packages[package_id], facts, when)
    for engagement_id in facts.ids(lambda f: f.engagement_id):
        ops += engagement_ops(state.engagements[engagement_id], facts, when)
    for tracker in state.trackers.values():
        ops += tracker_ops(tracker, client.client_summary(), when)
    return ops


def appointment_ops(change: Change, tz: str) -> list[Op]:
    if change.after is not None:
        return [appointment_store.save_op(change.after, tz, previous=change.before)]
    if change.before is not None:
        return [appointment_store.delete_op(change.before)]
    return []


def fold_client(client: ClientRecord, facts: Facts) -> ClientRecord:
    """The client's summary (trackers count from it); a prospect becomes active on a
    completed appointment; a practitioner booked with becomes assigned to the client."""
    assigned = client.assigned_practitioner_ids
    if facts.after is not None and facts.after.practitioner_id not in assigned:
        assigned = (*assigned, facts.after.practitioner_id)
    return replace(
        client,
        summary=client.client_summary().apply_change(facts.before, facts.after),
        status=status_after_appointment(client.status, facts.after),
        assigned_practitioner_ids=assigned,
    )


def _folded_package(record: PackageRecord, facts: Facts, when: When) -> PackageRecord:
    summary = summaries.package_after(record, facts.before, facts.after, when.today, when.timezone)
    return replace(record, summary=summary)


def new_package_ops(record: PackageRecord, facts: Facts, when: When) -> list[Op]:
    """A pack made for this appointment: it has no past, so no history."""
    refreshed = refresh_package(_folded_package(record, facts, when), when.today, when.timezone)
    return [package_store.write_op(refreshed, expected_version=0, expected_state_version=0)]


def package_ops(record: PackageRecord, facts: Facts, when: When) -> list[Op]:
    """A package the appointment left or joined: its summary, status and due date, caught
    up with what it was before, and the transitions that made in its status history."""
    folded = replace(_folded_package(record, facts, when), state_version=record.state_version + 1)
    refreshed = refresh_package(folded, when.today, when.timezone, before=record)
    return [
        *package_history(record, refreshed, when.today),
        package_store.write_op(
            refreshed,
            expected_version=record.version,
            expected_state_version=record.state_version,
        ),
    ]


def _transition(
    org_id: str, kind: str, item_id: str, was: str, now: str, today: date, *, field: str
) -> list[Op]:
    """The history entry of a status that moved (none if it did not)."""
    if was == now:
        return []
    return [history_op(org_id, kind, item_id, was, now, today, CAUSE, field=field)]


def package_history(before: PackageRecord, after: PackageRecord, today: date) -> list[Op]:
    """The package's On track status and lifecycle transitions this change caused."""
    was = lifecycle_on(before.package, before.package_summary(), today)
    now = lifecycle_on(after.package, after.package_summary(), today)
    return [
        *_transition(
            after.org_id, "package", after.id, before.status, after.status, today, field=PROGRESS
        ),
        *_transition(
            after.org_id, "package", after.id, was.value, now.value, today, field=LIFECYCLE
        ),
    ]


def engagement_ops(record: EngagementRecord, facts: Facts, when: When) -> list[Op]:
    """Sessions (or discovery calls) are an engagement's activity: its summary, its next
    check, and the progress transition this change caused."""
    folded = replace(
        record,
        summary=summaries.engagement_after(
            record, facts.before, facts.after, when.today, when.timezone
        ),
        state_version=record.state_version + 1,
    )
    was = progress_on(record.engagement, record.engagement_summary(), when.today).status
    now = progress_on(folded.engagement, folded.engagement_summary(), when.today).status
    history = _transition(
        record.org_id, "engagement", record.id, was.value, now.value, when.today, field=PROGRESS
    )
    return [
        *history,
        engagement_store.write_op(
            refresh_engagement(folded, when.today, when.timezone),
            expected_version=record.version,
            expected_state_version=record.state_version,
        ),
    ]


def tracker_ops(record: TrackerRecord, summary: ClientSummary, when: When) -> list[Op]:
    """Trackers count the client's completed sessions (a copy of them rides on each): a
    completion that reaches a target creates its task now. A tracker is written only when
    its state, due date or copy moved."""
    evaluated, tasks = evaluate_tracker_now(record, summary, when.today, when.timezone)
    # Only what its next evaluations count (the dates since its period's begin).
    copy = retention.tracker_copy(summary.completed, record.tracker, evaluated.state, when.today)
    completed = copy.to_dict()
    ops: list[Op] = []
    if (
        evaluated.state != record.state
        or evaluated.due != record.due
        or record.client_completed != completed
    ):
        written = replace(
            evaluated, client_completed=completed, state_version=record.state_version + 1
        )
        ops.append(
            tracker_store.write_op(
                written,
                expected_version=record.version,
                expected_state_version=record.state_version,
            )
        )
    created = instant_text(when.now)
    ops += [tracker_store.task_put_op(record.org_id, task, created_at=created) for task in tasks]
    return ops
