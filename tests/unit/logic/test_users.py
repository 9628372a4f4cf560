"""Staff user use cases (momentum.logic.users) on the in-memory repositories: a change with
If-Match, a stale one, a race retried or lost, the login kept in step, creates and lists."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from momentum import identity
from momentum.domain.access import Role
from momentum.domain.errors import (
    ChangedMeanwhile,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    WriteConflict,
)
from momentum.domain.organizations import Location, Organization
from momentum.identity import Login, LoginClaims, LoginNotFound, UsernameTaken
from momentum.logic import users
from momentum.store.memory import MemoryTable
from momentum.store.users import UserRecord

from .conftest import ORG, add_user, caller


class Logins:
    """The user pool, in a dict by subject."""

    def __init__(self) -> None:
        self.logins: dict[str, Login] = {}
        self.signed_out: list[str] = []

    def create_login(self, *, email: str, claims: LoginClaims) -> str:
        if any(login.email == email for login in self.logins.values()):
            raise UsernameTaken(email)
        subject = f"sub-{len(self.logins) + 1}"
        self.logins[subject] = Login(subject, email, claims)
        return subject

    def find_login(self, *, email: str) -> Login | None:
        return next((lg for lg in self.logins.values() if lg.email == email), None)

    def get_login(self, *, subject: str) -> Login:
        if subject not in self.logins:
            raise LoginNotFound(subject)
        return self.logins[subject]

    def update_claims(self, *, subject: str, claims: LoginClaims) -> None:
        self.logins[subject] = replace(self.get_login(subject=subject), claims=claims)

    def set_enabled(self, *, subject: str, enabled: bool) -> None:
        self.logins[subject] = replace(self.get_login(subject=subject), enabled=enabled)

    def sign_out_everywhere(self, *, subject: str) -> None:
        self.get_login(subject=subject)
        self.signed_out.append(subject)

    def delete_login(self, *, subject: str) -> None:
        del self.logins[subject]


@pytest.fixture
def logins() -> Iterator[Logins]:
    pool = Logins()
    identity.install(pool)
    yield pool
    identity.install(None)


@pytest.fixture
def sam(table: MemoryTable) -> None:
    add_user(table, "u-owner", Role.OWNER)
    add_user(table, "u-sam", Role.STAFF, name="Sam", phone="+44 20 7946 0000")


def stored(table: MemoryTable, user_id: str = "u-sam") -> UserRecord:
    return table.users[(ORG, user_id)]


# -- changing a user ---------------------------------------------------------------------------


@pytest.mark.usefixtures("sam")
def test_a_change_with_the_current_version_lands_as_the_next(table: MemoryTable) -> None:
    updated = users.update_user(caller(), "u-sam", {"name": "Samuel", "phone": None}, 1)
    assert (updated.name, updated.phone, updated.version) == ("Samuel", None, 2)
    assert updated.updated_at == "2026-05-01T09:00:00Z"
    assert stored(table) == updated
    assert len(table.commits) == 1


@pytest.mark.usefixtures("sam")
def test_a_change_without_if_match_is_made_on_the_version_read(table: MemoryTable) -> None:
    assert users.update_user(caller(), "u-sam", {"name": "Samuel"}, None).version == 2
    assert stored(table).name == "Samuel"


@pytest.mark.usefixtures("sam")
@pytest.mark.parametrize("if_match", [0, 2, 7])
def test_a_change_with_a_stale_version_is_412_and_writes_nothing(
    table: MemoryTable, if_match: int
) -> None:
    before = stored(table)
    with pytest.raises(PreconditionFailed, match="The user changed since you read it"):
        users.update_user(caller(), "u-sam", {"name": "Samuel"}, if_match)
    assert stored(table) == before
    assert table.commits == []


@pytest.mark.usefixtures("sam")
def test_a_write_that_overlapped_another_transaction_is_tried_again(table: MemoryTable) -> None:
    def overlapping() -> None:
        raise WriteConflict("busy", retry_after_seconds=1)

    table.interfere(overlapping)  # the first commit is refused, nothing written
    updated = users.update_user(caller(), "u-sam", {"name": "Samuel"}, 1)
    assert stored(table) == updated
    assert updated.version == 2
    assert len(table.commits) == 1
    assert table.pending == []


@pytest.mark.usefixtures("sam")
def test_a_change_that_lost_the_race_to_another_writer_is_412_and_theirs_stands(
    table: MemoryTable,
) -> None:
    def another_admin() -> None:
        theirs = stored(table)
        table.users[(ORG, "u-sam")] = replace(theirs, name="Samantha", version=2)

    table.interfere(another_admin)  # lands between our read and our commit
    with pytest.raises(PreconditionFailed):
        users.update_user(caller(), "u-sam", {"name": "Samuel"}, None)
    assert (stored(table).name, stored(table).version) == ("Samantha", 2)
    assert table.commits == []


@pytest.mark.usefixtures("sam")
def test_sending_what_is_stored_writes_nothing(table: MemoryTable) -> None:
    assert users.update_user(caller(), "u-sam", {}, 1) == stored(table)
    assert table.commits == []


@pytest.mark.usefixtures("sam")
def test_nobody_changes_their_own_role(table: MemoryTable) -> None:
    with pytest.raises(Forbidden):
        users.update_user(caller(), "u-owner", {"role": "staff"}, None)
    with pytest.raises(Forbidden):
        users.update_user(caller(Role.STAFF, "u-sam"), "u-sam", {"role": "admin"}, None)
    assert table.commits == []


@pytest.mark.usefixtures("sam")
def test_a_user_of_another_organization_is_not_found(table: MemoryTable) -> None:
    with pytest.raises(NotFound):
        users.update_user(caller(), "u-nobody", {"name": "X"}, None)


def test_a_role_change_is_pushed_to_the_login_before_the_record(
    table: MemoryTable, logins: Logins
) -> None:
    add_user(table, "u-owner", Role.OWNER)
    subject = logins.create_login(email="sam@example.com", claims=LoginClaims(ORG, "staff"))
    add_user(table, subject, Role.STAFF, login_username=subject)
    table.organizations[ORG] = Organization(ORG, "Harbour", locations=(Location("n", "North"),))
    changes = {"role": "location_admin", "location_ids": ["n", "n"]}
    updated = users.update_user(caller(), subject, changes, 1)
    assert updated.location_ids == ("n",)
    assert logins.logins[subject].claims == LoginClaims(ORG, "location_admin", None, ("n",))
    assert stored(table, subject) == updated


def test_a_login_missing_from_the_pool_stops_the_change(table: MemoryTable, logins: Logins) -> None:
    add_user(table, "u-owner", Role.OWNER)
    before = add_user(table, "u-sam", Role.STAFF, login_username="u-sam")
    with pytest.raises(Conflict):
        users.update_user(caller(), "u-sam", {"status": "inactive"}, 1)
    assert stored(table) == before
    assert table.commits == []


def test_locations_must_be_the_organizations(table: MemoryTable) -> None:
    add_user(table, "u-owner", Role.OWNER)
    add_user(table, "u-sam", Role.STAFF)
    table.organizations[ORG] = Organization(ORG, "Harbour", locations=(Location("n", "North"),))
    with pytest.raises(InvalidInput) as refused:
        users.update_user(caller(), "u-sam", {"location_ids": ["n", "elsewhere"]}, 1)
    assert [e.loc for e in refused.value.errors] == [("body", "location_ids", 1)]


# -- creating and listing ----------------------------------------------------------------------


def test_a_new_user_is_named_by_their_logins_subject(table: MemoryTable, logins: Logins) -> None:
    add_user(table, "u-owner", Role.OWNER)
    fields = {"name": "Zoe", "email": "zoe@example.com", "role": "staff"}
    created = users.create_user(caller(), fields)
    assert created.id == created.login_username == "sub-1"
    assert (created.invited, created.version, created.status) == (True, 1, "active")
    assert stored(table, "sub-1") == created
    assert logins.logins["sub-1"].claims == LoginClaims(ORG, "staff")


def test_a_user_the_store_refuses_leaves_no_login_behind(
    table: MemoryTable, logins: Logins
) -> None:
    add_user(table, "u-owner", Role.OWNER)
    taken = add_user(table, "sub-1", Role.ADMIN)  # the subject the pool hands out next
    fields = {"name": "Zoe", "email": "zoe@example.com", "role": "staff"}
    with pytest.raises(ChangedMeanwhile):
        users.create_user(caller(), fields)
    assert logins.logins == {}
    assert stored(table, "sub-1") == taken


def test_the_list_pages_by_name_and_filters_by_role(table: MemoryTable) -> None:
    add_user(table, "u-owner", Role.OWNER, name="Olive")
    for user_id, name, role in [
        ("u-1", "bea", Role.STAFF),
        ("u-2", "Adam", Role.ADMIN),
        ("u-3", "carl", Role.STAFF),
    ]:
        add_user(table, user_id, role, name=name)
    seen: list[str] = []
    cursor: str | None = None
    while True:
        rows, cursor = users.list_users(caller(), role="staff", status=None, limit=2, cursor=cursor)
        seen += [str(r["name"]) for r in rows]
        if cursor is None:
            break
    assert seen == ["bea", "carl"]
    with pytest.raises(Forbidden):
        users.list_users(caller(Role.STAFF, "u-1"), role=None, status=None, limit=2, cursor=None)
