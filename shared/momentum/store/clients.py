"""Client records: `pk = ORG#<org>#CL#<client>`, `sk = S#CLIENT`.

Two counters guard two kinds of change: `version` (the ETag) for what people edit, and
`state_version` for the summary appointment writes fold into. A profile edit and a booking
can therefore both land, while two bookings (or a booking and a delete) serialise.

Lists: all clients on `gsi1` (`ORG#<org>#CLIENTS`, by name), a location's on `gsi2`
(`ORG#<org>#LOC#<location>#CLIENTS`), and a staff member's through one assignment item
per assigned practitioner (`sk = U#ASSIGN#<staff>`, on `gsi2` as
`ORG#<org>#STAFF#<staff>#CLIENTS`) carrying a copy of the list fields and of the summary's
scheduled instants (the staff report's "next session" without reading the client)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from momentum.domain.clients import ClientStatus, ClientSummary
from momentum.domain.tally import Tally, instants_from_dict
from momentum.store import dynamo
from momentum.store.cursors import decode_cursor, encode_cursor
from momentum.store.keys import (
    client_pk,
    clients_list_pk,
    location_clients_pk,
    name_sort_key,
    staff_clients_pk,
)

CLIENT_SK = "S#CLIENT"
ASSIGN_PREFIX = "U#ASSIGN#"
ITEM_TYPE = "client"
LIST_FIELDS = ("id", "name", "email", "phone", "status", "location_id", "invited")


@dataclass(frozen=True)
class ClientRecord:
    org_id: str
    id: str
    name: str
    email: str | None = None
    phone: str | None = None
    status: ClientStatus = ClientStatus.ACTIVE
    location_id: str | None = None
    # Stored as `assigned_practitioners` (the name before the API's `_ids`; no migration).
    assigned_practitioner_ids: tuple[str, ...] = ()
    availability: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    notes: str = ""
    invited: bool = False
    has_login: bool = False
    login_username: str | None = None
    colors: dict[str, str] = field(default_factory=dict)
    payments: int = 0
    # Kept by tracker creates and deletes (`trackers.create_ops`/`delete_ops`), never put.
    tracker_count: int = 0
    summary: ClientSummary | None = None
    version: int = 0
    state_version: int = 0
    created_at: str = ""
    updated_at: str = ""

    @property
    def appointments(self) -> int:
        return self.summary.appointments if self.summary else 0

    def client_summary(self) -> ClientSummary:
        return self.summary or ClientSummary(self.id)


def profile_fields(record: ClientRecord) -> dict[str, Any]:
    return {
        "name": record.name,
        "email": record.email,
        "phone": record.phone,
        "status": record.status.value,
        "location_id": record.location_id,
        "assigned_practitioners": list(record.assigned_practitioner_ids),
        "availability": record.availability,
        "notes": record.notes,
        "invited": record.invited,
        "has_login": record.has_login,
        "login_username": record.login_username,
        "updated_at": record.updated_at,
    }


def to_item(record: ClientRecord) -> dict[str, Any]:
    item: dict[str, Any] = {
        "pk": client_pk(record.org_id, record.id),
        "sk": CLIENT_SK,
        "type": ITEM_TYPE,
        "id": record.id,
        "org_id": record.org_id,
        **profile_fields(record),
        "colors": record.colors,
        "payments": record.payments,
        "summary": record.client_summary().to_dict(),
        "version": record.version,
        "state_version": record.state_version,
        "created_at": record.created_at,
        **list_keys(record),
    }
    return item


def list_keys(record: ClientRecord) -> dict[str, Any]:
    keys: dict[str, Any] = {
        "gsi1pk": clients_list_pk(record.org_id),
        "gsi1sk": name_sort_key(record.name, record.id),
    }
    if record.location_id:
        keys["gsi2pk"] = location_clients_pk(record.org_id, record.location_id)
        keys["gsi2sk"] = name_sort_key(record.name, record.id)
    return keys


def from_item(item: dict[str, Any]) -> ClientRecord:
    return ClientRecord(
        org_id=str(item["org_id"]),
        id=str(item["id"]),
        name=str(item.get("name", "")),
        email=item.get("email"),
        phone=item.get("phone"),
        status=ClientStatus(item.get("status", "active")),
        location_id=item.get("location_id"),
        assigned_practitioner_ids=tuple(item.get("assigned_practitioners", [])),
        availability=dict(item.get("availability") or {}),
        notes=str(item.get("notes", "")),
        invited=bool(item.get("invited", False)),
        has_login=bool(item.get("has_login", False)),
        login_username=item.get("login_username"),
        colors=dict(item.get("colors") or {}),
        payments=int(item.get("payments", 0)),
        tracker_count=int(item.get("tracker_count", 0)),
        summary=ClientSummary.from_dict(item["summary"]) if item.get("summary") else None,
        version=int(item.get("version", 0)),
        state_version=int(item.get("state_version", 0)),
        created_at=str(item.get("created_at", "")),
        updated_at=str(item.get("updated_at", "")),
    )


def get(org_id: str, client_id: str) -> ClientRecord | None:
    item = dynamo.get_item(client_pk(org_id, client_id), CLIENT_SK)
    return from_item(item) if item else None


def get_many(org_id: str, client_ids: Iterable[str]) -> dict[str, ClientRecord]:
    """Client records by id (missing ones absent), in as few BatchGetItem calls as
    DynamoDB allows."""
    wanted = list(dict.fromkeys(client_ids))
    if not wanted:
        return {}
    found = dynamo.batch_get([(client_pk(org_id, c), CLIENT_SK) for c in wanted])
    records = (from_item(item) for item in found.values())
    return {r.id: r for r in records}


def with_owned_item(
    org_id: str, client_id: str, sk: str
) -> tuple[ClientRecord | None, dict[str, Any] | None]:
    """The client and one item of its partition (a package, a tracker, a task), in one
    BatchGetItem: reading the item needs its client for the access check."""
    pk = client_pk(org_id, client_id)
    found = dynamo.batch_get([(pk, CLIENT_SK), (pk, sk)])
    client = found.get((pk, CLIENT_SK))
    return (from_item(client) if client else None), found.get((pk, sk))


def still_there_op(org_id: str, client_id: str) -> dict[str, Any]:
    """A transaction's check that the client still exists (not deleted meanwhile)."""
    return dynamo.check_op(
        client_pk(org_id, client_id), CLIENT_SK, condition="attribute_exists(pk)"
    )


