"""The organization: timezone and locations are validated with field paths."""

from __future__ import annotations

import pytest

from momentum.domain.errors import InvalidInput
from momentum.domain.organizations import Location, Organization, validate_organization


def test_a_valid_organization_passes_unchanged() -> None:
    org = Organization(
        id="o",
        name="Harbour",
        timezone="Pacific/Auckland",
        locations=(Location("north", "North"), Location("south", "South")),
    )
    assert validate_organization(org) is org
    assert org.location_ids() == {"north", "south"}
    assert str(org.zone) == "Pacific/Auckland"


def test_unknown_timezone_and_duplicate_locations_are_reported_together() -> None:
    org = Organization(
        id="o", name="X", timezone="Mars/Base", locations=(Location("a", "A"), Location("a", "B"))
    )
    with pytest.raises(InvalidInput) as caught:
        validate_organization(org)
    assert [e.loc for e in caught.value.errors] == [
        ("body", "timezone"),
        ("body", "locations", 1, "id"),
    ]
