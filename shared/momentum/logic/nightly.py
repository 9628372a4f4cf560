"""The nightly run: find what is due and fan it out to the evaluator, in bounded messages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from momentum.messaging.messages import DueItems
from momentum.ports import MessageQueue
from momentum.store import due

ITEMS_PER_MESSAGE = 10
MAX_MESSAGE_BYTES = 200_000  # SQS allows 256 KiB; keep room for the envelope.
PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class FanOutSummary:
    shards: int
    items: int
    messages: int


def fan_out(now: datetime, queue: MessageQueue) -> FanOutSummary:
    """Read every shard of the due index up to `now` and send the due items (whole, as the
    index projects them) to the evaluator: it then needs no second read per item.

    Engagements are grouped by owner across shards and ALL of an owner's go in one message
    (whole when they fit, else as references the evaluator reads), so the evaluator's
    digest step runs once after every one of them: one digest email per owner per run."""
    items_total = 0
    messages = 0
    shards = due.all_shards()
    by_owner: dict[tuple[str, str], list[dict[str, Any]]] = {}
    pending: list[dict[str, Any]] = []
    for shard in shards:
        for items in due.pages_due(shard, now, page_size=PAGE_SIZE):
            items_total += len(items)
            for item in items:
                if item.get("type") == due.DueType.ENGAGEMENT:
                    key = (str(item.get("org_id")), str(item.get("owner_id")))
                    by_owner.setdefault(key, []).append(item)
                else:
                    pending.append(item)
            # Send full messages as they fill; the rest waits for the next page or shard.
            full = len(pending) - len(pending) % ITEMS_PER_MESSAGE
            bodies = _messages(pending[:full], now)
            pending = pending[full:]
            if bodies:
                queue.send(bodies)
            messages += len(bodies)
    groups = [_messages(pending, now)] if pending else []
    groups += [_owner_messages(owned, now) for _, owned in sorted(by_owner.items())]
    for bodies in groups:
        queue.send(bodies)
        messages += len(bodies)
    return FanOutSummary(shards=len(shards), items=items_total, messages=messages)


def _owner_messages(items: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """One owner's due engagements in one message: whole items when they fit, else
    references (~200 bytes each, so ~1,000 engagements a message). Only an owner with more
    due at once than that is split, and then gets one digest per message."""
    whole = _messages(items, now, per_message=len(items))
    if len(whole) <= 1:
        return whole
    return _messages([due.reference(i) for i in items], now, per_message=len(items))


def _messages(
    items: list[dict[str, Any]], now: datetime, per_message: int = ITEMS_PER_MESSAGE
) -> list[dict[str, Any]]:
    bodies: list[dict[str, Any]] = []
    batch: list[dict[str, Any]] = []
    size = 0
    for item in items:
        item_size = len(json.dumps(item, default=str))
        if batch and (len(batch) >= per_message or size + item_size > MAX_MESSAGE_BYTES):
            bodies.append(_body(batch, now))
            batch, size = [], 0
        batch.append(item)
        size += item_size
    if batch:
        bodies.append(_body(batch, now))
    return bodies


def _body(items: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    # The run's instant to the second, as the due index writes instants.
    run_at = now.astimezone(UTC).replace(microsecond=0)
    return DueItems(run_at=run_at, items=items).model_dump(mode="json")
