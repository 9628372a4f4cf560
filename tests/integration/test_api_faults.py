"""Faults under the API and the queue workers, in-process under moto (SPEC §8, §9):
DynamoDB throttling and transaction conflicts on API writes, a Lambda timeout in the middle
of an idempotent create, and SQS messages delivered twice.

Every fault is injected on the product's own DynamoDB client (`momentum.store.dynamo.client()`)
with botocore event hooks: `before-send` answers like DynamoDB would (botocore's own retries
see it), `before-call` raises the ClientError boto3 raises once its retries are spent."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from botocore.retries.standard import ExponentialBackoff

from local import events, infra
from local.lambdas import LocalContext, load_handler
from momentum import clock
from momentum.logic import clients as client_logic
from momentum.logic import writes
from momentum.store import dynamo
from tests.integration.conftest import HttpCall, claims, sent_emails
from tests.integration.people import seed_staff
from tests.package_bodies import REMINDED_AT_ONCE

ADMIN = claims(role="admin", sub="user-adam")


@pytest.fixture(autouse=True)
def retries_without_waiting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The retries as they are (the same attempts, the same outcome) without the waits
    between them: the product's backoff (logic.writes.pause, up to 0.2 s an attempt: ~7 s
    a test here) and botocore's (up to 1 + 2 + 4 + 8 s a throttled call) only sleep."""
    pauses: list[int] = []
    monkeypatch.setattr(writes, "pause", pauses.append)
    monkeypatch.setattr(ExponentialBackoff, "delay_amount", lambda backoff, context: 0.0)
    return pauses


@pytest.fixture
def org(api: HttpCall) -> None:
    body = {"name": "Harbour", "timezone": "Europe/London", "locations": []}
    assert api("PUT", "/org", body=body)["status"] == 200
    seed_staff("user-sam")  # the practitioner the bookings name


def _on(api: HttpCall, method: str, route: str, ids: dict[str, str], **kwargs: Any) -> Any:
    return api(
        method,
        route.format(**ids),
        route=f"{method} {route}",
        path_parameters=ids,
        caller=ADMIN,
        **kwargs,
    )


def _client(api: HttpCall, name: str = "Ada") -> str:
    created = api("POST", "/clients", body={"name": name}, caller=ADMIN)
    assert created["status"] == 201, created
    return str(created["json"]["id"])


def _package(api: HttpCall, client_id: str, size: int = 10) -> str:
    created = _on(
        api,
        "POST",
        "/clients/{client_id}/packages",
        {"client_id": client_id},
        body={"type": "fixed", "name": "Ten", "size": size, "start_date": "2026-04-01"},
    )
    assert created["status"] == 201, created
    return str(created["json"]["id"])


def _book(api: HttpCall, client_id: str, package_id: str, **extra: Any) -> Any:
    body = {
        "client_id": client_id,
        "practitioner_id": "user-sam",
        "starts_at": "2026-04-30T09:00:00+01:00",
        "ends_at": "2026-04-30T10:00:00+01:00",
        "package_id": package_id,
        **extra,
    }
    return api("POST", "/appointments", body=body, caller=ADMIN)


def _package_now(api: HttpCall, package_id: str) -> dict[str, Any]:
    got = _on(api, "GET", "/packages/{package_id}", {"package_id": package_id})
    assert got["status"] == 200, got
    package: dict[str, Any] = got["json"]
    return package


def _booking(api: HttpCall) -> tuple[str, dict[str, Any]]:
    """Ada's ten-session package and an appointment booked into it: the package's id, and
    the booking's response."""
    client_id = _client(api)
    package_id = _package(api, client_id)
    return package_id, _book(api, client_id, package_id)


def _complete(api: HttpCall, booked: dict[str, Any], **kwargs: Any) -> Any:
    ids = {"appointment_id": booked["json"]["id"]}
    return _on(
        api, "PATCH", "/appointments/{appointment_id}", ids, body={"status": "completed"}, **kwargs
    )


def _assert_used_once(api: HttpCall, package_id: str) -> None:
    package = _package_now(api, package_id)
    assert (package["used_sessions"], package["outstanding"]) == (1, 9)


def _appointments(api: HttpCall, client_id: str) -> list[dict[str, Any]]:
    listed = api("GET", "/appointments", query={"client_id": client_id}, caller=ADMIN)
    assert listed["status"] == 200, listed
    items: list[dict[str, Any]] = listed["json"]["items"]
    return items


