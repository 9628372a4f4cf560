"""Who sees an engagement and who changes it (the rule is in the package's docstring),
and reading one for a caller."""

from __future__ import annotations

from momentum import ids
from momentum.domain.access import Principal, Role, may_access_client
from momentum.domain.engagements import Engagement
from momentum.domain.errors import Forbidden, NotFound
from momentum.logic.access import ensure_portal_client
from momentum.store import clients as client_store
from momentum.store import engagements as engagement_store
from momentum.store.clients import ClientRecord
from momentum.store.engagements import EngagementRecord


def sees_directly(principal: Principal, engagement: Engagement) -> bool:
    """Visible without looking at the coachee's client record."""
    if principal.role is Role.CLIENT:
        return principal.client_id == engagement.coachee_id
    if principal.administers_location(engagement.location_id):
        return True
    return principal.user_id in (engagement.owner_id, engagement.coach_id)


def needs_coachee(principal: Principal, engagement: Engagement) -> bool:
    return principal.role in (Role.STAFF, Role.LOCATION_ADMIN) and not sees_directly(
        principal, engagement
    )


def may_access_coachee(principal: Principal, coachee: ClientRecord) -> bool:
    return may_access_client(
        principal,
        client_id=coachee.id,
        location_id=coachee.location_id,
        assigned_staff=coachee.assigned_practitioner_ids,
    )


def may_see(principal: Principal, engagement: Engagement, coachee: ClientRecord | None) -> bool:
    """The visibility rule; `coachee` is needed only when `needs_coachee` says so (staff
    or location admins not directly involved)."""
    if sees_directly(principal, engagement):
        return True
    if principal.role is Role.CLIENT or coachee is None:
        return False
    return may_access_coachee(principal, coachee)


def may_change(principal: Principal, engagement: Engagement) -> bool:
    if principal.role is Role.CLIENT:
        return False
    return principal.administers_location(engagement.location_id) or (
        principal.user_id == engagement.owner_id
    )


def _coachee_of(engagement_id: str) -> str:
    client_id = ids.owner_client(engagement_id, "eng")
    if client_id is None:
        raise NotFound("No such engagement.")
    return client_id


def get_engagement(principal: Principal, engagement_id: str) -> EngagementRecord:
    """The engagement if the caller may see it: one GetItem (a second one only for staff
    and location admins who see it through the coachee's client record, and for client
    tokens, whose portal access is checked). Foreign or unknown ids → 404."""
    coachee_id = _coachee_of(engagement_id)
    ensure_portal_client(principal)
    record = engagement_store.get(principal.org_id, coachee_id, engagement_id)
    if record is None:
        raise NotFound("No such engagement.")
    engagement = record.engagement
    if principal.role is Role.CLIENT:
        if principal.client_id != engagement.coachee_id:
            raise NotFound("No such engagement.")
        return record
    coachee = None
    if needs_coachee(principal, engagement):
        coachee = client_store.get(principal.org_id, engagement.coachee_id)
    if not may_see(principal, engagement, coachee):
        raise Forbidden("You do not have access to this engagement.")
    return record
