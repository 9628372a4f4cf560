"""The nightly evaluation of a session tracker: its state as of the run's day and the tasks
it creates, in one transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from momentum.domain import retention
from momentum.domain.clients import ClientSummary
from momentum.domain.effects import CreateTask
from momentum.domain.tally import dates_from_dict
from momentum.domain.trackers import evaluate_tracker
from momentum.logic.evaluators import common
from momentum.logic.evaluators.common import Work
from momentum.logic.tracking import check_at
from momentum.store import clients as client_store
from momentum.store import trackers as tracker_store
from momentum.store.due import instant_text
from momentum.store.trackers import TrackerRecord


def evaluate_tracker_item(item: dict[str, Any], run_at: datetime) -> None:
    common.evaluate_afresh(
        "tracker",
        tracker_store.from_item(item),
        lambda read: tracker_store.get(read.org_id, read.client_id, read.id),
        _tracker_work,
        run_at,
    )


def _summary(record: TrackerRecord) -> ClientSummary | None:
    """What the tracker counts: its copy of the client's completed sessions (None: the
    client is gone)."""
    if record.client_completed is not None:
        return ClientSummary(record.client_id, completed=dates_from_dict(record.client_completed))
    # Written before trackers carried their copy: read the client this once (the evaluation
    # writes the copy: `_tracker_work`).
    client = client_store.get(record.org_id, record.client_id)
    return None if client is None else client.client_summary()


def _tracker_work(record: TrackerRecord, run_at: datetime) -> Work:
    today, tz = common.today(record.org_id, run_at)
    summary = _summary(record)
    if summary is None:
        return Work()
    evaluation = evaluate_tracker(record.tracker, summary, record.state, today)
    # A tracker in the old format gets its copy of the client's completed sessions now, in
    # the same conditional write (an appointment written meanwhile fails it, and the retry
    # reads the copy that appointment wrote): its next evaluation reads only itself.
    copy = record.client_completed
    updated = tracker_store.scheduled(
        replace(
            record,
            state=evaluation.state,
            state_version=record.state_version + 1,
            client_completed=(
                retention.tracker_copy(
                    summary.completed, record.tracker, evaluation.state, today
                ).to_dict()
                if copy is None
                else copy
            ),
        ),
        check_at(evaluation.next_check, tz),
    )
    created = instant_text(run_at)
    return Work(
        required=common.state_change(tracker_store.write_op, record, updated),
        optional=[
            tracker_store.task_put_op(record.org_id, effect, created_at=created)
            for effect in evaluation.effects
            if isinstance(effect, CreateTask)
        ],
    )
