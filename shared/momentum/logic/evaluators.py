"""The nightly evaluator's work per kind of due item: bring it up to date for the run's day,
persist the new state and next check in one transaction with the side effects (tasks,
renewals, email intents, off-track notices), then hand new intents to the mailer.

Every side effect has a deterministic id, and every item write is conditional on the
version the evaluation started from: a redelivered message, a retry after a crash half
way, or two workers racing can never do anything twice."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from momentum import adapters, ids
from momentum.domain.clients import ClientStatus
from momentum.domain.dates import days_between, today_in
from momentum.domain.effects import (
    CreateTask,
    EngagementOffTrack,
    ReminderRecipient,
    RenewPackage,
    SendReminder,
)
from momentum.domain.engagements import (
    OffTrackDigest,
    evaluate_engagement,
    plan_off_track_emails,
)
from momentum.domain.on_track import OnTrackSettings, evaluate_package, status_on
from momentum.domain.packages import Lifecycle, Package
from momentum.domain.recipients import Person
from momentum.domain.trackers import evaluate_tracker
from momentum.logic.history import LIFECYCLE, PROGRESS
from momentum.logic.mail import pointer
from momentum.logic.organizations import organization_settings
from momentum.logic.tracking import due_fields
from momentum.notify.intents import EmailIntent, EmailKind, Recipient, intent_id
from momentum.observability import logger
from momentum.store import clients as client_store
from momentum.store import dynamo, outbox
from momentum.store import engagements as engagement_store
from momentum.store import package_templates as template_store
from momentum.store import packages as package_store
from momentum.store import trackers as tracker_store
from momentum.store.due import DueType, instant_text
from momentum.store.keys import client_pk, org_pk
from momentum.store.users import get_users

ATTEMPTS = 5


@dataclass
class Work:
    """What one evaluation writes: required item updates, and side effects that may already
    exist (a retry found them done) and are then left out."""

    required: list[dict[str, Any]] = field(default_factory=list)
    optional: list[dict[str, Any]] = field(default_factory=list)
    intents: list[EmailIntent] = field(default_factory=list)


def _commit(work: Work) -> None:
    """One transaction; side effects that exist already are dropped and the rest retried."""
    optional = list(work.optional)
    while True:
        try:
            dynamo.transact_write([*work.required, *optional])
            return
        except dynamo.ConditionFailed as failed:
            reasons = failed.reasons
            required_failed = any(
                r == "ConditionalCheckFailed" for r in reasons[: len(work.required)]
            )
            if required_failed or not reasons:
                raise
            done = {
                i
                for i, r in enumerate(reasons[len(work.required) :])
                if r == "ConditionalCheckFailed"
            }
            optional = [op for i, op in enumerate(optional) if i not in done]


def _intent_ops(intents: list[EmailIntent], now: datetime) -> list[dict[str, Any]]:
    return [
        dynamo.put_op(outbox.intent_item(i, now), condition="attribute_not_exists(pk)")
        for i in intents
    ]


def _hand_over(intents: list[EmailIntent]) -> None:
    """Queue the new intents; if this fails they are still pending in the due index and the
    next sweep sends them."""
    if not intents:
        return
    try:
        adapters.mail_queue().send([pointer(i.org_id, i.intent_id) for i in intents])
    except Exception:  # the sweep is the safety net
        logger.exception("could not hand intents to the mailer; the sweep will")


def _with_retries(item: dict[str, Any], evaluate: Callable[[dict[str, Any]], Work]) -> None:
    current = item
    for _ in range(ATTEMPTS):
        work = evaluate(current)
        try:
            _commit(work)
        except dynamo.ConditionFailed:
            # The item changed since the nightly read it (a booking): evaluate it afresh.
            fresh = dynamo.get_item(str(item["pk"]), str(item["sk"]))
            if fresh is None:
                return  # deleted meanwhile: nothing left to do
            current = fresh
            continue
        _hand_over(work.intents)
        return
    raise RuntimeError(f"item {item['pk']}/{item['sk']} kept changing during evaluation")


def _history(
    kind: str, org_id: str, item_id: str, field: str, was: str, now: str, today: date
) -> dict[str, Any]:
    """A transition the nightly saw; its id is fixed so a retried run records it once."""
    from momentum.logic.history import history_op

    return history_op(
        org_id, kind, item_id, was, now, today, "nightly", field=field, entry_id=f"{field}-{now}"
    )


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _today(org_id: str, run_at: datetime) -> tuple[date, str]:
    tz = organization_settings(org_id).timezone
    return today_in(tz, run_at), tz


def _client_person(org_id: str, client_id: str) -> tuple[Person, str] | None:
    client = client_store.get(org_id, client_id)
    if client is None:
        return None
    person = Person(
        id=client.id,
        email=client.email,
        active=client.status is ClientStatus.ACTIVE,
        invited=client.invited,
    )
    return person, client.name


def _user_people(org_id: str, user_ids: set[str]) -> dict[str, tuple[Person, str]]:
    users = get_users(org_id, {u for u in user_ids if u})
    return {
        uid: (Person(id=uid, email=u.email, active=u.active, invited=u.invited), u.name)
        for uid, u in users.items()
    }


def _may_email(person: Person | None) -> bool:
    # Opt-outs are checked by the mailer at send time (they may change before then).
    return person is not None and bool(person.email) and (person.active or person.invited)


# -- packages ---------------------------------------------------------------------------------


def evaluate_package_item(item: dict[str, Any], run_at: datetime) -> None:
    _with_retries(item, lambda current: _package_work(current, run_at))


def _package_work(item: dict[str, Any], run_at: datetime) -> Work:
    record = package_store.from_item(item)
    today, tz = _today(record.org_id, run_at)
    package, summary = record.package, record.package_summary()
    evaluation = evaluate_package(package, record.settings, summary, record.state, today)
    pk = client_pk(record.org_id, package.client_id)
    updated = replace(
        record,
        state=evaluation.state,
        status=status_on(package, record.settings, summary, today).value,
        state_version=record.state_version + 1,
        due=due_fields(pk, package_store.PREFIX + package.id, evaluation.next_check, tz),
    )
    work = Work(
        required=[
            package_store.write_op(
                updated,
                expected_version=record.version,
                expected_state_version=record.state_version,
            )
        ]
    )
    # History: writes record what appointments change (and keep `status` current), so the
    # nightly records what time alone changed: a status moving, a package expiring.
    if record.status != updated.status:
        work.optional.append(
            _history("package", record.org_id, package.id, PROGRESS, record.status,
                     updated.status, today)
        )  # fmt: skip
    expired = Lifecycle.EXPIRED
    if evaluation.state.lifecycle is expired and record.state.lifecycle is not expired:
        work.optional.append(
            _history("package", record.org_id, package.id, LIFECYCLE,
                     record.state.lifecycle.value, expired.value, today)
        )  # fmt: skip
    for effect in evaluation.effects:
        if isinstance(effect, SendReminder):
            work.intents += _reminder_intents(updated, effect, today)
        elif isinstance(effect, RenewPackage):
            renewal = _renewal(record, effect, run_at)
            if renewal is not None:
                work.optional.append(renewal)
    work.optional += _intent_ops(work.intents, run_at)
    return work


def _reminder_intents(
    record: package_store.PackageRecord, effect: SendReminder, today: date
) -> list[EmailIntent]:
    client = _client_person(record.org_id, effect.client_id)
    if client is None:
        return []
    client_person, client_name = client
    if effect.recipient is ReminderRecipient.CLIENT:
        person, name = client_person, client_name
    else:
        people = _user_people(record.org_id, {effect.recipient_id})
        if effect.recipient_id not in people:
            return []
        person, name = people[effect.recipient_id]
    if not _may_email(person):
        return []
    settings: OnTrackSettings | None = record.settings
    last_session = record.package_summary().last_session
    return [
        EmailIntent(
            org_id=record.org_id,
            intent_id=intent_id(effect.key, person.id),
            kind=EmailKind.ON_TRACK_REMINDER,
            recipient=Recipient(person_id=person.id, email=str(person.email), name=name),
            data={
                "audience": effect.recipient.value,
                "client_id": effect.client_id,  # the link to their record
                "client_name": client_name,
                "package_name": record.name,
                "status": record.state.status.value if record.state else "",
                "since": effect.episode_start.isoformat(),
                "window_days": settings.window_days if settings else None,
                "last_session": _iso(last_session),
                # Why it was sent: "21 days since the last session" (local days).
                "run_date": today.isoformat(),
                "days_since_last_session": (
                    None if last_session is None else days_between(last_session, today)
                ),
            },
        )
    ]


def _renewal(
    record: package_store.PackageRecord, effect: RenewPackage, run_at: datetime
) -> dict[str, Any] | None:
    """The one renewal: a new package from the template, with an id made from the renewal's
    key so that it can only ever be created once."""
    template = template_store.get(record.org_id, effect.template_id)
    if template is None:
        logger.warning("renewal skipped: template gone", extra={"package_id": record.id})
        return None
    renewed_id = ids.owned_id_from("pkg", record.client_id, effect.key)
    settings = template.get("on_track")
    now = instant_text(run_at)
    renewed = package_store.PackageRecord(
        org_id=record.org_id,
        package=Package(
            id=renewed_id,
            client_id=record.client_id,
            size=record.package.size,
            start_date=effect.start_date,
            end_date=effect.end_date,
            template_id=effect.template_id,
            auto_renew=True,
            assigned_team_member_id=record.package.assigned_team_member_id,
        ),
        name=str(template.get("name") or record.name),
        client_name=record.client_name,
        authorization=template.get("authorization"),
        preferred=record.preferred,
        template_settings=OnTrackSettings.from_dict(settings) if settings else None,
        renewed_from_id=record.id,
        version=1,
        state_version=1,
        created_at=now,
        updated_at=now,
    )
    from momentum.logic.tracking import refresh_package

    today, tz = _today(record.org_id, run_at)
    renewed = refresh_package(renewed, today, tz)
    return package_store.write_op(renewed, expected_version=0, expected_state_version=0)


# -- trackers ---------------------------------------------------------------------------------


def evaluate_tracker_item(item: dict[str, Any], run_at: datetime) -> None:
    _with_retries(item, lambda current: _tracker_work(current, run_at))


def _tracker_work(item: dict[str, Any], run_at: datetime) -> Work:
    record = tracker_store.from_item(item)
    today, tz = _today(record.org_id, run_at)
    if record.client_completed is not None:
        from momentum.domain.clients import ClientSummary
        from momentum.domain.tally import dates_from_dict

        summary = ClientSummary(
            record.client_id, completed=dates_from_dict(record.client_completed)
        )
    else:  # written before trackers carried their copy: read the client once
        client = client_store.get(record.org_id, record.client_id)
        if client is None:
            return Work()
        summary = client.client_summary()
    evaluation = evaluate_tracker(record.tracker, summary, record.state, today)
    t = record.tracker
    updated = replace(
        record,
        state=evaluation.state,
        state_version=record.state_version + 1,
        due=due_fields(
            client_pk(record.org_id, t.client_id),
            tracker_store.PREFIX + t.id,
            evaluation.next_check,
            tz,
        ),
    )
    created = instant_text(run_at)
    return Work(
        required=[
            tracker_store.write_op(
                updated,
                expected_version=record.version,
                expected_state_version=record.state_version,
            )
        ],
        optional=[
            tracker_store.task_put_op(record.org_id, effect, created_at=created)
            for effect in evaluation.effects
            if isinstance(effect, CreateTask)
        ],
    )


# -- engagements and their off-track notices ------------------------------------------------------

NOTICE_PREFIX = "NOTICE#"


def evaluate_engagement_item(item: dict[str, Any], run_at: datetime) -> None:
    _with_retries(item, lambda current: _engagement_work(current, run_at))


def _notice_item(
    org_id: str, notice: EngagementOffTrack, run_date: date, now: datetime
) -> dict[str, Any]:
    """A crossing waiting for its emails, written with the engagement's new state: if the
    emails are not planned right after (a crash), the sweep finds the notice and does it."""
    pk = org_pk(org_id)
    sk = f"{NOTICE_PREFIX}{run_date.isoformat()}#{notice.owner_id}#{notice.engagement_id}"
    return {
        "pk": pk,
        "sk": sk,
        "type": DueType.OFF_TRACK_NOTICE.value,
        "org_id": org_id,
        "run_date": run_date.isoformat(),
        "engagement_id": notice.engagement_id,
        "off_track_since": notice.off_track_since.isoformat(),
        "coachee_id": notice.coachee_id,
        "coach_id": notice.coach_id,
        "owner_id": notice.owner_id,
        **due_fields_now(pk, sk, now),
    }


def _due_day(item: dict[str, Any], tz: str) -> date | None:
    """The local day the item was due (its next check), when it is in the due index."""
    due_at = item.get("due_at")
    if not due_at:
        return None
    return datetime.fromisoformat(str(due_at)).astimezone(ZoneInfo(tz)).date()


def due_fields_now(pk: str, sk: str, now: datetime) -> dict[str, Any]:
    from momentum.store import due

    return due.due_fields(pk, sk, now)


def _engagement_work(item: dict[str, Any], run_at: datetime) -> Work:
    record = engagement_store.from_item(item)
    today, tz = _today(record.org_id, run_at)
    e = record.engagement
    evaluation = evaluate_engagement(e, record.engagement_summary(), record.state, today)
    updated = replace(
        record,
        state=evaluation.state,
        state_version=record.state_version + 1,
        due=due_fields(
            client_pk(record.org_id, e.coachee_id),
            engagement_store.PREFIX + e.id,
            evaluation.next_check,
            tz,
        ),
    )
    # What time alone changed (appointment writes record their own changes): progress the
    # day before the item was due against today's, with the same activity. Due day, not
    # yesterday: a run that missed the crossing night still records it, dated the crossing.
    from datetime import timedelta

    from momentum.domain.engagements import progress_on

    history = []
    summary = record.engagement_summary()
    checked = min(_due_day(item, tz) or today, today)
    was = progress_on(e, summary, checked - timedelta(days=1)).status.value
    progress = progress_on(e, summary, today)
    now = progress.status.value
    if was != now:
        on = progress.off_track_since or today
        history.append(_history("engagement", record.org_id, e.id, PROGRESS, was, now, on))
    return Work(
        required=[
            engagement_store.write_op(
                updated,
                expected_version=record.version,
                expected_state_version=record.state_version,
            )
        ],
        optional=history
        + [
            dynamo.put_op(
                _notice_item(record.org_id, effect, today, run_at),
                condition="attribute_not_exists(pk)",
            )
            for effect in evaluation.effects
            if isinstance(effect, EngagementOffTrack)
        ],
    )


WRITES_PER_TRANSACTION = dynamo.MAX_TRANSACTION_ITEMS


def send_off_track_notices(org_id: str, run_date: date, owners: set[str], run_at: datetime) -> None:
    """The digest step: every pending notice of these owners for this run date becomes
    emails — one to each coachee and coach, and ONE digest per owner listing all theirs."""
    for owner in sorted(owners):
        _send_owner_notices(org_id, run_date, owner, run_at)


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
    pk = org_pk(org_id)
    prefix = f"{NOTICE_PREFIX}{run_date.isoformat()}#{owner}#"
    pending = [
        i for i in dynamo.query_all(pk, sk_prefix=prefix, consistent=True) if not i.get("done")
    ]
    if not pending:
        return
    notices = [
        EngagementOffTrack(
            engagement_id=str(i["engagement_id"]),
            off_track_since=date.fromisoformat(str(i["off_track_since"])),
            coachee_id=str(i["coachee_id"]),
            coach_id=i.get("coach_id"),
            owner_id=str(i["owner_id"]),
        )
        for i in pending
    ]
    people: dict[str, tuple[Person, str]] = _user_people(
        org_id, {n.owner_id for n in notices} | {n.coach_id for n in notices if n.coach_id}
    )
    for notice in notices:
        client = _client_person(org_id, notice.coachee_id)
        if client is not None:
            people[notice.coachee_id] = client
    plan = plan_off_track_emails(notices, {k: v[0] for k, v in people.items()}, run_date)
    intents: list[EmailIntent] = []
    for email in plan.emails:
        person, name = people[email.recipient_id]
        n = email.notice
        intents.append(
            EmailIntent(
                org_id=org_id,
                intent_id=intent_id(email.key),
                kind=EmailKind.ENGAGEMENT_OFF_TRACK,
                recipient=Recipient(email.recipient_id, str(person.email), name),
                data={
                    "audience": email.role.value,
                    "engagement_id": n.engagement_id,
                    "coachee_name": people.get(n.coachee_id, (None, ""))[1],
                    "coach_name": people.get(n.coach_id or "", (None, ""))[1],
                    "off_track_since": n.off_track_since.isoformat(),
                },
            )
        )
    step = WRITES_PER_TRANSACTION
    for chunk in range(0, len(intents), step):
        _commit(Work(optional=_intent_ops(intents[chunk : chunk + step], run_at)))
    for digest in plan.digests:
        intents += _digest_intents(org_id, digest, people, run_at)
    done = [
        dynamo.update_op(
            pk,
            str(i["sk"]),
            update="SET done = :yes REMOVE due_shard, due_at",
            condition="attribute_exists(pk)",
            values={":yes": True},
        )
        for i in pending
    ]
    # Handed over before the notices are done: a retry after a crash hands them over again
    # (harmless), where the other order would leave them to the next hourly sweep.
    _hand_over(intents)
    for chunk in range(0, len(done), step):
        dynamo.transact_write(done[chunk : chunk + step])


def _digest_intents(
    org_id: str, digest: OffTrackDigest, people: dict[str, tuple[Person, str]], run_at: datetime
) -> list[EmailIntent]:
    """The owner's digests of the day that list these notices: the ones already written
    (a retry), plus a new one for the notices none lists yet."""
    person, name = people[digest.recipient_id]
    wanted = {n.engagement_id for n in digest.notices}
    found: list[EmailIntent] = []
    listed: set[str] = set()
    number = 1
    while True:
        digest_id = intent_id(digest.key, str(number))
        stored = outbox.get(org_id, digest_id)
        if stored is not None:
            ids = {str(e["engagement_id"]) for e in stored[0].data.get("engagements", [])}
            listed |= ids
            if ids & wanted:
                found.append(stored[0])
            number += 1
            continue
        new = sorted(
            (n for n in digest.notices if n.engagement_id not in listed),
            key=lambda x: x.engagement_id,
        )
        if not new:
            return found
        intent = EmailIntent(
            org_id=org_id,
            intent_id=digest_id,
            kind=EmailKind.ENGAGEMENT_DIGEST,
            recipient=Recipient(digest.recipient_id, str(person.email), name),
            data={
                "run_date": digest.run_date.isoformat(),
                "engagements": [
                    {
                        "engagement_id": n.engagement_id,
                        "coachee_name": people.get(n.coachee_id, (None, ""))[1],
                        "coach_name": people.get(n.coach_id or "", (None, ""))[1],
                        "off_track_since": n.off_track_since.isoformat(),
                    }
                    for n in new
                ],
            },
        )
        if outbox.put_new(intent, run_at):
            return [*found, intent]
        # Another worker wrote this number meanwhile: read it on the next turn.


def evaluate_notice_item(item: dict[str, Any], run_at: datetime) -> None:
    """A notice the digest step never handled (a crash): handle its owner's now."""
    if item.get("done"):
        return
    with contextlib.suppress(dynamo.ConditionFailed):
        send_off_track_notices(
            str(item["org_id"]),
            date.fromisoformat(str(item["run_date"])),
            {str(item["owner_id"])},
            run_at,
        )
