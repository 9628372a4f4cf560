"""Email exactly once, as near as SES allows: every failure point between SES accepting a
message and the outbox recording it, injected on the wire of the SES v2 client the real
adapter uses, and the emails counted in moto's SES backend.

SendEmail has no idempotency token. Each send is tagged with its intent id; SES's `Send`/
`Delivery` events (published here as the configuration set's destination would: an SNS
envelope on EmailEventsQueue, consumed by the bounces function) settle an intent whose
outcome the mailer never learned. Without an event, an intent still `sending` is re-sent
only after its lease and the grace period (momentum.notify.reconcile).

Whenever SES's event arrives within that time, each intent is sent exactly once. The one
remaining window — SES accepted the message but its event came later than lease + grace
after the mailer leased the intent, or never — is measured in
`test_the_remaining_window_is_an_event_later_than_lease_and_grace` (docs/operations.md,
*Email exactly once*)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ReadTimeoutError
from moto.ses.models import ses_backends

from local import events, infra
from local.lambdas import LocalContext, load_handler
from momentum import adapters, clock
from momentum.logic import mail
from momentum.notify import reconcile, ses
from momentum.notify.intents import EmailIntent, EmailKind, Recipient, intent_id
from momentum.store import dynamo, outbox
from tests.integration.conftest import ORG
from tests.integration.test_api_faults import _Raw
from tests.integration.test_email_failures import _metric_values

T0 = datetime.fromisoformat("2026-05-01T09:00:00+00:00")  # the `aws` fixture's clock
LEASE_UNTIL = T0 + reconcile.LEASE  # the first mailer leases the intent at T0
RESEND_AT = reconcile.resend_at(LEASE_UNTIL)


class Killed(BaseException):
    """The mailer's process dies (a Lambda timeout or crash): no handler code runs on."""


@dataclass(frozen=True)
class Accepted:
    """A message SES accepted (whether or not its answer reached the mailer)."""

    message_id: str
    to: str
    tags: dict[str, str]


@dataclass
class SesWire:
    """What SES answers each SendEmail, by recipient, in order (default "ok"):
    - "ok": accepted, answered;
    - "lost" / "500": accepted, then the answer is a read timeout / an HTTP 500;
    - "crash": accepted and answered, and the mailer dies before it reads the answer;
    - "unsent": a read timeout, but SES never accepted the message;
    - an error code ("MessageRejected", ...): refused, nothing sent."""

    plans: dict[str, list[str]] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    accepted: list[Accepted] = field(default_factory=list)

    def of(self, to: str) -> list[Accepted]:
        return [a for a in self.accepted if a.to == to]


REFUSALS = {
    "MessageRejected": (400, "Email address is not verified."),
    "NotFoundException": (404, "Configuration set <momentum-config> does not exist."),
    "ConfigurationSetDoesNotExistException": (400, "Configuration set does not exist."),
}


def _answer(request: Any, status: int, code: str, message: str) -> AWSResponse:
    body = json.dumps({"__type": code, "message": message}).encode()
    headers = {
        "x-amzn-RequestId": "injected",
        "x-amzn-ErrorType": code,
        "Content-Type": "application/json",
    }
    return AWSResponse(request.url, status, headers, _Raw(body))


@pytest.fixture
def wire(aws: infra.LocalAws) -> Iterator[SesWire]:
    """SES on the wire of the adapter's own client: a `before-send` hook answers each
    SendEmail per the plan, applying accepted ones to moto itself (moto's own before-send
    handler is off while ours answers, so nothing is sent twice behind the scenes)."""
    from moto.core.models import botocore_stubber

    adapters.reset()
    adapters.install_email_sender(None)
    state = SesWire()
    client = ses.client()

    def send(request: Any, event_name: str, **_: Any) -> AWSResponse | None:
        botocore_stubber.enabled = True
        body = json.loads(request.body)
        to = body["Destination"]["ToAddresses"][0]
        state.attempts[to] = state.attempts.get(to, 0) + 1
        plan = state.plans.get(to) or []
        answer = plan.pop(0) if plan else "ok"
        if answer in REFUSALS:
            status, message = REFUSALS[answer]
            botocore_stubber.enabled = False
            return _answer(request, status, answer, message)
        if answer == "unsent":
            raise ReadTimeoutError(endpoint_url=request.url)
        response: AWSResponse = botocore_stubber(event_name=event_name, request=request)
        assert response.status_code == 200, response.content
        tags = {t["Name"]: t["Value"] for t in body.get("EmailTags", [])}
        state.accepted.append(Accepted(json.loads(response.content)["MessageId"], to, tags))
        if answer == "lost":
            raise ReadTimeoutError(endpoint_url=request.url)
        if answer == "crash":
            raise Killed
        botocore_stubber.enabled = False  # until this call's answer is read (below)
        if answer == "500":
            return _answer(request, 500, "InternalFailure", "injected after accepting")
        return response

    def answered(**_: Any) -> None:
        botocore_stubber.enabled = True

    client.meta.events.register_first("before-send.sesv2.SendEmail", send)
    client.meta.events.register("needs-retry.sesv2.SendEmail", answered)
    yield state
    client.meta.events.unregister("before-send.sesv2.SendEmail", send)
    client.meta.events.unregister("needs-retry.sesv2.SendEmail", answered)
    botocore_stubber.enabled = True
    adapters.reset()


