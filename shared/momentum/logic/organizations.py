"""Reading and changing the caller's organization."""

from __future__ import annotations

from dataclasses import replace

from momentum import adapters
from momentum.domain.access import Principal
from momentum.domain.errors import Forbidden
from momentum.domain.organizations import Location, Organization, validate_organization
from momentum.logic.writes import Decision, optimistic_write

ORGANIZATION = "organization"


def organization_settings(org_id: str) -> Organization:
    """The organization (timezone, locations), kept a minute per container by the store."""
    return adapters.organizations().settings(org_id)


def get_organization(principal: Principal) -> Organization:
    """The caller's organization; one not configured yet reads as its defaults (version 0)."""
    stored = adapters.organizations().get(principal.org_id)
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
    # Without If-Match the last writer wins, but still atomically: written against the
    # version just read, and read again if another writer got in between. With If-Match
    # the write's own condition checks the caller's version: nothing is read first.
    org_store = adapters.organizations()
    saved = optimistic_write(
        thing=ORGANIZATION,
        load=lambda: org_store.stored_version(org.id),
        decide=lambda stored: Decision(
            replace(org, version=stored + 1), [org_store.save_op(org, expected_version=stored)]
        ),
        version=lambda stored: stored,
        expected_version=expected_version,
        loaded=expected_version,
        commit=adapters.transactions().commit_one,
    )
    org_store.forget_cached(org.id)  # this container reads its own change at once
    return saved
