"""The pure rules behind /users, /me/preferences and the unsubscribe page (no AWS)."""

from __future__ import annotations

import pytest

from momentum.domain.access import Principal, Role
from momentum.domain.errors import Forbidden, Unauthenticated
from momentum.logic import users
from momentum.logic.preferences import KIND_LABELS, choices
from momentum.logic.unsubscribe import Outcome, UnsubscribeLink, confirm_page, done_page
from momentum.notify.intents import EmailKind
from momentum.schemas.preferences import EmailChoices
from momentum.store.users import UserRecord

ORG = "org-1"


def who(role: Role, user_id: str = "me", locations: frozenset[str] = frozenset()) -> Principal:
    client_id = "cl_1" if role is Role.CLIENT else None
    return Principal(
        org_id=ORG, user_id=user_id, role=role, client_id=client_id, location_ids=locations
    )


def record(user_id: str = "them", role: str = "staff", **fields: object) -> UserRecord:
    base: dict[str, object] = {
        "org_id": ORG,
        "id": user_id,
        "name": "N",
        "email": "n@example.com",
        "role": role,
    }
    return UserRecord(**{**base, **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("role", "may_list"),
    [
        (Role.OWNER, True),
        (Role.ADMIN, True),
        (Role.LOCATION_ADMIN, True),
        (Role.STAFF, False),
        (Role.CLIENT, False),
    ],
)
def test_who_lists_and_reads_users(role: Role, may_list: bool) -> None:
    caller = who(role)
    assert users.may_list_users(caller) is may_list
    assert users.may_read_user(caller, "them") is may_list
    assert users.may_read_user(caller, "me") is (role is not Role.CLIENT)


def test_only_owners_and_admins_create_and_only_owners_create_owners() -> None:
    users.ensure_may_create(who(Role.OWNER), "owner")
    users.ensure_may_create(who(Role.ADMIN), "admin")
    with pytest.raises(Forbidden):
        users.ensure_may_create(who(Role.ADMIN), "owner")
    for role in (Role.LOCATION_ADMIN, Role.STAFF, Role.CLIENT):
        with pytest.raises(Forbidden):
            users.ensure_may_create(who(role), "staff")


def test_staff_change_only_their_own_name_and_phone() -> None:
    me = who(Role.STAFF)
    users.ensure_may_change(me, record("me"), {"name": "X", "phone": None})
    for fields in ({"role": "admin"}, {"status": "inactive"}, {"location_ids": []}):
        with pytest.raises(Forbidden):
            users.ensure_may_change(me, record("me"), fields)
    with pytest.raises(Forbidden):
        users.ensure_may_change(me, record("them"), {"name": "X"})


def test_admins_do_not_touch_owners_nor_make_them() -> None:
    admin = who(Role.ADMIN)
    users.ensure_may_change(admin, record(role="staff"), {"role": "admin", "status": "inactive"})
    with pytest.raises(Forbidden):
        users.ensure_may_change(admin, record(role="owner"), {"name": "X"})
    with pytest.raises(Forbidden):
        users.ensure_may_change(admin, record(role="staff"), {"role": "owner"})
    users.ensure_may_change(who(Role.OWNER), record(role="owner"), {"role": "admin"})


def test_nobody_changes_their_own_role_or_status_but_may_resend_them() -> None:
    owner = who(Role.OWNER)
    me = record("me", role="owner")
    users.ensure_may_change(owner, me, {"role": "owner", "status": "active", "name": "X"})
    for fields in ({"role": "admin"}, {"status": "inactive"}):
        with pytest.raises(Forbidden):
            users.ensure_may_change(owner, me, fields)


def test_profile_errors_name_the_fields() -> None:
    assert users.profile_errors("staff", [], None) == []
    missing = users.profile_errors("location_admin", [], None)
    assert [e.loc for e in missing] == [("body", "location_ids")]
    unknown = users.profile_errors("staff", ["north", "mars"], {"north"})
    assert [e.loc for e in unknown] == [("body", "location_ids", 1)]
    too_many = users.profile_errors("staff", ["x" * 100] * 30, None)
    assert [e.loc for e in too_many] == [("body", "location_ids")]


def test_the_caller_is_what_their_record_says_whatever_the_token_claims() -> None:
    staff = who(Role.STAFF)
    with pytest.raises(Unauthenticated):
        users.check_caller(staff, None)  # no record: no user of this organization
    assert users.check_caller(staff, record("me")) == staff
    with pytest.raises(Forbidden):
        users.check_caller(staff, record("me", status="inactive"))
    promoted = users.check_caller(staff, record("me", role="admin"))
    assert promoted.role is Role.ADMIN
    north = who(Role.LOCATION_ADMIN, locations=frozenset({"north"}))
    moved = users.check_caller(north, record("me", role="location_admin", location_ids=("south",)))
    assert moved.location_ids == frozenset({"south"})
    demoted = users.check_caller(who(Role.ADMIN), record("me", role="staff"))
    assert demoted.role is Role.STAFF
    assert not demoted.is_org_admin
    client = who(Role.CLIENT)
    assert users.check_caller(client, record("me", status="inactive")) == client  # portal rules


def test_every_email_kind_has_a_switch_and_a_label() -> None:
    assert set(EmailChoices.model_fields) == {k.value for k in EmailKind}
    assert set(KIND_LABELS) == set(EmailKind)
    assert choices(frozenset({"welcome", "retired-kind"})) == {
        k.value: k is not EmailKind.WELCOME for k in EmailKind
    }


def test_the_unsubscribe_pages_escape_everything_variable() -> None:
    outcome = Outcome(
        link=UnsubscribeLink(org_id=ORG, person_id="p", kind=EmailKind.WELCOME),
        org_name='<script>alert("x")</script>',
    )
    page = confirm_page(outcome, 'abc"def<>')
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert 'action="unsubscribe?token=abc%22def%3C%3E"' in page
    assert "<script>" not in done_page(outcome)
