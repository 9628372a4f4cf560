"""Who may be named on a record (SPEC §1, §2, §7, §9): `momentum.domain.people`."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from momentum.domain.access import Principal, Role
from momentum.domain.people import (
    INACTIVE,
    NO_SUCH_USER,
    Member,
    Part,
    may_name_practitioner,
    refusal,
)

PRACTISING = [Part.PRACTITIONER, Part.TEAM_MEMBER, Part.TASK_ASSIGNEE, Part.COACH]


def member(role: str, *, active: bool = True, locations: tuple[str, ...] = ()) -> Member:
    return Member(id="u1", role=role, active=active, location_ids=frozenset(locations))


@pytest.mark.parametrize("part", list(Part))
def test_an_unknown_or_foreign_id_is_no_user(part: Part) -> None:
    assert refusal(part, None, location_id="north") == NO_SUCH_USER


@pytest.mark.parametrize("part", PRACTISING)
@pytest.mark.parametrize("role", ["staff", "owner", "admin"])
def test_staff_owners_and_admins_practise_anywhere(part: Part, role: str) -> None:
    assert refusal(part, member(role), location_id="north") is None
    assert refusal(part, member(role), location_id=None) is None


@pytest.mark.parametrize("part", [*PRACTISING, Part.ENGAGEMENT_OWNER])
def test_a_location_admin_only_for_records_of_their_locations(part: Part) -> None:
    north = member("location_admin", locations=("north",))
    assert refusal(part, north, location_id="north") is None
    for elsewhere in ("south", None):
        reason = refusal(part, north, location_id=elsewhere)
        assert reason is not None
        assert "only on records of their locations" in reason


@pytest.mark.parametrize("role", ["owner", "admin"])
def test_engagement_owners_are_administrators(role: str) -> None:
    assert refusal(Part.ENGAGEMENT_OWNER, member(role), location_id=None) is None


def test_staff_do_not_own_engagements() -> None:
    reason = refusal(Part.ENGAGEMENT_OWNER, member("staff"), location_id="north")
    assert reason == "a staff member cannot be the engagement owner: only owners and admins can"


@pytest.mark.parametrize("part", list(Part))
def test_a_role_no_user_can_have_never_fits(part: Part) -> None:
    for role in ("client", "superuser", ""):
        reason = refusal(part, member(role), location_id="north")
        assert reason is not None
        assert f"cannot be the {part}" in reason


@pytest.mark.parametrize("part", list(Part))
def test_an_inactive_user_is_not_newly_named(part: Part) -> None:
    assert refusal(part, member("admin", active=False), location_id="north") == INACTIVE


ROLES = st.sampled_from(["owner", "admin", "location_admin", "staff", "client", "other"])
LOCATIONS = st.sampled_from(["north", "south", "east"])


@given(
    part=st.sampled_from(list(Part)),
    role=ROLES,
    active=st.booleans(),
    locations=st.frozensets(LOCATIONS, max_size=3),
    location=st.none() | LOCATIONS,
)
def test_the_rule_against_a_plain_reading_of_it(
    part: Part,
    role: str,
    active: bool,
    locations: frozenset[str],
    location: str | None,
) -> None:
    """Named ⇔ active, and: an owner or admin; a staff member for a practising part; a
    location admin of the record's location."""
    fits_role = (
        role in ("owner", "admin")
        or (role == "staff" and part is not Part.ENGAGEMENT_OWNER)
        or (role == "location_admin" and location is not None and location in locations)
    )
    candidate = Member(id="u1", role=role, active=active, location_ids=locations)
    reason = refusal(part, candidate, location_id=location)
    assert (reason is None) is (fits_role and active)
    if fits_role and not active:
        assert reason == INACTIVE


@pytest.mark.parametrize(
    ("principal", "practitioner", "allowed"),
    [
        (Principal("o", "u-sam", Role.STAFF), "u-sam", True),
        (Principal("o", "u-sam", Role.STAFF), "u-zoe", False),
        (Principal("o", "u-adam", Role.ADMIN), "u-zoe", True),
        (Principal("o", "u-olivia", Role.OWNER), "u-zoe", True),
        (
            Principal("o", "u-lena", Role.LOCATION_ADMIN, location_ids=frozenset({"n"})),
            "u-zoe",
            True,
        ),
    ],
)
def test_staff_book_only_themselves(principal: Principal, practitioner: str, allowed: bool) -> None:
    assert may_name_practitioner(principal, practitioner) is allowed
