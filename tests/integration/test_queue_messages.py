"""A malformed queue message (momentum.messaging.batch): the function reports it as a batch
item failure — SQS redelivers it and, after maxReceiveCount, keeps it in the queue's DLQ —
logs which message and which fields, and carries out the rest of the batch."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from local import events, infra
from local.lambdas import LocalContext, load_handler
from momentum import adapters
from momentum.logic import mail
from momentum.notify.intents import EmailIntent, EmailKind, Recipient, intent_id
from momentum.notify.ses import InMemorySender

NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
ORG = "org-test"
# A value a malformed message holds that must never reach the logs.
PRIVATE = "ann.private@example.com"


@pytest.fixture
def sender(aws: infra.LocalAws) -> Iterator[InMemorySender]:
    fake = InMemorySender()
    adapters.install_email_sender(fake)
    yield fake
    adapters.install_email_sender(None)


def deliver(function: str, queue: str, bodies: dict[str, str]) -> dict[str, Any]:
    """Hand `function` one batch: each body as the message of that id."""
    messages = [
        {"MessageId": message_id, "ReceiptHandle": f"rh-{message_id}", "Body": body}
        for message_id, body in bodies.items()
    ]
    arn = f"arn:aws:sqs:{infra.REGION}:{infra.ACCOUNT_ID}:{queue}"
    handler = load_handler(infra.handler_of(infra.load_template(), function))
    result: dict[str, Any] = handler(
        events.sqs_event(arn, messages), LocalContext(function_name=function)
    )
    return result


def failed(result: dict[str, Any]) -> list[str]:
    return sorted(f["itemIdentifier"] for f in result["batchItemFailures"])


def test_the_mailer_sends_the_good_message_and_reports_the_malformed_one(
    aws: infra.LocalAws,
    sender: InMemorySender,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    intent = EmailIntent(
        org_id=ORG,
        intent_id=intent_id("test", "c1", EmailKind.WELCOME.value),
        kind=EmailKind.WELCOME,
        recipient=Recipient(person_id="c1", email="c1@example.com", name="Ann"),
        data={"portal_url": "https://portal.example"},
    )
    mail.queue_intents([intent], NOW)
    sqs = boto3.client("sqs", region_name=infra.REGION)
    (queued,) = sqs.receive_message(QueueUrl=aws.queue_urls["MailQueue"])["Messages"]
    result = deliver(
        "MailerFunction",
        "MailQueue",
        {
            "good": queued["Body"],
            "no-intent": json.dumps({"org_id": ORG, "to": PRIVATE}),
            "not-json": "{",
        },
    )
    assert failed(result) == ["no-intent", "not-json"]
    assert len(sender.sent) == 1
    warnings = [r for r in caplog.records if r.getMessage().startswith("malformed message")]
    assert [(r.message_id, r.errors) for r in warnings] == [
        ("no-intent", [{"loc": "body.intent_id", "type": "missing"}]),
        ("not-json", [{"loc": "body", "type": "json_invalid"}]),
    ]
    assert PRIVATE not in caplog.text + str([r.__dict__ for r in warnings])
    assert '"MalformedMessage":[1.0,1.0]' in capsys.readouterr().out  # the metric


def test_the_evaluator_reports_a_malformed_message_and_evaluates_the_rest(
    aws: infra.LocalAws,
) -> None:
    result = deliver(
        "EvaluatorFunction",
        "EvaluatorQueue",
        {
            "good": json.dumps({"run_at": "2026-05-01T09:00:00Z", "items": []}),
            "naive": json.dumps({"run_at": "2026-05-01T09:00:00", "items": []}),
            "list": json.dumps([{"type": "package"}]),
        },
    )
    assert failed(result) == ["list", "naive"]


def test_the_bounces_function_reports_an_envelope_without_an_event(
    aws: infra.LocalAws,
) -> None:
    event = {"eventType": "Delivery", "mail": {"tags": {"org_id": [ORG]}}}
    result = deliver(
        "BouncesFunction",
        "EmailEventsQueue",
        {
            "good": json.dumps({"Type": "Notification", "Message": json.dumps(event)}),
            "raw": json.dumps(event),
            "broken": json.dumps({"Type": "Notification", "Message": "{"}),
        },
    )
    assert failed(result) == ["broken"]


def test_a_batch_of_malformed_messages_is_reported_whole_never_raised(
    aws: infra.LocalAws,
) -> None:
    result = deliver("MailerFunction", "MailQueue", {"a": "[]", "b": "null", "c": ""})
    assert failed(result) == ["a", "b", "c"]
