"""Client use cases (SPEC §2): create, read, change, delete, availability, colour, portal
login (logic.client_logins), welcome email."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from momentum import clock, ids
from momentum.domain.access import Principal, Role, may_see_notes
from momentum.domain.clients import (
    ClientStatus,
    ClientSummary,
    ensure_can_delete,
    ensure_can_send_welcome,
    parse_availability,
)
from momentum.domain.errors import Conflict, FieldError, Forbidden, InvalidInput
from momentum.domain.people import Part
from momentum.logic import callers, mail
from momentum.logic.access import ensure_admin_of, load_client
from momentum.logic.client_logins import (
    ADDRESS_UNUSABLE,
    LOGIN_MISSING,
    create_login,
    delete_login,
    remove_login,
    their_login,
)
from momentum.logic.people import ensure_named, newly_named
from momentum.logic.writes import Decision, ensure_version, optimistic_write
from momentum.notify.intents import EmailIntent, EmailKind, Recipient, intent_id
from momentum.store import clients as client_store
from momentum.store import organizations as org_store
from momentum.store import packages as package_store
from momentum.store import transactions
from momentum.store.clients import ClientList, ClientRecord
from momentum.store.due import instant_text
from momentum.store.transactions import Op

__all__ = [
    "ADDRESS_UNUSABLE",
    "LOGIN_MISSING",
    "STAFF_EDITABLE",
    "ClientChanges",
    "ClientRecord",
    "client_view",
    "create_client",
    "create_login",
    "delete_client",
    "get_client",
    "list_clients",
    "remove_login",
    "send_welcome",
    "set_availability",
    "set_color",
    "update_client",
]

CLIENT = "client"
# Fields staff may change on the clients assigned to them; the rest is for administrators.
STAFF_EDITABLE = frozenset({"name", "email", "phone", "notes", "availability"})
Owned = list[tuple[str, str]]


@dataclass(frozen=True)
class ClientChanges:
    """What a PATCH asked to change: only the fields present in the request."""

    fields: dict[str, Any]


def _now() -> datetime:
    return clock.current().now()


def _check_location(principal: Principal, location_id: str | None) -> None:
    if location_id is None:
        return
    org = org_store.get(principal.org_id)
    known = org.location_ids() if org else frozenset()
    if location_id not in known:
        raise InvalidInput(
            "Unknown location.",
            errors=[FieldError(("body", "location_id"), "no such location in your organization")],
        )


def create_client(principal: Principal, fields: dict[str, Any]) -> ClientRecord:
    """Administrators (location admins for their locations) add clients."""
    location_id = fields.get("location_id")
    ensure_admin_of(principal, location_id)
    _check_location(principal, location_id)
    ensure_named(
        principal,
        newly_named(
            ("body", "assigned_practitioner_ids"),
            fields.get("assigned_practitioner_ids") or [],
            Part.PRACTITIONER,
        ),
        location_id=location_id,
    )
    status = ClientStatus(fields.get("status") or ClientStatus.ACTIVE)
    if fields.get("send_welcome"):
        # Refuse before creating anything: the caller asked for both or neither.
        ensure_can_send_welcome(status)
        if not fields.get("email"):
            raise Conflict("The welcome email needs an email address for the client.")
    record = _new_client(principal.org_id, fields, status)
    return optimistic_write(
        thing=CLIENT,
        load=lambda: record,
        decide=lambda new: Decision(new, client_store.create_ops(new)),
        # Only a retried create (same Idempotency-Key, same id) finds its client there.
        already_done=lambda: client_store.get(principal.org_id, record.id),
        loaded=record,
    )


def _new_client(org_id: str, fields: dict[str, Any], status: ClientStatus) -> ClientRecord:
    client_id = ids.new_id("cl")
    now = instant_text(_now())
    return ClientRecord(
        org_id=org_id,
        id=client_id,
        name=fields["name"],
        email=fields.get("email"),
        phone=fields.get("phone"),
        status=status,
        location_id=fields.get("location_id"),
        assigned_practitioner_ids=tuple(
            dict.fromkeys(fields.get("assigned_practitioner_ids") or [])
        ),
        availability=parse_availability(fields.get("availability") or {}).to_dict(),
        notes=fields.get("notes") or "",
        summary=ClientSummary(client_id),
        version=1,
        created_at=now,
        updated_at=now,
    )


def get_client(principal: Principal, client_id: str) -> ClientRecord:
    return load_client(principal, client_id)


def update_client(
    principal: Principal, client_id: str, changes: ClientChanges, expected_version: int | None
) -> ClientRecord:
    if principal.role is Role.CLIENT:
        raise Forbidden("Clients change only their availability.")
    record = load_client(principal, client_id)
    fields = dict(changes.fields)
    if not principal.administers_location(record.location_id):
        refused = sorted(set(fields) - STAFF_EDITABLE)
        if refused:
            raise Forbidden(f"Only administrators may change: {', '.join(refused)}.")
    if "location_id" in fields:
        ensure_admin_of(principal, fields["location_id"])
        _check_location(principal, fields["location_id"])
    ensure_version(CLIENT, record.version, expected_version)
    updated = _save(principal, record, _normalised(principal, record, fields))
    if updated.status is not record.status:
        callers.forget_client(record.org_id, record.id)  # the portal obeys it here at once
    return updated


def _normalised(
    principal: Principal, record: ClientRecord, fields: dict[str, Any]
) -> dict[str, Any]:
    """The PATCH's fields as the record holds them, each checked (422 otherwise)."""
    if "availability" in fields:
        fields["availability"] = parse_availability(fields["availability"] or {}).to_dict()
    if "status" in fields:
        fields["status"] = ClientStatus(fields["status"])
    if "assigned_practitioner_ids" in fields:
        # Those added are checked; those already assigned stay, even if now inactive.
        ensure_named(
            principal,
            newly_named(
                ("body", "assigned_practitioner_ids"),
                fields["assigned_practitioner_ids"],
                Part.PRACTITIONER,
                already=record.assigned_practitioner_ids,
            ),
            location_id=fields.get("location_id", record.location_id),
        )
        fields["assigned_practitioner_ids"] = tuple(
            dict.fromkeys(fields["assigned_practitioner_ids"])
        )
    if "name" in fields and not fields["name"]:
        raise InvalidInput(
            "A client needs a name.", errors=[FieldError(("body", "name"), "required")]
        )
    return fields


