"""The sparse, sharded due index (`due`: `due_shard` / `due_at`).

A tracked item carries `due_shard` and `due_at` only while it has a next check; `due_at`
is the UTC instant its organization's check day begins (local midnight), so one index
serves every timezone. Shards spread the index's writes; the nightly run reads each shard
up to now, so a missed night is caught up and a not-due item is never read."""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from momentum.config import get_settings
from momentum.store import dynamo

DUE_INDEX = "due"


class DueType(StrEnum):
    """The kinds of item the due index holds (each item's `type`)."""

    EMAIL_INTENT = "email_intent"  # a pending intent: re-queued to the mailer
    PACKAGE = "package"
    TRACKER = "tracker"
    ENGAGEMENT = "engagement"
    OFF_TRACK_NOTICE = "off_track_notice"  # an engagement's crossing, awaiting its digest


def shard_of(pk: str, sk: str, shards: int | None = None) -> str:
    count = shards or get_settings().due_shards
    return f"DUE#{zlib.crc32(f'{pk}|{sk}'.encode()) % count:02d}"


def all_shards(shards: int | None = None) -> list[str]:
    count = shards or get_settings().due_shards
    return [f"DUE#{n:02d}" for n in range(count)]


def instant_text(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def due_fields(pk: str, sk: str, due_at: datetime | None) -> dict[str, Any]:
    """The attributes that put an item in the due index (empty when it has no next check:
    the writer then removes `due_shard`/`due_at`, taking the item out of the sparse index)."""
    if due_at is None:
        return {}
    return {"due_shard": shard_of(pk, sk), "due_at": instant_text(due_at)}


def query_due(
    shard: str,
    until: datetime,
    *,
    start_key: dict[str, Any] | None = None,
    limit: int = 100,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One page of the items of `shard` due at or before `until`, oldest first."""
    kwargs: dict[str, Any] = {
        "TableName": dynamo.table_name(),
        "IndexName": DUE_INDEX,
        "KeyConditionExpression": "due_shard = :shard AND due_at <= :until",
        "ExpressionAttributeValues": {
            ":shard": {"S": shard},
            ":until": {"S": instant_text(until)},
        },
        "Limit": limit,
    }
    if start_key:
        kwargs["ExclusiveStartKey"] = start_key
    with dynamo.translate_errors():
        response = dynamo.client().query(**kwargs)
    items = [dynamo.from_attributes(raw) for raw in response.get("Items", [])]
    return items, response.get("LastEvaluatedKey")


REFERENCE = "ref"


def reference(item: dict[str, Any]) -> dict[str, Any]:
    """A due item reduced to its key and what the evaluator groups by (type, organization,
    owner): what the nightly sends when whole items would not fit in one message."""
    kept = ("pk", "sk", "type", "org_id", "owner_id")
    return {REFERENCE: True, **{k: item[k] for k in kept if k in item}}


def resolve(entry: dict[str, Any]) -> dict[str, Any] | None:
    """The item a fan-out entry stands for: the entry itself, or for a reference the item as
    stored now (None when it was deleted meanwhile)."""
    if not entry.get(REFERENCE):
        return entry
    return dynamo.get_item(str(entry["pk"]), str(entry["sk"]))


def pages_due(
    shard: str, until: datetime, *, page_size: int = 100
) -> Iterator[list[dict[str, Any]]]:
    """Every page of the items of `shard` due at or before `until`, oldest first (a page
    per Query; where the next one starts is the store's business)."""
    start: dict[str, Any] | None = None
    while True:
        items, start = query_due(shard, until, start_key=start, limit=page_size)
        yield items
        if not start:
            return


def due_instant(fields: Mapping[str, Any]) -> datetime | None:
    """When an item is due (the instant its check day begins, from its due fields, e.g. a
    record's `due`); None when it is not in the due index."""
    due_at = fields.get("due_at")
    return datetime.fromisoformat(str(due_at)) if due_at else None
