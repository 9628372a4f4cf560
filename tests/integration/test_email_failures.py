"""Email that cannot be sent is settled `failed` with its reason, counted, and never retried;
the rest of the batch is sent, and only transient errors are retried (handlers in-process
under moto; SES answers injected at the SES v2 client the real adapter uses)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_string, policy
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from local import events, infra
from local.lambdas import LocalContext, load_handler
from momentum import adapters, clock
from momentum.logic import mail
from momentum.notify import ses
from momentum.notify.intents import EmailIntent, EmailKind, Recipient, intent_id
from momentum.store import dynamo, outbox
from tests.integration.conftest import ORG, sent_emails

MAIL_ARN = f"arn:aws:sqs:{infra.REGION}:{infra.ACCOUNT_ID}:MailQueue"

# What SES answers for these recipients (everyone else: moto's SES sends).
SES_ANSWERS = {
    "rejected@refuse.example": "MessageRejected",
    "mailfrom@refuse.example": "MailFromDomainNotVerifiedException",
    "badrequest@refuse.example": "BadRequestException",
    "invalid@refuse.example": "InvalidParameterValue",
    "throttled@busy.example": "TooManyRequestsException",
}


@pytest.fixture(autouse=True)
def _real_ses(aws: infra.LocalAws) -> Iterator[None]:
    adapters.reset()
    adapters.install_email_sender(None)
    yield
    adapters.reset()


@dataclass
class Ses:
    """What SES answers per recipient (others: moto sends), and the calls it got."""

    answers: dict[str, str] = field(default_factory=lambda: dict(SES_ANSWERS))
    calls: dict[str, int] = field(default_factory=dict)


@pytest.fixture
def ses_answers(aws: infra.LocalAws, monkeypatch: pytest.MonkeyPatch) -> Ses:
    """SES refusing the addresses of SES_ANSWERS, at the client the real adapter calls."""
    client = ses.client()
    real = client.send_email
    state = Ses()

    def send_email(**kwargs: Any) -> Any:
        to = kwargs["Destination"]["ToAddresses"][0]
        state.calls[to] = state.calls.get(to, 0) + 1
        code = state.answers.get(to)
        if code:
            error = {"Error": {"Code": code, "Message": f"injected {code} for {to}"}}
            raise ClientError(error, "SendEmail")  # type: ignore[arg-type]
        return real(**kwargs)

    monkeypatch.setattr(client, "send_email", send_email)
    return state


def _sent_raw() -> list[str]:
    """The raw messages moto's SES accepted, as SES received them."""
    from moto.ses.models import ses_backends

    return [m.raw_data for m in ses_backends[infra.ACCOUNT_ID][infra.REGION].sent_messages]


def _intent(tag: str, email: str, name: str = "Ann") -> EmailIntent:
    return EmailIntent(
        org_id=ORG,
        intent_id=intent_id("failures-test", tag),
        kind=EmailKind.WELCOME,
        recipient=Recipient(person_id=f"cl_{tag}", email=email, name=name),
        data={"portal_url": "https://portal.example"},
    )


def _mailer_once(aws: infra.LocalAws) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """One batch (≤ 10 messages) through the mailer; its failures and the message ids'
    intents. Failed records become visible again at once, as SQS retries them."""
    sqs = boto3.client("sqs", region_name=infra.REGION)
    url = aws.queue_urls["MailQueue"]
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    handler = load_handler(infra.handler_of(infra.load_template(), "MailerFunction"))
    result = handler(events.sqs_event(MAIL_ARN, received), LocalContext(function_name="mailer"))
    failures: list[dict[str, Any]] = result["batchItemFailures"]
    failed_ids = {f["itemIdentifier"] for f in failures}
    for message in received:
        if message["MessageId"] in failed_ids:
            sqs.change_message_visibility(
                QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )
        else:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    intents = {m["MessageId"]: json.loads(m["Body"])["intent_id"] for m in received}
    return failures, intents


def _status(intent: EmailIntent) -> dict[str, Any]:
    item = outbox.read(ORG, intent.intent_id)
    assert item is not None
    return item


def _metric_values(output: str, name: str) -> list[float]:
    """The values of a metric in the Powertools EMF blobs a handler printed."""
    values: list[float] = []
    for line in output.splitlines():
        if not line.startswith("{"):
            continue
        blob = json.loads(line)
        if "_aws" in blob and name in blob:
            value = blob[name]
            values += value if isinstance(value, list) else [value]
    return values


def _hourly_sweep(aws: infra.LocalAws, hours: int) -> int:
    """The scheduled run `hours` later, then the evaluator and mailer queues drained."""
    later = clock.current().now() + timedelta(hours=hours)
    clock.install(clock.SettableClock(later))
    nightly = load_handler("nightly.app.lambda_handler")
    summary = nightly(events.scheduler_event("{}", later), LocalContext(function_name="nightly"))
    sqs = boto3.client("sqs", region_name=infra.REGION)
    template = infra.load_template()
    for queue, function in (
        ("EvaluatorQueue", "EvaluatorFunction"),
        ("MailQueue", "MailerFunction"),
    ):
        handler = load_handler(infra.handler_of(template, function))
        arn = f"arn:aws:sqs:{infra.REGION}:{infra.ACCOUNT_ID}:{queue}"
        while received := sqs.receive_message(
            QueueUrl=aws.queue_urls[queue], MaxNumberOfMessages=10
        ).get("Messages", []):
            handler(events.sqs_event(arn, received), LocalContext(function_name=function))
            for message in received:
                sqs.delete_message(
                    QueueUrl=aws.queue_urls[queue], ReceiptHandle=message["ReceiptHandle"]
                )
    items: int = summary["items"]
    return items


