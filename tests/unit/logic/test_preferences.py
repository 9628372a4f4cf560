"""The caller's email preferences (momentum.logic.preferences) on the in-memory
repositories: every kind on until turned off, If-Match against the record's version (a
one-click unsubscribe in between makes an older ETag stale), and the caller checked on the
record read with them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from momentum import adapters
from momentum.domain.access import Role
from momentum.domain.clients import ClientStatus
from momentum.domain.errors import Forbidden, PreconditionFailed, Unauthenticated
from momentum.logic import preferences
from momentum.notify.intents import EmailKind
from momentum.store.clients import ClientRecord
from momentum.store.memory import MemoryTable
from momentum.store.preferences import PreferencesRecord

from .conftest import NOW, ORG, add_user, caller, installed

KINDS = [kind.value for kind in EmailKind]
SAM = caller(Role.STAFF, "u-sam")
ALL_ON = dict.fromkeys(KINDS, True)


def stored(table: MemoryTable, person: str = "u-sam") -> PreferencesRecord:
    return table.preferences.get((ORG, person), PreferencesRecord())


@pytest.fixture
def sam(table: MemoryTable) -> None:
    add_user(table, "u-sam", Role.STAFF)


@pytest.mark.usefixtures("sam")
def test_a_person_who_never_chose_gets_every_kind_at_version_zero(table: MemoryTable) -> None:
    assert preferences.get_preferences(SAM) == preferences.Preferences(ALL_ON, 0)


@pytest.mark.usefixtures("sam")
def test_a_change_with_the_current_version_lands_as_the_next(table: MemoryTable) -> None:
    saved = preferences.replace_preferences(SAM, {"welcome": False, "engagement_digest": False}, 0)
    assert saved.version == 1
    assert stored(table) == PreferencesRecord(frozenset({"welcome", "engagement_digest"}), 1)
    assert preferences.get_preferences(SAM) == saved
    assert len(table.commits) == 1


@pytest.mark.usefixtures("sam")
def test_without_if_match_the_choice_replaces_whatever_is_stored(table: MemoryTable) -> None:
    table.preferences[(ORG, "u-sam")] = PreferencesRecord(frozenset({"welcome"}), 4)
    saved = preferences.replace_preferences(SAM, {"on_track_reminder": False}, None)
    assert saved == preferences.Preferences({**ALL_ON, "on_track_reminder": False}, 5)
    assert stored(table) == PreferencesRecord(frozenset({"on_track_reminder"}), 5)


@pytest.mark.usefixtures("sam")
def test_an_unsubscribe_between_reading_and_saving_makes_the_etag_stale(
    table: MemoryTable,
) -> None:
    read = preferences.get_preferences(SAM)

    def one_click_unsubscribe() -> None:
        adapters.preferences().turn_off_versioned(ORG, "u-sam", "on_track_reminder", NOW)

    table.interfere(one_click_unsubscribe)  # lands between our read and our commit
    with pytest.raises(PreconditionFailed, match="The preferences record changed"):
        preferences.replace_preferences(SAM, ALL_ON, read.version)
    assert stored(table) == PreferencesRecord(frozenset({"on_track_reminder"}), 1)
    assert table.commits == []


def test_an_inactive_or_unknown_user_is_refused(table: MemoryTable) -> None:
    add_user(table, "u-gone", Role.STAFF, status="inactive")
    with pytest.raises(Forbidden):
        preferences.get_preferences(caller(Role.STAFF, "u-gone"))
    with pytest.raises(Forbidden):
        preferences.replace_preferences(caller(Role.STAFF, "u-gone"), ALL_ON, None)
    with pytest.raises(Unauthenticated):
        preferences.get_preferences(caller(Role.STAFF, "u-nobody"))
    assert table.preferences == {}


def test_a_portal_client_reads_their_own_and_loses_them_with_their_login(
    table: MemoryTable,
) -> None:
    ada = ClientRecord(org_id=ORG, id="cl-ada", name="Ada", has_login=True)
    table.clients[(ORG, "cl-ada")] = ada
    table.preferences[(ORG, "cl-ada")] = PreferencesRecord(frozenset({"welcome"}), 3)
    portal = caller(Role.CLIENT, "sub-ada", client_id="cl-ada")
    assert preferences.get_preferences(portal) == preferences.Preferences(
        {**ALL_ON, "welcome": False}, 3
    )
    table.clients[(ORG, "cl-ada")] = ClientRecord(
        org_id=ORG, id="cl-ada", name="Ada", has_login=True, status=ClientStatus.INACTIVE
    )
    with pytest.raises(Forbidden):
        preferences.get_preferences(caller(Role.CLIENT, "sub-ada-2", client_id="cl-ada"))


# -- properties --------------------------------------------------------------------------------

choices = st.dictionaries(st.sampled_from(KINDS), st.booleans())


@given(stored_version=st.integers(0, 6), if_match=st.integers(0, 8), emails=choices)
def test_an_if_match_lands_exactly_when_it_is_the_stored_version(
    stored_version: int, if_match: int, emails: dict[str, bool]
) -> None:
    with installed() as table:
        add_user(table, "u-sam", Role.STAFF)
        before = PreferencesRecord(frozenset({"welcome"}), stored_version)
        table.preferences[(ORG, "u-sam")] = before
        if if_match != stored_version:
            with pytest.raises(PreconditionFailed):
                preferences.replace_preferences(SAM, emails, if_match)
            assert stored(table) == before
            return
        saved = preferences.replace_preferences(SAM, emails, if_match)
        assert saved.version == stored_version + 1
        assert stored(table).version == stored_version + 1


@given(emails=choices, if_match=st.sampled_from([None, 0]))
def test_a_kind_is_off_exactly_when_it_was_sent_as_false(
    emails: dict[str, bool], if_match: int | None
) -> None:
    with installed() as table:
        add_user(table, "u-sam", Role.STAFF)
        saved = preferences.replace_preferences(SAM, emails, if_match)
        off = {kind for kind, on in emails.items() if not on}
        assert stored(table).off == off
        assert saved.emails == {kind: kind not in off for kind in KINDS}
        assert preferences.get_preferences(SAM).emails == saved.emails
