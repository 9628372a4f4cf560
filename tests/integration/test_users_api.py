"""/users through the API handler in-process under moto (SPEC §1 roles, §9 conventions)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from local import infra
from momentum.store import users as user_store
from tests.integration.conftest import ORG, OTHER_ORG, HttpCall, claims
from tests.integration.routes import client_with_login, put_org

OWNER = claims(role="owner", sub="user-olivia")
ADMIN = claims(role="admin", sub="user-adam")
NORTH_ADMIN = claims(role="location_admin", sub="user-lena", locations="north")
STAFF = claims(role="staff", sub="user-sam")
CLIENT = claims(role="client", sub="c-ada", client_id="cl_ada")  # see _portal()
FOREIGN_OWNER = claims(org=OTHER_ORG, role="owner", sub="user-otto")


@pytest.fixture
def org(api: HttpCall) -> None:
    put_org(api, "Harbour", "Europe/London", caller=OWNER)


def _create(api: HttpCall, caller: dict[str, str] = OWNER, **fields: Any) -> dict[str, Any]:
    body = {"name": "Sam Carter", "email": "sam@example.com", "role": "staff", **fields}
    response = api("POST", "/users", body=body, caller=caller)
    assert response["status"] == 201, response
    return response


def call(api: HttpCall, method: str, user_id: str, **kwargs: Any) -> dict[str, Any]:
    return api(
        method,
        f"/users/{user_id}",
        route=f"{method} /users/{{user_id}}",
        path_parameters={"user_id": user_id},
        **kwargs,
    )


def token_of(user: dict[str, Any]) -> dict[str, str]:
    """The claims the user's login carries (what their ID token would hold)."""
    locations = ",".join(user["location_ids"]) or None
    return claims(role=user["role"], sub=user["id"], locations=locations)


def _portal(api: HttpCall, caller: dict[str, str]) -> dict[str, str]:
    """CLIENT as a real portal caller (a client with a login): a client token is its
    client item, and one for a client that does not exist is refused before any route."""
    if caller is not CLIENT:
        return caller
    return client_with_login(api)[1]


def _cognito_attributes(aws: infra.LocalAws, username: str) -> dict[str, str]:
    cognito = boto3.client("cognito-idp", region_name=infra.REGION)
    user = cognito.admin_get_user(UserPoolId=aws.user_pool_ids["UserPool"], Username=username)
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}


def _pool_size(aws: infra.LocalAws) -> int:
    cognito = boto3.client("cognito-idp", region_name=infra.REGION)
    return len(cognito.list_users(UserPoolId=aws.user_pool_ids["UserPool"])["Users"])


# -- create ------------------------------------------------------------------------------------


def test_given_an_owner_when_adding_a_user_then_the_login_sub_is_the_id_and_they_are_invited(
    api: HttpCall, org: None, aws: infra.LocalAws
) -> None:
    created = _create(api, location_ids=["north"], phone="+44 1")
    user = created["json"]
    assert created["headers"]["location"] == f"/users/{user['id']}"
    assert created["headers"]["etag"] == '"1"'
    assert user["invited"] is True
    assert user["status"] == "active"
    assert (user["role"], user["location_ids"], user["phone"]) == ("staff", ["north"], "+44 1")
    attributes = _cognito_attributes(aws, "sam@example.com")
    assert attributes["sub"] == user["id"]
    assert attributes["email"] == "sam@example.com"
    assert attributes["custom:org_id"] == ORG
    assert attributes["custom:role"] == "staff"
    assert attributes["custom:location_ids"] == "north"
    got = call(api, "GET", user["id"], caller=OWNER)
    assert got["status"] == 200
    assert got["json"] == user
    assert got["headers"]["etag"] == created["headers"]["etag"]


def test_given_a_location_admin_when_added_then_the_login_carries_their_locations(
    api: HttpCall, org: None, aws: infra.LocalAws
) -> None:
    _create(
        api,
        caller=ADMIN,
        email="lena@example.com",
        role="location_admin",
        location_ids=["north", "south", "north"],
    )
    attributes = _cognito_attributes(aws, "lena@example.com")
    assert attributes["custom:role"] == "location_admin"
    assert attributes["custom:location_ids"] == "north,south"


