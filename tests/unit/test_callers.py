"""The caller check (momentum.logic.callers): the record decides, read at most once a minute
per container, by the clock port (the store is replaced by a dict here)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from momentum import clock
from momentum.domain.access import Principal, Role
from momentum.domain.clients import ClientStatus
from momentum.domain.errors import Forbidden, NotFound, Unauthenticated
from momentum.logic import callers
from momentum.store import clients as client_store
from momentum.store import users as user_store
from momentum.store.clients import ClientRecord
from momentum.store.users import UserRecord

ORG = "org-1"
T0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def user(user_id: str = "u-1", role: str = "admin", **fields: object) -> UserRecord:
    return UserRecord(org_id=ORG, id=user_id, name="N", email="n@example.com", role=role, **fields)  # type: ignore[arg-type]


def token(role: Role = Role.ADMIN, user_id: str = "u-1", **fields: object) -> Principal:
    return Principal(org_id=ORG, user_id=user_id, role=role, **fields)  # type: ignore[arg-type]


class Store:
    """The records the cache reads, and how often it read them."""

    def __init__(self) -> None:
        self.users: dict[str, UserRecord] = {}
        self.clients: dict[str, ClientRecord] = {}
        self.reads = 0

    def get_user(self, org_id: str, user_id: str) -> UserRecord | None:
        self.reads += 1
        return self.users.get(user_id) if org_id == ORG else None

    def get_client(self, org_id: str, client_id: str) -> ClientRecord | None:
        self.reads += 1
        return self.clients.get(client_id) if org_id == ORG else None


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    fake = Store()
    monkeypatch.setattr(user_store, "get_user", fake.get_user)
    monkeypatch.setattr(client_store, "get", fake.get_client)
    settable = clock.SettableClock(T0)
    clock.install(settable)
    callers.reset()
    yield fake
    callers.reset()
    clock.install(clock.SystemClock())


def at(seconds: float) -> None:
    current = clock.current()
    assert isinstance(current, clock.SettableClock)
    current.set(T0 + timedelta(seconds=seconds))


# -- the rules --------------------------------------------------------------------------------


def test_a_staff_caller_takes_role_and_locations_from_the_record() -> None:
    claimed = token(Role.ADMIN)
    assert callers.principal_of_user(claimed, user(role="admin")) == claimed
    demoted = callers.principal_of_user(claimed, user(role="location_admin", location_ids=("n",)))
    assert demoted.role is Role.LOCATION_ADMIN
    assert demoted.location_ids == frozenset({"n"})
    assert not demoted.is_org_admin
    with pytest.raises(Unauthenticated):
        callers.principal_of_user(claimed, None)
    with pytest.raises(Forbidden, match="inactive"):
        callers.principal_of_user(claimed, user(status="inactive"))
    for odd in ("client", "superuser", ""):
        with pytest.raises(Unauthenticated):
            callers.principal_of_user(claimed, user(role=odd))


def test_a_client_caller_is_refused_as_the_portal_refuses() -> None:
    claimed = token(Role.CLIENT, "sub-c", client_id="cl-1")
    ok = ClientRecord(org_id=ORG, id="cl-1", name="C", has_login=True)
    assert callers.principal_of_client(claimed, ok) == claimed
    with pytest.raises(NotFound):
        callers.principal_of_client(claimed, None)
    with pytest.raises(Forbidden, match="no portal login"):
        callers.principal_of_client(claimed, ClientRecord(org_id=ORG, id="cl-1", name="C"))
    inactive = ClientRecord(
        org_id=ORG, id="cl-1", name="C", has_login=True, status=ClientStatus.INACTIVE
    )
    with pytest.raises(Forbidden, match="inactive"):
        callers.principal_of_client(claimed, inactive)


# -- the cache --------------------------------------------------------------------------------


def test_one_read_a_minute_then_the_record_again(store: Store) -> None:
    store.users["u-1"] = user(role="admin")
    assert callers.current(token()).role is Role.ADMIN
    store.users["u-1"] = user(role="staff")  # demoted by another container
    at(59.999)
    assert callers.current(token()).role is Role.ADMIN  # still the read of a minute ago
    assert store.reads == 1
    at(60)
    assert callers.current(token()).role is Role.STAFF
    assert store.reads == 2


def test_a_refusal_is_kept_too_and_raised_afresh_each_time(store: Store) -> None:
    store.users["u-1"] = user(status="inactive")
    errors = []
    for _ in range(3):
        with pytest.raises(Forbidden) as refused:
            callers.current(token())
        errors.append(refused.value)
    assert store.reads == 1
    assert len({id(e) for e in errors}) == 3  # no traceback piling up on one exception


def test_a_change_made_in_this_container_is_obeyed_at_once(store: Store) -> None:
    store.users["u-1"] = user(role="admin")
    callers.current(token())
    store.users["u-1"] = user(status="inactive")
    callers.forget_user(ORG, "u-1")
    with pytest.raises(Forbidden):
        callers.current(token())


def test_the_cache_is_per_organization_and_user(store: Store) -> None:
    store.users["u-1"] = user("u-1", role="admin")
    store.users["u-2"] = user("u-2", role="staff")
    assert callers.current(token(user_id="u-1")).role is Role.ADMIN
    assert callers.current(token(user_id="u-2")).role is Role.STAFF
    foreign = Principal(org_id="org-2", user_id="u-1", role=Role.ADMIN)
    with pytest.raises(Unauthenticated):
        callers.current(foreign)  # the same sub in another organization is no one there
    assert store.reads == 3


def test_a_clock_set_back_does_not_make_an_old_read_look_new(store: Store) -> None:
    store.users["u-1"] = user(role="admin")
    at(3600)
    callers.current(token())
    store.users["u-1"] = user(role="staff")
    at(0)  # an hour earlier than the read
    assert callers.current(token()).role is Role.STAFF


def test_a_client_whose_login_is_removed_here_is_refused_at_once(store: Store) -> None:
    store.clients["cl-1"] = ClientRecord(org_id=ORG, id="cl-1", name="C", has_login=True)
    me = token(Role.CLIENT, "sub-c", client_id="cl-1")
    assert callers.current(me) == me
    store.clients["cl-1"] = ClientRecord(org_id=ORG, id="cl-1", name="C", has_login=False)
    callers.forget_client(ORG, "cl-1")
    with pytest.raises(Forbidden):
        callers.current(me)
    # A token naming another client is read again, never served the first one's answer.
    store.clients["cl-2"] = ClientRecord(org_id=ORG, id="cl-2", name="D", has_login=True)
    other = token(Role.CLIENT, "sub-c", client_id="cl-2")
    assert callers.current(other) == other


@given(offset=st.floats(min_value=-1e7, max_value=1e7, allow_nan=False))
def test_a_read_is_fresh_exactly_for_the_sixty_seconds_after_it(offset: float) -> None:
    entry = callers._Entry(read_at=T0, client_id=None, principal=token())
    now = T0 + timedelta(seconds=offset)
    assert entry.fresh(now) is (timedelta(0) <= now - T0 < timedelta(seconds=60))