# -- the chain, run by hand -------------------------------------------------------------------


MAIL_ARN = f"arn:aws:sqs:{infra.REGION}:{infra.ACCOUNT_ID}:MailQueue"
EVENTS_ARN = f"arn:aws:sqs:{infra.REGION}:{infra.ACCOUNT_ID}:EmailEventsQueue"


@dataclass
class Chain:
    """The mailer, the bounces function and the hourly sweep, at instants the test sets.
    Messages of a crashed or failed mailer batch stay in flight until `redeliver()` (SQS
    after the visibility timeout)."""

    aws: infra.LocalAws
    in_flight: list[str] = field(default_factory=list)

    def at(self, instant: datetime) -> None:
        clock.install(clock.SettableClock(instant))

    def _sqs(self) -> Any:
        return boto3.client("sqs", region_name=infra.REGION)

    def mailer(self) -> list[str]:
        """One batch through the mailer; the outcome of each record ("crashed" for all when
        the function died)."""
        url = self.aws.queue_urls["MailQueue"]
        received = self._sqs().receive_message(QueueUrl=url, MaxNumberOfMessages=10)
        messages = received.get("Messages", [])
        if not messages:
            return []
        handler = load_handler(infra.handler_of(infra.load_template(), "MailerFunction"))
        try:
            result = handler(
                events.sqs_event(MAIL_ARN, messages), LocalContext(function_name="mailer")
            )
        except Killed:
            self.in_flight += [m["ReceiptHandle"] for m in messages]
            return ["crashed"] * len(messages)
        failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
        for message in messages:
            if message["MessageId"] in failed:
                self.in_flight.append(message["ReceiptHandle"])
            else:
                self._sqs().delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        return ["failed" if m["MessageId"] in failed else "done" for m in messages]

    def redeliver(self) -> None:
        url = self.aws.queue_urls["MailQueue"]
        for handle in self.in_flight:
            self._sqs().change_message_visibility(
                QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=0
            )
        self.in_flight.clear()

    def publish(self, accepted: Accepted, event_type: str = "Send") -> None:
        """SES's event for a message, through SNS to EmailEventsQueue and the bounces
        function, as the configuration set's event destination delivers it."""
        now = clock.current().now()
        detail: dict[str, Any] = {}
        if event_type == "Delivery":
            detail = {"timestamp": now.isoformat(), "recipients": [accepted.to]}
        event = {
            "eventType": event_type,
            "mail": {
                "timestamp": now.isoformat(),
                "source": "sender@example.com",
                "messageId": accepted.message_id,
                "destination": [accepted.to],
                "tags": {
                    **{name: [value] for name, value in accepted.tags.items()},
                    "ses:configuration-set": ["EmailConfigurationSet"],
                },
            },
            event_type[0].lower() + event_type[1:]: detail,
        }
        envelope = {"Type": "Notification", "Message": json.dumps(event)}
        url = self.aws.queue_urls["EmailEventsQueue"]
        self._sqs().send_message(QueueUrl=url, MessageBody=json.dumps(envelope))
        handler = load_handler(infra.handler_of(infra.load_template(), "BouncesFunction"))
        while (
            received := self._sqs()
            .receive_message(QueueUrl=url, MaxNumberOfMessages=10)
            .get("Messages", [])
        ):
            result = handler(
                events.sqs_event(EVENTS_ARN, received), LocalContext(function_name="bounces")
            )
            assert result["batchItemFailures"] == []
            for message in received:
                self._sqs().delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])

    def sweep(self, instant: datetime) -> None:
        """The scheduled run at `instant`, then the evaluator and mailer queues drained."""
        self.at(instant)
        nightly = load_handler("nightly.app.lambda_handler")
        nightly(events.scheduler_event("{}", instant), LocalContext(function_name="nightly"))
        template = infra.load_template()
        handler = load_handler(infra.handler_of(template, "EvaluatorFunction"))
        url = self.aws.queue_urls["EvaluatorQueue"]
        arn = f"arn:aws:sqs:{infra.REGION}:{infra.ACCOUNT_ID}:EvaluatorQueue"
        while (
            received := self._sqs()
            .receive_message(QueueUrl=url, MaxNumberOfMessages=10)
            .get("Messages", [])
        ):
            handler(events.sqs_event(arn, received), LocalContext(function_name="evaluator"))
            for message in received:
                self._sqs().delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        while "done" in self.mailer():
            pass


