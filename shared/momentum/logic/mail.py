"""Email use cases: queue intents, deliver one (the mailer), re-queue a stranded one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from email.errors import MessageError
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from momentum import adapters, signing
from momentum.config import get_settings
from momentum.notify.intents import EmailIntent, IntentStatus
from momentum.notify.ses import EmailSender, PermanentSendFailure
from momentum.observability import logger
from momentum.store import organizations, outbox, preferences

if TYPE_CHECKING:
    from email.message import EmailMessage

LEASE = timedelta(minutes=5)
UNSUBSCRIBE_VALIDITY = timedelta(days=60)
UNSUBSCRIBE_PURPOSE = "unsubscribe"


class Delivery(StrEnum):
    SENT = "sent"
    DUPLICATE = "duplicate"  # already sent or settled: a redelivered message sends nothing
    BUSY = "busy"  # another sender holds the lease
    OPTED_OUT = "opted_out"
    SUPPRESSED = "suppressed"
    FAILED = "failed"  # cannot be built, or SES refused it for good: settled, never retried
    MISSING = "missing"


# A failure's reason is kept on the intent; SES messages can be long.
MAX_REASON = 500


def queue_intents(intents: Iterable[EmailIntent], now: datetime) -> int:
    """Store each new intent and hand it to the mailer. Idempotent: an intent already
    stored is neither stored nor queued again."""
    created = [i for i in intents if outbox.put_new(i, now)]
    if created:
        adapters.mail_queue().send([pointer(i.org_id, i.intent_id) for i in created])
    return len(created)


def pointer(org_id: str, intent_id: str) -> dict[str, str]:
    return {"org_id": org_id, "intent_id": intent_id}


def unsubscribe_url(org_id: str, person_id: str, kind: str, now: datetime) -> str:
    token = signing.sign(
        {"org": org_id, "person": person_id, "kind": kind},
        secret=signing.signing_secret(),
        purpose=UNSUBSCRIBE_PURPOSE,
        expires_at=now + UNSUBSCRIBE_VALIDITY,
    )
    return f"{get_settings().public_base_url.rstrip('/')}/unsubscribe?token={token}"


def deliver(
    org_id: str, intent_id: str, now: datetime, sender: EmailSender | None = None
) -> Delivery:
    """Send one intent exactly once as far as we control: a lease guards concurrent
    deliveries, the final write settles it, a transient failure gives the lease back.

    What fails the same way on every attempt — an intent that cannot be read or built (an
    address SES cannot take, stored before the API checked it), or a permanent SES refusal
    — settles the intent as `failed` with its reason, so it is never retried."""
    item = outbox.read(org_id, intent_id)
    if item is None:
        logger.warning("email intent not found", extra={"intent_id": intent_id})
        return Delivery.MISSING
    if item.get("status") in (IntentStatus.SENT, IntentStatus.SKIPPED, IntentStatus.FAILED):
        return Delivery.DUPLICATE
    if not outbox.claim(org_id, intent_id, now, LEASE):
        return Delivery.BUSY
    try:
        intent = outbox.from_item(item)
    except (KeyError, TypeError, ValueError) as error:
        return _fail(org_id, intent_id, now, f"unreadable intent: {error!r}")
    person = intent.recipient.person_id
    if intent.kind.value in preferences.kinds_off(org_id, person):
        outbox.finish(org_id, intent_id, now, status=IntentStatus.SKIPPED, reason="opted out")
        return Delivery.OPTED_OUT
    if preferences.is_suppressed(org_id, intent.recipient.email):
        outbox.finish(org_id, intent_id, now, status=IntentStatus.SKIPPED, reason="suppressed")
        return Delivery.SUPPRESSED
    org = organizations.get(org_id)
    org_name = org.name if org and org.name else "Your practice"
    link = unsubscribe_url(org_id, person, intent.kind.value, now)
    try:
        message, to = _compose(intent, org_name, link)
    except BUILD_ERRORS as error:  # pure code: it would fail the same way on every retry
        return _fail(org_id, intent_id, now, f"cannot build the message: {error}")
    try:
        message_id = (sender or adapters.email_sender()).send(
            message, to=to, tags={"org_id": org_id, "kind": intent.kind.value}
        )
    except PermanentSendFailure as error:
        return _fail(org_id, intent_id, now, f"refused by SES: {error}")
    except Exception:
        outbox.release(org_id, intent_id)
        raise
    outbox.finish(org_id, intent_id, now, status=IntentStatus.SENT, message_id=message_id)
    return Delivery.SENT


BUILD_ERRORS: tuple[type[Exception], ...] = (ValueError, TypeError, LookupError, MessageError)


def _compose(intent: EmailIntent, org_name: str, link: str) -> tuple[EmailMessage, str]:
    """The message and the address to send it to (pure: no I/O)."""
    # Rendering is only the mailer's job: its imports (Jinja2) stay out of the API's cold start.
    from jinja2 import TemplateError

    from momentum.notify.message import build_message, recipient_address
    from momentum.notify.render import render

    try:
        rendered = render(intent, org_name=org_name, unsubscribe_url=link)
    except TemplateError as error:  # data the template cannot take (a missing field)
        raise ValueError(f"template: {error}") from error
    message = build_message(
        rendered,
        sender=get_settings().sender_address,
        sender_name=org_name,
        to=intent.recipient.email,
        to_name=intent.recipient.name,
        unsubscribe_url=link,
    )
    return message, recipient_address(intent.recipient.email).addr_spec


def _fail(org_id: str, intent_id: str, now: datetime, reason: str) -> Delivery:
    reason = reason[:MAX_REASON]
    outbox.fail(org_id, intent_id, now, reason=reason)
    logger.warning(
        "email failed for good", extra={"org_id": org_id, "intent_id": intent_id, "reason": reason}
    )
    return Delivery.FAILED


def requeue(item: dict[str, Any], now: datetime) -> None:
    """Evaluator for pending intents found in the due index: hand them to the mailer again
    (the lease and the settled status make a duplicate hand-over harmless)."""
    if item.get("status") in (IntentStatus.PENDING, IntentStatus.SENDING):
        adapters.mail_queue().send([pointer(str(item["org_id"]), str(item["intent_id"]))])