UNBUILDABLE = {
    "paren": "a(b@x.example",
    "dots": "a..b@x.example",
    "nul": "a\x00b@x.example",
    "crlf": "ann@x.example\r\nBcc: evil@x.example",
    "no-domain": "ann@",
}


def test_a_batch_with_unbuildable_and_refused_intents_sends_the_rest_and_fails_those_for_good(
    aws: infra.LocalAws,
    ses_answers: Ses,
    capsys: pytest.CaptureFixture[str],
) -> None:
    now = clock.current().now()
    good = [
        _intent("ok", "ok@example.com"),
        # Stored before the API validated names: the name is cleaned, the email still goes.
        _intent("nul-name", "nul@example.com", name="Ann\x00\r\nBcc: evil@x.example\u202e"),
    ]
    unbuildable = [_intent(tag, address) for tag, address in UNBUILDABLE.items()]
    refused = [
        _intent(code, address) for address, code in SES_ANSWERS.items() if "refuse" in address
    ]
    assert mail.queue_intents([*good, *unbuildable[:2]], now) == 4
    assert mail.queue_intents([*unbuildable[2:], *refused], now) == 7
    capsys.readouterr()

    first, _ = _mailer_once(aws)
    second, _ = _mailer_once(aws)

    # Settled, not retried: neither batch reports a failure back to SQS.
    assert first == []
    assert second == []
    assert sorted(e["to"] for e in sent_emails()) == [
        "nul@example.com",
        "ok@example.com",
    ]
    (cleaned,) = [e for e in sent_emails() if "nul@" in e["to"]]
    assert "Bcc" not in cleaned["headers"]
    # The bytes SES got: one To line, no NUL, no bidi override, no injected header.
    raw = next(r for r in _sent_raw() if "nul@example.com" in r)
    parsed = message_from_string(raw, policy=policy.default)
    assert parsed["To"].addresses[0].display_name == "Ann Bcc: evil@x.example"
    assert "\x00" not in raw
    assert "\u202e" not in raw
    assert parsed["Bcc"] is None
    for intent in good:
        assert _status(intent)["status"] == "sent"
    for intent in unbuildable:
        item = _status(intent)
        assert item["status"] == "failed", intent.recipient.email
        assert item["reason"] == "cannot build the message: invalid recipient address"
        assert "due_at" not in item
        assert "lease_until" not in item
    for intent in refused:
        item = _status(intent)
        assert item["status"] == "failed"
        code = SES_ANSWERS[intent.recipient.email]
        assert item["reason"].startswith(f"refused by SES: {code}: injected {code}")
        assert ses_answers.calls[intent.recipient.email] == 1
    # Queryable: the organization's failures, most recent first, by the documented key.
    failures, _ = outbox.failures(ORG)
    assert {f["intent_id"] for f in failures} == {i.intent_id for i in [*unbuildable, *refused]}
    assert all(f["gsi1pk"] == f"ORG#{ORG}#EMAIL_FAILED" for f in failures)
    # Counted: one EmailFailed per failed intent across the two invocations.
    assert sum(_metric_values(capsys.readouterr().out, "EmailFailed")) == 9

    # The next hourly sweeps find nothing to retry; nothing is sent again.
    assert _hourly_sweep(aws, hours=1) == 0
    assert _hourly_sweep(aws, hours=1) == 0
    assert len(sent_emails()) == 2
    for intent in [*unbuildable, *refused]:
        assert _status(intent)["status"] == "failed"
        assert _status(intent)["attempts"] == 1
    assert all(count == 1 for count in ses_answers.calls.values())


def test_a_transient_refusal_is_retried_alone_and_then_sent(
    aws: infra.LocalAws, ses_answers: Ses
) -> None:
    now = clock.current().now()
    busy = _intent("busy", "throttled@busy.example")
    refused = _intent("rejected", "rejected@refuse.example")
    fine = _intent("fine", "fine@example.com")
    mail.queue_intents([busy, refused, fine], now)

    failures, intents = _mailer_once(aws)

    # Only the throttled record is reported back to SQS; its lease is given back.
    assert [intents[f["itemIdentifier"]] for f in failures] == [busy.intent_id]
    assert _status(busy)["status"] == "pending"
    assert _status(refused)["status"] == "failed"
    assert _status(fine)["status"] == "sent"
    del ses_answers.answers["throttled@busy.example"]  # SES recovers
    assert _mailer_once(aws)[0] == []
    assert _status(busy)["status"] == "sent"
    assert _status(busy)["attempts"] == 2
    assert ses_answers.calls["throttled@busy.example"] == 2
    assert ses_answers.calls["rejected@refuse.example"] == 1
    assert len(sent_emails()) == 2


def test_a_stored_intent_the_mailer_cannot_read_fails_for_good(aws: infra.LocalAws) -> None:
    """Data written by older code (an unknown kind): settled failed, not retried forever."""
    now = clock.current().now()
    intent = _intent("odd", "odd@example.com")
    item = outbox.intent_item(intent, now)
    dynamo.put_item({**item, "kind": "newsletter_v0"})
    adapters.mail_queue().send([mail.pointer(ORG, intent.intent_id)])
    assert _mailer_once(aws)[0] == []
    stored = _status(intent)
    assert stored["status"] == "failed"
    assert stored["reason"].startswith("unreadable intent:")
    assert mail.deliver(ORG, intent.intent_id, now) is mail.Delivery.DUPLICATE
    assert sent_emails() == []
