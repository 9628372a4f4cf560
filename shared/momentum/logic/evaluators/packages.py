"""The nightly evaluation of a package: its On track state and status as of the run's day,
the reminders it owes (email intents) and its renewal, in one transaction."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from momentum import ids
from momentum.domain.dates import days_between
from momentum.domain.effects import ReminderRecipient, RenewPackage, SendReminder
from momentum.domain.on_track import OnTrackSettings, evaluate_package, status_on
from momentum.domain.packages import Lifecycle, Package
from momentum.logic.evaluators import common
from momentum.logic.evaluators.common import Work
from momentum.logic.history import LIFECYCLE, PROGRESS
from momentum.logic.tracking import check_at, refresh_package
from momentum.notify.intents import EmailIntent, EmailKind, Recipient, RecipientRecord, intent_id
from momentum.observability import logger
from momentum.store import package_templates as template_store
from momentum.store import packages as package_store
from momentum.store.due import instant_text
from momentum.store.packages import PackageRecord
from momentum.store.transactions import Op


def evaluate_package_item(item: dict[str, Any], run_at: datetime) -> None:
    common.evaluate_afresh(
        "package",
        package_store.from_item(item),
        lambda read: package_store.get(read.org_id, read.client_id, read.id),
        _package_work,
        run_at,
    )


def _package_work(record: PackageRecord, run_at: datetime) -> Work:
    today, tz = common.today(record.org_id, run_at)
    package, summary = record.package, record.package_summary()
    evaluation = evaluate_package(package, record.settings, summary, record.state, today)
    updated = package_store.scheduled(
        replace(
            record,
            state=evaluation.state,
            status=status_on(package, record.settings, summary, today).value,
            state_version=record.state_version + 1,
        ),
        check_at(evaluation.next_check, tz),
    )
    work = Work(
        required=common.state_change(package_store.write_op, record, updated),
        optional=_history(record, updated, today),
    )
    for effect in evaluation.effects:
        if isinstance(effect, SendReminder):
            work.intents += _reminder_intents(updated, effect, today)
        elif isinstance(effect, RenewPackage):
            work.optional += _renewal(record, effect, run_at)
    work.optional += common.intent_ops(work.intents, run_at)
    return work


def _history(record: PackageRecord, updated: PackageRecord, today: date) -> list[Op]:
    """Writes record what appointments change (and keep `status` current), so the nightly
    records what time alone changed: a status moving, a package expiring."""
    entries: list[Op] = []
    if record.status != updated.status:
        entries.append(
            common.history("package", record.org_id, record.id, PROGRESS, record.status,
                           updated.status, today)
        )  # fmt: skip
    expired = Lifecycle.EXPIRED
    if updated.state.lifecycle is expired and record.state.lifecycle is not expired:
        entries.append(
            common.history("package", record.org_id, record.id, LIFECYCLE,
                           record.state.lifecycle.value, expired.value, today)
        )  # fmt: skip
    return entries


def _reminder_intents(
    record: PackageRecord, effect: SendReminder, today: date
) -> list[EmailIntent]:
    """The reminder to one recipient, named by id only: the mailer reads their address, name
    and status when it sends it, and applies SPEC §7's rule and their opt-outs as they are
    then, so the evaluation reads nobody. The client's name is the package's copy."""
    to_client = effect.recipient is ReminderRecipient.CLIENT
    person_id = effect.client_id if to_client else effect.recipient_id
    if not person_id:
        return []
    settings: OnTrackSettings | None = record.settings
    last_session = record.package_summary().last_session
    return [
        EmailIntent(
            org_id=record.org_id,
            intent_id=intent_id(effect.key, person_id),
            kind=EmailKind.ON_TRACK_REMINDER,
            recipient=Recipient(
                person_id=person_id,
                email="",
                name="",
                record=RecipientRecord.CLIENT if to_client else RecipientRecord.USER,
            ),
            data={
                "audience": effect.recipient.value,
                "client_id": effect.client_id,  # the link to their record
                "client_name": record.client_name,
                "package_name": record.name,
                "status": record.state.status.value if record.state else "",
                "since": effect.episode_start.isoformat(),
                "window_days": settings.window_days if settings else None,
                "last_session": None if last_session is None else last_session.isoformat(),
                # Why it was sent: "21 days since the last session" (local days).
                "run_date": today.isoformat(),
                "days_since_last_session": (
                    None if last_session is None else days_between(last_session, today)
                ),
            },
        )
    ]


def _renewal(record: PackageRecord, effect: RenewPackage, run_at: datetime) -> list[Op]:
    """The one renewal: a new package from the template, with an id made from the renewal's
    key so that it can only ever be created once (none when the template is gone). The
    template is kept up to a minute per container: renewals of one night share one read."""
    template = template_store.current(record.org_id, effect.template_id)
    if template is None:
        logger.warning("renewal skipped: template gone", extra={"package_id": record.id})
        return []
    renewed_id = ids.owned_id_from("pkg", record.client_id, effect.key)
    settings = template.get("on_track")
    now = instant_text(run_at)
    renewed = PackageRecord(
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
    today, tz = common.today(record.org_id, run_at)
    renewed = refresh_package(renewed, today, tz)
    return [package_store.write_op(renewed, expected_version=0, expected_state_version=0)]
