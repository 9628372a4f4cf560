"""Who may be named on a record (SPEC §1, §2, §4, §6, §7, §9) — the rule, in one place.

Every person id a caller sends must be a user of the caller's organization whose role fits
the part they are given; otherwise the request is refused (422, naming the field):

- **Practising parts** — appointment practitioner, a client's assigned practitioners, a
  package's team member, a tracker task's assignee, an engagement's coach — are for `staff`
  (SPEC §1: "practitioner, coach or team member", one role with three names) and for
  `owner` and `admin`, who may also practise. A `location_admin` takes them only on records
  of a location they administer: a location admin's access follows their locations, not
  assignments, so elsewhere they would be named on a record they cannot open.
- **Engagement owner** is an administrator (SPEC §7: "owner (an admin)"): `owner`,
  `admin`, or a `location_admin` of the engagement's location. Staff do not own
  engagements.
- An **inactive** user is never newly named. Records that already name them keep them;
  the rule applies to ids a request adds or changes.
- **Staff book only themselves** as practitioner (SPEC §2, §9): an appointment assigns its
  practitioner to the client, and assignments are the administrators' to make.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from momentum.domain.access import Principal, Role


class Part(StrEnum):
    """The part a person is named for on a record (the value reads in messages)."""

    PRACTITIONER = "practitioner"
    TEAM_MEMBER = "team member"
    TASK_ASSIGNEE = "task assignee"
    COACH = "coach"
    ENGAGEMENT_OWNER = "engagement owner"


PRACTISING_ROLES = frozenset({Role.STAFF, Role.OWNER, Role.ADMIN, Role.LOCATION_ADMIN})
ADMINISTERING_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.LOCATION_ADMIN})
ROLES_FOR: dict[Part, frozenset[Role]] = {
    Part.PRACTITIONER: PRACTISING_ROLES,
    Part.TEAM_MEMBER: PRACTISING_ROLES,
    Part.TASK_ASSIGNEE: PRACTISING_ROLES,
    Part.COACH: PRACTISING_ROLES,
    Part.ENGAGEMENT_OWNER: ADMINISTERING_ROLES,
}
_ROLE_NAMES = {
    Role.OWNER: "an owner",
    Role.ADMIN: "an admin",
    Role.LOCATION_ADMIN: "a location admin",
    Role.STAFF: "a staff member",
    Role.CLIENT: "a client",
}
_WHO_MAY = {
    PRACTISING_ROLES: "staff, owners and admins",
    ADMINISTERING_ROLES: "owners and admins",
}
NO_SUCH_USER = "no such user in your organization"
INACTIVE = "this person is inactive and cannot be newly assigned"


@dataclass(frozen=True, slots=True)
class Member:
    """A user of the organization, as far as naming them on a record goes."""

    id: str
    role: str
    active: bool
    location_ids: frozenset[str] = frozenset()


def _role(name: str) -> Role | None:
    try:
        return Role(name)
    except ValueError:
        return None


def refusal(part: Part, member: Member | None, *, location_id: str | None) -> str | None:
    """Why `member` cannot be named as `part` on a record of `location_id`; None if they can.

    `member` is None when the id is no user of the caller's organization (unknown ids and
    other organizations' ids read the same)."""
    if member is None:
        return NO_SUCH_USER
    role = _role(member.role)
    allowed = ROLES_FOR[part]
    if role is None or role not in allowed:
        who = _ROLE_NAMES.get(role, "this user") if role is not None else "this user"
        return f"{who} cannot be the {part}: only {_WHO_MAY[allowed]} can"
    if role is Role.LOCATION_ADMIN and (
        location_id is None or location_id not in member.location_ids
    ):
        return f"a location admin cannot be the {part} here: only on records of their locations"
    if not member.active:
        return INACTIVE
    return None


def may_name_practitioner(principal: Principal, practitioner_id: str) -> bool:
    """Staff book only themselves; administrators may book any fitting practitioner."""
    return principal.role is not Role.STAFF or practitioner_id == principal.user_id
