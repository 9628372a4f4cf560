"""Email use cases: queue intents, deliver one (the mailer), re-queue a stranded one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from email.errors import MessageError
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from momentum import adapters, signing
from momentum.config import get_settings
from momentum.domain.recipients import reachable
from momentum.logic import recipients
from momentum.messaging.messages import EmailToSend
from momentum.notify import reconcile
from momentum.notify.intents import EmailIntent, IntentStatus, Recipient
from momentum.notify.ses import EmailSender, PermanentSendFailure, UncertainSendOutcome
from momentum.observability import logger
from momentum.store import organizations, outbox, preferences

if TYPE_CHECKING:
    from email.message import EmailMessage

LEASE = reconcile.LEASE
UNSUBSCRIBE_VALIDITY = timedelta(days=60)
UNSUBSCRIBE_PURPOSE = "unsubscribe"


class Delivery(StrEnum):
    SENT = "sent"
    DUPLICATE = "duplicate"  # already sent or settled: a redelivered message sends nothing
    BUSY = "busy"  # another sender holds the lease
    OPTED_OUT = "opted_out"
    # A recipient named by id only, read at send time: gone, no address, or inactive and
    # never invited (SPEC §7). Settled unsent.
    UNREACHABLE = "unreachable"
    SUPPRESSED = "suppressed"
    FAILED = "failed"  # cannot be built, or SES refused it for good: settled, never retried
    MISSING = "missing"
    # SendEmail's answer was lost: SES may have sent it. Left `sending` for SES's event.
    UNCERTAIN = "uncertain"
    # Found `sending` past its lease, no SES event yet, within the grace period: not sent.
    AWAITING_EVENT = "awaiting_event"
    SENT_BY_EVENT = "sent_by_event"  # found `sending` with SES's event: marked sent from it
    RESENT = "resent"  # sent again: no SES event came within the lease and grace period


# A failure's reason is kept on the intent; SES messages can be long.
MAX_REASON = 500


def queue_intents(intents: Iterable[EmailIntent], now: datetime) -> int:
    """Store each new intent and hand it to the mailer. Idempotent: an intent already
    stored is neither stored nor queued again."""
    created = [i for i in intents if outbox.put_new(i, now)]
    if created:
        adapters.mail_queue().send([pointer(i.org_id, i.intent_id) for i in created])
    return len(created)


def pointer(org_id: str, intent_id: str) -> dict[str, Any]:
    """The mailer's message for one intent."""
    return EmailToSend(org_id=org_id, intent_id=intent_id).model_dump(mode="json")


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
    """Send one intent exactly once as far as SES allows: a lease guards concurrent
    deliveries, the final write settles it, a failure known not to have sent gives the
    lease back. After a send that may have been accepted (a lost answer, a crash, a failed
    final write) the intent stays `sending`, and SES's event for it decides
    (momentum.notify.reconcile): marked sent from the event, or re-sent only when none
    came within the lease and the grace period.

    What fails the same way on every attempt — an intent that cannot be read or built (an
    address SES cannot take, stored before the API checked it), or a permanent SES refusal
    — settles the intent as `failed` with its reason, so it is never retried.

    Reads besides the intent (its claim): the recipient's preferences and suppression (an
    item each only when they exist) and, for a recipient named by id only (reminders), their
    record: at most one item per email for someone who never changed a preference."""
    item = outbox.read(org_id, intent_id)
    if item is None:
        logger.warning("email intent not found", extra={"intent_id": intent_id})
        return Delivery.MISSING
    settled = _without_sending(org_id, intent_id, item, now)
    if settled is not None:
        return settled
    if not outbox.claim(org_id, intent_id, now, LEASE, grace=reconcile.GRACE):
        return Delivery.BUSY
    resend = item.get("status") == IntentStatus.SENDING
    if resend:
        logger.warning(
            "no SES event for an earlier send within the grace period: sending again",
            extra={"org_id": org_id, "intent_id": intent_id, "lease_until": item["lease_until"]},
        )
    try:
        intent = outbox.from_item(item)
    except (KeyError, TypeError, ValueError) as error:
        return _fail(org_id, intent_id, now, f"unreadable intent: {error!r}")
    try:
        addressed = _checked(org_id, intent_id, intent, now)
    except Exception:
        _release(org_id, intent_id)  # nothing was sent: a retry may take it at once
        raise
    if isinstance(addressed, Delivery):
        return addressed
    delivery = _send(org_id, intent_id, addressed, now, sender)
    return Delivery.RESENT if delivery is Delivery.SENT and resend else delivery


def _checked(
    org_id: str, intent_id: str, intent: EmailIntent, now: datetime
) -> EmailIntent | Delivery:
    """The claimed intent with its recipient's address, to be sent; or, settled unsent, why
    not: the recipient turned its kind off, may not be emailed (read now for one named by id
    only) or their address is suppressed. What must be fresh is read here, at send time:
    their preferences, their suppression, and a recipient named by id only."""
    person = intent.recipient.person_id
    if intent.kind.value in preferences.kinds_off(org_id, person):
        outbox.finish(org_id, intent_id, now, status=IntentStatus.SKIPPED, reason="opted out")
        return Delivery.OPTED_OUT
    addressed = _addressed(org_id, intent)
    if isinstance(addressed, str):
        outbox.finish(org_id, intent_id, now, status=IntentStatus.SKIPPED, reason=addressed)
        return Delivery.UNREACHABLE
    if preferences.is_suppressed(org_id, addressed.recipient.email):
        outbox.finish(
            org_id,
            intent_id,
            now,
            status=IntentStatus.SKIPPED,
            reason="suppressed",
            recipient=_read_now(addressed),
        )
        return Delivery.SUPPRESSED
    return addressed


