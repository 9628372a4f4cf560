"""Handlers invoked in-process with events/ samples, against moto, tables from template.yaml."""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.dynamodb.models import dynamodb_backends

from local import infra, moto_speed
from local.lambdas import LocalContext, load_handler
from local.moto_atomic import make_dynamodb_atomic
from momentum import adapters, clock
from momentum.api.auth import principal_from_claims
from momentum.domain.errors import DomainError
from momentum.logic import callers
from momentum.store import clients as client_store
from momentum.store import dynamo
from momentum.store import users as user_store
from momentum.store.clients import CLIENT_SK
from momentum.store.keys import client_pk, org_pk
from momentum.store.users import UserRecord
from tests.integration.reads import counting  # noqa: F401 - the items-read fixture, for every test here

EVENTS = Path(__file__).resolve().parents[2] / "events"
ORG = "org-test"
OTHER_ORG = "org-other"
USER_ROLES = frozenset({"owner", "admin", "location_admin", "staff"})


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[infra.LocalAws]:
    """A fresh moto account with the template's tables, and the env the template sets."""
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": infra.REGION,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "Momentum",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    make_dynamodb_atomic()
    moto_speed.install()  # the same answers, without moto's slowest steps
    with mock_aws():
        local = infra.create(infra.load_template(), endpoint_url="")  # in-process mock
        for key, value in local.environment.items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("MOMENTUM_SIGNING_SECRET", "integration-test-secret")
        # The mailer's pace (tests/unit/test_send_pacing.py) would only add real waiting.
        monkeypatch.setenv("MOMENTUM_MAILER_SENDS_PER_SECOND", "1000")
        adapters.reset()
        clock.install(clock.SettableClock(datetime(2026, 5, 1, 9, 0, tzinfo=UTC)))
        yield local
        clock.install(clock.SystemClock())
        adapters.reset()


def load_event(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EVENTS / name).read_text())
    return data


def claims(
    *,
    org: str = ORG,
    role: str = "owner",
    sub: str = "user-owner",
    client_id: str | None = None,
    locations: str | None = None,
) -> dict[str, str]:
    result = {"sub": sub, "custom:org_id": org, "custom:role": role}
    if client_id:
        result["custom:client_id"] = client_id
    if locations:
        result["custom:location_ids"] = locations
    return result


def _raw_dynamodb() -> Any:
    # Not dynamo.client(): what the fixtures do here is not what `dynamodb_calls` counts.
    # One per moto account, kept on its backend (moto's reset forgets it with the tables):
    # making a client costs more than the call, and callers seed and read ahead per request.
    backend = dynamodb_backends[infra.ACCOUNT_ID][infra.REGION]
    client = getattr(backend, "_momentum_raw_client", None)
    if client is None:
        client = boto3.client("dynamodb", region_name=infra.REGION)
        backend._momentum_raw_client = client
    return client


