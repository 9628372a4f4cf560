"""A client's practitioners as contact cards (SPEC §2, seed clients-help: a client "can get
contact information on their assigned practitioners").

Whoever may see the client may see whom to contact about them: the client themself (their
own portal token) and the staff and administrators with access to the client — the rule of
`logic.access.load_client`, so another client's id is a 404 and staff without access a 403.
A card holds only what a client needs to reach the person (name, email, phone): never their
role, locations or status. Inactive users are left out — they cannot be reached through the
practice any more — and so are ids that are no longer users of the organization."""

from __future__ import annotations

from typing import Any

from momentum import clock
from momentum.domain.access import Principal
from momentum.logic.access import load_client
from momentum.store import users as user_store
from momentum.store.users import UserRecord

CONTACT_FIELDS = ("id", "name", "email", "phone")


def _by_name(card: dict[str, Any]) -> tuple[str, str]:
    return str(card["name"]).casefold(), str(card["id"])


def contact_card(record: UserRecord) -> dict[str, Any]:
    return {"id": record.id, "name": record.name, "email": record.email, "phone": record.phone}


def list_practitioners(
    principal: Principal, client_id: str, *, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """The client's active assigned practitioners by name, one page: the client (one
    GetItem), then their practitioners in one BatchGetItem (a client has at most a few
    dozen; the store splits more than DynamoDB's 100 keys a call)."""
    from momentum.store.cursors import page_of

    client = load_client(principal, client_id)
    users = user_store.get_users(principal.org_id, client.assigned_practitioner_ids)
    cards = [contact_card(u) for u in users.values() if u.active]
    return page_of(
        sorted(cards, key=_by_name),
        _by_name,
        limit=limit,
        cursor=cursor,
        org_id=principal.org_id,
        scope=f"practitioners|{client.id}",
        now=clock.current().now(),
    )
