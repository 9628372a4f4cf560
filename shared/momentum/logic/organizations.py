"""Reading and changing the caller's organization."""

from __future__ import annotations

from momentum.domain.access import Principal
from momentum.domain.errors import Forbidden, PreconditionFailed, ServiceUnavailable
from momentum.domain.organizations import Location, Organization, validate_organization
from momentum.store import dynamo
from momentum.store import organizations as org_store

# The organization (timezone, locations), kept a minute per container by the store.
organization_settings = org_store.settings


def get_organization(principal: Principal) -> Organization:
    """The caller's organization; one not configured yet reads as its defaults (version 0)."""
    stored = org_store.get(principal.org_id)
    return stored or Organization(id=principal.org_id, name="")


def replace_organization(
    principal: Principal,
    *,
    name: str,
    timezone: str,
    locations: list[tuple[str, str]],
    expected_version: int | None,
) -> Organization:
    """PUT /org: owners and admins only; If-Match protects against lost updates."""
    if not principal.is_org_admin:
        raise Forbidden("Only owners and admins may change the organization.")
    org = validate_organization(
        Organization(
            id=principal.org_id,
            name=name,
            timezone=timezone,
            locations=tuple(Location(id=i, name=n) for i, n in locations),
        )
    )
    # Without If-Match the last writer wins, but still atomically: write against the
    # version just read and re-read if another writer got in between.
    for _ in range(3):
        if expected_version is None:
            current = org_store.get(principal.org_id)
            expected = current.version if current else 0
        else:
            expected = expected_version
        try:
            return org_store.save(org, expected_version=expected)
        except dynamo.ConditionFailed:
            if expected_version is not None:
                raise PreconditionFailed(
                    "The organization changed since you read it; reload and try again."
                ) from None
    raise ServiceUnavailable("The organization is busy with other changes; please retry.")
