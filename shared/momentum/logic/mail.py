"""Email use cases: queue intents, deliver one (the mailer), re-queue a stranded one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from momentum import adapters, signing
from momentum.config import get_settings
from momentum.notify.intents import EmailIntent, IntentStatus
from momentum.notify.ses import EmailSender, PermanentSendFailure
from momentum.observability import logger
from momentum.store import organizations, outbox, preferences

LEASE = timedelta(minutes=5)
UNSUBSCRIBE_VALIDITY = timedelta(days=60)
UNSUBSCRIBE_PURPOSE = "unsubscribe"


class Delivery(StrEnum):
    SENT = "sent"
    DUPLICATE = "duplicate"  # already sent or settled: a redelivered message sends nothing
    BUSY = "busy"  # another sender holds the lease
    OPTED_OUT = "opted_out"
    SUPPRESSED = "suppressed"
    REFUSED = "refused"  # SES refused it for good
    MISSING = "missing"


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
    deliveries, the final write settles it, a transient failure gives the lease back."""
    found = outbox.get(org_id, intent_id)
    if found is None:
        logger.warning("email intent not found", extra={"intent_id": intent_id})
        return Delivery.MISSING
    intent, item = found
    if item.get("status") in (IntentStatus.SENT, IntentStatus.SKIPPED):
        return Delivery.DUPLICATE
    if not outbox.claim(org_id, intent_id, now, LEASE):
        return Delivery.BUSY
    person = intent.recipient.person_id
    if intent.kind.value in preferences.kinds_off(org_id, person):
        outbox.finish(org_id, intent_id, now, status=IntentStatus.SKIPPED, reason="opted out")
        return Delivery.OPTED_OUT
    if preferences.is_suppressed(org_id, intent.recipient.email):
        outbox.finish(org_id, intent_id, now, status=IntentStatus.SKIPPED, reason="suppressed")
        return Delivery.SUPPRESSED
    # Rendering is only the mailer's job: its imports (Jinja2) stay out of the API's cold start.
    from momentum.notify.message import build_message
    from momentum.notify.render import render

    org = organizations.get(org_id)
    org_name = org.name if org and org.name else "Your practice"
    link = unsubscribe_url(org_id, person, intent.kind.value, now)
    rendered = render(intent, org_name=org_name, unsubscribe_url=link)
    message = build_message(
        rendered,
        sender=get_settings().sender_address,
        sender_name=org_name,
        to=intent.recipient.email,
        to_name=intent.recipient.name,
        unsubscribe_url=link,
    )
    try:
        message_id = (sender or adapters.email_sender()).send(
            message, to=intent.recipient.email, tags={"org_id": org_id, "kind": intent.kind.value}
        )
    except PermanentSendFailure as error:
        outbox.finish(org_id, intent_id, now, status=IntentStatus.SKIPPED, reason=str(error))
        return Delivery.REFUSED
    except Exception:
        outbox.release(org_id, intent_id)
        raise
    outbox.finish(org_id, intent_id, now, status=IntentStatus.SENT, message_id=message_id)
    return Delivery.SENT


def requeue(item: dict[str, Any], now: datetime) -> None:
    """Evaluator for pending intents found in the due index: hand them to the mailer again
    (the lease and the settled status make a duplicate hand-over harmless)."""
    if item.get("status") in (IntentStatus.PENDING, IntentStatus.SENDING):
        adapters.mail_queue().send([pointer(str(item["org_id"]), str(item["intent_id"]))])
