"""Appointments: `pk = ORG#<org>#CL#<client>`, `sk = A#<id>`.

What reading or changing one appointment reads never grows with the client's history:
the appointment by its key, and the client's tracked state (its `S#` block: the client,
packages, trackers, engagements) by a prefix that leaves the `A#` items out. Summaries
carry what the folds need to know about the other appointments.
Lists: the organization's by start on `gsi1` (`ORG#<org>#APTS`), a practitioner's on `gsi2`
(`ORG#<org>#STAFF#<user>#APTS`); a client's are the `A#` items of its partition."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from momentum.domain.appointments import AppointmentFacts, AppointmentKind, AppointmentStatus
from momentum.domain.dates import Timezone, local_date
from momentum.store import clients as client_store
from momentum.store import dynamo
from momentum.store import engagements as engagement_store
from momentum.store import packages as package_store
from momentum.store import trackers as tracker_store
from momentum.store.clients import CLIENT_SK, ClientRecord
from momentum.store.clients import from_item as client_from_item
from momentum.store.due import instant_text
from momentum.store.engagements import EngagementRecord
from momentum.store.keys import client_pk
from momentum.store.packages import PackageRecord
from momentum.store.pages import query_page
from momentum.store.trackers import TrackerRecord
from momentum.store.transactions import Op

PREFIX = "A#"
STATE_PREFIX = "S#"


def org_appointments_pk(org_id: str) -> str:
    return f"ORG#{org_id}#APTS"


def staff_appointments_pk(org_id: str, staff_id: str) -> str:
    return f"ORG#{org_id}#STAFF#{staff_id}#APTS"


@dataclass(frozen=True)
class AppointmentRecord:
    org_id: str
    id: str
    client_id: str
    practitioner_id: str
    starts_at: datetime
    ends_at: datetime
    kind: AppointmentKind = AppointmentKind.SESSION
    status: AppointmentStatus = AppointmentStatus.SCHEDULED
    package_id: str | None = None
    engagement_id: str | None = None
    notes: str = ""
    version: int = 0
    created_at: str = ""
    updated_at: str = ""

    def facts(self, tz: Timezone) -> AppointmentFacts:
        from momentum.domain.appointments import appointment_facts

        return appointment_facts(
            id=self.id,
            client_id=self.client_id,
            practitioner_id=self.practitioner_id,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            tz=tz,
            kind=self.kind,
            status=self.status,
            package_id=self.package_id,
            engagement_id=self.engagement_id,
        )


def to_item(record: AppointmentRecord, tz: Timezone) -> dict[str, Any]:
    start_key = f"{instant_text(record.starts_at)}#{record.id}"
    return {
        "pk": client_pk(record.org_id, record.client_id),
        "sk": PREFIX + record.id,
        "type": "appointment",
        "id": record.id,
        "org_id": record.org_id,
        "client_id": record.client_id,
        "practitioner_id": record.practitioner_id,
        "starts_at": record.starts_at.isoformat(),
        "ends_at": record.ends_at.isoformat(),
        "date": local_date(record.starts_at, tz).isoformat(),
        "kind": record.kind.value,
        "status": record.status.value,
        "package_id": record.package_id,
        "engagement_id": record.engagement_id,
        "notes": record.notes,
        "version": record.version,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "gsi1pk": org_appointments_pk(record.org_id),
        "gsi1sk": start_key,
        "gsi2pk": staff_appointments_pk(record.org_id, record.practitioner_id),
        "gsi2sk": start_key,
    }


def from_item(item: dict[str, Any]) -> AppointmentRecord:
    return AppointmentRecord(
        org_id=str(item["org_id"]),
        id=str(item["id"]),
        client_id=str(item["client_id"]),
        practitioner_id=str(item["practitioner_id"]),
        starts_at=datetime.fromisoformat(item["starts_at"]),
        ends_at=datetime.fromisoformat(item["ends_at"]),
        kind=AppointmentKind(item.get("kind", "session")),
        status=AppointmentStatus(item.get("status", "scheduled")),
        package_id=item.get("package_id"),
        engagement_id=item.get("engagement_id"),
        notes=str(item.get("notes", "")),
        version=int(item.get("version", 0)),
        created_at=str(item.get("created_at", "")),
        updated_at=str(item.get("updated_at", "")),
    )


def write_op(record: AppointmentRecord, tz: Timezone, *, expected_version: int) -> dict[str, Any]:
    return dynamo.versioned_put_op(to_item(record, tz), expected_version=expected_version)


def delete_op(record: AppointmentRecord) -> dict[str, Any]:
    return dynamo.delete_op(
        client_pk(record.org_id, record.client_id),
        PREFIX + record.id,
        condition="#v = :v",
        names={"#v": "version"},
        values={":v": record.version},
    )


@dataclass
class ClientState:
    """A client's tracked state, as one Query reads it."""

    client: ClientRecord | None = None
    packages: dict[str, PackageRecord] = field(default_factory=dict)
    trackers: dict[str, TrackerRecord] = field(default_factory=dict)
    engagements: dict[str, EngagementRecord] = field(default_factory=dict)


def load_state(org_id: str, client_id: str) -> ClientState:
    """Everything an appointment write affects besides the appointment, in one strongly
    consistent Query of the client's `S#` block: the client, its packages, trackers and
    engagements (never its appointments, which sort before it)."""
    items = dynamo.query_all(client_pk(org_id, client_id), sk_prefix=STATE_PREFIX, consistent=True)
    state = ClientState()
    for item in items:
        sk = str(item["sk"])
        if sk == CLIENT_SK:
            state.client = client_from_item(item)
        elif sk.startswith(package_store.PREFIX):
            record = package_store.from_item(item)
            state.packages[record.id] = record
        elif sk.startswith(tracker_store.PREFIX):
            tracker = tracker_store.from_item(item)
            state.trackers[tracker.id] = tracker
        elif sk.startswith(engagement_store.PREFIX):
            engagement = engagement_store.from_item(item)
            state.engagements[engagement.id] = engagement
    return state