def assignment_item(record: ClientRecord, staff_id: str) -> dict[str, Any]:
    return {
        "pk": client_pk(record.org_id, record.id),
        "sk": ASSIGN_PREFIX + staff_id,
        "type": "client_assignment",
        "staff_id": staff_id,
        **{name: getattr(record, name) for name in LIST_FIELDS},
        "status": record.status.value,
        "scheduled": record.client_summary().scheduled.to_dict(),
        "gsi2pk": staff_clients_pk(record.org_id, staff_id),
        "gsi2sk": name_sort_key(record.name, record.id),
    }


def _assignment_refresh_op(record: ClientRecord, staff_id: str) -> dict[str, Any]:
    """Rewrite an existing assignment's list fields but not its `scheduled` copy: a profile
    edit does not serialise with appointment writes (`state_version`), so its view of the
    summary may be older than the copy the last appointment write left."""
    fields = {
        k: v
        for k, v in assignment_item(record, staff_id).items()
        if k not in ("pk", "sk", "scheduled")
    }
    return dynamo.update_op(
        client_pk(record.org_id, record.id),
        ASSIGN_PREFIX + staff_id,
        update="SET " + ", ".join(f"#{k} = :{k}" for k in fields),
        names={f"#{k}": k for k in fields},
        values={f":{k}": v for k, v in fields.items()},
    )


def create_ops(record: ClientRecord) -> list[dict[str, Any]]:
    ops = [dynamo.put_op(to_item(record), condition="attribute_not_exists(pk)")]
    ops += [dynamo.put_op(assignment_item(record, s)) for s in record.assigned_practitioner_ids]
    return ops


def profile_update_ops(before: ClientRecord, after: ClientRecord) -> list[dict[str, Any]]:
    """Write the edited profile (not the summary) if nobody edited it since `before`, and
    keep the assignment items (the staff lists) in step, all in one transaction."""
    # Without a location the client leaves the location lists (None removes).
    unlisted = {} if after.location_id else {"gsi2pk": None, "gsi2sk": None}
    fields = {**profile_fields(after), **list_keys(after), **unlisted}
    ops = [
        dynamo.versioned_update_op(
            client_pk(after.org_id, after.id),
            CLIENT_SK,
            fields,
            expected_version=before.version,
        )
    ]
    removed = set(before.assigned_practitioner_ids) - set(after.assigned_practitioner_ids)
    ops += [dynamo.delete_op(client_pk(after.org_id, after.id), ASSIGN_PREFIX + s) for s in removed]
    kept = set(before.assigned_practitioner_ids)
    ops += [
        _assignment_refresh_op(after, s) if s in kept else dynamo.put_op(assignment_item(after, s))
        for s in after.assigned_practitioner_ids
    ]
    return ops


