"""Users the tests name as practitioners, coaches, owners and assignees: real user records
(SPEC §9: every person id a caller sends must be a user of the organization with a
fitting role). A thin layer over conftest's `seed_user` (create-if-missing, written with a
client `dynamodb_calls` does not count), with the person first and the test organization
by default. Call after the `aws` (or `api`) fixture has set up the tables."""

from __future__ import annotations

from collections.abc import Iterable

from tests.integration import conftest
from tests.integration.conftest import ORG


def seed_user(
    user_id: str,
    role: str = "staff",
    *,
    org: str = ORG,
    status: str = "active",
    locations: Iterable[str] = (),
    name: str | None = None,
) -> None:
    """Make `user_id` a user of `org` (listed in GET /users, as POST /users would), unless
    they are one already."""
    conftest.seed_user(
        org,
        user_id,
        role,
        locations=locations,
        status=status,
        name=name or user_id.removeprefix("user-").title(),
        listed=True,
    )


def seed_staff(*user_ids: str, org: str = ORG) -> None:
    """Several active staff users at once."""
    for user_id in user_ids:
        seed_user(user_id, "staff", org=org)
