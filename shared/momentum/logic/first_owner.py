"""The first owner of an organization in a new stack (`python -m deploy first-owner`).

Nobody can use a fresh stack: only administrators create users, and there is none yet.
This use case makes an organization and its owner through the code the API itself runs:
the organization as `PUT /org` writes it (momentum.logic.organizations) and the owner as
`POST /users` makes a user (momentum.logic.users.create_user): the Cognito login with its
claims and the user record together, the login removed again if the record cannot be
stored, an orphan login of this organization adopted.

Run again with the same address it finds that owner and changes nothing. An organization
that already has an owner gets another one only when asked (`another_owner=True`), so a
second run with a different (or mistyped) address cannot add an owner by accident.
"""

from __future__ import annotations

from dataclasses import dataclass

from momentum.domain.access import Principal, Role
from momentum.domain.errors import Conflict
from momentum.domain.organizations import Organization
from momentum.identity import identities
from momentum.logic import organizations, users
from momentum.store import organizations as org_store
from momentum.store import users as user_store
from momentum.store.users import UserRecord

# Who acts: the organization's own owner role, as nobody in particular (no record is read
# for it; create_user checks only the role).
BOOTSTRAP_USER = "first-owner-bootstrap"
_PAGE = 100


@dataclass(frozen=True)
class FirstOwner:
    organization: Organization
    owner: UserRecord
    created: bool  # False: this address was already an owner, nothing was changed


def owners(org_id: str) -> list[dict[str, object]]:
    """The organization's owners (any status), from its user list."""
    return [
        row
        for row in user_store.every_row(org_id, page_size=_PAGE)
        if row.get("role") == Role.OWNER
    ]


def existing_owner(email: str) -> UserRecord | None:
    """The owner record whose login has this address, in whichever organization."""
    login = identities().find_login(email=email)
    if login is None or not login.claims.org_id:
        return None
    record = user_store.get_user(login.claims.org_id, login.subject)
    return record if record is not None and record.role == Role.OWNER else None


def create_first_owner(
    *,
    org_id: str,
    org_name: str,
    timezone: str,
    email: str,
    name: str,
    another_owner: bool = False,
) -> FirstOwner:
    """The organization (made when missing, kept as it is otherwise) and its owner."""
    found = existing_owner(email)
    if found is not None:
        org = org_store.get(found.org_id) or Organization(id=found.org_id, name="")
        return FirstOwner(organization=org, owner=found, created=False)
    present = owners(org_id)
    if present and not another_owner:
        listed = ", ".join(f"{row.get('email')} ({row.get('status')})" for row in present)
        raise Conflict(
            f"Organization {org_id} already has an owner: {listed}. Owners add people from "
            "the app; to add one more owner here anyway, ask for another owner explicitly."
        )
    acting = Principal(org_id=org_id, user_id=BOOTSTRAP_USER, role=Role.OWNER)
    org = org_store.get(org_id) or organizations.replace_organization(
        acting, name=org_name, timezone=timezone, locations=[], expected_version=0
    )
    owner = users.create_user(acting, {"email": email, "name": name, "role": Role.OWNER.value})
    return FirstOwner(organization=org, owner=owner, created=True)