def _table(raw_dynamodb: Any) -> list[dict[str, Any]]:
    """Every item of the product table, in key order (a test may Scan)."""
    items: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": dynamo.table_name()}
    while True:
        page = raw_dynamodb.scan(**kwargs)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            break
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    return sorted(items, key=lambda i: (i["pk"]["S"], i["sk"]["S"]))


def _changes(
    before: list[dict[str, Any]],
    after: list[dict[str, Any]],
    *,
    ignore: frozenset[str] = frozenset(),
) -> list[str]:
    """What differs between two table snapshots: items added, removed, attributes changed
    (but the attributes named in `ignore`)."""
    old = {(i["pk"]["S"], i["sk"]["S"]): i for i in before}
    new = {(i["pk"]["S"], i["sk"]["S"]): i for i in after}
    changes = [f"added {k}" for k in new.keys() - old.keys()]
    changes += [f"removed {k}" for k in old.keys() - new.keys()]
    for key in old.keys() & new.keys():
        for name in sorted((old[key].keys() | new[key].keys()) - ignore):
            if old[key].get(name) != new[key].get(name):
                changes.append(f"{key[1]} {name}: {old[key].get(name)} -> {new[key].get(name)}")
    return sorted(changes)


def _assert_unavailable(response: dict[str, Any]) -> None:
    assert response["status"] == 503, response
    assert response["headers"]["content-type"] == "application/problem+json"
    assert int(response["headers"]["retry-after"]) >= 1
    assert "Traceback" not in json.dumps(response["json"])


# -- injected faults -----------------------------------------------------------------------


def _error(code: str, **extra: Any) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": f"injected {code}"}, **extra}, "TransactWriteItems"
    )


@contextmanager
def _hooked(event: str, handler: Callable[..., Any], *, first: bool = False) -> Iterator[None]:
    """`handler` on the product's DynamoDB client's `event` (ahead of moto's: `first`) for
    the block."""
    hooks = dynamo.client().meta.events
    (hooks.register_first if first else hooks.register)(event, handler)
    try:
        yield
    finally:
        hooks.unregister(event, handler)


@contextmanager
def failing(
    operation: str, make_error: Callable[[], ClientError], times: int
) -> Iterator[list[int]]:
    """The next `times` calls of `operation` fail as the ClientError boto3 raises when its
    retries are spent (times < 0: every call). Yields the list of failed call counts."""
    failed: list[int] = []

    def fail(**_: Any) -> None:
        if times < 0 or len(failed) < times:
            failed.append(1)
            raise make_error()

    with _hooked(f"before-call.dynamodb.{operation}", fail):
        yield failed


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body


@contextmanager
def throttled_on_the_wire(operation: str, times: int) -> Iterator[list[int]]:
    """DynamoDB answers the next `times` requests of `operation` with HTTP 400
    ThrottlingException, so botocore's own retry mode sees a real throttling answer.

    moto answers from a `before-send` handler too, and botocore calls every such handler
    (the first answer wins): ours runs first and switches moto off for the throttled
    request, so that a refused request is not applied behind the scenes."""
    from moto.core.models import botocore_stubber

    answered: list[int] = []

    def throttle(request: Any, **_: Any) -> AWSResponse | None:
        botocore_stubber.enabled = True
        if len(answered) >= times:
            return None
        answered.append(1)
        botocore_stubber.enabled = False
        body = json.dumps(
            {"__type": "com.amazonaws.dynamodb.v20120810#ThrottlingException", "message": "slow"}
        ).encode()
        headers = {"x-amzn-RequestId": "injected", "Content-Type": "application/x-amz-json-1.0"}
        return AWSResponse(request.url, 400, headers, _Raw(body))

    try:
        with _hooked(f"before-send.dynamodb.{operation}", throttle, first=True):
            yield answered
    finally:
        botocore_stubber.enabled = True


# -- throttling ----------------------------------------------------------------------------


def test_throttling_on_the_wire_is_retried_and_the_booking_lands_once(
    api: HttpCall, org: None
) -> None:
    client_id = _client(api)
    package_id = _package(api, client_id)
    with throttled_on_the_wire("TransactWriteItems", times=2) as answered:
        booked = _book(api, client_id, package_id, status="completed")
    assert len(answered) == 2
    assert booked["status"] == 201, booked
    assert [a["id"] for a in _appointments(api, client_id)] == [booked["json"]["id"]]
    assert _package_now(api, package_id)["used_sessions"] == 1


