"""Identity and tenancy (SPEC §9, issue 10 items 1-2), through both HTTP functions in-process
under moto: logins named by subject and never another organization's; a caller's rights are
their record's, at most a minute old."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import boto3
import pytest

from local import infra
from momentum import clock, identity
from momentum.logic import clients as client_logic
from momentum.logic import users as user_logic
from momentum.store import clients as client_store
from momentum.store import dynamo
from momentum.store import users as user_store
from momentum.store.keys import client_pk
from tests.integration.conftest import ORG, OTHER_ORG, HttpCall, Report, claims, seed_user

OWNER = claims(role="owner", sub="user-olivia")
B_ADMIN = claims(org=OTHER_ORG, role="admin", sub="user-bea")
STAFF = claims(role="staff", sub="user-stan")
ORG_BODY = {
    "name": "Harbour",
    "timezone": "UTC",
    "locations": [{"id": "north", "name": "North"}, {"id": "south", "name": "South"}],
}


@pytest.fixture
def org(api: HttpCall) -> None:
    assert api("PUT", "/org", body=ORG_BODY, caller=OWNER)["status"] == 200


@pytest.fixture
def cognito(aws: infra.LocalAws) -> Any:
    return boto3.client("cognito-idp", region_name=infra.REGION)


def _pool(aws: infra.LocalAws) -> str:
    return aws.user_pool_ids["UserPool"]


def _logins(cognito: Any, aws: infra.LocalAws) -> dict[str, dict[str, str]]:
    """Every login in the pool: subject → attributes."""
    users = cognito.list_users(UserPoolId=_pool(aws))["Users"]
    return {
        u["Username"]: {a["Name"]: a["Value"] for a in u["Attributes"]} | {"enabled": u["Enabled"]}
        for u in users
    }


def _user(api: HttpCall, email: str, role: str = "staff", **fields: Any) -> dict[str, Any]:
    body = {"name": email.split("@", maxsplit=1)[0].title(), "email": email, "role": role, **fields}
    response = api("POST", "/users", body=body, caller=OWNER)
    assert response["status"] == 201, response
    user: dict[str, Any] = response["json"]
    return user


def _client(api: HttpCall, caller: dict[str, str], **fields: Any) -> str:
    body = {"name": "Ada", "email": "ada@example.com", **fields}
    response = api("POST", "/clients", body=body, caller=caller)
    assert response["status"] == 201, response
    return str(response["json"]["id"])


def _at(api: HttpCall, method: str, template: str, caller: dict[str, str], **ids: str) -> Any:
    """Call a route by its template with these path ids (the rest of the request in kw)."""
    body = ids.pop("body", None)
    path = template.format(**ids)
    return api(
        method,
        path,
        route=f"{method} {template}",
        path_parameters=ids or None,
        body=body,
        caller=caller,
    )


def _login(api: HttpCall, client_id: str, caller: dict[str, str], **body: Any) -> Any:
    return _at(api, "PUT", "/clients/{client_id}/login", caller, client_id=client_id, body=body)


def _no_login(api: HttpCall, client_id: str, caller: dict[str, str]) -> Any:
    return _at(api, "DELETE", "/clients/{client_id}/login", caller, client_id=client_id)


def _later(seconds: float) -> None:
    now = clock.current()
    assert isinstance(now, clock.SettableClock)
    now.set(now.now() + timedelta(seconds=seconds))


# -- 1. no organization can touch another's logins ---------------------------------------------


def test_another_organizations_admin_can_neither_adopt_nor_delete_a_login(
    api: HttpCall, org: None, aws: infra.LocalAws, cognito: Any
) -> None:
    alice = _user(api, "alice@harbour.example", role="owner")
    before = _logins(cognito, aws)
    # Org B's admin makes a client with org A's owner's address and asks for a login.
    mine = _client(api, B_ADMIN, email="alice@harbour.example")
    refused = _login(api, mine, B_ADMIN)
    assert refused["status"] == 409
    assert refused["json"]["detail"] == client_logic.ADDRESS_UNUSABLE
    typed = _login(api, mine, B_ADMIN, email="alice@harbour.example")
    assert (typed["status"], typed["json"]["detail"]) == (409, client_logic.ADDRESS_UNUSABLE)
    # The answer is exactly the one for an address of B's own organization: nothing told.
    own = api(
        "POST",
        "/users",
        body={"name": "Bob", "email": "bob@b.example", "role": "staff"},
        caller=B_ADMIN,
    )
    assert own["status"] == 201
    theirs = _login(api, _client(api, B_ADMIN, email="bob@b.example"), B_ADMIN)
    assert (theirs["status"], theirs["json"]) == (refused["status"], refused["json"])
    for secret in (ORG, "alice", "Alice", alice["id"], "organization"):
        assert secret not in refused["json"]["detail"]
    # B removes the "login" and deletes the client: A's owner is untouched.
    shown = _at(api, "GET", "/clients/{client_id}", B_ADMIN, client_id=mine)["json"]
    assert shown["has_login"] is False
    assert _no_login(api, mine, B_ADMIN)["status"] == 200
    assert _at(api, "DELETE", "/clients/{client_id}", B_ADMIN, client_id=mine)["status"] == 204
    after = _logins(cognito, aws)
    assert after[alice["id"]] == before[alice["id"]]
    assert after[alice["id"]]["enabled"] is True
    assert _at(api, "GET", "/users/{user_id}", OWNER, user_id=alice["id"])["json"] == alice


def test_an_address_with_another_clients_login_is_refused_and_nothing_changes(
    api: HttpCall, org: None, aws: infra.LocalAws, cognito: Any
) -> None:
    first = _client(api, OWNER)
    assert _login(api, first, OWNER)["status"] == 200
    second = _client(api, OWNER)  # the same address: a family member's record, say
    before = _logins(cognito, aws)
    refused = _login(api, second, OWNER)
    assert (refused["status"], refused["json"]["detail"]) == (409, client_logic.ADDRESS_UNUSABLE)
    assert _logins(cognito, aws) == before
    record = client_store.get(ORG, second)
    assert record is not None
    assert not record.has_login


def test_a_login_an_earlier_attempt_left_for_this_client_is_adopted_and_no_other(
    api: HttpCall, org: None, aws: infra.LocalAws, cognito: Any
) -> None:
    ada = _client(api, OWNER)
    # An earlier PUT created the login, then failed before recording it.
    claims_of = identity.LoginClaims(org_id=ORG, role="client", client_id=ada)
    subject = identity.identities().create_login(email="ada@example.com", claims=claims_of)
    adopted = _login(api, ada, OWNER)
    assert adopted["status"] == 200
    record = client_store.get(ORG, ada)
    assert record is not None
    assert record.login_username == subject  # named by subject from now on
    assert len(_logins(cognito, aws)) == 1
    # The same client id in another organization is not this client: refused.
    other = _client(api, OWNER, email="otto@example.com")
    foreign = identity.LoginClaims(org_id=OTHER_ORG, role="client", client_id=other)
    identity.identities().create_login(email="otto@example.com", claims=foreign)
    assert _login(api, other, OWNER)["status"] == 409


def test_a_user_whose_address_has_a_login_elsewhere_is_refused_alike(
    api: HttpCall, org: None, aws: infra.LocalAws, cognito: Any
) -> None:
    portal = _client(api, B_ADMIN, email="carol@example.com")
    assert _login(api, portal, B_ADMIN)["status"] == 200
    before = _logins(cognito, aws)
    body = {"name": "Carol", "email": "carol@example.com", "role": "admin"}
    response = api("POST", "/users", body=body, caller=OWNER)
    assert (response["status"], response["json"]["detail"]) == (409, user_logic.ADDRESS_UNUSABLE)
    assert _logins(cognito, aws) == before
    # An orphan staff login of this organization (a create that failed before its user was
    # stored) is adopted, with the new user's claims.
    orphan = identity.identities().create_login(
        email="dan@example.com", claims=identity.LoginClaims(org_id=ORG, role="staff")
    )
    dan = _user(api, "dan@example.com", role="admin")
    assert dan["id"] == orphan
    assert _logins(cognito, aws)[orphan]["custom:role"] == "admin"


def test_every_call_that_names_a_login_names_it_by_subject(
    api: HttpCall, org: None, aws: infra.LocalAws
) -> None:
    seen: list[tuple[str, str | None]] = []

    def record(params: dict[str, Any], event_name: str, **_: Any) -> None:
        seen.append((event_name.rsplit(".", 1)[-1], params.get("Username")))

    pool = identity._client()
    pool.meta.events.register("provide-client-params.cognito-idp.*", record)
    try:
        sam = _user(api, "sam@example.com")
        for body in ({"role": "admin"}, {"status": "inactive"}, {"status": "active"}):
            patched = _at(api, "PATCH", "/users/{user_id}", OWNER, user_id=sam["id"], body=body)
            assert patched["status"] == 200, patched
        ada = _client(api, OWNER)
        _login(api, ada, OWNER)
        ada_login = client_store.get(ORG, ada)
        assert ada_login is not None
        assert _no_login(api, ada, OWNER)["status"] == 200
        bo = _client(api, OWNER, email="bo@example.com")
        _login(api, bo, OWNER)
        bo_login = client_store.get(ORG, bo)
        assert bo_login is not None
        assert _at(api, "DELETE", "/clients/{client_id}", OWNER, client_id=bo)["status"] == 204
    finally:
        pool.meta.events.unregister("provide-client-params.cognito-idp.*", record)
    subjects = {sam["id"], ada_login.login_username, bo_login.login_username}
    named = [(op, who) for op, who in seen if op not in ("AdminCreateUser", "ListUsers")]
    assert {op for op, _ in named} >= {
        "AdminUpdateUserAttributes",
        "AdminDisableUser",
        "AdminUserGlobalSignOut",
        "AdminEnableUser",
        "AdminGetUser",
        "AdminDeleteUser",
    }
    for op, who in named:
        assert who in subjects, (op, who)
        assert "@" not in str(who), (op, who)
    # Only creating a login takes an address: it becomes the login's sign-in alias.
    created = [who for op, who in seen if op == "AdminCreateUser"]
    assert created == ["sam@example.com", "ada@example.com", "bo@example.com"]


# -- "user not found" stops the operation -------------------------------------------------------


def test_a_users_login_missing_from_the_pool_stops_the_change(
    api: HttpCall, org: None, aws: infra.LocalAws, cognito: Any
) -> None:
    sam = _user(api, "sam@example.com")
    cognito.admin_delete_user(UserPoolId=_pool(aws), Username=sam["id"])
    for body in ({"status": "inactive"}, {"role": "admin"}, {"location_ids": ["north"]}):
        refused = _at(api, "PATCH", "/users/{user_id}", OWNER, user_id=sam["id"], body=body)
        assert refused["status"] == 409, body
        assert refused["json"]["detail"] == user_logic.LOGIN_MISSING
    assert _at(api, "GET", "/users/{user_id}", OWNER, user_id=sam["id"])["json"] == sam
    # What needs no login still changes.
    renamed = _at(api, "PATCH", "/users/{user_id}", OWNER, user_id=sam["id"], body={"name": "S"})
    assert renamed["status"] == 200


def test_a_clients_login_missing_from_the_pool_stops_removal_and_deletion(
    api: HttpCall, org: None, aws: infra.LocalAws, cognito: Any
) -> None:
    ada = _client(api, OWNER)
    _login(api, ada, OWNER)
    record = client_store.get(ORG, ada)
    assert record is not None
    assert record.login_username
    cognito.admin_delete_user(UserPoolId=_pool(aws), Username=record.login_username)
    removed = _no_login(api, ada, OWNER)
    assert (removed["status"], removed["json"]["detail"]) == (409, client_logic.LOGIN_MISSING)
    deleted = _at(api, "DELETE", "/clients/{client_id}", OWNER, client_id=ada)
    assert deleted["status"] == 409
    shown = _at(api, "GET", "/clients/{client_id}", OWNER, client_id=ada)
    assert shown["status"] == 200
    assert shown["json"]["has_login"] is True
    # The way out the message names: create the login again, then remove it.
    assert _login(api, ada, OWNER)["status"] == 200
    assert _no_login(api, ada, OWNER)["status"] == 200
    assert _logins(cognito, aws) == {}


def test_deactivation_signs_the_login_out_everywhere(
    api: HttpCall, org: None, aws: infra.LocalAws, cognito: Any
) -> None:
    sam = _user(api, "sam@example.com")
    pool = _pool(aws)
    app = cognito.create_user_pool_client(
        UserPoolId=pool,
        ClientName="web",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    cognito.admin_set_user_password(
        UserPoolId=pool, Username=sam["id"], Password="Correct-Horse-42", Permanent=True
    )
    signed_in = cognito.admin_initiate_auth(
        UserPoolId=pool,
        ClientId=app,
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        # By its username (the sub): moto files a session under the name it was opened with.
        AuthParameters={"USERNAME": sam["id"], "PASSWORD": "Correct-Horse-42"},
    )["AuthenticationResult"]
    refresh = {"REFRESH_TOKEN": signed_in["RefreshToken"]}
    cognito.initiate_auth(ClientId=app, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters=refresh)
    off = _at(
        api, "PATCH", "/users/{user_id}", OWNER, user_id=sam["id"], body={"status": "inactive"}
    )
    assert off["status"] == 200
    with pytest.raises(cognito.exceptions.NotAuthorizedException):
        cognito.initiate_auth(ClientId=app, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters=refresh)
    assert cognito.admin_get_user(UserPoolId=pool, Username=sam["id"])["Enabled"] is False


# -- 2. rights are the record's, at most a minute old -------------------------------------------


def _routes() -> list[infra.HttpRoute]:
    return [r for r in infra.http_routes(infra.load_template()) if not r.public]


def _send(
    api: HttpCall, report: Report, route: infra.HttpRoute, caller: dict[str, str], body: Any = None
) -> dict[str, Any]:
    """The route's request with made-up ids (and `body`, when it takes one)."""
    if route.path == "$default":
        return api("GET", "/no-such-route", route="$default", caller=caller, caller_record=False)
    params = {
        part[1:-1]: f"x{i}" for i, part in enumerate(route.path.split("/")) if part.startswith("{")
    }
    path = route.path.format(**params)
    if route.function == "ReportsFunction":
        return report(path, caller=caller, caller_record=False)
    return api(
        route.method,
        path,
        route=f"{route.method} {route.path}",
        path_parameters=params or None,
        body=body if route.method in ("POST", "PUT", "PATCH") else None,
        caller=caller,
        caller_record=False,  # what the container has read: nothing made or read ahead here
    )


