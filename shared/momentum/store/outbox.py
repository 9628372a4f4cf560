"""The email outbox: one item per email intent, `pk = ORG#<org>`, `sk = OUTBOX#<intent id>`.

An intent's id is deterministic, so writing it twice is a no-op. While pending it sits in
the due index: if the message to the mailer is ever lost, the next nightly sweep re-queues it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from momentum.notify.intents import (
    EmailIntent,
    EmailKind,
    IntentStatus,
    Recipient,
    RecipientRecord,
    SesEventType,
)
from momentum.store import due, dynamo
from momentum.store.keys import org_pk

ITEM_TYPE = "email_intent"
RETENTION = timedelta(days=90)


def intent_key(org_id: str, intent_id: str) -> tuple[str, str]:
    return org_pk(org_id), f"OUTBOX#{intent_id}"


def intent_item(intent: EmailIntent, now: datetime) -> dict[str, Any]:
    pk, sk = intent_key(intent.org_id, intent.intent_id)
    return {
        "pk": pk,
        "sk": sk,
        "type": ITEM_TYPE,
        "org_id": intent.org_id,
        "intent_id": intent.intent_id,
        "kind": intent.kind.value,
        "recipient": recipient_attribute(intent.recipient),
        "data": intent.data,
        "status": IntentStatus.PENDING.value,
        "created_at": due.instant_text(now),
        **due.due_fields(pk, sk, now),
    }


def recipient_attribute(recipient: Recipient) -> dict[str, Any]:
    """The stored recipient; `record` only for one named by id (read at send time)."""
    stored = {"person_id": recipient.person_id, "email": recipient.email, "name": recipient.name}
    if recipient.record is not None:
        stored["record"] = recipient.record.value
    return stored


def put_new(intent: EmailIntent, now: datetime) -> bool:
    """Write the intent unless it exists; True when this call created it."""
    try:
        dynamo.put_item(intent_item(intent, now), condition="attribute_not_exists(pk)")
    except dynamo.ConditionFailed:
        return False
    return True


def new_intent_op(intent: EmailIntent, now: datetime) -> dict[str, Any]:
    """The intent written in a transaction, unless it exists (its id is deterministic: an
    earlier attempt made it, and the transaction then leaves it out)."""
    return dynamo.put_op(intent_item(intent, now), condition="attribute_not_exists(pk)")


def get(org_id: str, intent_id: str) -> tuple[EmailIntent, dict[str, Any]] | None:
    item = read(org_id, intent_id)
    if item is None:
        return None
    return from_item(item), item


def read(org_id: str, intent_id: str) -> dict[str, Any] | None:
    """The stored item as it is (from_item may refuse it: data written by older code)."""
    pk, sk = intent_key(org_id, intent_id)
    return dynamo.get_item(pk, sk)


def from_item(item: dict[str, Any]) -> EmailIntent:
    recipient = item["recipient"]
    return EmailIntent(
        org_id=str(item["org_id"]),
        intent_id=str(item["intent_id"]),
        kind=EmailKind(item["kind"]),
        recipient=Recipient(
            person_id=str(recipient["person_id"]),
            email=str(recipient["email"]),
            name=str(recipient.get("name", "")),
            record=RecipientRecord(recipient["record"]) if recipient.get("record") else None,
        ),
        data=dict(item.get("data") or {}),
    )


def claim(
    org_id: str, intent_id: str, now: datetime, lease: timedelta, *, grace: timedelta
) -> bool:
    """Take the intent for sending: when it is pending, or still `sending` although its
    lease ended more than `grace` ago, and no SES event says a send of it was accepted
    (a send of the lost lease may have gone out: its event gets the grace to arrive)."""
    pk, sk = intent_key(org_id, intent_id)
    try:
        dynamo.update_item(
            pk,
            sk,
            update="SET #status = :sending, lease_until = :until ADD attempts :one",
            condition=(
                "attribute_not_exists(ses_message_ids) AND (#status = :pending OR "
                "(#status = :sending AND (attribute_not_exists(lease_until) "
                "OR lease_until < :stale)))"
            ),
            names={"#status": "status"},
            values={
                ":sending": IntentStatus.SENDING.value,
                ":pending": IntentStatus.PENDING.value,
                ":until": due.instant_text(now + lease),
                ":stale": due.instant_text(now - grace),
                ":one": 1,
            },
        )
    except dynamo.ConditionFailed:
        return False
    return True


def settle_sent(
    org_id: str,
    intent_id: str,
    now: datetime,
    *,
    message_id: str,
    recipient: Recipient | None = None,
) -> bool:
    """Mark the intent sent (by the mailer on SES's answer, or from SES's event) unless
    something settled it already; True when this call did. Leaves the due index.
    `recipient`: who it went to, as the mailer read them at send time (kept on the intent)."""
    pk, sk = intent_key(org_id, intent_id)
    values: dict[str, Any] = {
        ":sent": IntentStatus.SENT.value,
        ":pending": IntentStatus.PENDING.value,
        ":sending": IntentStatus.SENDING.value,
        ":now": due.instant_text(now),
        ":mid": message_id,
        ":reason": "",
        ":expires": int((now + RETENTION).timestamp()),
    }
    try:
        dynamo.update_item(
            pk,
            sk,
            update=(
                "SET #status = :sent, finished_at = :now, message_id = :mid, reason = :reason, "
                f"expires_at = :expires{_resolved(recipient, values)} "
                "REMOVE due_shard, due_at, lease_until"
            ),
            condition="#status IN (:pending, :sending)",
            names={"#status": "status"},
            values=values,
        )
    except dynamo.ConditionFailed:
        return False
    return True


def _resolved(recipient: Recipient | None, values: dict[str, Any]) -> str:
    """The update's `recipient` assignment (none when not given)."""
    if recipient is None:
        return ""
    values[":recipient"] = recipient_attribute(recipient)
    return ", recipient = :recipient"