@pytest.mark.parametrize(
    ("caller", "role"),
    [
        (ADMIN, "owner"),
        (NORTH_ADMIN, "staff"),
        (STAFF, "staff"),
        (CLIENT, "staff"),
    ],
    ids=["admin-adds-owner", "location-admin", "staff", "client"],
)
def test_given_a_caller_who_may_not_add_that_user_then_403_and_no_login(
    api: HttpCall, org: None, aws: infra.LocalAws, caller: dict[str, str], role: str
) -> None:
    caller = _portal(api, caller)
    logins = _pool_size(aws)
    body = {"name": "X", "email": "x@example.com", "role": role}
    response = api("POST", "/users", body=body, caller=caller)
    assert response["status"] == 403
    assert response["headers"]["content-type"] == "application/problem+json"
    assert _pool_size(aws) == logins


def test_given_an_owner_when_adding_an_owner_then_it_is_allowed(api: HttpCall, org: None) -> None:
    assert _create(api, email="o2@example.com", role="owner")["json"]["role"] == "owner"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"body.name", "body.email", "body.role"}),
        ({"name": "A", "email": "nope", "role": "staff"}, {"body.email"}),
        ({"name": "A", "email": "a@example.com", "role": "client"}, {"body.role"}),
        ({"name": "", "email": "a@example.com", "role": "staff"}, {"body.name"}),
        (
            {"name": "A", "email": "a@example.com", "role": "staff", "invited": False},
            {"body.invited"},
        ),
        ({"name": "A", "email": "a@example.com", "role": "location_admin"}, {"body.location_ids"}),
        (
            {"name": "A", "email": "a@example.com", "role": "staff", "location_ids": ["mars"]},
            {"body.location_ids.0"},
        ),
        (
            {"name": "A", "email": "a@example.com", "role": "staff", "status": "gone"},
            {"body.status"},
        ),
    ],
)
def test_given_an_invalid_body_when_adding_then_422_with_the_field_and_no_login(
    api: HttpCall, org: None, aws: infra.LocalAws, body: dict[str, Any], fields: set[str]
) -> None:
    response = api("POST", "/users", body=body, caller=OWNER)
    assert response["status"] == 422, response
    assert response["headers"]["content-type"] == "application/problem+json"
    assert fields <= {e["field"] for e in response["json"]["errors"]}
    assert _pool_size(aws) == 0


def test_given_malformed_json_when_adding_then_422_never_500(api: HttpCall, org: None) -> None:
    for body in ["{not json", "[]", "null"]:
        response = api("POST", "/users", body=body, caller=OWNER)
        assert response["status"] == 422, (body, response)


def test_given_an_email_that_already_has_a_login_then_409(
    api: HttpCall, org: None, aws: infra.LocalAws
) -> None:
    _create(api)
    again = api(
        "POST", "/users", body={"name": "Other", "email": "sam@example.com", "role": "staff"}
    )
    assert again["status"] == 409
    assert len(api("GET", "/users", caller=OWNER)["json"]["items"]) == 1
    assert _pool_size(aws) == 1


def test_given_an_idempotency_key_when_the_create_is_retried_then_one_user_and_one_login(
    api: HttpCall, org: None, aws: infra.LocalAws
) -> None:
    headers = {"idempotency-key": "add-sam-1"}
    body = {"name": "Sam", "email": "sam@example.com", "role": "staff"}
    first = api("POST", "/users", body=body, caller=OWNER, headers=headers)
    again = api("POST", "/users", body=body, caller=OWNER, headers=headers)
    assert first["status"] == again["status"] == 201
    assert first["json"] == again["json"]
    assert first["headers"]["location"] == again["headers"]["location"]
    assert _pool_size(aws) == 1
    assert len(api("GET", "/users", caller=OWNER)["json"]["items"]) == 1
    other_body = {**body, "email": "sam2@example.com"}
    reused = api("POST", "/users", body=other_body, caller=OWNER, headers=headers)
    assert reused["status"] == 422
    assert reused["json"]["errors"][0]["field"] == "header.Idempotency-Key"
    assert _pool_size(aws) == 1


