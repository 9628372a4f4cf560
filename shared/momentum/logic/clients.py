"""Client use cases (SPEC §2): create, read, change, delete, availability, colour, portal
login, welcome email."""

from __future__ import annotations

import contextlib
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
from momentum.domain.errors import Conflict, FieldError, Forbidden, InvalidInput, PreconditionFailed
from momentum.identity import LoginClaims, UsernameTaken, identities
from momentum.logic import mail
from momentum.logic.access import ensure_admin_of, load_client
from momentum.notify.intents import EmailIntent, EmailKind, Recipient, intent_id
from momentum.store import clients as client_store
from momentum.store import dynamo
from momentum.store import organizations as org_store
from momentum.store.clients import ClientRecord
from momentum.store.due import instant_text

# Fields staff may change on the clients assigned to them; the rest is for administrators.
STAFF_EDITABLE = frozenset({"name", "email", "phone", "notes", "availability"})


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
    if fields.get("send_welcome"):
        # Refuse before creating anything: the caller asked for both or neither.
        ensure_can_send_welcome(ClientStatus(fields.get("status") or ClientStatus.ACTIVE))
        if not fields.get("email"):
            raise Conflict("The welcome email needs an email address for the client.")
    availability = parse_availability(fields.get("availability") or {}).to_dict()
    client_id = ids.new_id("cl")
    now = instant_text(_now())
    record = ClientRecord(
        org_id=principal.org_id,
        id=client_id,
        name=fields["name"],
        email=fields.get("email"),
        phone=fields.get("phone"),
        status=ClientStatus(fields.get("status") or ClientStatus.ACTIVE),
        location_id=location_id,
        assigned_practitioners=tuple(dict.fromkeys(fields.get("assigned_practitioners") or [])),
        availability=availability,
        notes=fields.get("notes") or "",
        summary=ClientSummary(client_id),
        version=1,
        created_at=now,
        updated_at=now,
    )
    try:
        dynamo.transact_write(client_store.create_ops(record))
    except dynamo.ConditionFailed:
        # Only a retried create (same Idempotency-Key, same id) finds its client there.
        existing = client_store.get(principal.org_id, client_id)
        if existing is None:
            raise
        return existing
    return record


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
    if expected_version is not None and expected_version != record.version:
        raise PreconditionFailed("The client changed since you read it; reload and try again.")
    if "availability" in fields:
        fields["availability"] = parse_availability(fields["availability"] or {}).to_dict()
    if "status" in fields:
        fields["status"] = ClientStatus(fields["status"])
    if "assigned_practitioners" in fields:
        fields["assigned_practitioners"] = tuple(dict.fromkeys(fields["assigned_practitioners"]))
    if "name" in fields and not fields["name"]:
        raise InvalidInput(
            "A client needs a name.", errors=[FieldError(("body", "name"), "required")]
        )
    updated = replace(record, **fields, updated_at=instant_text(_now()), version=record.version + 1)
    try:
        dynamo.transact_write(client_store.profile_update_ops(record, updated))
    except dynamo.ConditionFailed:
        raise PreconditionFailed(
            "The client changed since you read it; reload and try again."
        ) from None
    return updated


def delete_client(principal: Principal, client_id: str) -> None:
    """Refused while appointments or payments are linked — also when one is being created
    at this very moment (the transaction's condition decides)."""
    record = load_client(principal, client_id)
    ensure_admin_of(principal, record.location_id)
    ensure_can_delete(appointments=record.appointments, payments=record.payments)
    owned = client_store.owned_keys(record)
    if len(owned) >= dynamo.MAX_TRANSACTION_ITEMS:
        raise Conflict(
            f"This client still has {len(owned)} records (packages, trackers, tasks...); "
            "remove some first or mark the client inactive instead."
        )
    try:
        dynamo.transact_write(client_store.delete_ops(record, owned))
    except dynamo.ConditionFailed:
        fresh = client_store.get(principal.org_id, client_id)
        if fresh is None:
            return  # deleted meanwhile: the outcome the caller asked for
        ensure_can_delete(appointments=fresh.appointments, payments=fresh.payments)
        raise Conflict("The client changed while deleting; try again.") from None
    if record.has_login and record.login_username:
        identities().delete_login(username=record.login_username)


