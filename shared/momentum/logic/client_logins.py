"""A client's portal login (SPEC §2): created, named by its subject, removed — the login in
the user pool and the record's account of it kept in step."""

from __future__ import annotations

from momentum import clock
from momentum.domain.access import Principal, Role
from momentum.domain.errors import Conflict, FieldError, InvalidInput
from momentum.identity import LoginClaims, LoginNotFound, identities
from momentum.logic import callers
from momentum.logic.access import ensure_admin_of, load_client
from momentum.logic.logins import new_login
from momentum.store import clients as client_store
from momentum.store.clients import ClientRecord
from momentum.store.due import instant_text

# The same answer whoever holds the address: it reveals nothing about other organizations.
ADDRESS_UNUSABLE = "This email address cannot be used for a portal login; use another address."
LOGIN_MISSING = (
    "This client's portal login is missing from the user pool; nothing was changed. "
    "Create it again (PUT /clients/{id}/login), then retry."
)


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
    subject = new_login(address, claims)
    if subject is None:
        found = identities().find_login(email=address)
        if found is None or not found.is_portal_login_of(principal.org_id, client_id):
            raise Conflict(ADDRESS_UNUSABLE)
        subject = found.subject
    updated = client_store.set_login(
        record, has_login=True, username=subject, now_text=instant_text(clock.current().now())
    )
    callers.forget_client(record.org_id, record.id)
    return updated


def remove_login(principal: Principal, client_id: str) -> ClientRecord:
    """Remove the portal login: the API refuses the client's tokens from this moment (the
    record says so first), then the login leaves the user pool. A login that is not in the
    pool, or is not this client's, stops it: 409 and nothing changed."""
    record = load_client(principal, client_id)
    ensure_admin_of(principal, record.location_id)
    subject = their_login(record)
    updated = client_store.set_login(
        record, has_login=False, username=None, now_text=instant_text(clock.current().now())
    )
    callers.forget_client(record.org_id, record.id)
    delete_login(subject, gone="The portal login was removed; it had already left the user pool.")
    return updated


def delete_login(subject: str | None, *, gone: str) -> None:
    """The login leaves the user pool (nothing when there is none); `gone` is the 409 when
    it had left already."""
    if subject is None:
        return
    try:
        identities().delete_login(subject=subject)
    except LoginNotFound:
        raise Conflict(gone) from None


def their_login(record: ClientRecord) -> str | None:
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
        their_login(record)
    except Conflict:
        return False
    return True
