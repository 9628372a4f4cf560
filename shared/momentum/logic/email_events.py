"""SES events of our sends: record them on the email intent they name (so a send whose
outcome was unknown is settled from them), and stop further email to an address that
bounced for good or complained."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from momentum.notify.intents import IntentStatus, SesEventType
from momentum.observability import logger
from momentum.store import outbox, preferences

# Events that show SES accepted a send of the intent (it attempted delivery).
ACCEPTED = frozenset(
    {
        SesEventType.SEND,
        SesEventType.DELIVERY,
        SesEventType.BOUNCE,
        SesEventType.COMPLAINT,
        SesEventType.DELIVERY_DELAY,
    }
)
# SES accepted the call but refused the message (a virus): it will never be delivered.
REJECTED = SesEventType.REJECT
# A bounce that will recur on every send: its addresses are suppressed.
PERMANENT_BOUNCE = "Permanent"
MAX_REASON = 500


class IntentOutcome(StrEnum):
    NONE = "none"  # the event names no intent (or one that no longer exists)
    RECORDED = "recorded"  # recorded; the intent was settled already
    SETTLED = "settled"  # the intent was still pending/sending: marked sent from the event
    FAILED = "failed"  # a Reject: the intent is failed with its reason
    DUPLICATE = "duplicate"  # first sign of a second SES message for one intent


@dataclass(frozen=True, slots=True)
class Recorded:
    suppressed: list[str] = field(default_factory=list)
    intent: IntentOutcome = IntentOutcome.NONE


def record_email_event(event: dict[str, Any], now: datetime) -> list[str]:
    """Record the event (see `record`); the addresses it suppressed."""
    return record(event, now).suppressed


def record(event: dict[str, Any], now: datetime) -> Recorded:
    """Record the event on the intent its `intent_id` tag names, and suppress the addresses
    a permanent bounce or a complaint names, in the organization the message was sent for
    (its `org_id` tag)."""
    event_type = str(event.get("eventType") or event.get("notificationType") or "")
    mail = event.get("mail") or {}
    tags = mail.get("tags") or {}
    org_id = _tag(tags, "org_id")
    if org_id is None:
        logger.warning("email event without an org_id tag", extra={"event_type": event_type})
        return Recorded()
    suppressed = _suppress(org_id, event_type, event, now)
    intent_id = _tag(tags, "intent_id")
    outcome = IntentOutcome.NONE
    if intent_id is not None and event_type in outbox.EVENT_ATTRIBUTES:
        message_id = str(mail.get("messageId") or "")
        outcome = _record_on_intent(org_id, intent_id, event_type, message_id, now)
    return Recorded(suppressed=suppressed, intent=outcome)


def _tag(tags: dict[str, Any], name: str) -> str | None:
    """The first value of one of the message's tags (None: the message has no such tag)."""
    values = tags.get(name) or []
    return str(values[0]) if values else None


def _record_on_intent(
    org_id: str, intent_id: str, event_type: str, message_id: str, now: datetime
) -> IntentOutcome:
    accepted = event_type in ACCEPTED
    item = outbox.record_event(
        org_id, intent_id, event_type, now, message_id=message_id if accepted else ""
    )
    if item is None:
        return IntentOutcome.NONE
    context = {"org_id": org_id, "intent_id": intent_id, "message_id": message_id}
    if event_type == REJECTED:
        return _on_reject(org_id, intent_id, item.get("status"), now, context)
    if not accepted:
        return IntentOutcome.RECORDED
    return _on_accepted(org_id, intent_id, item, now, context)


def _on_reject(
    org_id: str, intent_id: str, status: object, now: datetime, context: dict[str, str]
) -> IntentOutcome:
    """A Reject fails an intent not settled otherwise yet: SES will never deliver it."""
    if status in (IntentStatus.PENDING, IntentStatus.SENDING, IntentStatus.SENT):
        reason = f"refused by SES: Reject event for message {context['message_id']}"
        reason = reason[:MAX_REASON]
        outbox.fail(org_id, intent_id, now, reason=reason)
        logger.warning("email failed for good", extra={**context, "reason": reason})
        return IntentOutcome.FAILED
    return IntentOutcome.RECORDED


def _on_accepted(
    org_id: str, intent_id: str, item: dict[str, Any], now: datetime, context: dict[str, str]
) -> IntentOutcome:
    """An event showing SES accepted a send: it settles an intent still open, and a second
    SES message for one intent is counted once."""
    message_id = context["message_id"]
    # Still open: the mailer's answer from SES was lost, or it stopped before recording it.
    still_open = item.get("status") in (IntentStatus.PENDING, IntentStatus.SENDING)
    if still_open and outbox.settle_sent(org_id, intent_id, now, message_id=message_id):
        logger.info("email intent marked sent from SES's event", extra=context)
        return IntentOutcome.SETTLED
    # SES messages known for the intent: the events' and the one the mailer recorded.
    messages = {str(m) for m in item.get("ses_message_ids") or ()}
    messages |= {str(item["message_id"])} if item.get("message_id") else set()
    # The remaining window: a send's event came after the lease and grace period, when
    # the intent had been sent again. Counted once per intent.
    if len(messages) > 1 and outbox.mark_duplicate(org_id, intent_id, now):
        logger.warning(
            "email sent more than once", extra={**context, "message_ids": sorted(messages)}
        )
        return IntentOutcome.DUPLICATE
    return IntentOutcome.RECORDED


def _suppress(org_id: str, event_type: str, event: dict[str, Any], now: datetime) -> list[str]:
    addresses: list[str] = []
    if event_type == SesEventType.BOUNCE:
        bounce = event.get("bounce") or {}
        if bounce.get("bounceType") != PERMANENT_BOUNCE:
            return []  # a transient bounce may deliver next time
        addresses = [str(r["emailAddress"]) for r in bounce.get("bouncedRecipients", [])]
    elif event_type == SesEventType.COMPLAINT:
        complaint = event.get("complaint") or {}
        addresses = [str(r["emailAddress"]) for r in complaint.get("complainedRecipients", [])]
    for address in addresses:
        preferences.suppress(org_id, address, event_type.lower(), now)
    return addresses
