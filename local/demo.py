"""Demo data for the local runner: a believable practice to click through.

Seeded through the same use cases the API calls, so demo data obeys every rule."""

from __future__ import annotations

from dataclasses import dataclass

from momentum.domain.access import Principal, Role
from momentum.logic import organizations

DEMO_ORG = "org-harbour"
OTHER_ORG = "org-elsewhere"


@dataclass(frozen=True)
class DemoUser:
    label: str
    role: str
    sub: str
    org: str = DEMO_ORG
    client_id: str | None = None
    locations: tuple[str, ...] = ()


DEMO_USERS = [
    DemoUser("owner", "owner", "user-olivia"),
    DemoUser("admin", "admin", "user-adam"),
    DemoUser("location admin (north)", "location_admin", "user-lena", locations=("north",)),
    DemoUser("staff", "staff", "user-sam"),
    DemoUser("owner of another organization", "owner", "user-otto", org=OTHER_ORG),
]


def seed() -> None:
    owner = Principal(org_id=DEMO_ORG, user_id="user-olivia", role=Role.OWNER)
    organizations.replace_organization(
        owner,
        name="Harbour Physio & Coaching",
        timezone="Europe/London",
        locations=[("north", "North clinic"), ("south", "South clinic")],
        expected_version=None,
    )
    other = Principal(org_id=OTHER_ORG, user_id="user-otto", role=Role.OWNER)
    organizations.replace_organization(
        other,
        name="Elsewhere Tutoring",
        timezone="America/Los_Angeles",
        locations=[],
        expected_version=None,
    )
