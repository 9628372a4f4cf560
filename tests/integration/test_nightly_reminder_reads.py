"""Reminders cost what the work needs (issue 15, target 3): the evaluator reads only the due
package (the reminders name their recipients by id), and the mailer reads, besides the
intent it claims, the recipient's record once — their address and status as they are when
the email goes out (SPEC §5 reminders, §7 who may be emailed, §8)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest

from local import events, infra
from local.lambdas import LocalContext, load_handler
from momentum import clock
from momentum.clock import current
from momentum.store import dynamo, outbox
from tests.integration.conftest import HttpCall, claims, sent_emails
from tests.integration.packs import physio_plan_with_two_sessions
from tests.integration.reads import Reads
from tests.integration.routes import at

ADMIN = claims(role="admin", sub="user-adam")
OWNER = claims(role="owner", sub="user-olivia")
# The physio plan's reminders go out on 12 May (At risk from 10 May, after 2 days).
REMINDER_NIGHT = "2026-05-12T00:30:00+01:00"


class Chain:
    """The scheduled chain step by step: the nightly with the evaluator, then the mailer."""

    def __init__(self, aws: infra.LocalAws) -> None:
        self.aws = aws
        self.template = infra.load_template()
        self.sqs = boto3.client("sqs", region_name=infra.REGION)

    def nightly_and_evaluator(self) -> int:
        """The nightly function, then the evaluator's queue until empty; due items found."""
        found = 0
        for function, props in infra.scheduled_functions(self.template).items():
            handler = load_handler(infra.handler_of(self.template, function))
            event = events.scheduler_event(props.get("Input"), current().now())
            found += int(handler(event, LocalContext(function_name=function))["items"])
        self.drain("EvaluatorQueue", "EvaluatorFunction")
        return found

    def drain(self, queue: str, function: str) -> int:
        """Every message of `queue` through `function`, one record at a time."""
        url = self.aws.queue_urls[queue]
        handler = load_handler(infra.handler_of(self.template, function))
        arn = f"arn:aws:sqs:{infra.REGION}:{infra.ACCOUNT_ID}:{queue}"
        handled = 0
        while received := self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1).get(
            "Messages", []
        ):
            result = handler(events.sqs_event(arn, received), LocalContext(function_name=function))
            assert result.get("batchItemFailures", []) == [], result
            self.sqs.delete_message(QueueUrl=url, ReceiptHandle=received[0]["ReceiptHandle"])
            handled += 1
        return handled


@pytest.fixture
def chain(aws: infra.LocalAws) -> Chain:
    return Chain(aws)


def _client(api: HttpCall, name: str, staff_id: str, **fields: Any) -> str:
    made = api(
        "POST",
        "/clients",
        caller=ADMIN,
        body={"name": name, "assigned_practitioner_ids": [staff_id], **fields},
    )
    assert made["status"] == 201, made
    return str(made["json"]["id"])


@pytest.fixture
def reminded(api: HttpCall, nightly: Callable[[], dict[str, Any]]) -> dict[str, str]:
    """A practice whose four physio plans are each reminded on 12 May, to the team member
    and the client: two clients who may be emailed, one inactive and never invited, one
    without an address. Every night before the reminders' has run."""
    at("2026-04-01T09:00:00+01:00")
    api("PUT", "/org", body={"name": "Harbour Physio", "timezone": "Europe/London"}, caller=OWNER)
    staff = api(
        "POST",
        "/users",
        caller=OWNER,
        body={"name": "Sam Rivers", "email": "sam@harbour.example", "role": "staff"},
    )
    assert staff["status"] == 201, staff
    staff_id = str(staff["json"]["id"])
    clients = {
        "ada": _client(api, "Ada Lovelace", staff_id, email="ada@example.com"),
        "bob": _client(api, "Bob Hope", staff_id, email="bob@example.com"),
        "cy": _client(api, "Cy Twombly", staff_id, email="cy@example.com"),
        "dee": _client(api, "Dee Dee", staff_id),
    }
    at("2026-05-06T09:00:00+01:00")
    for client_id in clients.values():
        physio_plan_with_two_sessions(api, ADMIN, client_id, staff_id, "+01:00")
    cy = f"/clients/{clients['cy']}"
    made_inactive = api(
        "PATCH",
        cy,
        caller=ADMIN,
        body={"status": "inactive"},
        route="PATCH /clients/{client_id}",
        path_parameters={"client_id": clients["cy"]},
    )
    assert made_inactive["status"] == 200, made_inactive
    for day in range(7, 12):
        at(f"2026-05-{day:02d}T00:30:00+01:00")
        nightly()
    assert sent_emails() == []
    return {"staff_id": staff_id, **clients}