def appointment_fold_ops(before: ClientRecord, after: ClientRecord) -> list[dict[str, Any]]:
    """Write what an appointment write changed on the client (its summary, status and
    assigned practitioners) only if no other appointment write landed since `before` was
    read (`state_version`). The ETag moves only when the status or the assignment did, and
    then the staff lists' copies follow, in the same transaction; when only the scheduled
    instants moved, just the assignments' copy of them does (the staff report reads it)."""
    profile_changed = (
        after.status != before.status
        or after.assigned_practitioner_ids != before.assigned_practitioner_ids
    )
    ops = [
        dynamo.update_op(
            client_pk(before.org_id, before.id),
            CLIENT_SK,
            update=(
                "SET #summary = :summary, #status = :status, assigned_practitioners = :assigned, "
                "state_version = :next_state, #version = :version"
            ),
            condition="attribute_exists(pk) AND state_version = :state",
            names={"#summary": "summary", "#status": "status", "#version": "version"},
            values={
                ":summary": after.client_summary().to_dict(),
                ":status": after.status.value,
                ":assigned": list(after.assigned_practitioner_ids),
                ":next_state": before.state_version + 1,
                ":state": before.state_version,
                ":version": before.version + (1 if profile_changed else 0),
            },
        )
    ]
    if profile_changed:
        ops += [dynamo.put_op(assignment_item(after, s)) for s in after.assigned_practitioner_ids]
    elif after.client_summary().scheduled != before.client_summary().scheduled:
        # No condition: a profile edit may have removed the assignment meanwhile, and that
        # must not cancel the appointment write. Such a leftover has no list keys (it is in
        # no staff list), is no assignment to `assignment()`, and goes with the client.
        ops += [
            dynamo.update_op(
                client_pk(after.org_id, after.id),
                ASSIGN_PREFIX + s,
                update="SET scheduled = :scheduled",
                values={":scheduled": after.client_summary().scheduled.to_dict()},
            )
            for s in after.assigned_practitioner_ids
        ]
    return ops


def owned_keys(record: ClientRecord) -> list[tuple[str, str]]:
    """Everything else in the client's partition (packages, trackers, engagements, tasks,
    assignments...): deleted with the client, so nothing is left in lists or the due index."""
    items = dynamo.query_all(client_pk(record.org_id, record.id), consistent=True)
    return [(str(i["pk"]), str(i["sk"])) for i in items if i["sk"] != CLIENT_SK]


