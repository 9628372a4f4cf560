"""The rule that decides what the mailer does with an intent whose send may have been
accepted by SES (momentum.notify.reconcile), checked against the conditional lease write's
own comparison (momentum.store.outbox.claim compares stored instant texts), and the SES
adapter's sorting of failures into refused / not sent / maybe sent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ParamValidationError,
    ReadTimeoutError,
)
from hypothesis import given
from hypothesis import strategies as st

from momentum.notify import reconcile, ses
from momentum.notify.intents import IntentStatus
from momentum.notify.reconcile import Step, next_step
from momentum.store.due import instant_text

BASE = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
instants = st.integers(min_value=-3 * 3600 * 10**6, max_value=3 * 3600 * 10**6).map(
    lambda us: BASE + timedelta(microseconds=us)
)
graces = st.integers(min_value=0, max_value=3600).map(lambda s: timedelta(seconds=s))
ORDER = {Step.BUSY: 0, Step.WAIT: 1, Step.SEND: 2}


def _stored(instant: datetime) -> datetime:
    """An instant as the outbox stores it (whole seconds) and reads it back."""
    return datetime.fromisoformat(instant_text(instant))


@given(status=st.sampled_from(sorted(reconcile.SETTLED)), lease=instants, now=instants)
def test_a_settled_intent_is_never_sent(status: str, lease: datetime, now: datetime) -> None:
    for event in (True, False):
        assert next_step(status, lease_until=lease, accepted_event=event, now=now) is Step.DONE


@given(status=st.sampled_from(["pending", "sending"]), lease=instants, now=instants)
def test_an_event_of_an_accepted_send_settles_instead_of_sending(
    status: str, lease: datetime, now: datetime
) -> None:
    assert next_step(status, lease_until=lease, accepted_event=True, now=now) is Step.SETTLE


@given(now=instants)
def test_a_pending_intent_is_sent(now: datetime) -> None:
    assert next_step("pending", lease_until=None, accepted_event=False, now=now) is Step.SEND


@given(lease=instants, now=instants, grace=graces)
def test_a_sending_intent_is_resent_exactly_when_the_lease_write_would_take_it(
    lease: datetime, now: datetime, grace: timedelta
) -> None:
    """The pure rule and the store's condition (`lease_until < :stale`, `:stale` the text
    of now - grace; a live lease is `lease_until >= now`) agree on every instant."""
    stored = _stored(lease)
    step = next_step(
        IntentStatus.SENDING, lease_until=stored, accepted_event=False, now=now, grace=grace
    )
    lease_text = instant_text(stored)
    assert (step is Step.SEND) == (lease_text < instant_text(now - grace))
    assert (step is Step.BUSY) == (lease_text >= instant_text(now))


@given(lease=instants, first=instants, later=st.integers(min_value=0, max_value=10**10))
def test_time_only_moves_a_sending_intent_from_busy_to_wait_to_send(
    lease: datetime, first: datetime, later: int
) -> None:
    steps = [
        next_step("sending", lease_until=_stored(lease), accepted_event=False, now=at)
        for at in (first, first + timedelta(microseconds=later))
    ]
    assert ORDER[steps[0]] <= ORDER[steps[1]]


@given(lease=instants, grace=graces)
def test_resend_at_is_the_first_second_of_resending(lease: datetime, grace: timedelta) -> None:
    stored = _stored(lease)
    at = reconcile.resend_at(stored, grace)

    def step(now: datetime) -> Step:
        return next_step("sending", lease_until=stored, accepted_event=False, now=now, grace=grace)

    assert step(at) is Step.SEND
    assert step(at - timedelta(microseconds=1)) is (Step.WAIT if grace else Step.BUSY)
    # The window an event has: the whole lease and grace period after the lease began.
    assert at - (stored - reconcile.LEASE) == reconcile.LEASE + grace + timedelta(seconds=1)


def test_the_grace_period_leaves_the_event_more_than_the_lease() -> None:
    assert timedelta(minutes=10) <= reconcile.GRACE
    assert timedelta(seconds=60) < reconcile.LEASE  # the mailer's Timeout


# -- the SES adapter: refused, not sent, or maybe sent ------------------------------------------


def _client_error(code: str, status: int) -> ClientError:
    response: Any = {
        "Error": {"Code": code, "Message": f"injected {code}"},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(response, "SendEmail")


URL = "https://email.eu-west-1.amazonaws.com/v2/email/outbound-emails"
OUTCOMES: list[tuple[str, BaseException, type[BaseException]]] = [
    ("refused", _client_error("MessageRejected", 400), ses.PermanentSendFailure),
    ("no config set", _client_error("NotFoundException", 404), ses.PermanentSendFailure),
    (
        "no config set (v1)",
        _client_error("ConfigurationSetDoesNotExistException", 400),
        ses.PermanentSendFailure,
    ),
    ("invalid request", ParamValidationError(report="bad"), ses.PermanentSendFailure),
    ("throttled", _client_error("TooManyRequestsException", 429), ClientError),
    ("paused", _client_error("SendingPausedException", 400), ClientError),
    ("5xx", _client_error("InternalFailure", 500), ses.UncertainSendOutcome),
    ("unavailable", _client_error("ServiceUnavailable", 503), ses.UncertainSendOutcome),
    ("read timeout", ReadTimeoutError(endpoint_url=URL), ses.UncertainSendOutcome),
    ("dropped", ConnectionClosedError(endpoint_url=URL), ses.UncertainSendOutcome),
    ("no connection", EndpointConnectionError(endpoint_url=URL), EndpointConnectionError),
    ("connect timeout", ConnectTimeoutError(endpoint_url=URL), ConnectTimeoutError),
]


class _Client:
    def __init__(self, error: BaseException) -> None:
        self.error = error
        self.calls: list[dict[str, Any]] = []

    def send_email(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        raise self.error


@pytest.mark.parametrize(("case", "error", "raised"), OUTCOMES, ids=[o[0] for o in OUTCOMES])
def test_the_adapter_tells_refused_from_not_sent_from_maybe_sent(
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    error: BaseException,
    raised: type[BaseException],
) -> None:
    fake = _Client(error)
    monkeypatch.setattr(ses, "client", lambda: fake)
    message = EmailMessage()
    message["Subject"] = "Hello"
    message.set_content("Hi")
    sender = ses.SesSender(sender="a@example.com", configuration_set="set")
    with pytest.raises(raised) as caught:
        sender.send(message, to="b@example.com", tags={"intent_id": "em-1"})
    # Refusals and maybe-sent are the adapter's own; a failure not sent is raised as it is.
    assert type(caught.value) is raised, case
    assert len(fake.calls) == 1
    assert fake.calls[0]["EmailTags"] == [{"Name": "intent_id", "Value": "em-1"}]
    assert fake.calls[0]["ConfigurationSetName"] == "set"