def _change_elsewhere(user_id: str, **fields: Any) -> None:
    """The record changed by another container: this one's cache does not know."""
    before = user_store.get_user(ORG, user_id)
    assert before is not None
    user_store.save_profile(before, replace(before, **fields, version=before.version + 1))


def test_a_deactivated_user_is_refused_on_every_route_of_both_functions_within_a_minute(
    api: HttpCall, report: Report, org: None
) -> None:
    adam = _user(api, "adam@example.com", role="admin")
    old = claims(role="admin", sub=adam["id"])
    assert api("GET", "/users", caller=old)["status"] == 200
    _change_elsewhere(adam["id"], status="inactive")
    _later(59)
    assert api("GET", "/users", caller=old, caller_record=False)["status"] == 200  # cached
    _later(1)
    routes = _routes()
    assert {r.function for r in routes} == {"ApiFunction", "ReportsFunction"}
    for route in routes:
        # A body that does not validate either: the caller is refused before anything else.
        response = _send(api, report, route, old, body={"no": "such field"})
        assert response["status"] == 403, (route, response)
        assert "inactive" in response["json"]["detail"], route
        assert response["headers"]["content-type"] == "application/problem+json"


def test_a_demoted_admin_is_a_staff_member_on_every_route_after_a_minute(
    api: HttpCall, report: Report, org: None
) -> None:
    adam = _user(api, "adam@example.com", role="admin")
    old = claims(role="admin", sub=adam["id"])
    seed_user(ORG, "user-stan", "staff")
    admin_only = [
        ("PUT", "/org", {}, ORG_BODY),
        ("GET", "/users", {}, None),
        ("POST", "/users", {}, {"name": "X", "email": "x@example.com", "role": "staff"}),
        ("PATCH", "/users/{user_id}", {"user_id": "user-stan"}, {"role": "admin"}),
        ("POST", "/clients", {}, {"name": "New"}),
        ("POST", "/package-templates", {}, {"name": "P", "type": "fixed", "size": 5}),
        ("POST", "/engagement-templates", {}, {"name": "E", "type": "one_to_one"}),
    ]
    first = admin_only[1]
    assert _at(api, first[0], first[1], old)["status"] == 200
    _change_elsewhere(adam["id"], role="staff")
    _later(59)
    assert _at(api, first[0], first[1], old)["status"] == 200  # a minute is allowed
    _later(1)
    for method, template, ids, body in admin_only:
        refused = api(
            method,
            template.format(**ids),
            route=f"{method} {template}",
            path_parameters=ids or None,
            body=body,
            caller=old,
            caller_record=False,
        )
        assert refused["status"] == 403, (method, template, refused)
    # And on every route of both functions: exactly what a staff member's token gets.
    for route in _routes():
        as_old = _send(api, report, route, old, body={})
        as_staff = _send(api, report, route, STAFF, body={})
        assert (as_old["status"], as_old["json"]) == (as_staff["status"], as_staff["json"]), route


