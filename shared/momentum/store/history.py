"""Status history: one item per status transition of a tracked item, in the partition of
the client that owns it: `pk = ORG#<org>#CL#<client>`,
`sk = U#HIST#<item id>#<YYYY-MM-DD>#<entry id>` (entry ids are ULIDs, so an item's history
sorts by date, then by when it was written). Written with a conditional put in the same
transaction as the change that caused it; never changed afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from momentum.store import dynamo
from momentum.store.keys import client_pk

PREFIX = "U#HIST#"
ITEM_TYPE = "history"


@dataclass(frozen=True)
class HistoryEntry:
    org_id: str
    client_id: str
    item_kind: str  # "package", "engagement", "tracker"
    item_id: str
    field: str  # which status moved: "status" (lifecycle) or "progress" (On/Off track)
    from_status: str | None
    to_status: str
    on: date  # the organization's date of the transition
    cause: str
    entry_id: str
    at: str = ""  # UTC instant it was recorded
    actor_id: str | None = None  # who caused it (None: the system, e.g. the nightly run)


def item_prefix(item_id: str) -> str:
    return f"{PREFIX}{item_id}#"


def to_item(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "pk": client_pk(entry.org_id, entry.client_id),
        "sk": f"{item_prefix(entry.item_id)}{entry.on.isoformat()}#{entry.entry_id}",
        "type": ITEM_TYPE,
        "org_id": entry.org_id,
        "client_id": entry.client_id,
        "item_kind": entry.item_kind,
        "item_id": entry.item_id,
        "field": entry.field,
        "from_status": entry.from_status,
        "to_status": entry.to_status,
        "date": entry.on.isoformat(),
        "cause": entry.cause,
        "entry_id": entry.entry_id,
        "at": entry.at,
        "actor_id": entry.actor_id,
    }


def from_item(item: dict[str, Any]) -> HistoryEntry:
    return HistoryEntry(
        org_id=str(item["org_id"]),
        client_id=str(item["client_id"]),
        item_kind=str(item["item_kind"]),
        item_id=str(item["item_id"]),
        field=str(item.get("field", "status")),
        from_status=item.get("from_status"),
        to_status=str(item["to_status"]),
        on=date.fromisoformat(str(item["date"])),
        cause=str(item.get("cause", "")),
        entry_id=str(item.get("entry_id", "")),
        at=str(item.get("at", "")),
        actor_id=item.get("actor_id"),
    )


def put_op(entry: HistoryEntry) -> dict[str, Any]:
    """A transaction operation adding the entry (never overwriting one)."""
    return dynamo.put_op(to_item(entry), condition="attribute_not_exists(pk)")


def list_for(org_id: str, client_id: str, item_id: str) -> list[HistoryEntry]:
    """Every entry of one item, oldest first (one Query on the owner's partition)."""
    items = dynamo.query_all(
        client_pk(org_id, client_id), sk_prefix=item_prefix(item_id), consistent=True
    )
    return [from_item(i) for i in items]