def seed_user(
    org: str,
    sub: str,
    role: str = "staff",
    *,
    locations: Iterable[str] = (),
    status: str = "active",
    name: str | None = None,
    listed: bool = False,
) -> bool:
    """Make `sub` a user of `org` unless they are one already (create-if-missing: a stored
    record, e.g. one demoted or deactivated through the API, is left as it is). Returns
    whether it was created. The API reads every staff caller's role, status and locations
    from this record (momentum.logic.callers); use cases read it for the people a request
    names. Written with a client of its own, so `dynamodb_calls` does not count it.

    Unless `listed`, the record is left out of `GET /users` (no list keys): tests assert
    the lists of the users they add, not of the callers their tokens name."""
    record = UserRecord(
        org_id=org,
        id=sub,
        name=name or sub,
        email=f"{sub}@{org}.example",
        role=role,
        location_ids=tuple(dict.fromkeys(locations)),
        status=status,
        version=1,
        created_at="2026-01-01T00:00:00Z",
        updated_at="2026-01-01T00:00:00Z",
    )
    item = user_store.to_item(record)
    if not listed:
        del item["gsi1pk"], item["gsi1sk"]
    try:
        _raw_dynamodb().put_item(
            TableName=dynamo.table_name(),
            Item=dynamo.to_attributes(item),
            ConditionExpression="attribute_not_exists(pk)",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        return False
    callers.forget_user(org, sub)  # a refusal kept from before the record existed
    return True


def seed_caller(caller: dict[str, str]) -> None:
    """Make the token's person (its claims) a user of its organization, unless they are one
    already or the token is a client's (a client caller is their client item, made through
    the API). Tokens that name no one (no sub, org or known role) are left as they are."""
    role = caller.get("custom:role")
    if not caller.get("sub") or not caller.get("custom:org_id") or role not in USER_ROLES:
        return
    locations = (caller.get("custom:location_ids") or "").replace(",", " ").split()
    seed_user(caller["custom:org_id"], caller["sub"], role, locations=locations)


def prime_caller(caller: dict[str, str]) -> None:
    """Warm the caller cache as a container that served this caller in the last minute
    would be: read their record now (uncounted) unless a fresh read is kept already. Call
    counts then measure a warm container; the cold path is tested on its own."""
    try:
        claimed = principal_from_claims(caller)
    except DomainError:
        return
    if callers.is_cached(claimed.org_id, claimed.user_id):
        return
    if claimed.client_id is not None:
        key = {"pk": {"S": client_pk(claimed.org_id, claimed.client_id)}, "sk": {"S": CLIENT_SK}}
    else:
        key = {
            "pk": {"S": org_pk(claimed.org_id)},
            "sk": {"S": user_store.user_sk(claimed.user_id)},
        }
    raw = _raw_dynamodb().get_item(TableName=dynamo.table_name(), Key=key, ConsistentRead=True)
    item = dynamo.from_attributes(raw["Item"]) if raw.get("Item") else None
    if claimed.client_id is not None:
        record: Any = client_store.from_item(item) if item else None
    else:
        record = user_store.from_item(item) if item else None
    with contextlib.suppress(DomainError):
        callers.remember(claimed, record)


def _ready(caller: dict[str, str], caller_record: bool) -> None:
    if caller_record:
        seed_caller(caller)
        prime_caller(caller)


HttpCall = Callable[..., dict[str, Any]]


@pytest.fixture
def api(aws: infra.LocalAws) -> HttpCall:
    """Call the API function with the sample HTTP API event, changed for this request."""
    handler = load_handler(infra.handler_of(infra.load_template(), "ApiFunction"))

    def call(
        method: str,
        path: str,
        *,
        body: Any = None,
        headers: dict[str, str] | None = None,
        caller: dict[str, str] | None = None,
        anonymous: bool = False,
        query: dict[str, str] | None = None,
        route: str | None = None,
        path_parameters: dict[str, str] | None = None,
        caller_record: bool = True,
        request_id: str | None = None,
    ) -> dict[str, Any]:
        """`caller_record=False`: the caller's user record is neither made nor read ahead
        (a token for no one, or the cold path of the caller cache). `request_id`: API
        Gateway's id of the request (the sample's by default)."""
        event = copy.deepcopy(load_event("api/get_org.json"))
        if request_id is not None:
            event["requestContext"]["requestId"] = request_id
        event["routeKey"] = route or f"{method} {path}"
        event["requestContext"]["routeKey"] = event["routeKey"]
        event["rawPath"] = path
        event["requestContext"]["http"]["method"] = method
        event["requestContext"]["http"]["path"] = path
        event["headers"] = {"content-type": "application/json", **(headers or {})}
        event["queryStringParameters"] = query
        event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in (query or {}).items())
        event["pathParameters"] = path_parameters
        if anonymous:
            event["requestContext"].pop("authorizer", None)
        else:
            _ready(caller or claims(), caller_record)
            event["requestContext"]["authorizer"] = {
                "jwt": {"claims": caller or claims(), "scopes": None}
            }
        if body is None:
            event.pop("body", None)
        else:
            event["body"] = body if isinstance(body, str) else json.dumps(body)
        event["isBase64Encoded"] = False
        response: dict[str, Any] = handler(event, LocalContext(function_name="ApiFunction"))
        headers_out = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
        text = response.get("body") or ""
        parsed = (
            json.loads(text) if text and "json" in headers_out.get("content-type", "") else text
        )
        return {"status": response["statusCode"], "headers": headers_out, "json": parsed}

    return call