def set_availability(principal: Principal, client_id: str, raw: dict[str, Any]) -> ClientRecord:
    """Admins and staff with access, and the client for themself."""
    record = load_client(principal, client_id)
    availability = parse_availability(raw).to_dict()
    return _save_fields(record, availability=availability)


def _save_fields(record: ClientRecord, **fields: Any) -> ClientRecord:
    updated = replace(record, **fields, updated_at=instant_text(_now()), version=record.version + 1)
    try:
        dynamo.transact_write(client_store.profile_update_ops(record, updated))
    except dynamo.ConditionFailed:
        raise PreconditionFailed("The client changed while saving; reload and try again.") from None
    return updated


def set_color(principal: Principal, client_id: str, color: str) -> ClientRecord:
    """Each staff user's own calendar colour for a client: changes that user's view only."""
    if principal.role is Role.CLIENT:
        raise Forbidden("Calendar colours are set by staff users.")
    record = load_client(principal, client_id)
    client_store.set_color(principal.org_id, client_id, principal.user_id, color)
    return replace(record, colors={**record.colors, principal.user_id: color})


def create_login(principal: Principal, client_id: str, email: str | None) -> ClientRecord:
    """Give the client a portal login; it marks the client as invited."""
    record = load_client(principal, client_id)
    ensure_admin_of(principal, record.location_id)
    if record.has_login:
        raise Conflict("This client already has a portal login.")
    address = email or record.email
    if not address:
        raise InvalidInput(
            "A portal login needs an email address.",
            errors=[FieldError(("body", "email"), "required when the client has no email")],
        )
    # The pool signs in by email (UsernameAttributes: email), so the email is the username.
    username = address
    claims = LoginClaims(org_id=principal.org_id, role=Role.CLIENT.value, client_id=client_id)
    # A previous attempt may have created it before failing to record it: adopt it.
    with contextlib.suppress(UsernameTaken):
        identities().create_login(username=username, email=address, claims=claims)
    return client_store.set_login(
        record, has_login=True, username=username, now_text=instant_text(_now())
    )


def remove_login(principal: Principal, client_id: str) -> ClientRecord:
    """Remove the portal login: the API refuses the client's tokens from this moment."""
    record = load_client(principal, client_id)
    ensure_admin_of(principal, record.location_id)
    updated = client_store.set_login(
        record, has_login=False, username=None, now_text=instant_text(_now())
    )
    if record.login_username:
        identities().delete_login(username=record.login_username)
    return updated


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
        recipient=Recipient(person_id=client_id, email=record.email, name=record.name),
        data={"portal_url": ""},
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
        "assigned_practitioners": list(record.assigned_practitioners),
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
    from momentum.api.pagination import decode_cursor, encode_cursor

    now = _now()
    scope = f"clients|{status}|{location_id}"
    state = decode_cursor(cursor, org_id=principal.org_id, scope=scope, now=now) or {}
    if principal.role is Role.CLIENT:
        raise Forbidden("Clients see only their own record.")
    if principal.role is Role.STAFF:
        sources: list[dict[str, str | None]] = [{"staff": principal.user_id, "location": None}]
    elif principal.is_org_admin:
        sources = [{"staff": None, "location": location_id}]
    else:
        allowed = sorted(principal.location_ids)
        if location_id is not None:
            ensure_admin_of(principal, location_id)
            allowed = [location_id]
        sources = [{"staff": None, "location": loc} for loc in allowed]
    index = int(state.get("source", 0))
    start = state.get("key")
    rows: list[dict[str, Any]] = []
    while index < len(sources) and len(rows) < limit:
        source = sources[index]
        page, last = client_store.list_page(
            principal.org_id,
            location_id=source["location"],
            staff_id=source["staff"],
            limit=limit - len(rows),
            start_key=start,
        )
        rows += [
            r
            for r in page
            if (status is None or r["status"] == status)
            and (location_id is None or r["location_id"] == location_id)
        ]
        if last:
            start = last
            break
        index, start = index + 1, None
    more = index < len(sources)
    next_cursor = (
        encode_cursor(
            {"source": index, "key": start}, org_id=principal.org_id, scope=scope, now=now
        )
        if more
        else None
    )
    return rows, next_cursor