def _save(principal: Principal, record: ClientRecord, fields: dict[str, Any]) -> ClientRecord:
    """Write the changed profile fields. The change was decided on the version read: a
    change that landed meanwhile is a 412, as an If-Match that no longer holds."""

    def decide(current: ClientRecord) -> Decision[ClientRecord]:
        updated = replace(
            current, **fields, updated_at=instant_text(_now()), version=current.version + 1
        )
        ops = client_store.profile_update_ops(current, updated)
        return Decision(updated, ops + _renamed_packages(current, updated, room=len(ops)))

    return optimistic_write(
        thing=CLIENT,
        load=lambda: load_client(principal, record.id),
        decide=decide,
        version=lambda current: current.version,
        expected_version=record.version,
        loaded=record,
    )


def _renamed_packages(before: ClientRecord, after: ClientRecord, *, room: int) -> list[Op]:
    """A renamed client's packages carry the new name: the nightly's reminders to the team
    member name the client from the package's copy (it reads no client record). Newest
    first, as many as one transaction holds; conditioned on each package's versions, so a
    package write racing the rename retries from the renamed copy."""
    if after.name == before.name:
        return []
    stale = [
        p
        for p in package_store.list_for_client(after.org_id, after.id)
        if p.client_name != after.name
    ]
    stale.sort(key=lambda p: p.created_at, reverse=True)
    return [
        package_store.write_op(
            replace(p, client_name=after.name, state_version=p.state_version + 1),
            expected_version=p.version,
            expected_state_version=p.state_version,
        )
        for p in stale[: transactions.MAX_OPS - room]
    ]


def delete_client(principal: Principal, client_id: str) -> None:
    """Refused while appointments or payments are linked — also when one is being created
    at this very moment (the transaction's condition decides)."""
    record = load_client(principal, client_id)
    ensure_admin_of(principal, record.location_id)
    ensure_can_delete(appointments=record.appointments, payments=record.payments)
    owned = client_store.owned_keys(record)
    # Before anything is deleted: the login to remove is this client's, and is there.
    subject = their_login(record)
    _ensure_few_enough(owned)
    org_id = principal.org_id
    deleted = optimistic_write(
        thing=CLIENT,
        load=lambda: _deletion(org_id, client_id),
        decide=lambda found: Decision(True, client_store.delete_ops(*found)),
        # Deleted meanwhile: the outcome the caller asked for (by someone else).
        already_done=lambda: False if client_store.get(org_id, client_id) is None else None,
        loaded=(record, owned),
    )
    if not deleted:
        return
    callers.forget_client(record.org_id, record.id)
    delete_login(
        subject, gone="The client was deleted; its portal login had already left the user pool."
    )


