"""Who is calling: the claims the JWT authorizer passes on, as a pure value, and the
permission predicates the rules need (SPEC §1, §2, §5, §7)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    LOCATION_ADMIN = "location_admin"
    STAFF = "staff"
    CLIENT = "client"


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller. `client_id` is set for client tokens; `location_ids` for location admins."""

    org_id: str
    user_id: str
    role: Role
    client_id: str | None = None
    location_ids: frozenset[str] = frozenset()

    @property
    def is_org_admin(self) -> bool:
        """Owners and global admins may do everything in their organization."""
        return self.role in (Role.OWNER, Role.ADMIN)

    def administers_location(self, location_id: str | None) -> bool:
        """Org admins administer every location; location admins only theirs."""
        if self.is_org_admin:
            return True
        return (
            self.role is Role.LOCATION_ADMIN
            and location_id is not None
            and location_id in self.location_ids
        )


def may_access_client(
    principal: Principal,
    *,
    client_id: str,
    location_id: str | None,
    assigned_staff: Collection[str],
) -> bool:
    """Admins of the client's location, its assigned staff, and the client themself."""
    if principal.administers_location(location_id):
        return True
    if principal.role is Role.STAFF:
        return principal.user_id in assigned_staff
    return principal.role is Role.CLIENT and principal.client_id == client_id


def may_book_for_client(
    principal: Principal, *, location_id: str | None, assigned_staff: Collection[str]
) -> bool:
    """Staff create appointments only for clients assigned to them; admins for any."""
    if principal.administers_location(location_id):
        return True
    return principal.role is Role.STAFF and principal.user_id in assigned_staff


def may_see_notes(principal: Principal) -> bool:
    """Staff-only notes: never for a client token."""
    return principal.role is not Role.CLIENT


def may_see_package_status(principal: Principal, *, client_visible: bool) -> bool:
    """A package's On track status (and its history): everyone with access to the client
    record; a client only when the package's settings make it client-visible (SPEC §5)."""
    return principal.role is not Role.CLIENT or client_visible


def may_change_on_track_settings(principal: Principal, *, location_id: str | None) -> bool:
    """Only owners and admins change On track thresholds (403 for others).

    Template (package-level) settings have no location: pass None, and only org admins
    may change them; a location admin may change a client package of their location.
    """
    return principal.administers_location(location_id)


def may_see_engagement_progress(
    principal: Principal, *, owner_id: str, coach_id: str | None, location_id: str | None
) -> bool:
    """The engagement's owner, owners and global admins, location admins of its location,
    and its coach; anyone else sees `-`."""
    if principal.role is Role.CLIENT:
        return False
    if principal.administers_location(location_id):
        return True
    return principal.user_id in (owner_id, coach_id)