def _intents() -> list[dict[str, Any]]:
    items = boto3.client("dynamodb", region_name=infra.REGION).scan(TableName="MomentumTable")
    found = [dynamo.from_attributes(i) for i in items["Items"]]
    return [i for i in found if str(i["sk"]).startswith("OUTBOX#")]


def test_the_evaluator_reads_only_the_due_packages_and_the_mailer_one_record_per_reminder(
    reminded: dict[str, str], chain: Chain, counting: Callable[[], Reads]
) -> None:
    at(REMINDER_NIGHT)
    evaluation = counting()
    due = chain.nightly_and_evaluator()
    assert due == 4
    # The four due packages (whole, from the due index), and at most the organization's
    # record (cached per container): no client, no user is read to remind them.
    assert evaluation.kinds["S#PKG"] == 4
    assert evaluation.items <= due + 1, evaluation.kinds
    assert set(evaluation.kinds) <= {"S#PKG", "ORG"}, evaluation.kinds

    mailing = counting()
    deliveries = chain.drain("MailQueue", "MailerFunction")
    emails = sent_emails()
    # 8 reminders (team member and client of each package); the inactive, never invited
    # client and the one without an address get none (SPEC §7).
    assert deliveries == 8
    assert sorted(e["to"] for e in emails if "sam@" not in e["to"]) == [
        "ada@example.com",
        "bob@example.com",
    ]
    staff_subjects = sorted(e["subject"] for e in emails if "sam@" in e["to"])
    assert len(staff_subjects) == 4
    for name in ("Ada Lovelace", "Bob Hope", "Cy Twombly", "Dee Dee"):
        assert any(name in subject for subject in staff_subjects), staff_subjects
    # Per delivery: its intent (the claim) and the recipient's record, once; nobody here
    # has preferences or a suppressed address; the organization is read at most once.
    assert mailing.kinds["OUTBOX"] == deliveries
    assert mailing.kinds["S#CLIENT"] == 4
    assert mailing.kinds["USER"] == 4
    assert mailing.kinds["ORG"] <= 1
    assert mailing.items - mailing.kinds["OUTBOX"] - mailing.kinds["ORG"] == deliveries
    assert set(mailing.kinds) <= {"OUTBOX", "S#CLIENT", "USER", "ORG"}, mailing.kinds

    by_person = {str(i["recipient"]["person_id"]): i for i in _intents()}
    for who in ("cy", "dee"):
        skipped = by_person[reminded[who]]
        assert skipped["status"] == "skipped", skipped
        assert "not invited" in str(skipped["reason"])
    # Who each sent email went to, as the mailer read them, is kept on its intent.
    ada = by_person[reminded["ada"]]
    assert ada["status"] == "sent"
    assert ada["recipient"]["email"] == "ada@example.com"
    assert ada["recipient"]["record"] == "client"

    # A second run the same night reads nothing more and sends nothing more.
    again = counting()
    assert chain.nightly_and_evaluator() == 0
    assert chain.drain("MailQueue", "MailerFunction") == 0
    assert again.items == 0
    assert len(sent_emails()) == len(emails)