def _deletion(org_id: str, client_id: str) -> tuple[ClientRecord, Owned] | None:
    """The client read again after its delete was refused, if it may still be deleted."""
    fresh = client_store.get(org_id, client_id)
    if fresh is None:
        return None
    ensure_can_delete(appointments=fresh.appointments, payments=fresh.payments)
    owned = client_store.owned_keys(fresh)
    _ensure_few_enough(owned)
    return fresh, owned


def _ensure_few_enough(owned: Owned) -> None:
    """The client and all it owns go in one transaction, or not at all."""
    if len(owned) >= transactions.MAX_OPS:
        raise Conflict(
            f"This client still has {len(owned)} records (packages, trackers, tasks...); "
            "remove some first or mark the client inactive instead."
        )


def set_availability(principal: Principal, client_id: str, raw: dict[str, Any]) -> ClientRecord:
    """Admins and staff with access, and the client for themself."""
    record = load_client(principal, client_id)
    availability = parse_availability(raw).to_dict()
    return _save(principal, record, {"availability": availability})


def set_color(principal: Principal, client_id: str, color: str) -> ClientRecord:
    """Each staff user's own calendar colour for a client: changes that user's view only."""
    if principal.role is Role.CLIENT:
        raise Forbidden("Calendar colours are set by staff users.")
    record = load_client(principal, client_id)
    client_store.set_color(principal.org_id, client_id, principal.user_id, color)
    return replace(record, colors={**record.colors, principal.user_id: color})


def send_welcome(principal: Principal, client_id: str, request_id: str) -> str:
    """Queue a welcome email to an active client (409 otherwise, saying why)."""
    if principal.role is Role.CLIENT:
        raise Forbidden("Welcome emails are sent by the practice.")
    record = load_client(principal, client_id)
    ensure_can_send_welcome(record.status)
    if not record.email:
        raise Conflict("This client has no email address to send the welcome email to.")
    intent = EmailIntent(
        org_id=principal.org_id,
        intent_id=intent_id("welcome", client_id, request_id),
        kind=EmailKind.WELCOME,
        # Its link (sign-in, then the portal) is built when it is rendered.
        recipient=Recipient(person_id=client_id, email=record.email, name=record.name),
    )
    mail.queue_intents([intent], _now())
    return intent.intent_id


def client_view(principal: Principal, record: ClientRecord) -> dict[str, Any]:
    """What this caller may see of the client: notes only for staff users, colour per viewer."""
    view: dict[str, Any] = {
        "id": record.id,
        "name": record.name,
        "email": record.email,
        "phone": record.phone,
        "status": record.status.value,
        "location_id": record.location_id,
        "assigned_practitioner_ids": list(record.assigned_practitioner_ids),
        "availability": record.availability,
        "invited": record.invited,
        "has_login": record.has_login,
        "color": record.colors.get(principal.user_id),
        "version": record.version,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }
    if may_see_notes(principal):
        view["notes"] = record.notes
    return view


def list_clients(
    principal: Principal,
    *,
    status: str | None,
    location_id: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of clients by name: all of them for admins, a location admin's locations,
    a staff member's assigned clients. Filter by status and location."""

    def keep(row: dict[str, Any]) -> bool:
        return (status is None or row["status"] == status) and (
            location_id is None or row["location_id"] == location_id
        )

    return client_store.list_rows(
        principal.org_id,
        _lists_for(principal, location_id),
        keep=keep,
        limit=limit,
        cursor=cursor,
        scope=f"clients|{status}|{location_id}",
        now=_now(),
    )


def _lists_for(principal: Principal, location_id: str | None) -> list[ClientList]:
    """The lists the caller's clients are on: a staff member's own, the organization's
    for admins, a location admin's locations (or the one asked for)."""
    if principal.role is Role.CLIENT:
        raise Forbidden("Clients see only their own record.")
    if principal.role is Role.STAFF:
        return [ClientList(staff_id=principal.user_id)]
    if principal.is_org_admin:
        return [ClientList(location_id=location_id)]
    if location_id is not None:
        ensure_admin_of(principal, location_id)
        return [ClientList(location_id=location_id)]
    return [ClientList(location_id=loc) for loc in sorted(principal.location_ids)]
