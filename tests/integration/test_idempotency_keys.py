"""Idempotency-Key beyond the Powertools record (SPEC §9): the key stays bound to the
request that first used it. The same key with another body is a 422 whenever it comes —
also after the 24-hour record expired, when the old ids would otherwise have answered with
the old record and dropped the new request — and with the same body it is the first answer,
nothing created twice. `POST /clients/{id}/welcome-email` honours the key: one email."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from local import infra
from momentum.config import get_settings
from tests.integration.conftest import HttpCall, claims, sent_emails
from tests.integration.people import seed_user
from tests.integration.test_api_faults import _changes, _table

ADMIN = claims(role="admin", sub="user-adam")
OWNER = claims(role="owner", sub="user-owner")


def expire_powertools_records() -> int:
    """Every Powertools idempotency record expires (as it does after 24 hours: the layer
    then treats the key as unused). Returns how many there were."""
    raw = boto3.client("dynamodb", region_name=infra.REGION)
    table = get_settings().idempotency_table_name
    records = raw.scan(TableName=table)["Items"]
    for record in records:
        raw.update_item(
            TableName=table,
            Key={"id": record["id"]},
            UpdateExpression="SET expiration = :past",
            ExpressionAttributeValues={":past": {"N": "1"}},
        )
    return len(records)


@pytest.fixture
def practice(api: HttpCall) -> dict[str, str]:
    assert (
        api("PUT", "/org", body={"name": "Harbour", "timezone": "Europe/London"})["status"] == 200
    )
    seed_user("user-owner", "owner")
    seed_user("user-adam", "admin")
    seed_user("user-sam", "staff")
    client = api(
        "POST",
        "/clients",
        body={"name": "Ada", "email": "ada@example.com", "assigned_practitioner_ids": ["user-sam"]},
        caller=ADMIN,
    )
    assert client["status"] == 201, client
    template = api(
        "POST",
        "/engagement-templates",
        body={"name": "Three weeks", "type": "one_to_one", "threshold_days": 21},
        caller=ADMIN,
        route="POST /engagement-templates",
    )
    assert template["status"] == 201, template
    return {"client_id": client["json"]["id"], "engagement_template": template["json"]["id"]}


@dataclass(frozen=True)
class Create:
    route: str  # the route template, e.g. "POST /clients/{client_id}/packages"
    body: Callable[[dict[str, str]], dict[str, Any]]
    other: Callable[[dict[str, str]], dict[str, Any]]
    caller: dict[str, str] | None = None

    def post(
        self, api: HttpCall, practice: dict[str, str], body: dict[str, Any], key: str
    ) -> dict[str, Any]:
        method, template = self.route.split(" ", 1)
        params = {k: v for k, v in practice.items() if "{" + k + "}" in template}
        return api(
            method,
            template.format(**params),
            body=body,
            caller=self.caller or ADMIN,
            headers={"Idempotency-Key": key},
            route=self.route,
            path_parameters=params or None,
        )


def _booking(p: dict[str, str], notes: str) -> dict[str, Any]:
    return {
        "client_id": p["client_id"],
        "practitioner_id": "user-sam",
        "starts_at": "2026-05-04T09:00:00+01:00",
        "ends_at": "2026-05-04T10:00:00+01:00",
        "notes": notes,
    }


def _package(size: int) -> dict[str, Any]:
    return {"type": "fixed", "name": "Pack", "size": size, "start_date": "2026-04-01"}


def _invoice(p: dict[str, str], amount: str) -> dict[str, Any]:
    line = {"kind": "service", "description": "Session", "amount": amount}
    return {"client_id": p["client_id"], "date": "2026-05-01", "currency": "GBP", "lines": [line]}


CREATES = {
    "client": Create("POST /clients", lambda p: {"name": "Grace"}, lambda p: {"name": "Hopper"}),
    "package": Create(
        "POST /clients/{client_id}/packages", lambda p: _package(10), lambda p: _package(5)
    ),
    "tracker": Create(
        "POST /clients/{client_id}/trackers",
        lambda p: {"sessions": 4, "begin_date": "2026-04-01"},
        lambda p: {"sessions": 5, "begin_date": "2026-04-01"},
    ),
    "appointment": Create(
        "POST /appointments", lambda p: _booking(p, "first"), lambda p: _booking(p, "second")
    ),
    "payment": Create(
        "POST /clients/{client_id}/payments",
        lambda p: {"amount": "60.00", "currency": "GBP", "date": "2026-04-30"},
        lambda p: {"amount": "70.00", "currency": "GBP", "date": "2026-04-30"},
    ),
    "invoice": Create(
        "POST /invoices", lambda p: _invoice(p, "60.00"), lambda p: _invoice(p, "70.00")
    ),
    "package template": Create(
        "POST /package-templates",
        lambda p: {"name": "Ten", "type": "fixed", "size": 10},
        lambda p: {"name": "Five", "type": "fixed", "size": 5},
    ),
    "engagement template": Create(
        "POST /engagement-templates",
        lambda p: {"name": "Four weeks", "type": "one_to_one", "threshold_days": 28},
        lambda p: {"name": "Two weeks", "type": "one_to_one", "threshold_days": 14},
    ),
    "engagement": Create(
        "POST /engagements",
        lambda p: {"template_id": p["engagement_template"], "coachee_id": p["client_id"]},
        lambda p: {
            "template_id": p["engagement_template"],
            "coachee_id": p["client_id"],
            "name": "Another",
        },
    ),
    "user": Create(
        "POST /users",
        lambda p: {"name": "Zoe", "email": "zoe@example.com", "role": "staff"},
        lambda p: {"name": "Zack", "email": "zack@example.com", "role": "staff"},
        caller=OWNER,
    ),
}


def _refused_as_reused(response: dict[str, Any]) -> None:
    assert response["status"] == 422, response
    assert response["headers"]["content-type"] == "application/problem+json"
    assert "different request" in response["json"]["detail"]
    assert [e["field"] for e in response["json"]["errors"]] == ["header.Idempotency-Key"]


@pytest.mark.parametrize("kind", list(CREATES))
def test_a_key_reused_with_another_body_is_422_also_after_the_record_expired(
    api: HttpCall, practice: dict[str, str], raw_dynamodb: Any, kind: str
) -> None:
    create = CREATES[kind]
    key = f"{kind}-1"
    first = create.post(api, practice, create.body(practice), key)
    assert first["status"] == 201, first
    # While the Powertools record lives, it refuses the other body itself (a booking: its
    # claim, whose condition fails the booking's transaction).
    _refused_as_reused(create.post(api, practice, create.other(practice), key))

    # A booking claims its key in its own transaction, with no Powertools record (issue 15).
    assert expire_powertools_records() >= (0 if kind == "appointment" else 1)
    before = _table(raw_dynamodb)
    _refused_as_reused(create.post(api, practice, create.other(practice), key))
    assert _changes(before, _table(raw_dynamodb)) == []  # nothing of the new body written

    # The same body with the same key: the first answer, nothing created twice.
    again = create.post(api, practice, create.body(practice), key)
    assert again["status"] == 201, again
    assert again["json"]["id"] == first["json"]["id"]
    assert _changes(before, _table(raw_dynamodb)) == []
    # And once more after that record expired too.
    expire_powertools_records()
    third = create.post(api, practice, create.body(practice), key)
    assert (third["status"], third["json"]["id"]) == (201, first["json"]["id"])
    assert _changes(before, _table(raw_dynamodb)) == []


def test_the_same_key_of_another_caller_or_route_is_another_key(
    api: HttpCall, practice: dict[str, str]
) -> None:
    create = CREATES["client"]
    first = create.post(api, practice, {"name": "Grace"}, "shared-key")
    expire_powertools_records()
    other_route = CREATES["package template"].post(
        api, practice, {"name": "Ten", "type": "fixed", "size": 10}, "shared-key"
    )
    assert other_route["status"] == 201, other_route
    other_caller = Create("POST /clients", create.body, create.other, caller=OWNER)
    theirs = other_caller.post(api, practice, {"name": "Hopper"}, "shared-key")
    assert theirs["status"] == 201, theirs
    assert theirs["json"]["id"] != first["json"]["id"]


def test_a_request_refused_before_it_wrote_leaves_its_key_free(
    api: HttpCall, practice: dict[str, str]
) -> None:
    create = CREATES["package"]
    refused = create.post(api, practice, {**_package(10), "template_id": "tpl_nope"}, "pk-1")
    assert refused["status"] == 422, refused
    corrected = create.post(api, practice, _package(10), "pk-1")
    assert corrected["status"] == 201, corrected


def _welcome(api: HttpCall, client_id: str, key: str | None) -> dict[str, Any]:
    return api(
        "POST",
        f"/clients/{client_id}/welcome-email",
        caller=ADMIN,
        headers={"Idempotency-Key": key} if key else None,
        route="POST /clients/{client_id}/welcome-email",
        path_parameters={"client_id": client_id},
    )


def test_five_welcome_emails_posted_with_one_key_are_one_email(
    api: HttpCall, practice: dict[str, str], nightly: Callable[[], dict[str, Any]]
) -> None:
    client_id = practice["client_id"]
    posted = [_welcome(api, client_id, "welcome-ada-1") for _ in range(5)]
    assert {p["status"] for p in posted} == {202}
    assert len({p["json"]["intent_id"] for p in posted}) == 1
    # After the Powertools record expired, the same key is still the same email.
    expire_powertools_records()
    later = _welcome(api, client_id, "welcome-ada-1")
    assert later["json"]["intent_id"] == posted[0]["json"]["intent_id"]
    nightly()
    assert [e["to"] for e in sent_emails()] == ["ada@example.com"]
    # Another key is another email.
    other = _welcome(api, client_id, "welcome-ada-2")
    assert other["json"]["intent_id"] != posted[0]["json"]["intent_id"]
    nightly()
    assert [e["to"] for e in sent_emails()] == ["ada@example.com"] * 2


def test_ids_made_with_a_key_keep_booking_order(
    api: HttpCall, practice: dict[str, str], raw_dynamodb: Any
) -> None:
    """Issue 15: a keyed create's ids begin with the instant its key was first used (kept
    with the key's claim), so the client's appointments, listed by id, are in the order
    they were booked, keyed or not; the same key later still makes the same id."""
    create = CREATES["appointment"]
    booked = []
    for n in range(6):
        body = _booking(practice, f"booking {n}")
        if n % 2:
            made = create.post(api, practice, body, f"order-{n}")
        else:
            made = api("POST", "/appointments", body=body, caller=ADMIN)
        assert made["status"] == 201, made
        booked.append(made["json"]["id"])
    listed = api("GET", "/appointments", caller=ADMIN, query={"client_id": practice["client_id"]})
    assert [a["id"] for a in listed["json"]["items"]] == booked
    assert sorted(booked) == booked

    # The key's claim keeps its first use: the retry's id begins with the same instant.
    expire_powertools_records()
    before = _table(raw_dynamodb)
    again = create.post(api, practice, _booking(practice, "booking 1"), "order-1")
    assert (again["status"], again["json"]["id"]) == (201, booked[1])
    assert _changes(before, _table(raw_dynamodb)) == []