def _addressed(org_id: str, intent: EmailIntent) -> EmailIntent | str:
    """The intent with its recipient's address: as stored, or for one named by id only
    (`Recipient.record`) read now from their record (one item), with their name; else why
    they may not be emailed (SPEC §7: an address, and active or invited)."""
    recipient = intent.recipient
    if recipient.record is None:
        return intent
    found = recipients.person(org_id, recipient.record, recipient.person_id)
    if found is None:
        return "recipient gone"
    person, name = found
    if not reachable(person):
        return "recipient has no address, or is inactive and not invited"
    return replace(
        intent,
        recipient=Recipient(person.id, str(person.email), name, record=recipient.record),
    )


def _read_now(intent: EmailIntent) -> Recipient | None:
    """The recipient to keep on the stored intent: one the mailer read at send time."""
    return intent.recipient if intent.recipient.record is not None else None


def _release(org_id: str, intent_id: str) -> None:
    """Give the lease back after a failure before anything was sent (best effort: else the
    lease runs out and the intent is taken again)."""
    try:
        outbox.release(org_id, intent_id)
    except Exception:
        logger.exception("could not release the intent", extra={"intent_id": intent_id})


def _send(
    org_id: str, intent_id: str, intent: EmailIntent, now: datetime, sender: EmailSender | None
) -> Delivery:
    """Build and send the claimed intent, and settle it by SES's answer."""
    person = intent.recipient.person_id
    # The organization's name and timezone, kept a minute per container (as every use case
    # reads them): not one read per email.
    org = organizations.settings(org_id)
    org_name = org.name or "Your practice"
    link = unsubscribe_url(org_id, person, intent.kind.value, now)
    read_now = _read_now(intent)
    try:
        message, to = _compose(intent, org_name, link, org.timezone)
    except BUILD_ERRORS as error:  # pure code: it would fail the same way on every retry
        return _fail(org_id, intent_id, now, f"cannot build the message: {error}", read_now)
    # SES's events carry these tags: whose address it was, and which intent was sent.
    tags = {"org_id": org_id, "kind": intent.kind.value, "intent_id": intent_id}
    try:
        message_id = (sender or adapters.email_sender()).send(message, to=to, tags=tags)
    except PermanentSendFailure as error:
        return _fail(org_id, intent_id, now, f"refused by SES: {error}", read_now)
    except UncertainSendOutcome as error:
        # Neither retried nor released: SES's Send event (or its absence) decides.
        logger.warning(
            "email send outcome unknown: waiting for SES's event",
            extra={"org_id": org_id, "intent_id": intent_id, "error": str(error)},
        )
        return Delivery.UNCERTAIN
    except Exception:
        outbox.release(org_id, intent_id)
        raise
    # False when SES's event settled it first: the same message, already recorded.
    outbox.settle_sent(org_id, intent_id, now, message_id=message_id, recipient=read_now)
    return Delivery.SENT


BUILD_ERRORS: tuple[type[Exception], ...] = (ValueError, TypeError, LookupError, MessageError)


def _without_sending(
    org_id: str, intent_id: str, item: dict[str, Any], now: datetime
) -> Delivery | None:
    """What to answer when the intent must not be sent now (settled, leased, or a send of
    it may have been accepted and SES's event decides); None when it is to be sent."""
    accepted = sorted(str(m) for m in item.get("ses_message_ids") or ())
    lease_until = item.get("lease_until")
    step = reconcile.next_step(
        str(item.get("status", "")),
        lease_until=datetime.fromisoformat(str(lease_until)) if lease_until else None,
        accepted_event=bool(accepted),
        now=now,
    )
    if step is reconcile.Step.SETTLE:
        outbox.settle_sent(org_id, intent_id, now, message_id=accepted[0])
        return Delivery.SENT_BY_EVENT
    answers = {
        reconcile.Step.DONE: Delivery.DUPLICATE,
        reconcile.Step.BUSY: Delivery.BUSY,
        reconcile.Step.WAIT: Delivery.AWAITING_EVENT,
    }
    return answers.get(step)


def _compose(
    intent: EmailIntent, org_name: str, link: str, timezone: str
) -> tuple[EmailMessage, str]:
    """The message and the address to send it to (pure: no I/O). Its links go to the web
    app (`app_base_url`), its dates are written in the organization's `timezone`."""
    # Rendering is only the mailer's job: its imports (Jinja2) stay out of the API's cold start.
    from jinja2 import TemplateError

    from momentum.notify.message import build_message, recipient_address
    from momentum.notify.render import render

    try:
        rendered = render(
            intent,
            org_name=org_name,
            unsubscribe_url=link,
            app_base_url=get_settings().app_base_url,
            timezone=timezone,
        )
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


def _fail(
    org_id: str, intent_id: str, now: datetime, reason: str, recipient: Recipient | None = None
) -> Delivery:
    reason = reason[:MAX_REASON]
    outbox.fail(org_id, intent_id, now, reason=reason, recipient=recipient)
    logger.warning(
        "email failed for good", extra={"org_id": org_id, "intent_id": intent_id, "reason": reason}
    )
    return Delivery.FAILED


def requeue(item: dict[str, Any], now: datetime) -> None:
    """Evaluator for pending intents found in the due index: hand them to the mailer again
    (the lease and the settled status make a duplicate hand-over harmless)."""
    if item.get("status") in (IntentStatus.PENDING, IntentStatus.SENDING):
        adapters.mail_queue().send([pointer(str(item["org_id"]), str(item["intent_id"]))])
