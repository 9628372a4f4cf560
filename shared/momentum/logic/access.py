"""Loading a client-owned record for a caller: tenant, role and portal rules in one place."""

from __future__ import annotations

from momentum.domain.access import Principal, Role, may_access_client
from momentum.domain.clients import ensure_portal_access
from momentum.domain.errors import Forbidden, NotFound
from momentum.store import clients as client_store
from momentum.store.clients import ClientRecord


def load_client(principal: Principal, client_id: str) -> ClientRecord:
    """The client, if the caller may see it.

    Not in the caller's organization (or not at all) → 404. A client token for another
    client → 404 as well (a client learns nothing about other clients). Staff and location
    admins without access → 403. A client whose login was removed, or who is inactive,
    cannot use the portal → 403."""
    return check_client(principal, client_store.get(principal.org_id, client_id), client_id)


def check_client(principal: Principal, record: ClientRecord | None, client_id: str) -> ClientRecord:
    """The access rules of `load_client`, for a client record the caller already read
    (e.g. together with another item in one BatchGetItem)."""
    if record is None:
        raise NotFound("No such client.")
    if principal.role is Role.CLIENT:
        if principal.client_id != client_id:
            raise NotFound("No such client.")
        ensure_portal_access(record.status, has_login=record.has_login)
        return record
    if not may_access_client(
        principal,
        client_id=record.id,
        location_id=record.location_id,
        assigned_staff=record.assigned_practitioner_ids,
    ):
        raise Forbidden("You do not have access to this client.")
    return record


def ensure_portal_client(principal: Principal) -> ClientRecord | None:
    """For client tokens: the caller's own record, refusing removed logins and inactive
    clients (403). For everyone else: None."""
    if principal.role is not Role.CLIENT or principal.client_id is None:
        return None
    return load_client(principal, principal.client_id)


def ensure_admin_of(principal: Principal, location_id: str | None) -> None:
    """Owners and admins, or location admins of that location (403 otherwise)."""
    if not principal.administers_location(location_id):
        raise Forbidden("Only administrators of this client's location may do this.")