def test_throttling_that_clears_is_retried_by_the_api_and_counts_once(
    api: HttpCall, org: None
) -> None:
    package_id, booked = _booking(api)
    error = lambda: _error("ProvisionedThroughputExceededException")  # noqa: E731
    with failing("TransactWriteItems", error, times=3) as failed:
        done = _complete(api, booked)
    assert (len(failed), done["status"]) == (3, 200), done
    _assert_used_once(api, package_id)


@pytest.mark.parametrize("code", ["ProvisionedThroughputExceededException", "ThrottlingException"])
def test_throttling_that_outlives_the_retries_is_a_503_and_writes_nothing(
    api: HttpCall, org: None, raw_dynamodb: Any, code: str
) -> None:
    client_id = _client(api)
    package_id = _package(api, client_id)
    before = _table(raw_dynamodb)
    with failing("TransactWriteItems", lambda: _error(code), times=-1):
        booked = _book(api, client_id, package_id, status="completed")
        added = api("POST", "/clients", body={"name": "Grace"}, caller=ADMIN)
    _assert_unavailable(booked)
    _assert_unavailable(added)
    assert _changes(before, _table(raw_dynamodb)) == []
    # Once DynamoDB has capacity again the same requests succeed, once.
    assert _book(api, client_id, package_id, status="completed")["status"] == 201
    assert _package_now(api, package_id)["used_sessions"] == 1
    assert len(_appointments(api, client_id)) == 1


def test_a_throttled_single_item_write_is_a_503_and_the_retry_lands(
    api: HttpCall, org: None, raw_dynamodb: Any
) -> None:
    client_id = _client(api)
    before = _table(raw_dynamodb)
    with (
        failing("PutItem", lambda: _error("ProvisionedThroughputExceededException"), times=-1),
        failing("TransactWriteItems", lambda: _error("ThrottlingException"), times=-1),
    ):
        replaced = api("PUT", "/org", body={"name": "Harbour Two", "timezone": "Europe/London"})
        changed = _on(
            api, "PATCH", "/clients/{client_id}", {"client_id": client_id}, body={"notes": "x"}
        )
    _assert_unavailable(replaced)
    _assert_unavailable(changed)
    assert _changes(before, _table(raw_dynamodb)) == []
    # The client's retries, once DynamoDB has capacity: each change lands once.
    org_body = {"name": "Harbour Two", "timezone": "Europe/London"}
    replaced = api("PUT", "/org", body=org_body)
    assert (replaced["status"], replaced["json"]["version"]) == (200, 2)
    changed = _on(
        api, "PATCH", "/clients/{client_id}", {"client_id": client_id}, body={"notes": "x"}
    )
    assert (changed["status"], changed["json"]["version"]) == (200, 2)


def test_a_login_whose_record_write_was_throttled_is_finished_by_the_retry(
    api: HttpCall, org: None
) -> None:
    """Two systems, one request: the portal login is created, then recording it on the
    client is throttled (503). The retry adopts the login and records it; one login."""
    client_id = _client(api)
    ids = {"client_id": client_id}
    body = {"email": "ada@example.com"}
    error = lambda: _error("ProvisionedThroughputExceededException")  # noqa: E731
    with failing("UpdateItem", error, times=-1):
        first = _on(api, "PUT", "/clients/{client_id}/login", ids, body=body)
    _assert_unavailable(first)
    assert _on(api, "GET", "/clients/{client_id}", ids)["json"]["has_login"] is False
    retried = _on(api, "PUT", "/clients/{client_id}/login", ids, body=body)
    assert retried["status"] == 200, retried
    assert (retried["json"]["has_login"], retried["json"]["invited"]) == (True, True)
    pool = boto3.client("cognito-idp", region_name=infra.REGION)
    pool_id = pool.list_user_pools(MaxResults=10)["UserPools"][0]["Id"]
    users = pool.list_users(UserPoolId=pool_id)["Users"]
    assert len(users) == 1


# -- transaction conflicts -----------------------------------------------------------------


def _conflict() -> ClientError:
    return _error(
        "TransactionCanceledException",
        CancellationReasons=[{"Code": "TransactionConflict"}, {"Code": "None"}],
    )


