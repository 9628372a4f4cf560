"""/clients through the API handler in-process under moto: SPEC §2."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from moto.ses.models import ses_backends

from local import infra
from tests.integration.conftest import OTHER_ORG, HttpCall, claims
from tests.integration.people import seed_staff
from tests.integration.routes import put_org

ADMIN = claims(role="admin", sub="user-adam")
STAFF = claims(role="staff", sub="user-sam")
OTHER_STAFF = claims(role="staff", sub="user-zoe")
NORTH_ADMIN = claims(role="location_admin", sub="user-lena", locations="north")


@pytest.fixture
def org(api: HttpCall) -> None:
    put_org(api, "Harbour", "Europe/London")
    seed_staff("user-sam", "user-zoe")


def _create(api: HttpCall, caller: dict[str, str] = ADMIN, **fields: Any) -> dict[str, Any]:
    body = {"name": "Ada Lovelace", "email": "ada@example.com", **fields}
    response = api("POST", "/clients", body=body, caller=caller)
    assert response["status"] == 201, response
    return response


def _path(client_id: str, suffix: str = "") -> tuple[str, str, dict[str, str]]:
    route = "/clients/{client_id}" + suffix
    return route, f"/clients/{client_id}{suffix}", {"client_id": client_id}


def call(
    api: HttpCall, method: str, client_id: str, suffix: str = "", **kwargs: Any
) -> dict[str, Any]:
    route, path, params = _path(client_id, suffix)
    return api(method, path, route=f"{method} {route}", path_parameters=params, **kwargs)


def test_given_an_admin_when_adding_a_client_then_it_reads_back_with_etag(
    api: HttpCall, org: None
) -> None:
    created = _create(
        api, location_id="north", assigned_practitioner_ids=["user-sam"], notes="Likes mornings"
    )
    client = created["json"]
    assert client["status"] == "active"
    assert client["invited"] is False
    assert created["headers"]["location"] == f"/clients/{client['id']}"
    got = call(api, "GET", client["id"], caller=ADMIN)
    assert got["status"] == 200
    assert got["json"]["notes"] == "Likes mornings"
    assert got["headers"]["etag"] == created["headers"]["etag"]


def test_given_staff_then_they_see_only_clients_assigned_to_them(api: HttpCall, org: None) -> None:
    mine = _create(api, name="Mine", assigned_practitioner_ids=["user-sam"])["json"]
    theirs = _create(api, name="Theirs", assigned_practitioner_ids=["user-zoe"])["json"]
    listed = api("GET", "/clients", caller=STAFF)
    assert [c["id"] for c in listed["json"]["items"]] == [mine["id"]]
    assert call(api, "GET", theirs["id"], caller=STAFF)["status"] == 403
    assert call(api, "GET", mine["id"], caller=STAFF)["status"] == 200


def test_given_a_location_admin_then_only_their_locations(api: HttpCall, org: None) -> None:
    north = _create(api, name="North client", location_id="north")["json"]
    south = _create(api, name="South client", location_id="south")["json"]
    listed = api("GET", "/clients", caller=NORTH_ADMIN)
    assert [c["id"] for c in listed["json"]["items"]] == [north["id"]]
    assert call(api, "GET", south["id"], caller=NORTH_ADMIN)["status"] == 403
    refused = api(
        "POST", "/clients", body={"name": "X", "location_id": "south"}, caller=NORTH_ADMIN
    )
    assert refused["status"] == 403


def test_given_another_organization_then_404_and_nothing_changes(api: HttpCall, org: None) -> None:
    client = _create(api)["json"]
    foreign = claims(org=OTHER_ORG, role="owner", sub="user-otto")
    assert call(api, "GET", client["id"], caller=foreign)["status"] == 404
    assert (
        call(api, "PATCH", client["id"], caller=foreign, body={"name": "Hacked"})["status"] == 404
    )
    assert call(api, "DELETE", client["id"], caller=foreign)["status"] == 404
    assert call(api, "GET", client["id"], caller=ADMIN)["json"]["name"] == "Ada Lovelace"


def test_given_a_client_token_then_own_record_without_notes_and_nothing_else(
    api: HttpCall, org: None
) -> None:
    ada = _create(api, notes="staff only")["json"]
    other = _create(api, name="Bob")["json"]
    assert call(api, "PUT", ada["id"], "/login", caller=ADMIN, body={})["status"] == 200
    me = claims(role="client", sub="c-ada", client_id=ada["id"])
    own = call(api, "GET", ada["id"], caller=me)
    assert own["status"] == 200
    assert "notes" not in own["json"] or own["json"]["notes"] is None
    assert call(api, "GET", other["id"], caller=me)["status"] == 404
    assert api("GET", "/clients", caller=me)["status"] == 403
    assert call(api, "PATCH", ada["id"], caller=me, body={"name": "X"})["status"] == 403


def test_given_a_removed_login_then_the_client_token_is_refused_at_once(
    api: HttpCall, org: None
) -> None:
    ada = _create(api)["json"]
    me = claims(role="client", sub="c-ada", client_id=ada["id"])
    assert call(api, "GET", ada["id"], caller=me)["status"] == 403  # no login yet
    login = call(api, "PUT", ada["id"], "/login", caller=ADMIN, body={})
    assert login["json"]["has_login"] is True
    assert login["json"]["invited"] is True
    assert call(api, "GET", ada["id"], caller=me)["status"] == 200
    removed = call(api, "DELETE", ada["id"], "/login", caller=ADMIN)
    assert removed["json"]["has_login"] is False
    assert removed["json"]["invited"] is True
    assert call(api, "GET", ada["id"], caller=me)["status"] == 403


def test_given_an_inactive_client_then_the_portal_is_refused(api: HttpCall, org: None) -> None:
    ada = _create(api)["json"]
    call(api, "PUT", ada["id"], "/login", caller=ADMIN, body={})
    call(api, "PATCH", ada["id"], caller=ADMIN, body={"status": "inactive"})
    me = claims(role="client", sub="c-ada", client_id=ada["id"])
    response = call(api, "GET", ada["id"], caller=me)
    assert response["status"] == 403
    assert "inactive" in response["json"]["detail"]


def test_login_creates_a_cognito_user_with_the_claims(
    api: HttpCall, org: None, aws: infra.LocalAws
) -> None:
    ada = _create(api)["json"]
    call(api, "PUT", ada["id"], "/login", caller=ADMIN, body={})
    cognito = boto3.client("cognito-idp", region_name=infra.REGION)
    pool = aws.user_pool_ids["UserPool"]
    user = cognito.admin_get_user(UserPoolId=pool, Username="ada@example.com")
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["custom:org_id"] == "org-test"
    assert attributes["custom:role"] == "client"
    assert attributes["custom:client_id"] == ada["id"]
    call(api, "DELETE", ada["id"], "/login", caller=ADMIN)
    with pytest.raises(cognito.exceptions.UserNotFoundException):
        cognito.admin_get_user(UserPoolId=pool, Username="ada@example.com")


def test_patch_with_a_stale_etag_is_412(api: HttpCall, org: None) -> None:
    created = _create(api)
    client_id = created["json"]["id"]
    etag = created["headers"]["etag"]

    def patch_phone(phone: str) -> dict[str, Any]:
        body = {"phone": phone}
        return call(api, "PATCH", client_id, caller=ADMIN, body=body, headers={"if-match": etag})

    assert patch_phone("123")["status"] == 200
    assert patch_phone("456")["status"] == 412
    assert call(api, "GET", client_id, caller=ADMIN)["json"]["phone"] == "123"


def test_staff_may_edit_contact_details_but_not_status_or_assignments(
    api: HttpCall, org: None
) -> None:
    client_id = _create(api, assigned_practitioner_ids=["user-sam"])["json"]["id"]
    ok = call(api, "PATCH", client_id, caller=STAFF, body={"phone": "555"})
    assert ok["status"] == 200
    for body in ({"status": "inactive"}, {"assigned_practitioner_ids": ["user-sam", "user-zoe"]}):
        assert call(api, "PATCH", client_id, caller=STAFF, body=body)["status"] == 403


def test_reassigning_updates_the_staff_lists(api: HttpCall, org: None) -> None:
    client_id = _create(api, assigned_practitioner_ids=["user-sam"])["json"]["id"]
    call(api, "PATCH", client_id, caller=ADMIN, body={"assigned_practitioner_ids": ["user-zoe"]})
    assert api("GET", "/clients", caller=STAFF)["json"]["items"] == []
    assert [c["id"] for c in api("GET", "/clients", caller=OTHER_STAFF)["json"]["items"]] == [
        client_id
    ]


@pytest.mark.parametrize(
    ("availability", "field"),
    [
        ({"monday": [{"start": "10:00", "end": "09:00"}]}, "body.availability.monday.0.end"),
        (
            {"monday": [{"start": "09:00", "end": "12:00"}, {"start": "11:00", "end": "13:00"}]},
            "body.availability.monday.1",
        ),
    ],
)
def test_invalid_availability_is_422_with_the_field(
    api: HttpCall, org: None, availability: dict[str, Any], field: str
) -> None:
    client_id = _create(api)["json"]["id"]
    response = call(api, "PUT", client_id, "/availability", caller=ADMIN, body=availability)
    assert response["status"] == 422
    assert field in [e["field"] for e in response["json"]["errors"]]


def test_a_client_sets_their_own_availability(api: HttpCall, org: None) -> None:
    client_id = _create(api)["json"]["id"]
    call(api, "PUT", client_id, "/login", caller=ADMIN, body={})
    me = claims(role="client", sub="c", client_id=client_id)
    week = {
        "tuesday": [{"start": "14:00", "end": "17:00"}],
        "monday": [{"start": "09:00", "end": "10:00"}],
    }
    response = call(api, "PUT", client_id, "/availability", caller=me, body=week)
    assert response["status"] == 200
    assert list(response["json"]["availability"]) == ["monday", "tuesday"]


def test_colour_is_per_viewer(api: HttpCall, org: None) -> None:
    client_id = _create(api, assigned_practitioner_ids=["user-sam", "user-zoe"])["json"]["id"]
    call(api, "PUT", client_id, "/color", caller=STAFF, body={"color": "#112233"})
    assert call(api, "GET", client_id, caller=STAFF)["json"]["color"] == "#112233"
    assert call(api, "GET", client_id, caller=OTHER_STAFF)["json"]["color"] is None
    bad = call(api, "PUT", client_id, "/color", caller=STAFF, body={"color": "red"})
    assert bad["status"] == 422


def test_welcome_email_only_for_active_clients(
    api: HttpCall, org: None, aws: infra.LocalAws
) -> None:
    prospect = _create(api, status="prospect")["json"]["id"]
    refused = call(api, "POST", prospect, "/welcome-email", caller=ADMIN)
    assert refused["status"] == 409
    assert "active" in refused["json"]["detail"]
    active = _create(api, name="Eve <Admin>", email="eve@example.com")["json"]["id"]
    sent = call(api, "POST", active, "/welcome-email", caller=ADMIN)
    assert sent["status"] == 202
    sqs = boto3.client("sqs", region_name=infra.REGION)
    messages = sqs.receive_message(QueueUrl=aws.queue_urls["MailQueue"])["Messages"]
    from local import events
    from local.lambdas import LocalContext, load_handler

    arn = f"arn:aws:sqs:{infra.REGION}:{infra.ACCOUNT_ID}:MailQueue"
    load_handler("mailer.app.lambda_handler")(events.sqs_event(arn, messages), LocalContext("m"))
    sent_mail = ses_backends[infra.ACCOUNT_ID][infra.REGION].sent_messages
    assert len(sent_mail) == 1
    assert "Eve &lt;Admin&gt;" in sent_mail[0].raw_data or "Eve" in sent_mail[0].raw_data


def test_delete_a_client_with_nothing_linked(api: HttpCall, org: None) -> None:
    client_id = _create(api, assigned_practitioner_ids=["user-sam"])["json"]["id"]
    assert call(api, "DELETE", client_id, caller=STAFF)["status"] == 403
    assert call(api, "DELETE", client_id, caller=ADMIN)["status"] == 204
    assert call(api, "GET", client_id, caller=ADMIN)["status"] == 404
    assert api("GET", "/clients", caller=STAFF)["json"]["items"] == []


def test_invalid_bodies_are_422_and_create_nothing(api: HttpCall, org: None) -> None:
    for body in [
        {},
        {"name": ""},
        {"name": "A", "email": "not-an-email"},
        {"name": "A", "status": "gone"},
        {"name": "A", "extra": 1},
        {"name": "A", "location_id": "nowhere"},
    ]:
        response = api("POST", "/clients", body=body, caller=ADMIN)
        assert response["status"] == 422, (body, response)
    assert api("GET", "/clients", caller=ADMIN)["json"]["items"] == []


def test_idempotency_key_returns_the_first_answer(api: HttpCall, org: None) -> None:
    headers = {"idempotency-key": "create-ada-1"}
    first = api("POST", "/clients", body={"name": "Ada"}, caller=ADMIN, headers=headers)
    again = api("POST", "/clients", body={"name": "Ada"}, caller=ADMIN, headers=headers)
    assert first["status"] == again["status"] == 201
    assert first["json"]["id"] == again["json"]["id"]
    assert len(api("GET", "/clients", caller=ADMIN)["json"]["items"]) == 1
    different = api("POST", "/clients", body={"name": "Bob"}, caller=ADMIN, headers=headers)
    assert different["status"] == 422


def test_pagination_walks_every_client_once(api: HttpCall, org: None) -> None:
    created = {_create(api, name=f"Client {i:02d}")["json"]["id"] for i in range(7)}
    seen: list[str] = []
    cursor = None
    while True:
        query = {"limit": "3", **({"cursor": cursor} if cursor else {})}
        page = api("GET", "/clients", caller=ADMIN, query=query)["json"]
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(created)
    assert len(seen) == 7


def test_a_tampered_cursor_is_400(api: HttpCall, org: None) -> None:
    for i in range(3):
        _create(api, name=f"C{i}")
    cursor = api("GET", "/clients", caller=ADMIN, query={"limit": "1"})["json"]["next_cursor"]
    tampered = cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB")
    assert api("GET", "/clients", caller=ADMIN, query={"cursor": tampered})["status"] == 400
    foreign = claims(org=OTHER_ORG, role="owner")
    assert api("GET", "/clients", caller=foreign, query={"cursor": cursor})["status"] == 400


def test_reading_a_client_is_one_dynamodb_call(
    api: HttpCall, org: None, dynamodb_calls: list[str]
) -> None:
    client_id = _create(api)["json"]["id"]
    dynamodb_calls.clear()
    call(api, "GET", client_id, caller=ADMIN)
    assert dynamodb_calls == ["GetItem"]


def test_deleting_a_client_removes_its_packages_and_trackers_everywhere(
    api: HttpCall, org: None, raw_dynamodb: Any
) -> None:
    client_id = _create(api)["json"]["id"]
    api(
        "POST",
        f"/clients/{client_id}/packages",
        caller=ADMIN,
        body={"type": "usage"},
        route="POST /clients/{client_id}/packages",
        path_parameters={"client_id": client_id},
    )
    api(
        "POST",
        f"/clients/{client_id}/trackers",
        caller=ADMIN,
        body={"sessions": 2, "begin_date": "2026-05-01", "end_date": "2026-05-10"},
        route="POST /clients/{client_id}/trackers",
        path_parameters={"client_id": client_id},
    )
    assert call(api, "DELETE", client_id, caller=ADMIN)["status"] == 204
    left = raw_dynamodb.query(
        TableName="MomentumTable",
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"ORG#org-test#CL#{client_id}"}},
    )
    assert left["Items"] == []


def test_the_welcome_email_can_be_asked_for_on_creation_only_for_active_clients(
    api: HttpCall, org: None, aws: infra.LocalAws
) -> None:
    refused = api(
        "POST",
        "/clients",
        caller=ADMIN,
        body={
            "name": "Pat",
            "email": "pat@example.com",
            "status": "prospect",
            "send_welcome": True,
        },
    )
    assert refused["status"] == 409
    assert api("GET", "/clients", caller=ADMIN)["json"]["items"] == []
    made = api(
        "POST",
        "/clients",
        caller=ADMIN,
        body={"name": "Ann", "email": "ann@example.com", "send_welcome": True},
    )
    assert made["status"] == 201
    sqs = boto3.client("sqs", region_name=infra.REGION)
    assert len(sqs.receive_message(QueueUrl=aws.queue_urls["MailQueue"]).get("Messages", [])) == 1