# -- read ------------------------------------------------------------------------------------


def test_given_an_owner_reading_a_user_then_exactly_one_dynamodb_call(
    api: HttpCall, org: None, dynamodb_calls: list[str]
) -> None:
    user_id = _create(api)["json"]["id"]
    dynamodb_calls.clear()
    assert call(api, "GET", user_id, caller=OWNER)["status"] == 200
    assert len(dynamodb_calls) == 1, dynamodb_calls


def test_given_a_user_reading_themself_then_exactly_one_getitem(
    api: HttpCall, org: None, dynamodb_calls: list[str]
) -> None:
    user = _create(api)["json"]
    dynamodb_calls.clear()
    response = call(api, "GET", user["id"], caller=token_of(user))
    assert response["status"] == 200
    assert dynamodb_calls == ["GetItem"]


def test_given_staff_then_they_read_only_themself_and_do_not_list(api: HttpCall, org: None) -> None:
    sam = _create(api)["json"]
    zoe = _create(api, name="Zoe", email="zoe@example.com")["json"]
    assert call(api, "GET", sam["id"], caller=token_of(sam))["status"] == 200
    assert call(api, "GET", zoe["id"], caller=token_of(sam))["status"] == 403
    assert call(api, "GET", "no-such-user", caller=token_of(sam))["status"] == 403
    assert api("GET", "/users", caller=token_of(sam))["status"] == 403


def test_given_a_location_admin_then_they_list_and_read_but_do_not_change(
    api: HttpCall, org: None
) -> None:
    sam = _create(api)["json"]
    listed = api("GET", "/users", caller=NORTH_ADMIN)
    assert listed["status"] == 200
    assert [u["id"] for u in listed["json"]["items"]] == [sam["id"]]
    assert call(api, "GET", sam["id"], caller=NORTH_ADMIN)["status"] == 200
    patched = call(api, "PATCH", sam["id"], caller=NORTH_ADMIN, body={"name": "S"})
    assert patched["status"] == 403


def test_given_a_client_token_then_users_are_403(api: HttpCall, org: None) -> None:
    sam = _create(api)["json"]
    me = _portal(api, CLIENT)
    assert api("GET", "/users", caller=me)["status"] == 403
    assert call(api, "GET", sam["id"], caller=me)["status"] == 403
    assert call(api, "PATCH", sam["id"], caller=me, body={"name": "X"})["status"] == 403
    # A client token for a client that does not exist names no one: refused first.
    assert api("GET", "/users", caller=CLIENT)["status"] == 404


@pytest.mark.parametrize(
    ("method", "route", "body"),
    [
        ("GET", "/users", None),
        ("POST", "/users", {"name": "A", "email": "a@example.com", "role": "staff"}),
        ("GET", "/users/{user_id}", None),
        ("PATCH", "/users/{user_id}", {"name": "A"}),
    ],
)
def test_given_no_claims_then_401_problem(
    api: HttpCall, org: None, method: str, route: str, body: Any
) -> None:
    path = route.replace("{user_id}", "u1")
    params = {"user_id": "u1"} if "{" in route else None
    response = api(
        method, path, route=f"{method} {route}", path_parameters=params, body=body, anonymous=True
    )
    assert response["status"] == 401
    assert response["headers"]["content-type"] == "application/problem+json"


def test_given_an_unknown_id_then_404(api: HttpCall, org: None) -> None:
    assert call(api, "GET", "no-such-user", caller=OWNER)["status"] == 404
    assert call(api, "PATCH", "no-such-user", caller=OWNER, body={"name": "X"})["status"] == 404