@pytest.fixture
def dynamodb_calls(aws: infra.LocalAws) -> Iterator[list[str]]:
    """Every DynamoDB operation the code issues, in order (a botocore event hook)."""
    calls: list[str] = []

    def record(event_name: str, **_: Any) -> None:
        calls.append(event_name.rsplit(".", maxsplit=1)[-1])

    dynamo.client().meta.events.register("before-call.dynamodb.*", record)
    yield calls
    dynamo.client().meta.events.unregister("before-call.dynamodb.*", record)


@pytest.fixture
def raw_dynamodb(aws: infra.LocalAws) -> Any:
    return boto3.client("dynamodb", region_name=infra.REGION)


@pytest.fixture
def nightly(aws: infra.LocalAws) -> Callable[[], dict[str, Any]]:
    """Run the scheduled chain in-process: nightly, then every queue through its consumer
    until all are empty (failed records retried, as SQS would)."""
    from local import events
    from momentum.clock import current

    template = infra.load_template()
    sqs = boto3.client("sqs", region_name=infra.REGION)
    consumers = infra.sqs_consumers(template)

    def run() -> dict[str, Any]:
        summary: dict[str, Any] = {"queues": dict.fromkeys(consumers, 0)}
        for function, props in infra.scheduled_functions(template).items():
            handler = load_handler(infra.handler_of(template, function))
            event = events.scheduler_event(props.get("Input"), current().now())
            summary[function] = handler(event, LocalContext(function_name=function))
        for _ in range(200):
            busy = False
            for queue, function in consumers.items():
                url = aws.queue_urls[queue]
                received = sqs.receive_message(
                    QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]
                ).get("Messages", [])
                if not received:
                    continue
                busy = True
                handler = load_handler(infra.handler_of(template, function))
                arn = f"arn:aws:sqs:{infra.REGION}:{infra.ACCOUNT_ID}:{queue}"
                result = handler(
                    events.sqs_event(arn, received), LocalContext(function_name=function)
                )
                failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
                summary["queues"][queue] += len(received)
                for message in received:
                    if message["MessageId"] in failed:
                        sqs.change_message_visibility(
                            QueueUrl=url,
                            ReceiptHandle=message["ReceiptHandle"],
                            VisibilityTimeout=0,
                        )
                    else:
                        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
            if not busy:
                break
        return summary

    return run


def sent_emails() -> list[dict[str, Any]]:
    """Every email moto's SES accepted, parsed like the local runner's /_local/emails."""
    from moto.ses.models import ses_backends

    from local.runtime import _email_view

    return [_email_view(m) for m in ses_backends[infra.ACCOUNT_ID][infra.REGION].sent_messages]


Report = Callable[..., dict[str, Any]]
REPORTS_SAMPLE = "reports/get_on_track_report.json"


@pytest.fixture
def report(aws: infra.LocalAws) -> Report:
    """Call the reports function with the sample event, changed for this request."""
    handler = load_handler(infra.handler_of(infra.load_template(), "ReportsFunction"))

    def call(
        path: str,
        *,
        caller: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        caller_record: bool = True,
    ) -> dict[str, Any]:
        event = copy.deepcopy(load_event(REPORTS_SAMPLE))
        event["routeKey"] = f"GET {path}"
        event["requestContext"]["routeKey"] = event["routeKey"]
        event["rawPath"] = event["requestContext"]["http"]["path"] = path
        event["queryStringParameters"] = query
        event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in (query or {}).items())
        who = caller or claims(role="admin", sub="user-adam")
        _ready(who, caller_record)
        event["requestContext"]["authorizer"]["jwt"]["claims"] = who
        response: dict[str, Any] = handler(event, LocalContext(function_name="ReportsFunction"))
        headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
        text = response.get("body") or ""
        parsed = json.loads(text) if "json" in headers.get("content-type", "") else text
        return {"status": response["statusCode"], "headers": headers, "json": parsed}

    return call
