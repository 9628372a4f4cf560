"""Appointments: `pk = ORG#<org>#CL#<client>`, `sk = A#<id>`.

`A#` sorts just before the client's tracked state (`S#...`), so changing appointment `a`
loads it and everything it can affect with one Query (`sk BETWEEN A#a AND S#\\uffff`).
Lists: the organization's by start on `gsi1` (`ORG#<org>#APTS`), a practitioner's on `gsi2`
(`ORG#<org>#STAFF#<user>#APTS`); a client's are the `A#` items of its partition."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from momentum.domain.appointments import AppointmentFacts, AppointmentKind, AppointmentStatus
from momentum.domain.dates import Timezone, local_date
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
from momentum.store.trackers import TrackerRecord

PREFIX = "A#"
STATE_END = "S#\uffff"


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
    appointment: AppointmentRecord | None = None


def load_state(org_id: str, client_id: str, appointment_id: str | None = None) -> ClientState:
    """Everything an appointment write affects, in one strongly consistent Query: the
    client, its packages, trackers and engagements (and the appointment being changed)."""
    pk = client_pk(org_id, client_id)
    if appointment_id is None:
        items = dynamo.query_all(pk, sk_prefix="S#", consistent=True)
    else:
        items = dynamo.query_all(
            pk, sk_between=(PREFIX + appointment_id, STATE_END), consistent=True
        )
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
        elif appointment_id is not None and sk == PREFIX + appointment_id:
            state.appointment = from_item(item)
    return state


def get(org_id: str, client_id: str, appointment_id: str) -> AppointmentRecord | None:
    item = dynamo.get_item(client_pk(org_id, client_id), PREFIX + appointment_id)
    return from_item(item) if item else None