def test_given_another_organizations_user_then_404_and_nothing_changes(
    api: HttpCall, org: None, aws: infra.LocalAws
) -> None:
    sam = _create(api)["json"]
    assert call(api, "GET", sam["id"], caller=FOREIGN_OWNER)["status"] == 404
    for body in ({"name": "Hacked"}, {"role": "admin"}, {"status": "inactive"}):
        assert call(api, "PATCH", sam["id"], caller=FOREIGN_OWNER, body=body)["status"] == 404
    assert call(api, "GET", sam["id"], caller=OWNER)["json"] == sam
    assert api("GET", "/users", caller=FOREIGN_OWNER)["json"]["items"] == []
    assert _cognito_attributes(aws, "sam@example.com")["custom:role"] == "staff"


def test_given_a_path_id_that_is_not_an_id_then_422(api: HttpCall, org: None) -> None:
    response = call(api, "GET", "bad id!", caller=OWNER)
    assert response["status"] == 422
    assert response["json"]["errors"][0]["field"] == "path.user_id"


# -- list ------------------------------------------------------------------------------------


def test_given_many_users_then_the_list_is_by_name_paginated_and_filterable(
    api: HttpCall, org: None
) -> None:
    names = ["dora", "Bob", "alice", "Carl", "eve"]
    for i, name in enumerate(names):
        role = "admin" if name == "Carl" else "staff"
        _create(api, name=name, email=f"u{i}@example.com", role=role)
    seen: list[str] = []
    cursor = None
    while True:
        query = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = api("GET", "/users", caller=ADMIN, query=query)
        assert page["status"] == 200
        seen += [u["name"] for u in page["json"]["items"]]
        cursor = page["json"]["next_cursor"]
        if not cursor:
            break
    assert seen == ["alice", "Bob", "Carl", "dora", "eve"]
    admins = api("GET", "/users", caller=ADMIN, query={"role": "admin"})["json"]["items"]
    assert [u["name"] for u in admins] == ["Carl"]
    bad = api("GET", "/users", caller=ADMIN, query={"role": "client"})
    assert bad["status"] == 422
    assert bad["json"]["errors"][0]["field"] == "query.role"


def test_given_a_cursor_from_another_list_or_org_then_400(api: HttpCall, org: None) -> None:
    for i in range(3):
        _create(api, name=f"U{i}", email=f"u{i}@example.com")
    cursor = api("GET", "/users", caller=OWNER, query={"limit": "1"})["json"]["next_cursor"]
    assert cursor
    other_filter = {"cursor": cursor, "status": "active"}
    assert api("GET", "/users", caller=OWNER, query=other_filter)["status"] == 400
    assert api("GET", "/users", caller=FOREIGN_OWNER, query={"cursor": cursor})["status"] == 400
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    assert api("GET", "/users", caller=OWNER, query={"cursor": tampered})["status"] == 400


# -- change ----------------------------------------------------------------------------------


def test_given_an_admin_when_changing_role_and_locations_then_the_login_claims_follow(
    api: HttpCall, org: None, aws: infra.LocalAws
) -> None:
    created = _create(api)
    sam = created["json"]
    response = call(
        api,
        "PATCH",
        sam["id"],
        caller=ADMIN,
        body={"role": "location_admin", "location_ids": ["south"]},
        headers={"if-match": created["headers"]["etag"]},
    )
    assert response["status"] == 200, response
    assert response["json"]["role"] == "location_admin"
    assert response["json"]["version"] == 2
    assert response["headers"]["etag"] == '"2"'
    attributes = _cognito_attributes(aws, "sam@example.com")
    assert attributes["custom:role"] == "location_admin"
    assert attributes["custom:location_ids"] == "south"


