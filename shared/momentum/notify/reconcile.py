"""What the mailer does with an intent it is handed (pure: the instant is passed in).

SES v2 SendEmail has no idempotency token: once a send may have been accepted (the answer
was lost, or the mailer died after it), only SES's own events say whether it was. Each send
carries the intent's id as a tag; the configuration set publishes its `Send` (and
`Delivery`, `Bounce`...) events, which are recorded on the intent. So an intent left
`sending` is re-sent only after its lease and then a grace period have passed with no
event for it; with an event, it is marked sent from the event."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from momentum.notify.intents import IntentStatus

# A mailer holds an intent this long; its function times out (60 s) well within it, so
# any send of a lease was made before the lease ends.
LEASE = timedelta(minutes=5)
# After the lease, how long SES's Send event has to arrive before the intent is re-sent.
# SES publishes it within seconds; a later event (SES, SNS or the events queue delayed
# beyond this) is the one case that can still send an email twice.
GRACE = timedelta(minutes=10)

SETTLED = frozenset({IntentStatus.SENT, IntentStatus.SKIPPED, IntentStatus.FAILED})


class Step(StrEnum):
    DONE = "done"  # settled already: nothing to send
    SETTLE = "settle"  # SES reported accepting a send for it: mark it sent from the event
    SEND = "send"  # lease it and send
    BUSY = "busy"  # another mailer holds a live lease
    WAIT = "wait"  # a send may have been accepted: wait for its event until lease + grace


def next_step(
    status: str,
    *,
    lease_until: datetime | None,
    accepted_event: bool,
    now: datetime,
    grace: timedelta = GRACE,
) -> Step:
    """The step for an intent in `status`, leased until `lease_until` (while `sending`),
    with or without an SES event saying a send of it was accepted.

    Instants compare at whole seconds, as they are stored: the conditional lease write
    (momentum.store.outbox.claim) decides exactly the same way."""
    if status in SETTLED:
        return Step.DONE
    if accepted_event:
        return Step.SETTLE
    if status != IntentStatus.SENDING or lease_until is None:
        return Step.SEND
    at = now.replace(microsecond=0)
    until = lease_until.replace(microsecond=0)
    if at <= until:
        return Step.BUSY
    if at <= until + grace:
        return Step.WAIT
    return Step.SEND


def resend_at(lease_until: datetime, grace: timedelta = GRACE) -> datetime:
    """The first whole second at which an intent still `sending` with no event is re-sent."""
    return lease_until.replace(microsecond=0) + grace + timedelta(seconds=1)
