"""The nightly evaluation of a coaching engagement: its state as of the run's day and, for a
crossing into Off track, a notice the digest step turns into emails — in one transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from momentum.domain.dates import DAY, local_date
from momentum.domain.effects import EngagementOffTrack
from momentum.domain.engagements import evaluate_engagement, progress_on
from momentum.logic.evaluators import common
from momentum.logic.evaluators.common import Work
from momentum.logic.history import PROGRESS
from momentum.logic.tracking import check_at
from momentum.store import due, notices
from momentum.store import engagements as engagement_store
from momentum.store.engagements import EngagementRecord
from momentum.store.transactions import Op


def evaluate_engagement_item(item: dict[str, Any], run_at: datetime) -> None:
    common.evaluate_afresh(
        "engagement",
        engagement_store.from_item(item),
        lambda read: engagement_store.get(read.org_id, read.engagement.coachee_id, read.id),
        _engagement_work,
        run_at,
    )


def _engagement_work(record: EngagementRecord, run_at: datetime) -> Work:
    today, tz = common.today(record.org_id, run_at)
    e = record.engagement
    evaluation = evaluate_engagement(e, record.engagement_summary(), record.state, today)
    updated = engagement_store.scheduled(
        replace(record, state=evaluation.state, state_version=record.state_version + 1),
        check_at(evaluation.next_check, tz),
    )
    return Work(
        required=common.state_change(engagement_store.write_op, record, updated),
        optional=_history(record, today, tz)
        + [
            notices.new_op(record.org_id, effect, today, run_at)
            for effect in evaluation.effects
            if isinstance(effect, EngagementOffTrack)
        ],
    )


def _history(record: EngagementRecord, today: date, tz: str) -> list[Op]:
    """What time alone changed (appointment writes record their own changes): progress the
    day before the item was due against today's, with the same activity. Due day, not
    yesterday: a run that missed the crossing night still records it, dated the crossing."""
    e, summary = record.engagement, record.engagement_summary()
    due_at = due.due_instant(record.due)
    checked = min(today if due_at is None else local_date(due_at, tz), today)
    was = progress_on(e, summary, checked - DAY).status.value
    progress = progress_on(e, summary, today)
    now = progress.status.value
    if was == now:
        return []
    on = progress.off_track_since or today
    return [common.history("engagement", record.org_id, e.id, PROGRESS, was, now, on)]