def test_given_a_stale_if_match_then_412_and_nothing_changes(
    api: HttpCall, org: None, aws: infra.LocalAws
) -> None:
    created = _create(api)
    user_id, etag = created["json"]["id"], created["headers"]["etag"]
    first = call(
        api, "PATCH", user_id, caller=OWNER, body={"phone": "1"}, headers={"if-match": etag}
    )
    assert first["status"] == 200
    stale = call(
        api, "PATCH", user_id, caller=OWNER, body={"role": "admin"}, headers={"if-match": etag}
    )
    assert stale["status"] == 412
    assert stale["headers"]["content-type"] == "application/problem+json"
    after = call(api, "GET", user_id, caller=OWNER)["json"]
    assert (after["phone"], after["role"]) == ("1", "staff")
    assert _cognito_attributes(aws, "sam@example.com")["custom:role"] == "staff"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": None}, "body.name"),
        ({"role": None}, "body.role"),
        ({"role": "superuser"}, "body.role"),
        ({"email": "new@example.com"}, "body.email"),
        ({"invited": False}, "body.invited"),
        ({"status": "prospect"}, "body.status"),
        ({"location_ids": ["nowhere"]}, "body.location_ids.0"),
        ({"role": "location_admin"}, "body.location_ids"),
        ({"phone": "call me"}, "body.phone"),
    ],
)
def test_given_an_invalid_patch_then_422_with_the_field_and_nothing_changes(
    api: HttpCall, org: None, body: dict[str, Any], field: str
) -> None:
    sam = _create(api)["json"]
    response = call(api, "PATCH", sam["id"], caller=OWNER, body=body)
    assert response["status"] == 422, response
    assert field in [e["field"] for e in response["json"]["errors"]]
    assert call(api, "GET", sam["id"], caller=OWNER)["json"] == sam


def test_given_staff_then_they_change_only_their_own_name_and_phone(
    api: HttpCall, org: None
) -> None:
    sam = _create(api)["json"]
    zoe = _create(api, name="Zoe", email="zoe@example.com")["json"]
    me = token_of(sam)
    ok = call(api, "PATCH", sam["id"], caller=me, body={"name": "Samuel", "phone": None})
    assert ok["status"] == 200
    assert ok["json"]["name"] == "Samuel"
    for body in ({"role": "admin"}, {"status": "inactive"}, {"location_ids": ["north"]}):
        assert call(api, "PATCH", sam["id"], caller=me, body=body)["status"] == 403
    assert call(api, "PATCH", zoe["id"], caller=me, body={"name": "Z"})["status"] == 403
    assert call(api, "GET", zoe["id"], caller=OWNER)["json"]["name"] == "Zoe"


def test_given_an_admin_then_owners_are_out_of_reach(api: HttpCall, org: None) -> None:
    owner = _create(api, name="Olga", email="olga@example.com", role="owner")["json"]
    sam = _create(api)["json"]
    assert call(api, "PATCH", owner["id"], caller=ADMIN, body={"name": "X"})["status"] == 403
    assert call(api, "PATCH", sam["id"], caller=ADMIN, body={"role": "owner"})["status"] == 403
    promoted = call(api, "PATCH", sam["id"], caller=OWNER, body={"role": "owner"})
    assert promoted["status"] == 200
    assert promoted["json"]["role"] == "owner"


def test_given_an_owner_then_they_cannot_demote_or_deactivate_themself(
    api: HttpCall, org: None
) -> None:
    olga = _create(api, name="Olga", email="olga@example.com", role="owner")["json"]
    me = token_of(olga)
    for body in ({"role": "admin"}, {"status": "inactive"}):
        assert call(api, "PATCH", olga["id"], caller=me, body=body)["status"] == 403
    same = call(api, "PATCH", olga["id"], caller=me, body={"role": "owner", "name": "Olga B"})
    assert same["status"] == 200


def test_given_an_inactive_user_then_their_token_is_refused_with_403(
    api: HttpCall, org: None
) -> None:
    sam = _create(api)["json"]
    me = token_of(sam)
    assert call(api, "GET", sam["id"], caller=me)["status"] == 200
    off = call(api, "PATCH", sam["id"], caller=OWNER, body={"status": "inactive"})
    assert off["json"]["status"] == "inactive"
    refused = call(api, "GET", sam["id"], caller=me)
    assert refused["status"] == 403
    assert "inactive" in refused["json"]["detail"]
    assert call(api, "PATCH", sam["id"], caller=me, body={"name": "S"})["status"] == 403
    assert api("GET", "/me/preferences", caller=me)["status"] == 403
    call(api, "PATCH", sam["id"], caller=OWNER, body={"status": "active"})
    assert call(api, "GET", sam["id"], caller=me)["status"] == 200


