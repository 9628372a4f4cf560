"""The evaluator's use case: bring each due item up to date for the run's day.

Each kind of due item has the function that evaluates it (`EVALUATORS`); the function
persists the transition with a conditional write, so a redelivered message changes
nothing twice."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from momentum.domain.dates import today_in
from momentum.logic import evaluators, mail
from momentum.logic.organizations import organization_settings
from momentum.observability import logger
from momentum.store import due
from momentum.store.due import DueType

Evaluate = Callable[[dict[str, Any], datetime], None]

EVALUATORS: Mapping[DueType, Evaluate] = {
    DueType.EMAIL_INTENT: mail.requeue,
    DueType.PACKAGE: evaluators.evaluate_package_item,
    DueType.TRACKER: evaluators.evaluate_tracker_item,
    DueType.ENGAGEMENT: evaluators.evaluate_engagement_item,
    DueType.OFF_TRACK_NOTICE: evaluators.evaluate_notice_item,
}


class UnknownDueItem(Exception):
    """An item in the due index whose type no evaluator handles (a deployment mismatch)."""


def evaluator_for(item_type: str) -> Evaluate:
    evaluate = EVALUATORS.get(DueType(item_type)) if item_type in DueType else None
    if evaluate is None:
        raise UnknownDueItem(f"no evaluator for due items of type {item_type!r}")
    return evaluate


def evaluate_items(items: Iterable[dict[str, Any]], run_at: datetime) -> int:
    """Evaluate every item; an error propagates so the message is retried (each item's
    write is conditional, so items already done are not done twice)."""
    count = 0
    owners: dict[str, set[str]] = {}
    for entry in items:
        item = due.resolve(entry)  # a reference is read here; None: deleted since the fan-out
        if item is None:
            continue
        evaluator_for(str(item.get("type", "")))(item, run_at)
        if item.get("type") == DueType.ENGAGEMENT:
            owners.setdefault(str(item["org_id"]), set()).add(str(item["owner_id"]))
        count += 1
    if owners:
        # The digest step: the nightly puts all of an owner's due engagements in one
        # message, so it runs after every crossing of the run: one digest for that owner.
        for org_id, org_owners in owners.items():
            run_date = today_in(organization_settings(org_id).timezone, run_at)
            evaluators.send_off_track_notices(org_id, run_date, org_owners, run_at)
    logger.debug("evaluated due items", extra={"count": count})
    return count