@pytest.fixture
def chain(aws: infra.LocalAws) -> Chain:
    return Chain(aws)


def _intent(tag: str) -> EmailIntent:
    return EmailIntent(
        org_id=ORG,
        intent_id=intent_id("exactly-once-test", tag),
        kind=EmailKind.WELCOME,
        recipient=Recipient(person_id=f"cl_{tag}", email=f"{tag}@example.com", name="Ann"),
        data={"portal_url": "https://portal.example"},
    )


def _queue(tag: str) -> EmailIntent:
    intent = _intent(tag)
    assert mail.queue_intents([intent], clock.current().now()) == 1
    return intent


def _emails_to(address: str) -> int:
    """The emails SES accepted for this address (moto's SES backend)."""
    sent = ses_backends[infra.ACCOUNT_ID][infra.REGION].sent_messages
    return sum(1 for m in sent if address in m.destinations)


def _item(intent: EmailIntent) -> dict[str, Any]:
    item = outbox.read(ORG, intent.intent_id)
    assert item is not None
    return item


def _metric(capsys: pytest.CaptureFixture[str], name: str) -> float:
    return sum(_metric_values(capsys.readouterr().out, name))


# -- botocore never re-sends ------------------------------------------------------------------


def test_the_sending_client_makes_one_attempt(aws: infra.LocalAws) -> None:
    config = ses.client().meta.config
    assert config.retries == {"mode": "standard", "total_max_attempts": 1}
    assert config.read_timeout + config.connect_timeout < 60  # the mailer's Timeout


@pytest.mark.parametrize("answer", ["lost", "500"])
def test_a_lost_answer_is_not_resent_and_ses_s_event_settles_it(
    chain: Chain, wire: SesWire, capsys: pytest.CaptureFixture[str], answer: str
) -> None:
    intent = _queue("lost")
    wire.plans[intent.recipient.email] = [answer]

    # The record succeeds (nothing for SQS to retry); the intent stays `sending`.
    assert chain.mailer() == ["done"]
    assert wire.attempts[intent.recipient.email] == 1  # botocore did not send it again
    assert _emails_to("lost@example.com") == 1
    assert _item(intent)["status"] == "sending"
    assert _metric(capsys, "Email_uncertain") == 1
    (accepted,) = wire.of("lost@example.com")
    assert accepted.tags == {"org_id": ORG, "kind": "welcome", "intent_id": intent.intent_id}

    chain.at(T0 + timedelta(seconds=3))
    chain.publish(accepted, "Send")
    chain.publish(accepted, "Delivery")
    item = _item(intent)
    assert (item["status"], item["message_id"]) == ("sent", accepted.message_id)
    assert item["ses_message_ids"] == {accepted.message_id}
    assert "due_at" not in item
    assert _metric(capsys, "EmailSentByEvent") == 1  # the Delivery event changes nothing

    for hours in (1, 2):
        chain.sweep(T0 + timedelta(hours=hours))
    assert _emails_to("lost@example.com") == 1


# -- the mailer dies after SES accepted -------------------------------------------------------


