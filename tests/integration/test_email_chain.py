"""Outbox → mailer → SES, the nightly sweep, bounces: handlers in-process under moto."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_string, policy
from typing import Any

import boto3
import pytest
from moto.ses.models import ses_backends

from local import events, infra
from local.lambdas import LocalContext, load_handler
from momentum import adapters, clock
from momentum.logic import mail
from momentum.notify.intents import EmailIntent, EmailKind, Recipient, intent_id
from momentum.notify.ses import InMemorySender
from momentum.store import outbox, preferences

NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
ORG = "org-test"


@pytest.fixture(autouse=True)
def _fresh_adapters(aws: infra.LocalAws) -> Iterator[None]:
    adapters.reset()
    adapters.install_email_sender(None)
    yield
    adapters.install_email_sender(None)
    adapters.reset()


def _intent(person: str = "c1", kind: EmailKind = EmailKind.WELCOME) -> EmailIntent:
    return EmailIntent(
        org_id=ORG,
        intent_id=intent_id("test", person, kind.value),
        kind=kind,
        recipient=Recipient(person_id=person, email=f"{person}@example.com", name="Ann <b>"),
        data={"portal_url": "https://portal.example"},
    )


def _drain(aws: infra.LocalAws, queue: str, function: str) -> list[dict[str, Any]]:
    """Deliver what `queue` holds to `function` once; return its batch responses."""
    sqs = boto3.client("sqs", region_name=infra.REGION)
    handler = load_handler(infra.handler_of(infra.load_template(), function))
    results = []
    while True:
        received = sqs.receive_message(
            QueueUrl=aws.queue_urls[queue], MaxNumberOfMessages=10, AttributeNames=["All"]
        ).get("Messages", [])
        if not received:
            return results
        arn = f"arn:aws:sqs:{infra.REGION}:{infra.ACCOUNT_ID}:{queue}"
        result = handler(events.sqs_event(arn, received), LocalContext(function_name=function))
        results.append(result)
        for message in received:
            sqs.delete_message(
                QueueUrl=aws.queue_urls[queue], ReceiptHandle=message["ReceiptHandle"]
            )


def _sent() -> list[Any]:
    return list(ses_backends[infra.ACCOUNT_ID][infra.REGION].sent_messages)


def test_given_a_queued_intent_when_the_mailer_runs_then_one_email_with_both_parts(
    aws: infra.LocalAws,
) -> None:
    assert mail.queue_intents([_intent()], NOW) == 1
    _drain(aws, "MailQueue", "MailerFunction")
    sent = _sent()
    assert len(sent) == 1
    parsed = message_from_string(sent[0].raw_data, policy=policy.default)
    assert parsed["To"].addresses[0].addr_spec == "c1@example.com"
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/unsubscribe?token=" in parsed["List-Unsubscribe"]
    html = parsed.get_body(preferencelist=("html",)).get_content()
    assert "Ann &lt;b&gt;" in html
    found = outbox.get(ORG, _intent().intent_id)
    assert found is not None
    assert found[1]["status"] == "sent"
    assert "due_at" not in found[1]


def test_given_the_same_intent_twice_then_it_is_stored_and_sent_once(aws: infra.LocalAws) -> None:
    assert mail.queue_intents([_intent()], NOW) == 1
    assert mail.queue_intents([_intent()], NOW) == 0
    _drain(aws, "MailQueue", "MailerFunction")
    assert len(_sent()) == 1


def test_given_a_redelivered_message_then_nothing_more_is_sent(aws: infra.LocalAws) -> None:
    mail.queue_intents([_intent()], NOW)
    _drain(aws, "MailQueue", "MailerFunction")
    assert mail.deliver(ORG, _intent().intent_id, NOW) is mail.Delivery.DUPLICATE
    assert len(_sent()) == 1


def test_given_a_transient_failure_then_the_record_fails_and_a_retry_sends_once(
    aws: infra.LocalAws,
) -> None:
    fake = InMemorySender()
    fake.fail_next = 1
    adapters.install_email_sender(fake)
    mail.queue_intents([_intent()], NOW)
    sqs = boto3.client("sqs", region_name=infra.REGION)
    received = sqs.receive_message(QueueUrl=aws.queue_urls["MailQueue"])["Messages"]
    handler = load_handler("mailer.app.lambda_handler")
    arn = f"arn:aws:sqs:{infra.REGION}:{infra.ACCOUNT_ID}:MailQueue"
    first = handler(events.sqs_event(arn, received), LocalContext(function_name="mailer"))
    assert [f["itemIdentifier"] for f in first["batchItemFailures"]] == [received[0]["MessageId"]]
    assert fake.sent == []
    second = handler(events.sqs_event(arn, received), LocalContext(function_name="mailer"))
    assert second["batchItemFailures"] == []
    assert len(fake.sent) == 1


def test_given_a_person_who_turned_the_kind_off_then_nothing_is_sent(aws: infra.LocalAws) -> None:
    preferences.turn_off(ORG, "c1", EmailKind.WELCOME.value)
    mail.queue_intents([_intent()], NOW)
    _drain(aws, "MailQueue", "MailerFunction")
    assert _sent() == []
    assert mail.deliver(ORG, _intent().intent_id, NOW) is mail.Delivery.DUPLICATE


def test_given_a_permanent_bounce_then_later_email_to_that_address_is_suppressed(
    aws: infra.LocalAws,
) -> None:
    ses_event = {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": "Permanent",
            "bouncedRecipients": [{"emailAddress": "C1@example.com"}],
        },
        "mail": {"tags": {"org_id": [ORG], "kind": ["welcome"]}},
    }
    sns_envelope = {"Type": "Notification", "Message": json.dumps(ses_event)}
    sqs = boto3.client("sqs", region_name=infra.REGION)
    sqs.send_message(
        QueueUrl=aws.queue_urls["EmailEventsQueue"], MessageBody=json.dumps(sns_envelope)
    )
    results = _drain(aws, "EmailEventsQueue", "BouncesFunction")
    assert results == [{"batchItemFailures": []}]
    assert preferences.is_suppressed(ORG, "c1@example.com")
    mail.queue_intents([_intent()], NOW)
    _drain(aws, "MailQueue", "MailerFunction")
    assert _sent() == []


def test_given_a_transient_bounce_then_the_address_stays_deliverable(aws: infra.LocalAws) -> None:
    from momentum.logic.email_events import record_email_event

    event = {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": "Transient",
            "bouncedRecipients": [{"emailAddress": "c1@example.com"}],
        },
        "mail": {"tags": {"org_id": [ORG]}},
    }
    assert record_email_event(event, NOW) == []
    assert not preferences.is_suppressed(ORG, "c1@example.com")


def test_given_an_intent_whose_hand_over_was_lost_then_the_nightly_sweep_sends_it_once(
    aws: infra.LocalAws,
) -> None:
    # The intent is stored but its message to the mailer never left (a crash in between).
    assert outbox.put_new(_intent(), NOW)
    clock.install(clock.SettableClock(NOW + timedelta(hours=1)))
    nightly = load_handler("nightly.app.lambda_handler")
    event = events.scheduler_event(
        '{"source":"momentum.nightly","scheduled_time":"<aws.scheduler.scheduled-time>"}',
        NOW + timedelta(hours=1),
    )
    summary = nightly(event, LocalContext(function_name="nightly"))
    assert summary["items"] == 1
    _drain(aws, "EvaluatorQueue", "EvaluatorFunction")
    _drain(aws, "MailQueue", "MailerFunction")
    assert len(_sent()) == 1
    # Sent intents leave the due index: the next run finds nothing.
    assert nightly(event, LocalContext(function_name="nightly"))["items"] == 0


def test_given_nothing_due_then_the_nightly_reads_nothing(
    aws: infra.LocalAws, dynamodb_calls: list[str]
) -> None:
    nightly = load_handler("nightly.app.lambda_handler")
    summary = nightly(events.scheduler_event("{}", NOW), LocalContext(function_name="nightly"))
    assert summary == {"shards": 8, "items": 0, "messages": 0}
    assert dynamodb_calls == ["Query"] * 8
