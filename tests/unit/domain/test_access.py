"""Permission predicates (SPEC §1, §2, §5)."""

from __future__ import annotations

import pytest

from momentum.domain.access import (
    Principal,
    Role,
    may_access_client,
    may_book_for_client,
    may_change_on_track_settings,
    may_see_notes,
    may_see_package_status,
)

OWNER = Principal("o1", "u-owner", Role.OWNER)
ADMIN = Principal("o1", "u-admin", Role.ADMIN)
LOC1 = Principal("o1", "u-la", Role.LOCATION_ADMIN, location_ids=frozenset({"loc-1"}))
STAFF = Principal("o1", "u-staff", Role.STAFF)
OTHER_STAFF = Principal("o1", "u-other", Role.STAFF)
CLIENT = Principal("o1", "u-client", Role.CLIENT, client_id="c1")
OTHER_CLIENT = Principal("o1", "u-client2", Role.CLIENT, client_id="c2")


@pytest.mark.parametrize(
    ("principal", "location", "allowed"),
    [
        (OWNER, "loc-9", True),
        (ADMIN, None, True),
        (LOC1, "loc-1", True),
        (LOC1, "loc-2", False),
        (LOC1, None, False),
        (STAFF, "loc-1", True),  # assigned
        (OTHER_STAFF, "loc-1", False),
        (CLIENT, "loc-1", True),  # themself
        (OTHER_CLIENT, "loc-1", False),
    ],
)
def test_who_may_access_a_client(principal: Principal, location: str | None, allowed: bool) -> None:
    assert (
        may_access_client(
            principal, client_id="c1", location_id=location, assigned_staff={"u-staff"}
        )
        is allowed
    )


@pytest.mark.parametrize(
    ("principal", "allowed"),
    [(ADMIN, True), (LOC1, True), (STAFF, True), (OTHER_STAFF, False), (CLIENT, False)],
)
def test_staff_book_only_for_clients_assigned_to_them(principal: Principal, allowed: bool) -> None:
    assert (
        may_book_for_client(principal, location_id="loc-1", assigned_staff=["u-staff"]) is allowed
    )


@pytest.mark.parametrize(
    ("principal", "location", "allowed"),
    [
        (OWNER, None, True),
        (ADMIN, None, True),
        (LOC1, None, False),  # template thresholds are org-wide
        (LOC1, "loc-1", True),  # a client package of their location
        (STAFF, "loc-1", False),
        (CLIENT, "loc-1", False),
    ],
)
def test_only_owners_and_admins_change_on_track_thresholds(
    principal: Principal, location: str | None, allowed: bool
) -> None:
    assert may_change_on_track_settings(principal, location_id=location) is allowed


def test_notes_are_never_for_client_tokens() -> None:
    assert may_see_notes(STAFF)
    assert may_see_notes(ADMIN)
    assert not may_see_notes(CLIENT)


@pytest.mark.parametrize(
    ("principal", "client_visible", "allowed"),
    [
        (ADMIN, False, True),
        (LOC1, False, True),
        (STAFF, False, True),
        (CLIENT, False, False),
        (CLIENT, True, True),
    ],
)
def test_a_client_sees_a_package_status_only_when_client_visible(
    principal: Principal, client_visible: bool, allowed: bool
) -> None:
    assert may_see_package_status(principal, client_visible=client_visible) is allowed