@pytest.mark.parametrize("event", ["before the redelivery", "after the redelivery"])
def test_a_mailer_killed_after_ses_accepted_sends_nothing_more(
    chain: Chain, wire: SesWire, event: str
) -> None:
    intent = _queue("killed")
    wire.plans[intent.recipient.email] = ["crash"]
    assert chain.mailer() == ["crashed"]
    (accepted,) = wire.of("killed@example.com")
    assert _item(intent)["status"] == "sending"

    if event == "before the redelivery":
        chain.at(T0 + timedelta(seconds=30))
        chain.publish(accepted)
    chain.at(T0 + timedelta(minutes=6))  # the message's visibility timeout (360 s) ends
    chain.redeliver()
    assert chain.mailer() == ["done"]
    if event == "after the redelivery":
        # Lease over, no event yet: within the grace period nothing is sent.
        assert _item(intent)["status"] == "sending"
        chain.at(T0 + timedelta(minutes=7))
        chain.publish(accepted)

    assert _item(intent)["status"] == "sent"
    chain.sweep(T0 + timedelta(hours=1))
    assert _emails_to("killed@example.com") == 1
    assert wire.attempts["killed@example.com"] == 1


# -- the finish write fails -------------------------------------------------------------------


@pytest.fixture
def failing_finish(aws: infra.LocalAws) -> Iterator[list[str]]:
    """The mailer's write that marks an intent sent fails, every time dynamo resends it."""
    failed: list[str] = []

    def fail(params: dict[str, Any], **_: Any) -> None:
        values = params.get("ExpressionAttributeValues") or {}
        if ":sent" in values and len(failed) < dynamo.RESEND_ATTEMPTS:
            failed.append(params["Key"]["sk"]["S"])
            error = {"Error": {"Code": "InternalServerError", "Message": "injected"}}
            from botocore.exceptions import ClientError

            raise ClientError(error, "UpdateItem")  # type: ignore[arg-type]

    event = "before-parameter-build.dynamodb.UpdateItem"
    dynamo.client().meta.events.register_first(event, fail)
    yield failed
    dynamo.client().meta.events.unregister(event, fail)


@pytest.mark.parametrize("event", ["before the redelivery", "after the redelivery"])
def test_a_failing_finish_write_sends_nothing_more(
    chain: Chain, wire: SesWire, failing_finish: list[str], event: str
) -> None:
    intent = _queue("finish")
    assert chain.mailer() == ["failed"]  # the record goes back to SQS
    assert len(failing_finish) == dynamo.RESEND_ATTEMPTS
    (accepted,) = wire.of("finish@example.com")
    assert _item(intent)["status"] == "sending"

    if event == "before the redelivery":
        chain.at(T0 + timedelta(seconds=20))
        chain.publish(accepted)
    chain.at(T0 + timedelta(minutes=6))
    chain.redeliver()
    assert chain.mailer() == ["done"]
    if event == "after the redelivery":
        chain.at(T0 + timedelta(minutes=9))
        chain.publish(accepted)

    assert (_item(intent)["status"], _item(intent)["message_id"]) == ("sent", accepted.message_id)
    chain.sweep(T0 + timedelta(hours=1))
    assert _emails_to("finish@example.com") == 1


# -- no event: not accepted, or the remaining window ------------------------------------------


def test_a_send_ses_never_accepted_is_sent_once_after_the_grace_period(
    chain: Chain, wire: SesWire, capsys: pytest.CaptureFixture[str]
) -> None:
    intent = _queue("unsent")
    wire.plans[intent.recipient.email] = ["unsent"]
    assert chain.mailer() == ["done"]
    assert _emails_to("unsent@example.com") == 0
    capsys.readouterr()

    for instant in (T0 + timedelta(minutes=6), RESEND_AT - timedelta(seconds=1)):
        chain.sweep(instant)
        assert _item(intent)["status"] == "sending"  # waiting for an event that never comes
    chain.sweep(RESEND_AT)
    assert _item(intent)["status"] == "sent"
    assert _item(intent)["attempts"] == 2
    assert _metric(capsys, "Email_resent") == 1
    chain.sweep(T0 + timedelta(hours=1))
    assert _emails_to("unsent@example.com") == 1
    assert wire.attempts["unsent@example.com"] == 2


WINDOW_CASES = {
    # When SES's Send event for the first (answer lost) send arrives, and the emails sent.
    "after 5 s": (timedelta(seconds=5), 1),
    "after 10 min": (timedelta(minutes=10), 1),
    "the last second": (RESEND_AT - T0 - timedelta(seconds=1), 1),
    "a second after the re-send": (RESEND_AT - T0 + timedelta(seconds=1), 2),
    "never": (None, 2),
}


