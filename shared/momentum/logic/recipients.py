"""The people emails go to, as far as email goes (address, name, active or invited: SPEC
§7), read from their records: clients and users."""

from __future__ import annotations

from momentum.domain.clients import ClientStatus
from momentum.domain.recipients import Person
from momentum.notify.intents import RecipientRecord
from momentum.store import clients as client_store
from momentum.store.users import UserRecord, get_user, get_users


def client_person(org_id: str, client_id: str) -> tuple[Person, str] | None:
    """The client and their name; None: no such client."""
    client = client_store.get(org_id, client_id)
    if client is None:
        return None
    person = Person(
        id=client.id,
        email=client.email,
        active=client.status is ClientStatus.ACTIVE,
        invited=client.invited,
    )
    return person, client.name


def _user_person(user_id: str, user: UserRecord) -> tuple[Person, str]:
    return Person(id=user_id, email=user.email, active=user.active, invited=user.invited), user.name


def user_people(org_id: str, user_ids: set[str]) -> dict[str, tuple[Person, str]]:
    """The users among `user_ids` (one read for all), each with their name."""
    users = get_users(org_id, {u for u in user_ids if u})
    return {uid: _user_person(uid, u) for uid, u in users.items()}


def person(org_id: str, record: RecipientRecord, person_id: str) -> tuple[Person, str] | None:
    """A recipient named by id (`Recipient.record`) and their name, as they are now (one
    item read); None: no such person."""
    if record is RecipientRecord.CLIENT:
        return client_person(org_id, person_id)
    user = get_user(org_id, person_id) if person_id else None
    return None if user is None else _user_person(person_id, user)