def delete_ops(record: ClientRecord, owned: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Delete only while nothing is linked: the condition is checked inside the transaction,
    so an appointment or payment created at the same moment makes one of the two fail."""
    ops = [
        dynamo.delete_op(
            client_pk(record.org_id, record.id),
            CLIENT_SK,
            condition=(
                "attribute_exists(pk) AND payments = :zero AND #summary.appointments = :zero"
            ),
            names={"#summary": "summary"},
            values={":zero": 0},
        )
    ]
    ops += [dynamo.delete_op(pk, sk) for pk, sk in owned]
    return ops


def set_color(org_id: str, client_id: str, user_id: str, color: str) -> None:
    """A viewer's own colour for a client: not an edit of the client (no version change)."""
    dynamo.update_item(
        client_pk(org_id, client_id),
        CLIENT_SK,
        update="SET colors.#user = :color",
        condition="attribute_exists(pk)",
        names={"#user": user_id},
        values={":color": color},
    )


def set_login(
    record: ClientRecord, *, has_login: bool, username: str | None, now_text: str
) -> ClientRecord:
    """Record the portal login (invited once a login was ever created)."""
    invited = record.invited or has_login
    dynamo.update_item(
        client_pk(record.org_id, record.id),
        CLIENT_SK,
        update=(
            "SET has_login = :has, invited = :invited, login_username = :user, "
            "updated_at = :now ADD #version :one"
        ),
        condition="attribute_exists(pk)",
        names={"#version": "version"},
        values={
            ":has": has_login,
            ":invited": invited,
            ":user": username or "",
            ":now": now_text,
            ":one": 1,
        },
    )
    return replace(
        record,
        has_login=has_login,
        invited=invited,
        login_username=username,
        version=record.version + 1,
    )


def list_page(
    org_id: str,
    *,
    location_id: str | None = None,
    staff_id: str | None = None,
    limit: int,
    start_key: dict[str, Any] | None,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One page of list rows (LIST_FIELDS) for all clients, a location's, or a staff
    member's, by name."""
    if staff_id is not None:
        pk, index = staff_clients_pk(org_id, staff_id), "gsi2"
    elif location_id is not None:
        pk, index = location_clients_pk(org_id, location_id), "gsi2"
    else:
        pk, index = clients_list_pk(org_id), "gsi1"
    items, last = dynamo.query(pk, index=index, limit=limit, start_key=start_key)
    return [{name: item.get(name) for name in LIST_FIELDS} for item in items], last


@dataclass(frozen=True)
class ClientList:
    """One list of clients by name: the organization's (neither set), a location's, or a
    staff member's assigned clients."""

    location_id: str | None = None
    staff_id: str | None = None


def list_rows(
    org_id: str,
    lists: Sequence[ClientList],
    *,
    keep: Callable[[dict[str, Any]], bool],
    limit: int,
    cursor: str | None,
    scope: str,
    now: datetime,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of list rows (LIST_FIELDS) that `keep` accepts, read from `lists` one after
    the other (a location admin's locations), and the signed cursor of the next page (None:
    this is the last). The cursor holds which list, and where in it."""
    state = decode_cursor(cursor, org_id=org_id, scope=scope, now=now) or {}
    index = int(state.get("source", 0))
    start = state.get("key")
    rows: list[dict[str, Any]] = []
    while index < len(lists) and len(rows) < limit:
        source = lists[index]
        page, last = list_page(
            org_id,
            location_id=source.location_id,
            staff_id=source.staff_id,
            limit=limit - len(rows),
            start_key=start,
        )
        rows += [row for row in page if keep(row)]
        if last:
            start = last
            break
        index, start = index + 1, None
    if index >= len(lists):
        return rows, None
    position = {"source": index, "key": start}
    return rows, encode_cursor(position, org_id=org_id, scope=scope, now=now)


@dataclass(frozen=True)
class Assignment:
    """A client as its assignment item to one staff member shows it (the list fields)."""

    org_id: str
    staff_id: str
    client_id: str
    name: str
    location_id: str | None = None
    # The client's scheduled instants (None: an item written before they were copied).
    scheduled: Tally[datetime] | None = None

    @property
    def name_key(self) -> str:
        return name_sort_key(self.name, self.client_id)


def _assignment(org_id: str, staff_id: str, item: dict[str, Any]) -> Assignment:
    scheduled = item.get("scheduled")
    return Assignment(
        org_id,
        staff_id,
        str(item["id"]),
        str(item.get("name", "")),
        item.get("location_id"),
        None if scheduled is None else instants_from_dict(scheduled),
    )


def assignment(org_id: str, client_id: str, staff_id: str) -> Assignment | None:
    """The client's assignment to `staff_id`, if the client is assigned to them."""
    item = dynamo.get_item(client_pk(org_id, client_id), ASSIGN_PREFIX + staff_id)
    # Without its id it is only a `scheduled` copy left after the assignment was removed.
    return None if item is None or "id" not in item else _assignment(org_id, staff_id, item)


def assigned_page(
    org_id: str, staff_id: str, *, limit: int, after: tuple[str, str] | None
) -> tuple[list[Assignment], bool]:
    """One page of the clients assigned to a staff member, by name, after the client
    `after` = (client id, name key); and whether more may follow. The start key is built
    here from the staff member's own partition, so `after` can only skip ahead in it."""
    start = None
    if after is not None:
        client_id, name_key = after
        start = dynamo.index_start_key(
            client_pk(org_id, client_id),
            ASSIGN_PREFIX + staff_id,
            index="gsi2",
            index_pk=staff_clients_pk(org_id, staff_id),
            index_sk=name_key,
        )
    items, last = dynamo.query(
        staff_clients_pk(org_id, staff_id), index="gsi2", limit=limit, start_key=start
    )
    return [_assignment(org_id, staff_id, item) for item in items], last is not None
