"""Status history (SPEC §7 and the On track pages): every status transition of a tracked
item — from, to, the organization's date, and what caused it — kept next to the item.

Writers add `history_op(...)` to the transaction that makes the change, so an entry exists
exactly when the change does. Readers are the use cases of each kind of item: having read
the item for the caller, they keep the fields the caller may see (`visible_entries`) by
their own rule (`logic.packages.package_history`, `logic.engagements.visible_history`).
This module knows none of them: history is a leaf every use case may import."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from momentum import clock, ids
from momentum.store import history as history_store
from momentum.store.due import instant_text
from momentum.store.history import HistoryEntry

# Item kinds and the prefix of their (client-owned) ids.
KIND_PREFIX = {"package": "pkg", "engagement": "eng", "tracker": "trk"}
# Which status moved: the one name of each history field, for writers and readers alike.
STATUS = "status"  # an engagement's own status: draft, active, matching, completed, cancelled
PROGRESS = "progress"  # the On track column: a package's On track status, an engagement's
LIFECYCLE = "lifecycle"  # a package's lifecycle: open, expired, used up, cancelled
FIELDS = frozenset({STATUS, PROGRESS, LIFECYCLE})


def owner_of(item_kind: str, item_id: str) -> str:
    """The client that owns the item (its id carries it)."""
    prefix = KIND_PREFIX.get(item_kind)
    if prefix is None:
        raise ValueError(f"no status history for {item_kind!r} items")
    client_id = ids.owner_client(item_id, prefix)
    if client_id is None:
        raise ValueError(f"not a {item_kind} id: {item_id!r}")
    return client_id


def history_op(
    org_id: str,
    item_kind: str,
    item_id: str,
    from_status: str | None,
    to_status: str,
    on: date,
    cause: str,
    *,
    field: str,
    actor_id: str | None = None,
    entry_id: str | None = None,
) -> dict[str, Any]:
    """The transaction operation that records one transition of `item_id`.

    `field` is which status moved (STATUS, PROGRESS or LIFECYCLE: readers filter by it).
    `on` is the organization's date of the transition, `cause` says what caused it (e.g.
    "changed", "coach_selected", "appointment", "nightly"). Pass a deterministic
    `entry_id` when a retried run must not record the same transition twice (the put is
    conditional on the entry not existing)."""
    if field not in FIELDS:
        raise ValueError(f"unknown history field {field!r}")
    entry = HistoryEntry(
        org_id=org_id,
        client_id=owner_of(item_kind, item_id),
        item_kind=item_kind,
        item_id=item_id,
        field=field,
        from_status=from_status,
        to_status=to_status,
        on=on,
        cause=cause,
        entry_id=entry_id or ids.new_id("hist"),
        at=instant_text(clock.current().now()),
        actor_id=actor_id,
    )
    return history_store.put_op(entry)


def entries_of(org_id: str, item_kind: str, item_id: str) -> list[HistoryEntry]:
    """The item's history, oldest first — no access check: for callers that have already
    loaded the item for this principal."""
    return history_store.list_for(org_id, owner_of(item_kind, item_id), item_id)


def entry_view(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "field": entry.field,
        "from_status": entry.from_status,
        "to_status": entry.to_status,
        "date": entry.on,
        "cause": entry.cause,
        "at": entry.at or None,
        "actor_id": entry.actor_id,
    }


def visible_entries(
    entries: Iterable[HistoryEntry], shown: Collection[str]
) -> list[dict[str, Any]]:
    """The entries of the fields the caller may see, as views. `shown` names them: an entry
    of any other field (one a reader does not know) is left out, never shown by default."""
    return [entry_view(e) for e in entries if e.field in shown]
