"""The repositories' contract: the same test bodies run against the DynamoDB modules (under
moto, the table from template.yaml) and the in-memory fakes logic's unit tests use
(`momentum.store.memory`). What the fakes promise here is what the table does, so a use case
that passes its unit tests on the fakes meets the same behaviour in production.

Covered for users, the organization and preferences, and the commit: reads of what is
missing, creates, a save at the right version landing, a stale one refused with nothing
changed, two operations in one commit landing together or not at all, list paging order,
and the preferences' replace / turn-off / suppress semantics."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import pytest

from momentum import adapters
from momentum.domain.errors import BadRequest, ChangedMeanwhile
from momentum.domain.organizations import Location, Organization
from momentum.store import clients as client_store
from momentum.store import dynamo, memory
from momentum.store import organizations as dynamodb_organizations
from momentum.store import preferences as dynamodb_preferences
from momentum.store import transactions as dynamodb_transactions
from momentum.store import users as dynamodb_users
from momentum.store.clients import ClientRecord
from momentum.store.preferences import PreferencesRecord
from momentum.store.repositories import Repositories
from momentum.store.transactions import Op
from momentum.store.users import UserRecord

ORG = "org-contract"
OTHER_ORG = "org-elsewhere"
NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
WELCOME, DIGEST, REMINDER = "welcome", "engagement_digest", "on_track_reminder"


@dataclass(frozen=True)
class Backend:
    """One family of repositories, and how a test puts a client where it reads them (no
    repository here writes clients)."""

    name: str
    repos: Repositories
    seed_client: Callable[[ClientRecord], None]


def _dynamodb_client(record: ClientRecord) -> None:
    dynamo.put_item(client_store.to_item(record))


@pytest.fixture(params=["dynamodb", "memory"])
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "memory":
        table = memory.MemoryTable()

        def seed(record: ClientRecord) -> None:
            table.clients[(record.org_id, record.id)] = record

        return Backend("memory", memory.repositories(table), seed)
    request.getfixturevalue("aws")  # moto, with the template's table
    # What the seam hands a use case when no fake is installed.
    repos = Repositories(
        users=adapters.users(),
        organizations=adapters.organizations(),
        preferences=adapters.preferences(),
        transactions=adapters.transactions(),
    )
    return Backend("dynamodb", repos, _dynamodb_client)


def user(user_id: str, name: str | None = None, org_id: str = ORG, **fields: Any) -> UserRecord:
    return UserRecord(
        org_id=org_id,
        id=user_id,
        name=name or user_id,
        email=f"{user_id}@example.com",
        role=fields.pop("role", "staff"),
        login_username=user_id,
        version=1,
        created_at="2026-01-01T00:00:00Z",
        updated_at="2026-01-01T00:00:00Z",
        **fields,
    )


def edited(before: UserRecord, **fields: Any) -> UserRecord:
    """`before` as a use case changes it: one version on."""
    return replace(before, **fields, updated_at="2026-05-01T09:00:00Z", version=before.version + 1)


def commit_one(backend: Backend, *ops: Op) -> None:
    backend.repos.transactions.commit_one(ops)


def test_the_seam_hands_out_the_dynamodb_modules_unless_a_fake_is_installed() -> None:
    assert adapters.users() is dynamodb_users
    assert adapters.organizations() is dynamodb_organizations
    assert adapters.preferences() is dynamodb_preferences
    assert adapters.transactions() is dynamodb_transactions
    fakes = memory.repositories(memory.MemoryTable())
    adapters.install_repositories(fakes)
    try:
        assert adapters.users() is fakes.users
        assert adapters.transactions() is fakes.transactions
    finally:
        adapters.install_repositories(None)
    assert adapters.users() is dynamodb_users


# -- users -------------------------------------------------------------------------------------


def test_a_missing_user_reads_as_none(backend: Backend) -> None:
    users = backend.repos.users
    assert users.get_user(ORG, "nobody") is None
    assert users.get_users(ORG, ["nobody", "no-one"]) == {}
    assert users.get_users(ORG, []) == {}


def test_a_created_user_reads_back_in_its_organization_only(backend: Backend) -> None:
    users = backend.repos.users
    sam, zoe = user("u-sam", phone="+44 20 7946 0000"), user("u-zoe", location_ids=("n", "s"))
    users.create(sam)
    users.create(zoe)
    assert users.get_user(ORG, "u-sam") == sam
    assert users.get_users(ORG, ["u-sam", "u-zoe", "u-nobody", "u-sam"]) == {
        "u-sam": sam,
        "u-zoe": zoe,
    }
    assert users.get_user(OTHER_ORG, "u-sam") is None
    assert users.get_users(OTHER_ORG, ["u-sam", "u-zoe"]) == {}


def test_creating_a_taken_id_is_refused_and_changes_nothing(backend: Backend) -> None:
    users = backend.repos.users
    first = user("u-sam", "Sam")
    users.create(first)
    with pytest.raises(ChangedMeanwhile):
        users.create(user("u-sam", "Samantha"))
    assert users.get_user(ORG, "u-sam") == first


@pytest.mark.parametrize("how", ["commit", "commit_one"])
def test_a_user_saved_at_its_version_lands(backend: Backend, how: str) -> None:
    users = backend.repos.users
    before = user("u-sam", "Sam", phone="+44 20 7946 0000")
    users.create(before)
    after = edited(before, name="Samuel", phone=None, role="admin", location_ids=("n",))
    getattr(backend.repos.transactions, how)([users.save_op(before, after)])
    assert users.get_user(ORG, "u-sam") == after
    assert after.version == 2


def test_a_profile_save_keeps_the_login_and_the_creation_time(backend: Backend) -> None:
    users = backend.repos.users
    before = user("u-sam")
    users.create(before)
    after = edited(before, name="Sam", login_username="someone-else", created_at="2030-01-01")
    commit_one(backend, users.save_op(before, after))
    stored = users.get_user(ORG, "u-sam")
    assert stored is not None
    assert (stored.name, stored.version) == ("Sam", 2)
    assert (stored.login_username, stored.created_at) == ("u-sam", before.created_at)


@pytest.mark.parametrize("how", ["commit", "commit_one"])
def test_a_user_saved_at_a_stale_version_is_refused_and_changes_nothing(
    backend: Backend, how: str
) -> None:
    users = backend.repos.users
    before = user("u-sam", "Sam")
    users.create(before)
    first = edited(before, name="First")
    commit_one(backend, users.save_op(before, first))
    late = edited(before, name="Late")  # decided on version 1, stored is 2 now
    with pytest.raises(ChangedMeanwhile):
        getattr(backend.repos.transactions, how)([users.save_op(before, late)])
    assert users.get_user(ORG, "u-sam") == first


def test_saving_a_user_that_does_not_exist_creates_nothing(backend: Backend) -> None:
    users = backend.repos.users
    ghost = user("u-ghost")
    with pytest.raises(ChangedMeanwhile):
        commit_one(backend, users.save_op(ghost, edited(ghost, name="Boo")))
    assert users.get_user(ORG, "u-ghost") is None


def test_a_commit_with_no_operations_writes_nothing(backend: Backend) -> None:
    backend.repos.transactions.commit([])
    backend.repos.transactions.commit_one([])
    assert backend.repos.organizations.get(ORG) is None


def test_two_operations_in_one_commit_land_together(backend: Backend) -> None:
    users, orgs = backend.repos.users, backend.repos.organizations
    before = user("u-sam")
    users.create(before)
    after = edited(before, name="Sam")
    org = Organization(id=ORG, name="Harbour Physio")
    backend.repos.transactions.commit(
        [users.save_op(before, after), orgs.save_op(org, expected_version=0)]
    )
    assert users.get_user(ORG, "u-sam") == after
    assert orgs.get(ORG) == replace(org, version=1)


def test_one_failed_condition_leaves_every_operation_of_the_commit_unwritten(
    backend: Backend,
) -> None:
    users, orgs = backend.repos.users, backend.repos.organizations
    before = user("u-sam")
    users.create(before)
    org = Organization(id=ORG, name="Harbour Physio")
    commit_one(backend, orgs.save_op(org, expected_version=0))
    with pytest.raises(ChangedMeanwhile):
        backend.repos.transactions.commit(
            [
                users.save_op(before, edited(before, name="Sam")),  # holds
                orgs.save_op(replace(org, name="Renamed"), expected_version=0),  # stale
            ]
        )
    assert users.get_user(ORG, "u-sam") == before
    assert orgs.get(ORG) == replace(org, version=1)


def _every_page(backend: Backend, org_id: str, *, limit: int, scope: str) -> list[list[str]]:
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        rows, cursor = backend.repos.users.list_rows(
            org_id, limit=limit, cursor=cursor, scope=scope, now=NOW
        )
        assert len(rows) <= limit
        pages.append([str(row["id"]) for row in rows])
        if cursor is None:
            return pages
        assert len(pages) < 10, "the cursor never ran out"


def test_users_list_by_name_case_insensitively_then_id_a_page_at_a_time(
    backend: Backend,
) -> None:
    users = backend.repos.users
    for user_id, name in [
        ("u-5", "zoe"),
        ("u-2", "Adam"),
        ("u-4", "bea"),
        ("u-1", "adam"),
        ("u-3", "Bea"),
    ]:
        users.create(user(user_id, name))
    users.create(user("u-far", "Aaron", org_id=OTHER_ORG))
    pages = _every_page(backend, ORG, limit=2, scope="users|None|None")
    assert [i for page in pages for i in page] == ["u-1", "u-2", "u-3", "u-4", "u-5"]
    assert pages[0] == ["u-1", "u-2"]
    rows, _ = users.list_rows(ORG, limit=1, cursor=None, scope="s", now=NOW)
    assert rows == [
        {
            "id": "u-1",
            "name": "adam",
            "email": "u-1@example.com",
            "phone": None,
            "role": "staff",
            "location_ids": [],
            "status": "active",
            "invited": False,
        }
    ]


def test_a_cursor_of_another_list_or_organization_is_refused(backend: Backend) -> None:
    users = backend.repos.users
    for i in range(3):
        users.create(user(f"u-{i}"))
    _, cursor = users.list_rows(ORG, limit=1, cursor=None, scope="users|staff|None", now=NOW)
    assert cursor is not None
    with pytest.raises(BadRequest):
        users.list_rows(ORG, limit=1, cursor=cursor, scope="users|None|None", now=NOW)
    with pytest.raises(BadRequest):
        users.list_rows(OTHER_ORG, limit=1, cursor=cursor, scope="users|staff|None", now=NOW)


# -- the organization --------------------------------------------------------------------------


def test_an_organization_not_configured_reads_as_its_defaults(backend: Backend) -> None:
    orgs = backend.repos.organizations
    assert orgs.get(ORG) is None
    assert orgs.stored_version(ORG) == 0
    assert orgs.settings(ORG) == Organization(id=ORG, name="")


def test_an_organization_saved_at_its_version_lands_and_a_stale_save_does_not(
    backend: Backend,
) -> None:
    orgs = backend.repos.organizations
    org = Organization(
        id=ORG,
        name="Harbour Physio",
        timezone="Europe/London",
        locations=(Location("n", "North"), Location("s", "South")),
    )
    commit_one(backend, orgs.save_op(org, expected_version=0))
    assert orgs.get(ORG) == replace(org, version=1)
    assert orgs.stored_version(ORG) == 1
    renamed = replace(org, name="Harbour")
    commit_one(backend, orgs.save_op(renamed, expected_version=1))
    for stale in (0, 1, 3):
        with pytest.raises(ChangedMeanwhile):
            commit_one(backend, orgs.save_op(replace(org, name="Lost"), expected_version=stale))
    assert orgs.get(ORG) == replace(renamed, version=2)


def test_settings_are_kept_until_forgotten(backend: Backend) -> None:
    orgs = backend.repos.organizations
    assert orgs.settings(ORG).timezone == "UTC"
    org = Organization(id=ORG, name="Harbour", timezone="Europe/London")
    commit_one(backend, orgs.save_op(org, expected_version=0))
    orgs.forget_cached(ORG)
    assert orgs.settings(ORG) == replace(org, version=1)
    commit_one(backend, orgs.save_op(replace(org, timezone="Europe/Paris"), expected_version=1))
    orgs.forget_cached()
    assert orgs.settings(ORG).timezone == "Europe/Paris"


# -- preferences -------------------------------------------------------------------------------


def test_preferences_never_changed_are_every_kind_on_at_version_zero(backend: Backend) -> None:
    prefs = backend.repos.preferences
    assert prefs.get_preferences(ORG, "u-sam") == (frozenset(), 0)
    assert prefs.kinds_off(ORG, "u-sam") == frozenset()
    assert prefs.with_user(ORG, "u-sam") == (None, PreferencesRecord())
    assert prefs.with_client(ORG, "cl-ada") == (None, PreferencesRecord())


def test_preferences_replaced_at_their_version_land_and_stale_ones_do_not(
    backend: Backend,
) -> None:
    prefs = backend.repos.preferences
    off = frozenset({WELCOME, DIGEST})
    commit_one(backend, prefs.replace_op(ORG, "u-sam", off, expected_version=0, now=NOW))
    assert prefs.get_preferences(ORG, "u-sam") == (off, 1)
    with pytest.raises(ChangedMeanwhile):
        commit_one(
            backend, prefs.replace_op(ORG, "u-sam", frozenset(), expected_version=0, now=NOW)
        )
    assert prefs.get_preferences(ORG, "u-sam") == (off, 1)
    commit_one(backend, prefs.replace_op(ORG, "u-sam", frozenset(), expected_version=1, now=NOW))
    assert prefs.get_preferences(ORG, "u-sam") == (frozenset(), 2)
    assert prefs.kinds_off(ORG, "u-sam") == frozenset()
    assert prefs.get_preferences(OTHER_ORG, "u-sam") == (frozenset(), 0)


def test_preferences_saved_now_count_each_change(backend: Backend) -> None:
    prefs = backend.repos.preferences
    welcome = frozenset({WELCOME})
    assert prefs.save_preferences(ORG, "u-sam", welcome, expected_version=None, now=NOW) == 1
    assert prefs.save_preferences(ORG, "u-sam", welcome, expected_version=None, now=NOW) == 2
    with pytest.raises(ChangedMeanwhile):
        prefs.save_preferences(ORG, "u-sam", frozenset(), expected_version=1, now=NOW)
    assert prefs.get_preferences(ORG, "u-sam") == (welcome, 2)
    assert prefs.save_preferences(ORG, "u-sam", frozenset(), expected_version=2, now=NOW) == 3
    assert prefs.get_preferences(ORG, "u-sam") == (frozenset(), 3)


def test_turning_a_kind_off_adds_it_once_and_leaves_the_version(backend: Backend) -> None:
    prefs = backend.repos.preferences
    prefs.turn_off(ORG, "u-sam", WELCOME)
    prefs.turn_off(ORG, "u-sam", WELCOME)
    prefs.turn_off(ORG, "u-sam", DIGEST)
    assert prefs.get_preferences(ORG, "u-sam") == (frozenset({WELCOME, DIGEST}), 0)
    # Not a change of the record: a PUT read before it still lands (and replaces it).
    commit_one(backend, prefs.replace_op(ORG, "u-sam", frozenset(), expected_version=0, now=NOW))
    assert prefs.get_preferences(ORG, "u-sam") == (frozenset(), 1)


def test_a_versioned_turn_off_is_a_change_a_stale_replace_cannot_undo(backend: Backend) -> None:
    prefs = backend.repos.preferences
    commit_one(backend, prefs.replace_op(ORG, "u-sam", frozenset(), expected_version=0, now=NOW))
    prefs.turn_off_versioned(ORG, "u-sam", REMINDER, NOW)
    assert prefs.get_preferences(ORG, "u-sam") == (frozenset({REMINDER}), 2)
    with pytest.raises(ChangedMeanwhile):
        commit_one(
            backend, prefs.replace_op(ORG, "u-sam", frozenset(), expected_version=1, now=NOW)
        )
    prefs.turn_off_versioned(ORG, "u-sam", REMINDER, NOW)
    assert prefs.get_preferences(ORG, "u-sam") == (frozenset({REMINDER}), 3)


def test_preferences_read_together_with_their_person(backend: Backend) -> None:
    prefs = backend.repos.preferences
    sam = user("u-sam")
    backend.repos.users.create(sam)
    backend.seed_client(ClientRecord(org_id=ORG, id="cl-ada", name="Ada", has_login=True))
    prefs.turn_off_versioned(ORG, "cl-ada", WELCOME, NOW)
    assert prefs.with_user(ORG, "u-sam") == (sam, PreferencesRecord())
    client, stored = prefs.with_client(ORG, "cl-ada")
    assert client is not None
    assert (client.id, client.name, client.has_login) == ("cl-ada", "Ada", True)
    assert stored == PreferencesRecord(frozenset({WELCOME}), 1)
    assert prefs.with_client(OTHER_ORG, "cl-ada") == (None, PreferencesRecord())


def test_a_suppressed_address_is_suppressed_whatever_its_case_in_its_organization_only(
    backend: Backend,
) -> None:
    prefs = backend.repos.preferences
    assert not prefs.is_suppressed(ORG, "ada@example.com")
    prefs.suppress(ORG, "Ada@Example.com", "bounce", NOW)
    assert prefs.is_suppressed(ORG, "ada@example.com")
    assert prefs.is_suppressed(ORG, "ADA@EXAMPLE.COM")
    assert not prefs.is_suppressed(OTHER_ORG, "ada@example.com")
    assert not prefs.is_suppressed(ORG, "bea@example.com")
