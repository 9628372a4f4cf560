"""The evaluator's use case: bring each due item up to date for the run's day.

Each kind of tracked item registers the function that evaluates it; the function persists
the transition with a conditional write, so a redelivered message changes nothing twice."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from importlib import import_module
from typing import Any

from momentum.observability import logger

Evaluate = Callable[[dict[str, Any], datetime], None]

# item type → "module:function"; imported on first use so the evaluator loads only what
# a batch needs.
EVALUATORS: dict[str, str] = {
    "email_intent": "momentum.logic.mail:requeue",
    "package": "momentum.logic.evaluators:evaluate_package_item",
    "tracker": "momentum.logic.evaluators:evaluate_tracker_item",
    "engagement": "momentum.logic.evaluators:evaluate_engagement_item",
    "off_track_notice": "momentum.logic.evaluators:evaluate_notice_item",
}


class UnknownDueItem(Exception):
    """An item in the due index whose type no evaluator handles (a deployment mismatch)."""


def evaluator_for(item_type: str) -> Evaluate:
    target = EVALUATORS.get(item_type)
    if target is None:
        raise UnknownDueItem(f"no evaluator for due items of type {item_type!r}")
    module, _, name = target.partition(":")
    function: Evaluate = getattr(import_module(module), name)
    return function


def evaluate_items(items: Iterable[dict[str, Any]], run_at: datetime) -> int:
    """Evaluate every item; an error propagates so the message is retried (each item's
    write is conditional, so items already done are not done twice)."""
    from momentum.store.due import resolve

    count = 0
    owners: dict[str, set[str]] = {}
    for entry in items:
        item = resolve(entry)  # a reference is read here; None: deleted since the fan-out
        if item is None:
            continue
        evaluator_for(str(item.get("type", "")))(item, run_at)
        if item.get("type") == "engagement":
            owners.setdefault(str(item["org_id"]), set()).add(str(item["owner_id"]))
        count += 1
    if owners:
        # The digest step: the nightly puts all of an owner's due engagements in one
        # message, so it runs after every crossing of the run: one digest for that owner.
        from momentum.domain.dates import today_in
        from momentum.logic.evaluators import send_off_track_notices
        from momentum.logic.organizations import organization_settings

        for org_id, org_owners in owners.items():
            run_date = today_in(organization_settings(org_id).timezone, run_at)
            send_off_track_notices(org_id, run_date, org_owners, run_at)
    logger.debug("evaluated due items", extra={"count": count})
    return count
