"""Changing the organization (momentum.logic.organizations) on the in-memory repositories:
last writer wins without If-Match (a race is read again and retried), a stale If-Match is a
412, and this container reads its own change at once."""

from __future__ import annotations

import pytest

from momentum.domain.access import Role
from momentum.domain.errors import (
    Forbidden,
    InvalidInput,
    PreconditionFailed,
    ServiceUnavailable,
    WriteConflict,
)
from momentum.domain.organizations import Location, Organization
from momentum.logic import organizations, writes
from momentum.store.memory import MemoryTable

from .conftest import ORG, caller

LONDON = "Europe/London"


def change(
    expected_version: int | None, *, name: str = "Harbour", timezone: str = LONDON
) -> Organization:
    return organizations.replace_organization(
        caller(Role.ADMIN),
        name=name,
        timezone=timezone,
        locations=[("n", "North"), ("s", "South")],
        expected_version=expected_version,
    )


def test_the_first_change_stores_version_one_and_each_next_one_more(table: MemoryTable) -> None:
    assert organizations.get_organization(caller()) == Organization(ORG, "")
    first = change(None)
    assert first == Organization(
        ORG, "Harbour", LONDON, (Location("n", "North"), Location("s", "South")), version=1
    )
    assert change(1, name="Harbour Physio").version == 2
    assert organizations.get_organization(caller(Role.STAFF)).name == "Harbour Physio"
    assert len(table.commits) == 2


@pytest.mark.parametrize("if_match", [0, 2])
def test_a_stale_if_match_is_412_and_changes_nothing(table: MemoryTable, if_match: int) -> None:
    change(None)
    with pytest.raises(PreconditionFailed, match="The organization changed since you read it"):
        change(if_match, name="Lost")
    assert table.organizations[ORG].name == "Harbour"
    assert len(table.commits) == 1


def test_without_if_match_a_write_that_lost_the_race_is_read_again_and_lands(
    table: MemoryTable,
) -> None:
    change(None)

    def another_admin() -> None:
        table.organizations[ORG] = Organization(ORG, "Theirs", LONDON, version=2)

    table.interfere(another_admin)
    saved = change(None, name="Ours")
    assert (saved.name, saved.version) == ("Ours", 3)
    assert table.organizations[ORG] == saved


def test_with_if_match_a_write_that_lost_the_race_is_412(table: MemoryTable) -> None:
    change(None)
    table.interfere(
        lambda: table.organizations.update({ORG: Organization(ORG, "Theirs", version=2)})
    )
    with pytest.raises(PreconditionFailed):
        change(1, name="Ours")
    assert table.organizations[ORG].name == "Theirs"


def test_a_record_that_stays_busy_is_503_with_nothing_changed(
    table: MemoryTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writes, "pause", lambda attempt: None)

    def overlapping() -> None:
        raise WriteConflict("busy", retry_after_seconds=1)

    table.interfere(*[overlapping] * writes.ATTEMPTS)
    with pytest.raises(ServiceUnavailable, match="busy"):
        change(None)
    assert table.organizations == {}
    assert table.pending == []


def test_this_container_reads_its_own_change_at_once(table: MemoryTable) -> None:
    assert organizations.organization_settings(ORG).timezone == "UTC"  # kept from now on
    change(None, timezone="Europe/Paris")
    assert organizations.organization_settings(ORG).timezone == "Europe/Paris"


def test_only_owners_and_admins_change_it_and_only_to_something_valid(
    table: MemoryTable,
) -> None:
    for role in (Role.LOCATION_ADMIN, Role.STAFF):
        with pytest.raises(Forbidden):
            organizations.replace_organization(
                caller(role), name="X", timezone=LONDON, locations=[], expected_version=None
            )
    with pytest.raises(InvalidInput):
        change(None, timezone="Mars/Olympus_Mons")
    assert table.organizations == {}
    assert table.commits == []
