"""The queues' messages (momentum.messaging): pydantic models the sender builds and the
receiving function's batch processor parses, and the evaluator's table of functions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from local.events import sqs_event
from momentum.logic import evaluation, evaluators, mail, nightly
from momentum.messaging.batch import DueItemsRecord, EmailToSendRecord, SesEventRecord
from momentum.messaging.messages import EmailToSend, SesEvent
from momentum.store.due import DueType

QUEUE = "arn:aws:sqs:eu-west-1:123456789012:queue"


def record(body: str) -> dict[str, Any]:
    message = {"MessageId": "m-1", "ReceiptHandle": "r-1", "Body": body}
    found: dict[str, Any] = sqs_event(QUEUE, [message])["Records"][0]
    return found


# -- what the senders build is what the receivers read -----------------------------------------


def test_the_mailers_message_names_the_intent() -> None:
    body = json.dumps(mail.pointer("org-1", "int-1"))
    assert EmailToSendRecord.model_validate(record(body)).body == EmailToSend(
        org_id="org-1", intent_id="int-1"
    )


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.sampled_from(
            [UTC, timezone(timedelta(hours=13)), timezone(-timedelta(hours=9))]
        ),
    )
)
def test_the_evaluators_message_carries_the_runs_instant_to_the_second(now: datetime) -> None:
    items = [{"pk": "C#1", "sk": "PKG#1", "type": "package", "n": 3, "tags": ["a"]}]
    (body,) = nightly._messages(items, now)
    parsed = DueItemsRecord.model_validate(record(json.dumps(body))).body
    assert parsed.items == items
    assert parsed.run_at == now.replace(microsecond=0)
    assert parsed.run_at.tzinfo is UTC
    assert body["run_at"] == now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- what does not parse -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        json.dumps({"items": []}),  # no run_at
        json.dumps({"run_at": "2026-05-01T09:00:00", "items": []}),  # no timezone
        json.dumps({"run_at": "2026-05-01T09:00:00Z", "items": "all"}),
    ],
)
def test_a_malformed_evaluator_message_is_refused(body: str) -> None:
    with pytest.raises(ValidationError):
        DueItemsRecord.model_validate(record(body))


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({"org_id": "org-1"}),
        json.dumps({"org_id": "", "intent_id": "int-1"}),
        json.dumps({"org_id": 7, "intent_id": "int-1"}),
    ],
)
def test_a_malformed_mailer_message_is_refused(body: str) -> None:
    with pytest.raises(ValidationError):
        EmailToSendRecord.model_validate(record(body))


def test_an_ses_event_is_read_wrapped_by_sns_or_raw() -> None:
    event = {"eventType": "Send", "mail": {"tags": {"org_id": ["org-1"]}}}
    wrapped = json.dumps({"Type": "Notification", "MessageId": "x", "Message": json.dumps(event)})
    assert SesEventRecord.model_validate(record(wrapped)).body.event == event
    assert SesEventRecord.model_validate(record(json.dumps(event))).body.event == event
    assert SesEvent.model_validate(event).event == event


@pytest.mark.parametrize("message", ["not json", "[1]", None])
def test_an_sns_envelope_without_an_event_is_refused_not_read_as_one(message: str | None) -> None:
    envelope: dict[str, Any] = {"Type": "Notification"}
    if message is not None:
        envelope["Message"] = message
    with pytest.raises(ValidationError):
        SesEventRecord.model_validate(record(json.dumps(envelope)))


# -- the evaluator's table --------------------------------------------------------------------


def test_every_kind_of_due_item_has_its_evaluator() -> None:
    assert set(evaluation.EVALUATORS) == set(DueType)
    assert evaluation.evaluator_for("package") is evaluators.evaluate_package_item
    assert evaluation.evaluator_for("email_intent") is mail.requeue


@pytest.mark.parametrize("item_type", ["", "client", "Package"])
def test_an_unknown_kind_is_an_error_the_message_is_retried_for(item_type: str) -> None:
    with pytest.raises(evaluation.UnknownDueItem, match=repr(item_type)):
        evaluation.evaluator_for(item_type)