@pytest.mark.parametrize("case", list(WINDOW_CASES))
def test_the_remaining_window_is_an_event_later_than_lease_and_grace(
    chain: Chain, wire: SesWire, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    """Reconciliation passes at every point that matters: the SQS redelivery of a crash
    (+6 min), the last second of the grace period, its end, an hour later. An email goes
    out twice only when SES's first event is later than lease + grace after the lease."""
    delay, expected = WINDOW_CASES[case]
    assert reconcile.LEASE + reconcile.GRACE + timedelta(seconds=1) == RESEND_AT - T0
    intent = _queue("window")
    wire.plans[intent.recipient.email] = ["lost"]
    assert chain.mailer() == ["done"]
    (first,) = wire.of("window@example.com")
    capsys.readouterr()

    passes = [
        T0 + timedelta(minutes=6),
        RESEND_AT - timedelta(seconds=1),
        RESEND_AT,
        T0 + timedelta(hours=1),
    ]
    event_at = T0 + delay if delay is not None else None
    for instant in passes:
        if event_at is not None and event_at <= instant:
            chain.at(event_at)
            chain.publish(first)
            event_at = None
        chain.sweep(instant)
    if event_at is not None:  # later than every pass
        chain.at(event_at)
        chain.publish(first)

    assert _emails_to("window@example.com") == expected
    assert _item(intent)["status"] == "sent"
    output = capsys.readouterr().out
    if expected == 1:
        assert _item(intent)["message_id"] == first.message_id
        assert sum(_metric_values(output, "Email_resent")) == 0
    else:
        assert sum(_metric_values(output, "Email_resent")) == 1
        second = wire.of("window@example.com")[1]
        assert _item(intent)["message_id"] == second.message_id
        # A late event is recognised as a duplicate (counted); none arrives: not seen.
        assert sum(_metric_values(output, "EmailDuplicate")) == (1 if delay else 0)


def test_several_intents_each_once_whatever_fails(chain: Chain, wire: SesWire) -> None:
    """One batch, one failure point per intent, SES's events arriving after a while."""
    plans = {"ok": [], "lost": ["lost"], "five": ["500"], "unsent": ["unsent"]}
    intents = {tag: _intent(tag) for tag in plans}
    assert mail.queue_intents(intents.values(), T0) == len(intents)
    for tag, plan in plans.items():
        wire.plans[f"{tag}@example.com"] = list(plan)
    assert chain.mailer() == ["done"] * len(intents)
    chain.at(T0 + timedelta(minutes=2))
    for accepted in list(wire.accepted):
        chain.publish(accepted)
    for instant in (T0 + timedelta(minutes=6), RESEND_AT, T0 + timedelta(hours=1)):
        chain.sweep(instant)
    for tag, intent in intents.items():
        assert _emails_to(f"{tag}@example.com") == 1, tag
        assert _item(intent)["status"] == "sent", tag


# -- permanent refusals -----------------------------------------------------------------------


@pytest.mark.parametrize("code", list(REFUSALS))
def test_a_permanent_refusal_is_failed_with_its_reason_and_counted(
    chain: Chain, wire: SesWire, capsys: pytest.CaptureFixture[str], code: str
) -> None:
    intent = _queue("refused")
    wire.plans[intent.recipient.email] = [code]
    capsys.readouterr()
    assert chain.mailer() == ["done"]
    item = _item(intent)
    assert item["status"] == "failed"  # never `skipped`
    assert item["reason"].startswith(f"refused by SES: {code}: {REFUSALS[code][1][:20]}")
    assert _metric(capsys, "EmailFailed") == 1
    chain.sweep(T0 + timedelta(hours=1))
    assert wire.attempts["refused@example.com"] == 1
    assert _emails_to("refused@example.com") == 0


def test_ses_s_reject_event_fails_a_sent_intent_and_is_counted(
    chain: Chain, wire: SesWire, capsys: pytest.CaptureFixture[str]
) -> None:
    """SES accepted the call, then refused the message (a virus): a Reject event."""
    intent = _queue("virus")
    assert chain.mailer() == ["done"]
    assert _item(intent)["status"] == "sent"
    capsys.readouterr()
    chain.publish(wire.of("virus@example.com")[0], "Reject")
    item = _item(intent)
    assert item["status"] == "failed"
    assert item["reason"].startswith("refused by SES: Reject event")
    assert item["gsi1pk"] == f"ORG#{ORG}#EMAIL_FAILED"
    assert _metric(capsys, "EmailFailed") == 1


def test_an_event_for_an_intent_that_is_gone_changes_nothing(chain: Chain) -> None:
    ghost = Accepted("m-ghost", "ghost@example.com", {"org_id": ORG, "intent_id": "em-gone"})
    chain.publish(ghost)
    assert outbox.read(ORG, "em-gone") is None
