"""Issue 15, target 4: DynamoDB calls of a keyed booking, every client counted (the
product's, and Powertools' idempotency table's). The booking's own transaction carries the
Idempotency-Key's claim (fingerprint and answer): a first keyed `POST /appointments` is the
state read + one transaction (it was 6 calls: Powertools' record and the claim, 2 each);
a retry's transaction fails on the claim's condition, which hands back the first answer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from local import infra
from momentum.api import idempotency
from momentum.store import dynamo
from tests.integration.conftest import HttpCall, claims
from tests.integration.people import seed_user
from tests.integration.test_api_faults import _changes, _table
from tests.integration.test_lost_responses import _lost_after_retries

ADMIN = claims(role="admin", sub="user-adam")


@pytest.fixture
def every_call(aws: infra.LocalAws) -> Iterator[list[str]]:
    """Every DynamoDB operation of the product's client and of Powertools' idempotency
    client (the fixtures' own client is not counted)."""
    calls: list[str] = []

    def record(event_name: str, **_: Any) -> None:
        calls.append(event_name.rsplit(".", maxsplit=1)[-1])

    clients = [dynamo.client(), idempotency._persistence().client]
    for client in clients:
        client.meta.events.register("before-call.dynamodb.*", record)
    yield calls
    for client in clients:
        client.meta.events.unregister("before-call.dynamodb.*", record)


def _booking(client_id: str, notes: str = "") -> dict[str, Any]:
    return {
        "client_id": client_id,
        "starts_at": "2026-05-04T09:00:00+01:00",
        "ends_at": "2026-05-04T10:00:00+01:00",
        "notes": notes,
    }


def test_a_keyed_booking_is_a_read_and_a_transaction_and_its_replay_one_read_more(
    api: HttpCall, every_call: list[str], raw_dynamodb: Any
) -> None:
    org = {"name": "Harbour", "timezone": "Europe/London"}
    assert api("PUT", "/org", body=org)["status"] == 200
    seed_user("user-adam", "admin")
    made = api("POST", "/clients", body={"name": "Ada"}, caller=ADMIN)
    client_id = made["json"]["id"]
    warm = api("POST", "/appointments", body=_booking(client_id, "warm"), caller=ADMIN)
    assert warm["status"] == 201, warm  # a warm container: the org settings are cached

    key = {"Idempotency-Key": "book-1"}
    every_call.clear()
    first = api("POST", "/appointments", body=_booking(client_id), caller=ADMIN, headers=key)
    assert first["status"] == 201, first
    assert every_call == ["Query", "TransactWriteItems"]

    before = _table(raw_dynamodb)
    every_call.clear()
    again = api("POST", "/appointments", body=_booking(client_id), caller=ADMIN, headers=key)
    assert (again["status"], again["json"]["id"]) == (201, first["json"]["id"])
    # The failed transaction hands back the claim: then the appointment is read to answer.
    assert every_call == ["Query", "TransactWriteItems", "BatchGetItem"]

    every_call.clear()
    other = api("POST", "/appointments", body=_booking(client_id, "x"), caller=ADMIN, headers=key)
    assert other["status"] == 422, other
    assert every_call == ["Query", "TransactWriteItems"]
    assert _changes(before, _table(raw_dynamodb)) == []  # neither wrote anything


def test_a_keyed_booking_whose_answer_never_came_is_found_by_its_retry(
    api: HttpCall, every_call: list[str]
) -> None:
    """The booking and its key's claim landed together, every answer lost (a 503): the
    retry's transaction finds the claim and answers with the appointment, made once."""
    assert (
        api("PUT", "/org", body={"name": "Harbour", "timezone": "Europe/London"})["status"] == 200
    )
    seed_user("user-adam", "admin")
    client_id = api("POST", "/clients", body={"name": "Ada"}, caller=ADMIN)["json"]["id"]
    key = {"Idempotency-Key": "book-lost-1"}
    with _lost_after_retries("TransactWriteItems", times=dynamo.RESEND_ATTEMPTS) as lost:
        first = api("POST", "/appointments", body=_booking(client_id), caller=ADMIN, headers=key)
    assert lost == ["200"] * dynamo.RESEND_ATTEMPTS
    assert first["status"] == 503, first
    retried = api("POST", "/appointments", body=_booking(client_id), caller=ADMIN, headers=key)
    assert retried["status"] == 201, retried
    listed = api("GET", "/appointments", caller=ADMIN, query={"client_id": client_id})
    assert [a["id"] for a in listed["json"]["items"]] == [retried["json"]["id"]]