def test_a_location_change_takes_effect_within_a_minute(api: HttpCall, org: None) -> None:
    lena = _user(api, "lena@example.com", role="location_admin", location_ids=["north"])
    token = claims(role="location_admin", sub=lena["id"], locations="north")
    north = _client(api, OWNER, location_id="north")
    assert _at(api, "GET", "/clients/{client_id}", token, client_id=north)["status"] == 200
    _change_elsewhere(lena["id"], location_ids=("south",))
    _later(60)
    moved = _at(api, "GET", "/clients/{client_id}", token, client_id=north)
    assert moved["status"] == 403
    # The same change made through the API in this container is obeyed at once.
    patch = {"location_ids": ["north"]}
    _at(api, "PATCH", "/users/{user_id}", OWNER, user_id=lena["id"], body=patch)
    assert _at(api, "GET", "/clients/{client_id}", token, client_id=north)["status"] == 200


def test_a_token_for_no_user_of_the_organization_is_401(api: HttpCall, org: None) -> None:
    stranger = claims(role="owner", sub="user-nobody")
    response = api("GET", "/org", caller=stranger, caller_record=False)
    assert response["status"] == 401
    assert response["headers"]["www-authenticate"].startswith("Bearer")
    # The same sub as a user of another organization is no one here.
    seed_user(OTHER_ORG, "user-nobody", "owner")
    assert api("GET", "/org", caller=stranger, caller_record=False)["status"] == 401


