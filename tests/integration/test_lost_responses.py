"""Retries never turn a success into an error (SPEC §9): a write whose response is lost
after it landed is sent again, and the caller gets the first write's answer — no wrong
404/409/412, nothing twice.

Every test runs with the answer lost three ways, on the product's own DynamoDB client:
- `timeout` / `http-500`: a `before-send` hook hands the request to moto (it is applied),
  then answers a read timeout or an HTTP 500 InternalServerError: botocore's own retry
  mode sends it again;
- `after-retries`: an `after-call` hook turns the answer into a dropped connection once
  botocore is done: `momentum.store.dynamo` sends it again itself.
Patterns as in test_api_faults.py; moto honours ClientRequestToken through
local.moto_atomic (the `aws` fixture installs it)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ConnectionClosedError, ReadTimeoutError

from local import infra
from momentum.store import dynamo
from tests.integration.conftest import HttpCall, claims, sent_emails
from tests.integration.people import seed_user
from tests.integration.test_api_faults import _Raw

ADMIN = claims(role="admin", sub="user-adam")
STAFF = claims(role="staff", sub="user-sam")
OWNER = claims(role="owner", sub="user-owner")

Lose = Callable[..., AbstractContextManager[list[str]]]


# -- the injected loss ---------------------------------------------------------------------


@contextmanager
def _lost_on_the_wire(operation: str, times: int, how: str) -> Iterator[list[str]]:
    from moto.core.models import botocore_stubber

    lost: list[str] = []

    def lose(request: Any, event_name: str, **_: Any) -> AWSResponse | None:
        botocore_stubber.enabled = True
        if len(lost) >= times:
            return None
        applied = botocore_stubber(event_name=event_name, request=request)
        assert applied is not None
        lost.append(str(applied.status_code))  # what moto answered, never seen by the caller
        if how == "timeout":
            raise ReadTimeoutError(endpoint_url=request.url)
        # moto answers from a later `before-send` hook too: off for this request.
        botocore_stubber.enabled = False
        body = json.dumps(
            {"__type": "com.amazonaws.dynamodb.v20120810#InternalServerError", "message": "lost"}
        ).encode()
        headers = {"x-amzn-RequestId": "injected", "Content-Type": "application/x-amz-json-1.0"}
        return AWSResponse(request.url, 500, headers, _Raw(body))

    event = f"before-send.dynamodb.{operation}"
    dynamo.client().meta.events.register_first(event, lose)
    try:
        yield lost
    finally:
        dynamo.client().meta.events.unregister(event, lose)
        botocore_stubber.enabled = True


@contextmanager
def _lost_after_retries(operation: str, times: int) -> Iterator[list[str]]:
    lost: list[str] = []

    def lose(http_response: Any, **_: Any) -> None:
        if len(lost) < times:
            lost.append(str(http_response.status_code))
            raise ConnectionClosedError(endpoint_url="https://dynamodb.eu-west-1.amazonaws.com")

    event = f"after-call.dynamodb.{operation}"
    dynamo.client().meta.events.register(event, lose)
    try:
        yield lost
    finally:
        dynamo.client().meta.events.unregister(event, lose)


@pytest.fixture(params=["timeout", "http-500", "after-retries"])
def lose(request: pytest.FixtureRequest) -> Lose:
    """`with lose("TransactWriteItems") as lost:` — the next call of that operation lands
    and its answer is lost; `lost` lists what DynamoDB had answered (e.g. ["200"])."""
    how = str(request.param)

    def injector(operation: str, times: int = 1) -> AbstractContextManager[list[str]]:
        if how == "after-retries":
            return _lost_after_retries(operation, times)
        return _lost_on_the_wire(operation, times, how)

    return injector


# -- the practice --------------------------------------------------------------------------


def _on(api: HttpCall, method: str, route: str, caller: dict[str, str] = ADMIN, **kw: Any) -> Any:
    params = {k: v for k, v in kw.items() if k.endswith("_id")}
    rest = {k: v for k, v in kw.items() if not k.endswith("_id")}
    return api(
        method,
        route.format(**params),
        route=f"{method} {route}",
        path_parameters=params or None,
        caller=caller,
        **rest,
    )


def _ok(response: dict[str, Any], status: int = 200) -> Any:
    assert response["status"] == status, response
    return response["json"]


@pytest.fixture
def client_id(api: HttpCall) -> str:
    """An organization (Europe/London), its people, and a client assigned to Sam."""
    _ok(api("PUT", "/org", body={"name": "Harbour", "timezone": "Europe/London"}, caller=OWNER))
    seed_user("user-owner", "owner")
    seed_user("user-adam", "admin")
    seed_user("user-sam", "staff")
    body = {"name": "Ada", "email": "ada@example.com", "assigned_practitioner_ids": ["user-sam"]}
    return str(_ok(api("POST", "/clients", body=body, caller=ADMIN), 201)["id"])


def _package(api: HttpCall, client_id: str) -> dict[str, Any]:
    body = {"type": "fixed", "name": "Ten", "size": 10, "start_date": "2026-04-01"}
    made = _on(api, "POST", "/clients/{client_id}/packages", client_id=client_id, body=body)
    return dict(_ok(made, 201))


def _booking(client_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "practitioner_id": "user-sam",
        "starts_at": "2026-04-30T09:00:00+01:00",
        "ends_at": "2026-04-30T10:00:00+01:00",
        **extra,
    }


def _raw_item(pk: str, sk: str) -> dict[str, Any]:
    raw = boto3.client("dynamodb", region_name=infra.REGION)
    item = raw.get_item(
        TableName=dynamo.table_name(), Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True
    ).get("Item")
    return dynamo.from_attributes(item) if item else {}


def _client_item(client_id: str) -> dict[str, Any]:
    return _raw_item(f"ORG#org-test#CL#{client_id}", "S#CLIENT")


# -- creates -------------------------------------------------------------------------------


def test_create_client(api: HttpCall, client_id: str, lose: Lose) -> None:
    with lose("TransactWriteItems") as lost:
        made = api("POST", "/clients", body={"name": "Grace"}, caller=ADMIN)
    assert lost == ["200"]
    created = _ok(made, 201)
    listed = _ok(api("GET", "/clients", caller=ADMIN))["items"]
    assert sorted(c["name"] for c in listed) == ["Ada", "Grace"]
    assert created["id"] in {c["id"] for c in listed}


def test_create_appointment(api: HttpCall, client_id: str, lose: Lose) -> None:
    package = _package(api, client_id)
    body = _booking(client_id, package_id=package["id"], status="completed")
    with lose("TransactWriteItems") as lost:
        booked = api("POST", "/appointments", body=body, caller=ADMIN)
    assert lost == ["200"]
    made = _ok(booked, 201)
    listed = _ok(api("GET", "/appointments", query={"client_id": client_id}, caller=ADMIN))
    assert [a["id"] for a in listed["items"]] == [made["id"]]
    now = _ok(_on(api, "GET", "/packages/{package_id}", package_id=package["id"]))
    assert now["used_sessions"] == 1  # counted once
    assert _client_item(client_id)["summary"]["appointments"] == 1


def test_complete_appointment(api: HttpCall, client_id: str, lose: Lose) -> None:
    package = _package(api, client_id)
    booked = api(
        "POST", "/appointments", body=_booking(client_id, package_id=package["id"]), caller=ADMIN
    )
    appointment = _ok(booked, 201)
    with lose("TransactWriteItems") as lost:
        done = _on(
            api,
            "PATCH",
            "/appointments/{appointment_id}",
            appointment_id=appointment["id"],
            body={"status": "completed"},
            headers={"If-Match": booked["headers"]["etag"]},
        )
    assert lost == ["200"]
    assert (_ok(done)["status"], done["json"]["version"]) == ("completed", 2)
    now = _ok(_on(api, "GET", "/packages/{package_id}", package_id=package["id"]))
    assert (now["used_sessions"], now["outstanding"]) == (1, 9)


def test_create_the_eighth_tracker(api: HttpCall, client_id: str, lose: Lose) -> None:
    """The limit case: the retry of the 8th create must not read as "already has 8"."""
    body = {"sessions": 4, "begin_date": "2026-04-01"}
    route = "/clients/{client_id}/trackers"
    for _ in range(7):
        _ok(_on(api, "POST", route, client_id=client_id, body=body), 201)
    with lose("TransactWriteItems") as lost:
        eighth = _on(api, "POST", route, client_id=client_id, body=body)
    assert lost == ["200"]
    _ok(eighth, 201)
    assert _client_item(client_id)["tracker_count"] == 8
    listed = _ok(_on(api, "GET", route, client_id=client_id))
    assert len(listed["items"] if isinstance(listed, dict) else listed) == 8
    # The limit itself still holds.
    assert _on(api, "POST", route, client_id=client_id, body=body)["status"] == 409


def test_create_package(api: HttpCall, client_id: str, lose: Lose) -> None:
    with lose("TransactWriteItems") as lost:
        made = _package(api, client_id)
    assert lost == ["200"]
    listed = _ok(_on(api, "GET", "/clients/{client_id}/packages", client_id=client_id))
    items = listed["items"] if isinstance(listed, dict) else listed
    assert [p["id"] for p in items] == [made["id"]]


def test_record_payment(api: HttpCall, client_id: str, lose: Lose) -> None:
    body = {"amount": "60.00", "currency": "GBP", "date": "2026-04-30"}
    route = "/clients/{client_id}/payments"
    with lose("TransactWriteItems") as lost:
        paid = _on(api, "POST", route, client_id=client_id, body=body)
    assert lost == ["200"]
    payment = _ok(paid, 201)
    listed = _ok(_on(api, "GET", route, client_id=client_id))
    items = listed["items"] if isinstance(listed, dict) else listed
    assert [p["id"] for p in items] == [payment["id"]]
    assert _client_item(client_id)["payments"] == 1


def test_create_and_launch_an_engagement(api: HttpCall, client_id: str, lose: Lose) -> None:
    template_body = {"name": "Three weeks", "type": "one_to_one", "threshold_days": 21}
    with lose("PutItem") as lost:
        template = _on(api, "POST", "/engagement-templates", body=template_body)
    assert lost == ["200"]
    template_id = _ok(template, 201)["id"]
    body = {"template_id": template_id, "coachee_id": client_id, "coach_id": "user-sam"}
    with lose("TransactWriteItems") as lost:
        made = _on(api, "POST", "/engagements", body=body)
    assert lost == ["200"]
    engagement = _ok(made, 201)
    listed = _ok(_on(api, "GET", "/engagements"))["items"]
    assert [e["id"] for e in listed] == [engagement["id"]]
    with lose("TransactWriteItems") as lost:
        launched = _on(
            api,
            "PATCH",
            "/engagements/{engagement_id}",
            engagement_id=engagement["id"],
            body={"status": "active"},
            headers={"If-Match": made["headers"]["etag"]},
        )
    assert lost == ["200"]
    assert (_ok(launched)["status"], launched["json"]["version"]) == ("active", 2)
    seen = _ok(
        _on(
            api,
            "GET",
            "/engagements/{engagement_id}",
            engagement_id=engagement["id"],
            query={"include": "history"},
        )
    )
    assert seen["version"] == 2
    if "history" in seen:  # draft on creation, active once: each transition once
        assert [h["to_status"] for h in seen["history"] if h["field"] == "status"] == [
            "draft",
            "active",
        ]


def test_create_package_template(api: HttpCall, client_id: str, lose: Lose) -> None:
    body = {"name": "Ten pack", "type": "fixed", "size": 10}
    with lose("TransactWriteItems") as lost:
        made = _on(api, "POST", "/package-templates", body=body)
    assert lost == ["200"]
    template = _ok(made, 201)
    listed = _ok(_on(api, "GET", "/package-templates"))["items"]
    assert [t["id"] for t in listed] == [template["id"]]


def test_create_user(api: HttpCall, client_id: str, lose: Lose) -> None:
    body = {"name": "Zoe", "email": "zoe@example.com", "role": "staff"}
    with lose("PutItem") as lost:
        made = api("POST", "/users", body=body, caller=OWNER)
    assert lost == ["200"]
    assert _ok(made, 201)["email"] == "zoe@example.com"
    listed = _ok(api("GET", "/users", caller=OWNER))["items"]
    assert [u["name"] for u in listed].count("Zoe") == 1


# -- changes and deletes -------------------------------------------------------------------


def test_patch_client(api: HttpCall, client_id: str, lose: Lose) -> None:
    read = _on(api, "GET", "/clients/{client_id}", client_id=client_id)
    with lose("TransactWriteItems") as lost:
        changed = _on(
            api,
            "PATCH",
            "/clients/{client_id}",
            client_id=client_id,
            body={"notes": "prefers mornings"},
            headers={"If-Match": read["headers"]["etag"]},
        )
    assert lost == ["200"]
    assert (_ok(changed)["notes"], changed["json"]["version"]) == ("prefers mornings", 2)
    assert _ok(_on(api, "GET", "/clients/{client_id}", client_id=client_id))["version"] == 2


def test_delete_tracker(api: HttpCall, client_id: str, lose: Lose) -> None:
    route = "/clients/{client_id}/trackers"
    body = {"sessions": 4, "begin_date": "2026-04-01"}
    tracker = _ok(_on(api, "POST", route, client_id=client_id, body=body), 201)
    with lose("TransactWriteItems") as lost:
        gone = _on(api, "DELETE", "/trackers/{tracker_id}", tracker_id=tracker["id"])
    assert lost == ["200"]
    assert gone["status"] == 204, gone
    assert _client_item(client_id)["tracker_count"] == 0  # decremented once


def test_delete_appointment(api: HttpCall, client_id: str, lose: Lose) -> None:
    booked = _ok(api("POST", "/appointments", body=_booking(client_id), caller=ADMIN), 201)
    with lose("TransactWriteItems") as lost:
        gone = _on(api, "DELETE", "/appointments/{appointment_id}", appointment_id=booked["id"])
    assert lost == ["200"]
    assert gone["status"] == 204, gone
    assert _client_item(client_id)["summary"]["appointments"] == 0


def test_delete_client(api: HttpCall, client_id: str, lose: Lose) -> None:
    with lose("TransactWriteItems") as lost:
        gone = _on(api, "DELETE", "/clients/{client_id}", client_id=client_id)
    assert lost == ["200"]
    assert gone["status"] == 204, gone
    assert _on(api, "GET", "/clients/{client_id}", client_id=client_id)["status"] == 404


def test_replace_organization(api: HttpCall, client_id: str, lose: Lose) -> None:
    read = api("GET", "/org", caller=OWNER)
    body = {"name": "Harbour Two", "timezone": "Europe/London"}
    with lose("PutItem") as lost:
        replaced = api(
            "PUT", "/org", body=body, caller=OWNER, headers={"If-Match": read["headers"]["etag"]}
        )
    assert lost == ["200"]
    assert (_ok(replaced)["name"], replaced["json"]["version"]) == ("Harbour Two", 2)


def test_patch_user(api: HttpCall, client_id: str, lose: Lose) -> None:
    read = _on(api, "GET", "/users/{user_id}", caller=OWNER, user_id="user-sam")
    with lose("UpdateItem") as lost:
        changed = _on(
            api,
            "PATCH",
            "/users/{user_id}",
            caller=OWNER,
            user_id="user-sam",
            body={"name": "Samuel"},
            headers={"If-Match": read["headers"]["etag"]},
        )
    assert lost == ["200"]
    assert (_ok(changed)["name"], changed["json"]["version"]) == (
        "Samuel",
        read["json"]["version"] + 1,
    )


def test_put_preferences_counts_one_change(api: HttpCall, client_id: str, lose: Lose) -> None:
    body = {"emails": {"welcome": False}}
    with lose("UpdateItem") as lost:
        saved = api("PUT", "/me/preferences", body=body, caller=STAFF)
    assert lost == ["200"]
    assert _ok(saved)["version"] == 1
    # Applied once: the ETag the caller got is the stored one.
    assert _ok(api("GET", "/me/preferences", caller=STAFF))["version"] == 1


def test_portal_login_counts_one_change(api: HttpCall, client_id: str, lose: Lose) -> None:
    with lose("UpdateItem") as lost:
        made = _on(api, "PUT", "/clients/{client_id}/login", client_id=client_id, body={})
    assert lost == ["200"]
    assert (_ok(made)["has_login"], made["json"]["version"]) == (True, 2)
    assert _ok(_on(api, "GET", "/clients/{client_id}", client_id=client_id))["version"] == 2


def test_mark_task_done(api: HttpCall, client_id: str, lose: Lose) -> None:
    route = "/clients/{client_id}/trackers"
    body = {
        "sessions": 1,
        "begin_date": "2026-04-01",
        "task": {"assignee_id": "user-sam", "trigger": "count_reached"},
    }
    _ok(_on(api, "POST", route, client_id=client_id, body=body), 201)
    _ok(
        api("POST", "/appointments", body=_booking(client_id, status="completed"), caller=ADMIN),
        201,
    )
    task = _ok(api("GET", "/tasks", caller=STAFF))["items"][0]
    with lose("UpdateItem") as lost:
        done = _on(
            api, "PATCH", "/tasks/{task_id}", caller=STAFF, task_id=task["id"], body={"done": True}
        )
    assert lost == ["200"]
    assert (_ok(done)["done"], done["json"]["version"]) == (True, task["version"] + 1)
    again = _ok(api("GET", "/tasks", caller=STAFF))["items"][0]
    assert again["version"] == task["version"] + 1


# -- email -----------------------------------------------------------------------------------


def test_welcome_email_is_queued_and_sent_once(
    api: HttpCall, client_id: str, lose: Lose, nightly: Callable[[], dict[str, Any]]
) -> None:
    route = "/clients/{client_id}/welcome-email"
    with lose("PutItem") as lost:  # the outbox intent
        queued = _on(api, "POST", route, client_id=client_id)
    assert lost == ["200"]
    assert queued["status"] == 202, queued
    with lose("UpdateItem") as lost:  # the mailer's lease on the intent
        nightly()
    assert lost == ["200"]
    assert [e["to"] for e in sent_emails()] == ["ada@example.com"]


# -- an outcome that stays unknown -----------------------------------------------------------


def test_an_answer_lost_every_time_is_a_503_and_the_keyed_retry_finds_the_write(
    api: HttpCall, client_id: str
) -> None:
    key = {"Idempotency-Key": "grace-1"}
    with _lost_after_retries("TransactWriteItems", times=dynamo.RESEND_ATTEMPTS) as lost:
        first = api("POST", "/clients", body={"name": "Grace"}, caller=ADMIN, headers=key)
    assert lost == ["200"] * dynamo.RESEND_ATTEMPTS  # landed the first time, replays after
    assert first["status"] == 503, first
    assert int(first["headers"]["retry-after"]) >= 1
    retried = api("POST", "/clients", body={"name": "Grace"}, caller=ADMIN, headers=key)
    assert retried["status"] == 201, retried
    names = [c["name"] for c in _ok(api("GET", "/clients", caller=ADMIN))["items"]]
    assert sorted(names) == ["Ada", "Grace"]