def test_the_mailer_sends_to_the_recipient_as_they_are_when_it_sends(
    api: HttpCall, reminded: dict[str, str], chain: Chain
) -> None:
    """Between the evaluation and the send, Ada's address changes and Bob becomes inactive:
    the reminder goes to Ada's new address, and Bob gets none."""
    at(REMINDER_NIGHT)
    assert chain.nightly_and_evaluator() == 4
    for who, body in (("ada", {"email": "ada@new.example"}), ("bob", {"status": "inactive"})):
        changed = api(
            "PATCH",
            f"/clients/{reminded[who]}",
            caller=ADMIN,
            body=body,
            route="PATCH /clients/{client_id}",
            path_parameters={"client_id": reminded[who]},
        )
        assert changed["status"] == 200, changed
    chain.drain("MailQueue", "MailerFunction")
    to_clients = [e["to"] for e in sent_emails() if "sam@" not in e["to"]]
    assert to_clients == ["ada@new.example"]
    stored = outbox.read(*_intent_key(reminded["ada"]))
    assert stored is not None
    assert stored["recipient"]["email"] == "ada@new.example"


def _intent_key(person_id: str) -> tuple[str, str]:
    found = next(i for i in _intents() if i["recipient"]["person_id"] == person_id)
    return str(found["org_id"]), str(found["intent_id"])


def test_a_failed_read_of_the_recipient_gives_the_lease_back_and_the_retry_sends_once(
    api: HttpCall, monkeypatch: pytest.MonkeyPatch
) -> None:
    from momentum.logic import mail, recipients
    from momentum.notify.intents import EmailIntent, EmailKind, Recipient, RecipientRecord

    at("2026-05-12T09:00:00+01:00")
    client_id = _client(api, "Ada Lovelace", "user-adam", email="ada@example.com")
    intent = EmailIntent(
        org_id="org-test",
        intent_id="em-reminder-1",
        kind=EmailKind.ON_TRACK_REMINDER,
        recipient=Recipient(client_id, "", "", record=RecipientRecord.CLIENT),
        data={"audience": "client", "client_id": client_id, "package_name": "Physio plan",
              "client_name": "Ada Lovelace", "status": "at_risk", "since": "2026-05-10"},
    )  # fmt: skip
    assert mail.queue_intents([intent], clock.current().now()) == 1
    read = recipients.person

    def unavailable(*args: Any) -> Any:
        raise RuntimeError("DynamoDB unavailable")

    monkeypatch.setattr(recipients, "person", unavailable)
    with pytest.raises(RuntimeError):
        mail.deliver("org-test", intent.intent_id, clock.current().now())
    stored = outbox.read("org-test", intent.intent_id)
    assert stored is not None
    assert stored["status"] == "pending"  # nothing was sent: the lease is given back
    monkeypatch.setattr(recipients, "person", read)
    assert mail.deliver("org-test", intent.intent_id, clock.current().now()) is mail.Delivery.SENT
    assert mail.deliver("org-test", intent.intent_id, clock.current().now()) is (
        mail.Delivery.DUPLICATE
    )
    assert [e["to"] for e in sent_emails()] == ["ada@example.com"]


def test_a_renamed_client_is_named_by_their_new_name_in_the_team_members_reminder(
    api: HttpCall, reminded: dict[str, str], chain: Chain
) -> None:
    """The evaluator names the client from the package's copy of the name (it reads no
    client record): renaming the client renames that copy in the same transaction."""
    renamed = api(
        "PATCH",
        f"/clients/{reminded['ada']}",
        caller=ADMIN,
        body={"name": "Ada King"},
        route="PATCH /clients/{client_id}",
        path_parameters={"client_id": reminded["ada"]},
    )
    assert renamed["status"] == 200, renamed
    at(REMINDER_NIGHT)
    assert chain.nightly_and_evaluator() == 4
    chain.drain("MailQueue", "MailerFunction")
    staff_subjects = [e["subject"] for e in sent_emails() if "sam@" in e["to"]]
    assert any("Ada King" in s for s in staff_subjects), staff_subjects
    assert not any("Ada Lovelace" in s for s in staff_subjects), staff_subjects
