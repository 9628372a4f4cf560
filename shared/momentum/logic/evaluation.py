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
    count = 0
    for item in items:
        evaluator_for(str(item.get("type", "")))(item, run_at)
        count += 1
    logger.debug("evaluated due items", extra={"count": count})
    return count
