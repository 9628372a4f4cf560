"""Who may book, see and list appointments (SPEC §3, §9): the practice books; staff for
the clients assigned to them; a client sees only their own."""

from __future__ import annotations

from momentum.domain.access import Principal, Role, may_access_client, may_book_for_client
from momentum.domain.errors import FieldError, Forbidden, InvalidInput, NotFound
from momentum.logic.access import load_client
from momentum.store.appointments import AppointmentRecord
from momentum.store.clients import ClientRecord


def ensure_may_book(principal: Principal, client: ClientRecord) -> None:
    if principal.role is Role.CLIENT:
        raise Forbidden("Appointments are booked by the practice.")
    if not may_book_for_client(
        principal, location_id=client.location_id, assigned_staff=client.assigned_practitioner_ids
    ):
        raise Forbidden("Staff book appointments only for clients assigned to them.")


def ensure_may_see(principal: Principal, client: ClientRecord, record: AppointmentRecord) -> None:
    """A client their own (another's is a 404); staff the ones they are the practitioner
    of, and those of the clients they may access."""
    if principal.role is Role.CLIENT:
        if principal.client_id != client.id:
            raise NotFound("No such appointment.")
        return
    if principal.role is Role.STAFF and record.practitioner_id == principal.user_id:
        return
    if not may_access_client(
        principal,
        client_id=client.id,
        location_id=client.location_id,
        assigned_staff=client.assigned_practitioner_ids,
    ):
        raise Forbidden("You do not have access to this client's appointments.")


def ensure_may_change(
    principal: Principal, client: ClientRecord, record: AppointmentRecord
) -> None:
    """Changing or deleting: the caller must see it and may book for its client."""
    ensure_may_see(principal, client, record)
    ensure_may_book(principal, client)


def listed_for(
    principal: Principal, client_id: str | None, practitioner_id: str | None
) -> tuple[str | None, str | None]:
    """Whose appointments the caller lists, as (client id, practitioner id): a client only
    their own; staff their own or their clients'; location admins by client or
    practitioner; administrators also the organization's."""
    if principal.role is Role.CLIENT:
        # Another client's id is refused by load_client (404, as for every other client
        # id), never answered with the caller's own.
        client_id = client_id or principal.client_id
    if client_id is not None:
        load_client(principal, client_id)
        return client_id, practitioner_id
    if principal.role is Role.STAFF:
        if practitioner_id not in (None, principal.user_id):
            raise Forbidden("Staff list their own appointments or their clients'.")
        return None, principal.user_id
    if practitioner_id is None and principal.role is Role.LOCATION_ADMIN:
        raise InvalidInput(
            "Location admins list by client or practitioner.",
            errors=[FieldError(("query", "client_id"), "required for location admins")],
        )
    return None, practitioner_id