def test_a_transaction_conflict_on_completion_is_retried_and_counts_once(
    api: HttpCall, org: None
) -> None:
    package_id, booked = _booking(api)
    with failing("TransactWriteItems", _conflict, times=3) as failed:
        done = _complete(api, booked, headers={"If-Match": booked["headers"]["etag"]})
    assert len(failed) == 3
    assert done["status"] == 200, done
    assert done["json"]["version"] == 2
    _assert_used_once(api, package_id)


@pytest.mark.parametrize("fault", ["TransactionConflictException", "TransactionCanceled"])
def test_conflicts_that_never_clear_are_a_503_and_nothing_is_half_written(
    api: HttpCall, org: None, raw_dynamodb: Any, fault: str
) -> None:
    package_id, booked = _booking(api)
    ids = {"client_id": booked["json"]["client_id"]}
    before = _table(raw_dynamodb)

    def error() -> ClientError:
        return _conflict() if fault == "TransactionCanceled" else _error(fault)

    with failing("TransactWriteItems", error, times=-1):
        done = _complete(api, booked)
        tracker = _on(
            api,
            "POST",
            "/clients/{client_id}/trackers",
            ids,
            body={"sessions": 2, "begin_date": "2026-04-01"},
        )
    _assert_unavailable(done)
    _assert_unavailable(tracker)
    assert _changes(before, _table(raw_dynamodb)) == []
    assert _package_now(api, package_id)["used_sessions"] == 0


# -- a Lambda timeout in the middle of an idempotent create -----------------------------------


class LambdaTimeout(BaseException):
    """The runtime stopping the invocation: no `except Exception` cleans up after it."""


def _timing_out(monkeypatch: pytest.MonkeyPatch, *, after_the_write: bool) -> Callable[[], None]:
    """The next create_client dies like a timed-out invocation (before or after its write);
    returns the function that puts the real one back."""
    real = client_logic.create_client

    def dies(principal: Any, fields: dict[str, Any]) -> Any:
        if after_the_write:
            real(principal, fields)
        raise LambdaTimeout

    monkeypatch.setattr(client_logic, "create_client", dies)
    # The invocation had one second left: its in-progress record expires with it.
    monkeypatch.setattr(LocalContext, "get_remaining_time_in_millis", lambda _: 1_000)
    return lambda: monkeypatch.setattr(client_logic, "create_client", real)


def _names(api: HttpCall) -> list[str]:
    listed = api("GET", "/clients", caller=ADMIN)
    assert listed["status"] == 200, listed
    return sorted(c["name"] for c in listed["json"]["items"])


@pytest.mark.parametrize("after_the_write", [False, True], ids=["before-write", "after-write"])
def test_a_create_that_timed_out_is_retried_with_its_key_and_exists_once(
    api: HttpCall, org: None, monkeypatch: pytest.MonkeyPatch, after_the_write: bool
) -> None:
    key = {"Idempotency-Key": "create-grace-1"}
    body = {"name": "Grace"}
    restore = _timing_out(monkeypatch, after_the_write=after_the_write)
    with pytest.raises(LambdaTimeout):
        api("POST", "/clients", body=body, caller=ADMIN, headers=key)
    restore()
    # While the timed-out invocation's record is in progress, the same key waits (409).
    early = api("POST", "/clients", body=body, caller=ADMIN, headers=key)
    assert early["status"] == 409, early
    time.sleep(1.2)  # the in-progress record expires with the dead invocation's deadline
    retried = api("POST", "/clients", body=body, caller=ADMIN, headers=key)
    assert retried["status"] == 201, retried
    again = api("POST", "/clients", body=body, caller=ADMIN, headers=key)
    assert again["json"]["id"] == retried["json"]["id"]
    assert _names(api) == ["Grace"]


# -- SQS delivered twice ----------------------------------------------------------------------


def _receive(aws: infra.LocalAws, queue: str) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs", region_name=infra.REGION)
    messages: list[dict[str, Any]] = []
    for _ in range(20):
        page = sqs.receive_message(
            QueueUrl=aws.queue_urls[queue], MaxNumberOfMessages=10, AttributeNames=["All"]
        ).get("Messages", [])
        if not page:
            break
        messages += page
    return messages


