"""An email intent: who gets which kind of email about what. Pure data, stored in the outbox."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class EmailKind(StrEnum):
    """Every kind of email a person can turn off on its own (one-click unsubscribe)."""

    WELCOME = "welcome"
    ON_TRACK_REMINDER = "on_track_reminder"
    TRACKER_TASK = "tracker_task"
    ENGAGEMENT_OFF_TRACK = "engagement_off_track"
    ENGAGEMENT_DIGEST = "engagement_digest"


class IntentStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    SKIPPED = "skipped"  # opted out, or a suppressed address
    FAILED = "failed"  # cannot be built, or refused by SES for good: never retried


class SesEventType(StrEnum):
    """SES's events about a send (its configuration set's `eventType`), as recorded on the
    intent the send was for."""

    SEND = "Send"
    DELIVERY = "Delivery"
    BOUNCE = "Bounce"
    COMPLAINT = "Complaint"
    DELIVERY_DELAY = "DeliveryDelay"
    REJECT = "Reject"  # accepted the call, refused the message (a virus)


class RecipientRecord(StrEnum):
    """Where the mailer reads a recipient named by id only (`Recipient.record`)."""

    CLIENT = "client"
    USER = "user"


@dataclass(frozen=True, slots=True)
class Recipient:
    person_id: str  # a user id or a client id
    email: str
    name: str
    # Set: the recipient is named by id only, and the mailer reads their address, name and
    # whether they may be emailed from this record at send time (the writer of the intent
    # then reads nobody); `email` and `name` are empty until then.
    record: RecipientRecord | None = None


@dataclass(frozen=True, slots=True)
class EmailIntent:
    org_id: str
    intent_id: str
    kind: EmailKind
    recipient: Recipient
    # Template variables: plain JSON values, escaped when rendered as HTML.
    data: dict[str, Any] = field(default_factory=dict)


def intent_id(*parts: str) -> str:
    """A deterministic id from what makes an email unique (item, episode, kind, recipient),
    so that a retried evaluation can never create a second intent."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"em-{digest}"