def get(org_id: str, client_id: str, appointment_id: str) -> AppointmentRecord | None:
    item = dynamo.get_item(client_pk(org_id, client_id), PREFIX + appointment_id)
    return from_item(item) if item else None


# -- what reading one appointment reads ------------------------------------------------------


def with_client(
    org_id: str, client_id: str, appointment_id: str
) -> tuple[ClientRecord, AppointmentRecord] | None:
    """The appointment and its client (the access check; the summary banners count from):
    one BatchGetItem of two keys. None: no such appointment of that client."""
    client, item = client_store.with_owned_item(org_id, client_id, PREFIX + appointment_id)
    if client is None or item is None:
        return None
    return client, from_item(item)


def client_trackers(org_id: str, client_id: str) -> dict[str, TrackerRecord]:
    """The client's trackers (at most 8), by id: one Query of their prefix."""
    items = dynamo.query_all(
        client_pk(org_id, client_id), sk_prefix=tracker_store.PREFIX, consistent=True
    )
    trackers = (tracker_store.from_item(item) for item in items)
    return {tracker.id: tracker for tracker in trackers}


# -- what an appointment write reads: the client present, typed ------------------------------


@dataclass(frozen=True)
class BookingState:
    """A client and everything a booking can change, as one strongly consistent Query read
    them: its packages, trackers and engagements, by id."""

    client: ClientRecord
    packages: Mapping[str, PackageRecord]
    trackers: Mapping[str, TrackerRecord]
    engagements: Mapping[str, EngagementRecord]


@dataclass(frozen=True)
class AppointmentState(BookingState):
    """The same, with the appointment being changed (read by its key)."""

    appointment: AppointmentRecord


def booking_state(org_id: str, client_id: str) -> BookingState | None:
    """What booking an appointment for the client affects (None: no such client)."""
    state = load_state(org_id, client_id)
    if state.client is None:
        return None
    return BookingState(state.client, state.packages, state.trackers, state.engagements)


def appointment_state(org_id: str, client_id: str, appointment_id: str) -> AppointmentState | None:
    """What changing the appointment affects, with the appointment (None: no such
    appointment of that client): the appointment by its key (GetItem), then the client's
    tracked state (`booking_state`'s Query). Two calls, whose items stay the same however
    many appointments the client has had — one Query from `A#<id>` to the end of the `S#`
    block would read every appointment booked after it too."""
    appointment = get(org_id, client_id, appointment_id)
    if appointment is None:
        return None
    state = booking_state(org_id, client_id)
    if state is None:
        return None
    return AppointmentState(
        state.client, state.packages, state.trackers, state.engagements, appointment
    )


def save_op(record: AppointmentRecord, tz: Timezone, *, previous: AppointmentRecord | None) -> Op:
    """Write the appointment as created (`previous` None: it must not exist yet) or as
    changed from `previous` (which must still be the stored version)."""
    return write_op(record, tz, expected_version=0 if previous is None else previous.version)


# -- lists by start time -------------------------------------------------------------------


@dataclass(frozen=True)
class AppointmentList:
    """Which appointments a list shows: a client's (optionally only one practitioner's of
    them), else a practitioner's or the organization's by start time, between two
    instants (either end open)."""

    org_id: str
    client_id: str | None = None
    practitioner_id: str | None = None
    start_from: datetime | None = None
    start_to: datetime | None = None

    @property
    def scope(self) -> str:
        """What its cursors are bound to: a cursor of one list never pages another."""
        return f"apts|{self.client_id}|{self.practitioner_id}|{self.start_from}|{self.start_to}"

    def holds(self, record: AppointmentRecord) -> bool:
        return (
            (self.start_from is None or record.starts_at >= self.start_from)
            and (self.start_to is None or record.starts_at <= self.start_to)
            and (self.practitioner_id is None or record.practitioner_id == self.practitioner_id)
        )


def _between(which: AppointmentList) -> tuple[str, str]:
    """The start-key range of the instants asked for (either end open)."""
    low = instant_text(which.start_from) if which.start_from else "0"
    high = (instant_text(which.start_to) if which.start_to else "9") + "#\uffff"
    return low, high


def list_page(
    which: AppointmentList, *, limit: int, cursor: str | None, now: datetime
) -> tuple[list[AppointmentRecord], str | None]:
    """One page of the list and the cursor of the next (None: this is the last page). A
    client's list is one Query page of its partition, filtered (a page may hold fewer);
    a practitioner's (gsi2) and the organization's (gsi1) are ranges of start keys."""
    page = partial(
        query_page, org_id=which.org_id, scope=which.scope, limit=limit, cursor=cursor, now=now
    )
    if which.client_id is not None:
        items, next_cursor = page(client_pk(which.org_id, which.client_id), sk_prefix=PREFIX)
        return [r for r in map(from_item, items) if which.holds(r)], next_cursor
    if which.practitioner_id:
        partition, index = staff_appointments_pk(which.org_id, which.practitioner_id), "gsi2"
    else:
        partition, index = org_appointments_pk(which.org_id), "gsi1"
    items, next_cursor = page(partition, index=index, sk_between=_between(which))
    return [from_item(i) for i in items], next_cursor