def _deliver(queue: str, function: str, messages: list[dict[str, Any]]) -> dict[str, Any]:
    template = infra.load_template()
    handler = load_handler(infra.handler_of(template, function))
    arn = f"arn:aws:sqs:{infra.REGION}:{infra.ACCOUNT_ID}:{queue}"
    result: dict[str, Any] = handler(
        events.sqs_event(arn, messages), LocalContext(function_name=function)
    )
    assert result.get("batchItemFailures", []) == [], result
    return result


def test_messages_delivered_twice_change_nothing_twice(
    api: HttpCall, aws: infra.LocalAws, raw_dynamodb: Any
) -> None:
    clock.install(clock.SettableClock(datetime(2026, 4, 1, 8, 0, tzinfo=UTC)))
    api("PUT", "/org", body={"name": "Harbour", "timezone": "Europe/London"})
    for n in range(3):
        client_id = api(
            "POST", "/clients", caller=ADMIN, body={"name": f"C{n}", "email": f"c{n}@example.com"}
        )["json"]["id"]
        made = _on(
            api,
            "POST",
            "/clients/{client_id}/packages",
            {"client_id": client_id},
            body=REMINDED_AT_ONCE,
        )
        assert made["status"] == 201, made
    clock.install(clock.SettableClock(datetime(2026, 4, 1, 23, 30, tzinfo=UTC)))
    template = infra.load_template()
    consumers = infra.sqs_consumers(template)
    evaluator_queue = next(q for q, f in consumers.items() if f == "EvaluatorFunction")
    mail_queue = next(q for q, f in consumers.items() if f == "MailerFunction")
    for function, props in infra.scheduled_functions(template).items():
        load_handler(infra.handler_of(template, function))(
            events.scheduler_event(props.get("Input"), clock.current().now()),
            LocalContext(function_name=function),
        )

    due = _receive(aws, evaluator_queue)
    assert due, "the nightly sent nothing to the evaluator"
    _deliver(evaluator_queue, "EvaluatorFunction", due)
    evaluated = _table(raw_dynamodb)
    _deliver(evaluator_queue, "EvaluatorFunction", due)  # SQS delivers it again
    # The redelivered items are re-read and written back unchanged: only the optimistic
    # lock moves (`state_version`); status, dates, history, outbox and due date do not.
    assert _changes(evaluated, _table(raw_dynamodb), ignore=frozenset({"state_version"})) == []
    mail = _receive(aws, mail_queue)
    assert len({json.loads(m["Body"])["intent_id"] for m in mail}) == 3

    _deliver(mail_queue, "MailerFunction", mail)
    sent = _table(raw_dynamodb)
    assert sorted(e["to"] for e in sent_emails()) == [f"c{n}@example.com" for n in range(3)]
    _deliver(mail_queue, "MailerFunction", mail)  # and this one again
    assert len(sent_emails()) == 3
    assert _changes(sent, _table(raw_dynamodb)) == []


def test_a_booking_that_timed_out_after_its_write_is_found_by_the_retry(
    api: HttpCall, org: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from momentum.logic import appointments as appointment_logic

    client_id = api("POST", "/clients", body={"name": "Ida"}, caller=ADMIN)["json"]["id"]
    real = appointment_logic.create_appointment

    def dies_after_writing(principal: Any, data: dict[str, Any], key: Any = None) -> Any:
        real(principal, data, key)  # the booking and its key's claim, in one transaction
        raise LambdaTimeout

    monkeypatch.setattr(appointment_logic, "create_appointment", dies_after_writing)
    monkeypatch.setattr(LocalContext, "get_remaining_time_in_millis", lambda _: 1_000)
    key = {"Idempotency-Key": "book-ida-1"}
    body = {
        "client_id": client_id,
        "practitioner_id": "user-adam",
        "starts_at": "2026-06-01T10:00:00+01:00",
        "ends_at": "2026-06-01T11:00:00+01:00",
    }
    with pytest.raises(LambdaTimeout):
        api("POST", "/appointments", body=body, caller=ADMIN, headers=key)
    monkeypatch.setattr(appointment_logic, "create_appointment", real)
    time.sleep(1.2)  # the dead invocation's in-progress record expires
    retried = api("POST", "/appointments", body=body, caller=ADMIN, headers=key)
    assert retried["status"] == 201, retried
    listed = api("GET", "/appointments", caller=ADMIN, query={"client_id": client_id})
    assert [a["id"] for a in listed["json"]["items"]] == [retried["json"]["id"]]