def mark_duplicate(org_id: str, intent_id: str, now: datetime) -> bool:
    """Note that SES sent this intent more than once (`duplicate_at`); True the first time."""
    pk, sk = intent_key(org_id, intent_id)
    try:
        dynamo.update_item(
            pk,
            sk,
            update="SET duplicate_at = :now",
            condition="attribute_exists(pk) AND attribute_not_exists(duplicate_at)",
            values={":now": due.instant_text(now)},
        )
    except dynamo.ConditionFailed:
        return False
    return True


# SES event type → the attribute keeping when the first one of that type arrived.
EVENT_ATTRIBUTES: dict[str, str] = {
    SesEventType.SEND: "ses_send_at",
    SesEventType.DELIVERY: "ses_delivery_at",
    SesEventType.BOUNCE: "ses_bounce_at",
    SesEventType.COMPLAINT: "ses_complaint_at",
    SesEventType.DELIVERY_DELAY: "ses_delivery_delay_at",
    SesEventType.REJECT: "ses_reject_at",
}


def record_event(
    org_id: str, intent_id: str, event_type: str, now: datetime, *, message_id: str = ""
) -> dict[str, Any] | None:
    """Record an SES event of a send of this intent: when the first of its type arrived and,
    for an event that shows SES accepted a send (`message_id` given), the id of that SES
    message (`ses_message_ids`, a set: a redelivered event adds nothing). Returns the item
    as it is now; None when there is no such intent (expired, or another table's)."""
    pk, sk = intent_key(org_id, intent_id)
    update = "SET #at = if_not_exists(#at, :now)"
    values: dict[str, Any] = {":now": due.instant_text(now)}
    if message_id:
        update += " ADD ses_message_ids :mids"
        values[":mids"] = {message_id}
    try:
        return dynamo.update_item(
            pk,
            sk,
            update=update,
            condition="attribute_exists(pk)",
            names={"#at": EVENT_ATTRIBUTES[event_type]},
            values=values,
        )
    except dynamo.ConditionFailed:
        return None


def finish(
    org_id: str,
    intent_id: str,
    now: datetime,
    *,
    status: IntentStatus,
    message_id: str = "",
    reason: str = "",
    recipient: Recipient | None = None,
) -> None:
    """Record the outcome and leave the due index; the item expires after RETENTION.
    `recipient`: as the mailer read them at send time (kept on the intent)."""
    pk, sk = intent_key(org_id, intent_id)
    values: dict[str, Any] = {
        ":status": status.value,
        ":now": due.instant_text(now),
        ":mid": message_id,
        ":reason": reason,
        ":expires": int((now + RETENTION).timestamp()),
    }
    dynamo.update_item(
        pk,
        sk,
        update=(
            "SET #status = :status, finished_at = :now, message_id = :mid, reason = :reason, "
            f"expires_at = :expires{_resolved(recipient, values)} "
            "REMOVE due_shard, due_at, lease_until"
        ),
        names={"#status": "status"},
        values=values,
    )


def failed_pk(org_id: str) -> str:
    return f"{org_pk(org_id)}#EMAIL_FAILED"


def fail(
    org_id: str, intent_id: str, now: datetime, *, reason: str, recipient: Recipient | None = None
) -> None:
    """Settle the intent as failed for good: out of the due index (no sweep retries it) and
    into the sparse failure list of its organization (`gsi1`: `ORG#<org>#EMAIL_FAILED`,
    newest last by `<finished_at>#<intent>`), kept until the item expires. `recipient`: as
    the mailer read them at send time (kept on the intent)."""
    pk, sk = intent_key(org_id, intent_id)
    finished = due.instant_text(now)
    values: dict[str, Any] = {
        ":status": IntentStatus.FAILED.value,
        ":now": finished,
        ":mid": "",
        ":reason": reason,
        ":expires": int((now + RETENTION).timestamp()),
        ":fpk": failed_pk(org_id),
        ":fsk": f"{finished}#{intent_id}",
    }
    dynamo.update_item(
        pk,
        sk,
        update=(
            "SET #status = :status, finished_at = :now, message_id = :mid, reason = :reason, "
            f"expires_at = :expires, gsi1pk = :fpk, gsi1sk = :fsk{_resolved(recipient, values)} "
            "REMOVE due_shard, due_at, lease_until"
        ),
        names={"#status": "status"},
        values=values,
    )


def failures(
    org_id: str, *, limit: int = 100, start_key: dict[str, Any] | None = None
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One page of the organization's failed intents, most recent first."""
    return dynamo.query(
        failed_pk(org_id), index="gsi1", limit=limit, start_key=start_key, forward=False
    )


def release(org_id: str, intent_id: str) -> None:
    """Give the lease back after a transient failure so a retry can take it at once."""
    pk, sk = intent_key(org_id, intent_id)
    dynamo.update_item(
        pk,
        sk,
        update="SET #status = :pending REMOVE lease_until",
        condition="#status = :sending",
        names={"#status": "status"},
        values={":pending": IntentStatus.PENDING.value, ":sending": IntentStatus.SENDING.value},
    )