def test_given_an_inactive_admin_then_they_can_no_longer_manage_users(
    api: HttpCall, org: None
) -> None:
    adam = _create(api, name="Adam", email="adam@example.com", role="admin")["json"]
    call(api, "PATCH", adam["id"], caller=OWNER, body={"status": "inactive"})
    body = {"name": "X", "email": "x@example.com", "role": "staff"}
    assert api("POST", "/users", body=body, caller=token_of(adam))["status"] == 403
    assert api("GET", "/users", caller=token_of(adam))["status"] == 403


def test_given_a_role_changed_since_the_token_was_issued_then_the_record_decides(
    api: HttpCall, org: None
) -> None:
    adam = _create(api, name="Adam", email="adam@example.com", role="admin")["json"]
    old_token = token_of(adam)
    call(api, "PATCH", adam["id"], caller=OWNER, body={"role": "staff"})
    # The old admin token is a staff member's now (SPEC §9: whatever the token says).
    assert api("GET", "/users", caller=old_token)["status"] == 403
    assert call(api, "GET", adam["id"], caller=old_token)["status"] == 200  # their own
    body = {"name": "X", "email": "x@example.com", "role": "staff"}
    assert api("POST", "/users", body=body, caller=old_token)["status"] == 403
    # Promoted back: the same old token is an admin's again, without signing in again.
    call(api, "PATCH", adam["id"], caller=OWNER, body={"role": "admin"})
    assert api("GET", "/users", caller=claims(role="staff", sub=adam["id"]))["status"] == 200


def test_given_an_empty_patch_then_nothing_changes(api: HttpCall, org: None) -> None:
    sam = _create(api)["json"]
    response = call(api, "PATCH", sam["id"], caller=OWNER, body={})
    assert response["status"] == 200
    assert response["json"] == sam


def test_renaming_moves_the_user_in_the_list(api: HttpCall, org: None) -> None:
    a = _create(api, name="Anna", email="a@example.com")["json"]
    _create(api, name="Bert", email="b@example.com")
    call(api, "PATCH", a["id"], caller=OWNER, body={"name": "Zora"})
    names = [u["name"] for u in api("GET", "/users", caller=OWNER)["json"]["items"]]
    assert names == ["Bert", "Zora"]


# -- the store functions other use cases call -------------------------------------------------


def test_get_users_reads_many_in_one_batch_and_only_from_the_organization(
    api: HttpCall, org: None, dynamodb_calls: list[str]
) -> None:
    ids = [_create(api, name=f"U{i}", email=f"u{i}@example.com")["json"]["id"] for i in range(3)]
    dynamodb_calls.clear()
    found = user_store.get_users(ORG, [*ids, "missing", ids[0]])
    assert dynamodb_calls == ["BatchGetItem"]
    assert set(found) == set(ids)
    assert all(u.invited and u.active and u.email for u in found.values())
    assert user_store.get_users(OTHER_ORG, ids) == {}
    assert user_store.get_user(ORG, ids[1]) == found[ids[1]]
    assert user_store.get_user(OTHER_ORG, ids[1]) is None


def test_given_a_user_made_inactive_then_their_login_is_disabled_and_enabled_again(
    api: HttpCall, org: None, aws: infra.LocalAws
) -> None:
    user = _create(api, name="Sam", email="sam@example.com", role="staff")["json"]
    cognito = boto3.client("cognito-idp", region_name=infra.REGION)
    pool = aws.user_pool_ids["UserPool"]
    assert cognito.admin_get_user(UserPoolId=pool, Username="sam@example.com")["Enabled"] is True
    assert (
        call(api, "PATCH", user["id"], caller=OWNER, body={"status": "inactive"})["status"] == 200
    )
    assert cognito.admin_get_user(UserPoolId=pool, Username="sam@example.com")["Enabled"] is False
    call(api, "PATCH", user["id"], caller=OWNER, body={"status": "active"})
    assert cognito.admin_get_user(UserPoolId=pool, Username="sam@example.com")["Enabled"] is True