def test_an_inactive_client_is_refused_everywhere_within_a_minute(api: HttpCall, org: None) -> None:
    ada = _client(api, OWNER)
    _login(api, ada, OWNER)
    me = claims(role="client", sub="c-ada", client_id=ada)
    assert api("GET", "/org", caller=me)["status"] == 200
    # Made inactive in another container: GET /org reads no client record, the cache does.
    dynamo.update_item(
        client_pk(ORG, ada),
        client_store.CLIENT_SK,
        update="SET #status = :inactive",
        names={"#status": "status"},
        values={":inactive": "inactive"},
    )
    _later(59)
    assert api("GET", "/org", caller=me, caller_record=False)["status"] == 200
    _later(1)
    refused = api("GET", "/org", caller=me, caller_record=False)
    assert refused["status"] == 403
    assert "inactive" in refused["json"]["detail"]


def test_a_cold_container_reads_the_caller_once_a_minute(
    api: HttpCall, org: None, dynamodb_calls: list[str]
) -> None:
    from momentum.logic import callers

    callers.reset()  # a new container
    dynamodb_calls.clear()
    assert api("GET", "/org", caller=OWNER, caller_record=False)["status"] == 200
    assert dynamodb_calls == ["GetItem", "GetItem"]  # the caller, then the organization
    dynamodb_calls.clear()
    _later(59)
    api("GET", "/org", caller=OWNER, caller_record=False)
    assert dynamodb_calls == ["GetItem"]
    dynamodb_calls.clear()
    _later(1)
    api("GET", "/org", caller=OWNER, caller_record=False)
    assert dynamodb_calls == ["GetItem", "GetItem"]


def test_a_user_added_as_inactive_has_a_disabled_login(
    api: HttpCall, org: None, aws: infra.LocalAws, cognito: Any
) -> None:
    zoe = _user(api, "zoe@example.com", status="inactive")
    assert cognito.admin_get_user(UserPoolId=_pool(aws), Username=zoe["id"])["Enabled"] is False
    refused = api("GET", "/org", caller=claims(role="staff", sub=zoe["id"]))
    assert refused["status"] == 403


def test_an_address_the_sign_in_does_not_take_is_422_on_the_email(
    api: HttpCall, org: None, aws: infra.LocalAws, cognito: Any
) -> None:
    odd = "en*t2@ey9u.net"  # valid email syntax; the pool's own check refuses it (schemathesis)
    body = {"name": "Odd", "email": odd, "role": "staff"}
    response = api("POST", "/users", body=body, caller=OWNER)
    assert response["status"] == 422, response
    assert [e["field"] for e in response["json"]["errors"]] == ["body.email"]
    client = _client(api, OWNER, email=odd)
    login = _login(api, client, OWNER)
    assert login["status"] == 422, login
    assert _logins(cognito, aws) == {}
