"""The nightly evaluator's work per kind of due item: bring it up to date for the run's day,
persist the new state and next check in one transaction with the side effects (tasks,
renewals, email intents, off-track notices), then hand new intents to the mailer.

Every side effect has a deterministic id, and every item write is conditional on the
version the evaluation started from: a redelivered message, a retry after a crash half
way, or two workers racing can never do anything twice.

One module per kind of due item (`packages`, `trackers`, `engagements`, and `notices`: the
off-track digest step); `common` holds the one write they share."""

from __future__ import annotations

from momentum.logic.evaluators.common import Work
from momentum.logic.evaluators.engagements import evaluate_engagement_item
from momentum.logic.evaluators.notices import (
    WRITES_PER_TRANSACTION,
    evaluate_notice_item,
    send_off_track_notices,
)
from momentum.logic.evaluators.packages import evaluate_package_item
from momentum.logic.evaluators.trackers import evaluate_tracker_item

__all__ = [
    "WRITES_PER_TRANSACTION",
    "Work",
    "evaluate_engagement_item",
    "evaluate_notice_item",
    "evaluate_package_item",
    "evaluate_tracker_item",
    "send_off_track_notices",
]
