"""Client use cases (SPEC §2): create, read, change, delete, availability, colour, portal
login, welcome email."""

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
from momentum.domain.errors import Conflict, FieldError, Forbidden, InvalidInput, PreconditionFailed
from momentum.domain.people import Part
from momentum.identity import (
    AddressRefused,
    LoginClaims,
    LoginNotFound,
    UsernameTaken,
    identities,
)
from momentum.logic import callers, mail
from momentum.logic.access import ensure_admin_of, load_client
from momentum.logic.people import ensure_named, newly_named
from momentum.notify.intents import EmailIntent, EmailKind, Recipient, intent_id
from momentum.store import clients as client_store
from momentum.store import dynamo
from momentum.store import organizations as org_store
from momentum.store.clients import ClientRecord
from momentum.store.due import instant_text

# Fields staff may change on the clients assigned to them; the rest is for administrators.
STAFF_EDITABLE = frozenset({"name", "email", "phone", "notes", "availability"})
# The same answer whoever holds the address: it reveals nothing about other organizations.
ADDRESS_UNUSABLE = "This email address cannot be used for a portal login; use another address."
LOGIN_MISSING = (
    "This client's portal login is missing from the user pool; nothing was changed. "
    "Create it again (PUT /clients/{id}/login), then retry."
)


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
        assigned_practitioner_ids=tuple(
            dict.fromkeys(fields.get("assigned_practitioner_ids") or [])
        ),
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
    updated = replace(record, **fields, updated_at=instant_text(_now()), version=record.version + 1)
    try:
        dynamo.transact_write(client_store.profile_update_ops(record, updated))
    except dynamo.ConditionFailed:
        raise PreconditionFailed(
            "The client changed since you read it; reload and try again."
        ) from None
    if updated.status is not record.status:
        callers.forget_client(record.org_id, record.id)  # the portal obeys it here at once
    return updated


def delete_client(principal: Principal, client_id: str) -> None:
    """Refused while appointments or payments are linked — also when one is being created
    at this very moment (the transaction's condition decides)."""
    record = load_client(principal, client_id)
    ensure_admin_of(principal, record.location_id)
    ensure_can_delete(appointments=record.appointments, payments=record.payments)
    owned = client_store.owned_keys(record)
    # Before anything is deleted: the login to remove is this client's, and is there.
    subject = _their_login(record)
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
    callers.forget_client(record.org_id, record.id)
    if subject is not None:
        try:
            identities().delete_login(subject=subject)
        except LoginNotFound:
            raise Conflict(
                "The client was deleted; its portal login had already left the user pool."
            ) from None


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
    """Give the client a portal login; it marks the client as invited.

    Only for an address without a login, or whose login is already this client's (an
    earlier attempt created it, then failed to record it): anything else is 409, the same
    answer whoever holds the address. The record keeps the login's subject, by which every
    later call names it."""
    record = load_client(principal, client_id)
    ensure_admin_of(principal, record.location_id)
    if record.has_login and _has_their_login(record):
        raise Conflict("This client already has a portal login.")
    address = email or record.email
    if not address:
        raise InvalidInput(
            "A portal login needs an email address.",
            errors=[FieldError(("body", "email"), "required when the client has no email")],
        )
    claims = LoginClaims(org_id=principal.org_id, role=Role.CLIENT.value, client_id=client_id)
    try:
        subject = identities().create_login(email=address, claims=claims)
    except AddressRefused:
        raise InvalidInput(
            "The sign-in does not take this email address.",
            errors=[FieldError(("body", "email"), "not an address a login can have")],
        ) from None
    except UsernameTaken:
        found = identities().find_login(email=address)
        if found is None or not found.is_portal_login_of(principal.org_id, client_id):
            raise Conflict(ADDRESS_UNUSABLE) from None
        subject = found.subject
    updated = client_store.set_login(
        record, has_login=True, username=subject, now_text=instant_text(_now())
    )
    callers.forget_client(record.org_id, record.id)
    return updated


def remove_login(principal: Principal, client_id: str) -> ClientRecord:
    """Remove the portal login: the API refuses the client's tokens from this moment (the
    record says so first), then the login leaves the user pool. A login that is not in the
    pool, or is not this client's, stops it: 409 and nothing changed."""
    record = load_client(principal, client_id)
    ensure_admin_of(principal, record.location_id)
    subject = _their_login(record)
    updated = client_store.set_login(
        record, has_login=False, username=None, now_text=instant_text(_now())
    )
    callers.forget_client(record.org_id, record.id)
    if subject is not None:
        try:
            identities().delete_login(subject=subject)
        except LoginNotFound:
            raise Conflict(
                "The portal login was removed; it had already left the user pool."
            ) from None
    return updated


def _their_login(record: ClientRecord) -> str | None:
    """The subject of the client's portal login, checked in the pool to be this client's
    (None when the client has none); 409 when it is missing or not theirs.

    Records from before logins were named by subject hold the address instead: it is
    looked up, and only a login that is this client's is ever named."""
    if not record.has_login or not record.login_username:
        return None
    if "@" in record.login_username:
        found = identities().find_login(email=record.login_username)
    else:
        try:
            found = identities().get_login(subject=record.login_username)
        except LoginNotFound:
            found = None
    if found is None or not found.is_portal_login_of(record.org_id, record.id):
        raise Conflict(LOGIN_MISSING)
    return found.subject


def _has_their_login(record: ClientRecord) -> bool:
    """Is the login the record names really there? (If not, it may be created again.)"""
    try:
        _their_login(record)
    except Conflict:
        return False
    return True


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
    from momentum.store.cursors import decode_cursor, encode_cursor

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
