"""The digest step: an owner's off-track notices of a run date become emails — one to each
coachee and coach, and ONE digest per owner listing all theirs."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import suppress
from datetime import date, datetime
from typing import Any

from momentum.domain.effects import EngagementOffTrack
from momentum.domain.engagements import OffTrackDigest, OffTrackEmail, plan_off_track_emails
from momentum.domain.errors import ChangedMeanwhile
from momentum.domain.recipients import Person
from momentum.logic import recipients
from momentum.logic.evaluators import common
from momentum.notify.intents import EmailIntent, EmailKind, Recipient, intent_id
from momentum.store import notices, outbox, transactions
from momentum.store.transactions import MAX_OPS

WRITES_PER_TRANSACTION = MAX_OPS

type People = dict[str, tuple[Person, str]]


def send_off_track_notices(org_id: str, run_date: date, owners: set[str], run_at: datetime) -> None:
    """The digest step: every pending notice of these owners for this run date becomes
    emails — one to each coachee and coach, and ONE digest per owner listing all theirs."""
    for owner in sorted(owners):
        _send_owner_notices(org_id, run_date, owner, run_at)


def evaluate_notice_item(item: dict[str, Any], run_at: datetime) -> None:
    """A notice the digest step never handled (a crash): handle its owner's now."""
    record = notices.from_item(item)
    if record.done:
        return
    with suppress(ChangedMeanwhile):
        send_off_track_notices(record.org_id, record.run_date, {record.notice.owner_id}, run_at)


def _send_owner_notices(org_id: str, run_date: date, owner: str, run_at: datetime) -> None:
    """One owner's pending notices of a run date, however many: far more writes than one
    transaction takes (100), so each step is idempotent on its own and a retry after a crash
    anywhere finishes the job without sending anything twice:

    1. coachee and coach intents, deterministic ids, conditional puts (in chunks);
    2. the digest: the owner's digests of the day are numbered (#1, #2...; #2 only for a
       crossing found after #1 was written, e.g. a later run the same day), each a
       conditional put listing the notices no earlier one lists; so every notice is in
       exactly one digest, and a retry finds its digest already written;
    3. every intent handed to the mailer (it sends each at most once);
    4. the notices marked done (in chunks), which takes them out of the due index."""
    pending = notices.pending(org_id, run_date, owner)
    if not pending:
        return
    found = [record.notice for record in pending]
    people = _people(org_id, found)
    plan = plan_off_track_emails(found, {k: v[0] for k, v in people.items()}, run_date)
    intents = [_email_intent(org_id, email, people) for email in plan.emails]
    step = WRITES_PER_TRANSACTION
    for chunk in range(0, len(intents), step):
        common.commit_side_effects(common.intent_ops(intents[chunk : chunk + step], run_at))
    for digest in plan.digests:
        intents += _digest_intents(org_id, digest, people, run_at)
    done = [notices.done_op(record) for record in pending]
    # Handed over before the notices are done: a retry after a crash hands them over again
    # (harmless), where the other order would leave them to the next hourly sweep.
    common.hand_over(intents)
    for chunk in range(0, len(done), step):
        transactions.commit(done[chunk : chunk + step])


def _people(org_id: str, found: Sequence[EngagementOffTrack]) -> People:
    """Everyone the notices name: owners and coaches (users), and coachees (clients)."""
    people = recipients.user_people(
        org_id, {n.owner_id for n in found} | {n.coach_id for n in found if n.coach_id}
    )
    for notice in found:
        client = recipients.client_person(org_id, notice.coachee_id)
        if client is not None:
            people[notice.coachee_id] = client
    return people


def _name(people: People, person_id: str | None) -> str:
    return people.get(person_id or "", (None, ""))[1]


def _email_intent(org_id: str, email: OffTrackEmail, people: People) -> EmailIntent:
    person, name = people[email.recipient_id]
    n = email.notice
    return EmailIntent(
        org_id=org_id,
        intent_id=intent_id(email.key),
        kind=EmailKind.ENGAGEMENT_OFF_TRACK,
        recipient=Recipient(email.recipient_id, str(person.email), name),
        data={
            "audience": email.role.value,
            "engagement_id": n.engagement_id,
            "coachee_name": _name(people, n.coachee_id),
            "coach_name": _name(people, n.coach_id),
            "off_track_since": n.off_track_since.isoformat(),
        },
    )


def _digest_intent(
    org_id: str,
    digest: OffTrackDigest,
    digest_id: str,
    listing: Sequence[EngagementOffTrack],
    people: People,
) -> EmailIntent:
    person, name = people[digest.recipient_id]
    return EmailIntent(
        org_id=org_id,
        intent_id=digest_id,
        kind=EmailKind.ENGAGEMENT_DIGEST,
        recipient=Recipient(digest.recipient_id, str(person.email), name),
        data={
            "run_date": digest.run_date.isoformat(),
            "engagements": [
                {
                    "engagement_id": n.engagement_id,
                    "coachee_name": _name(people, n.coachee_id),
                    "coach_name": _name(people, n.coach_id),
                    "off_track_since": n.off_track_since.isoformat(),
                }
                for n in listing
            ],
        },
    )


def _digest_intents(
    org_id: str, digest: OffTrackDigest, people: People, run_at: datetime
) -> list[EmailIntent]:
    """The owner's digests of the day that list these notices: the ones already written
    (a retry), plus a new one for the notices none lists yet."""
    wanted = {n.engagement_id for n in digest.notices}
    found: list[EmailIntent] = []
    listed: set[str] = set()
    number = 1
    while True:
        digest_id = intent_id(digest.key, str(number))
        stored = outbox.get(org_id, digest_id)
        if stored is not None:
            engagements = {str(e["engagement_id"]) for e in stored[0].data.get("engagements", [])}
            listed |= engagements
            if engagements & wanted:
                found.append(stored[0])
            number += 1
            continue
        new = sorted(
            (n for n in digest.notices if n.engagement_id not in listed),
            key=lambda x: x.engagement_id,
        )
        if not new:
            return found
        intent = _digest_intent(org_id, digest, digest_id, new, people)
        if outbox.put_new(intent, run_at):
            return [*found, intent]
        # Another worker wrote this number meanwhile: read it on the next turn.
