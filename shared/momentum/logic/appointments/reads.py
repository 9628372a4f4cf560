"""Reading appointments: one, with the client's tracker banners, and lists by start time.
Also what every appointment use case shares: its moment, and the view a caller gets."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from momentum import clock, ids
from momentum.domain.access import Principal, Role
from momentum.domain.clients import ClientSummary
from momentum.domain.dates import today_in
from momentum.domain.errors import NotFound
from momentum.domain.trackers import shows_on_appointment, tracker_view
from momentum.logic.access import ensure_portal_client
from momentum.logic.appointments.access import ensure_may_see, listed_for
from momentum.logic.appointments.folds import When
from momentum.logic.organizations import organization_settings
from momentum.store import appointments as appointment_store
from momentum.store.appointments import AppointmentList, AppointmentRecord
from momentum.store.trackers import TrackerRecord


def timezone_of(org_id: str) -> str:
    return organization_settings(org_id).timezone


def when_of(org_id: str) -> When:
    """Now, and today in the organization's timezone."""
    now = clock.current().now()
    tz = timezone_of(org_id)
    return When(now, today_in(tz, now), tz)


def client_of(appointment_id: str) -> str:
    """The client an appointment belongs to (its id carries it)."""
    client_id = ids.owner_client(appointment_id, "apt")
    if client_id is None:
        raise NotFound("No such appointment.")
    return client_id


def shows_banners(record: AppointmentRecord, when: When) -> bool:
    """Tracker banners show on appointments dated today or earlier only."""
    return shows_on_appointment(record.facts(when.timezone).date, when.today)


def banners(
    trackers: Iterable[TrackerRecord],
    summary: ClientSummary,
    record: AppointmentRecord,
    when: When,
) -> list[dict[str, Any]]:
    """The client's tracker banners, counted from the client's `summary`, on an
    appointment dated today or earlier (none on a later one)."""
    if not shows_banners(record, when):
        return []
    shown = []
    for tracker in sorted(trackers, key=lambda t: t.created_at):
        view = tracker_view(tracker.tracker, summary, when.today)
        shown.append(
            {
                "tracker_id": tracker.id,
                "note": tracker.tracker.note,
                "color": tracker.tracker.color,
                "sessions": tracker.tracker.sessions,
                "used": view.used,
                "remaining": view.remaining,
                "begin_date": view.begin_date,
                "end_date": view.end_date,
                "ended": view.ended,
            }
        )
    return shown


def get_appointment(
    principal: Principal, appointment_id: str
) -> tuple[AppointmentRecord, list[dict[str, Any]]]:
    """The appointment and, when it is dated today or earlier, the client's tracker
    banners (never on future appointments). One BatchGetItem reads the appointment and
    its client; a Query of the client's trackers follows only when it has banners to
    show. Neither reads the client's other appointments."""
    client_id = client_of(appointment_id)
    ensure_portal_client(principal)
    found = appointment_store.with_client(principal.org_id, client_id, appointment_id)
    if found is None:
        raise NotFound("No such appointment.")
    client, record = found
    ensure_may_see(principal, client, record)
    if principal.role is Role.CLIENT:
        return record, []  # trackers are staff tools (SPEC §9): no banners in the portal
    when = when_of(principal.org_id)
    # The client's tracker count moves in the same transaction as every tracker create
    # and delete: none counted, none to read.
    if client.tracker_count == 0 or not shows_banners(record, when):
        return record, []
    trackers = appointment_store.client_trackers(principal.org_id, client_id)
    return record, banners(trackers.values(), client.client_summary(), record, when)


def list_appointments(
    principal: Principal,
    *,
    client_id: str | None,
    practitioner_id: str | None,
    start_from: datetime | None,
    start_to: datetime | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[AppointmentRecord], str | None]:
    """Appointments by start time: a client's, a practitioner's, or the organization's
    (administrators). Staff see their own; clients their own."""
    now = clock.current().now()
    client_id, practitioner_id = listed_for(principal, client_id, practitioner_id)
    which = AppointmentList(principal.org_id, client_id, practitioner_id, start_from, start_to)
    return appointment_store.list_page(which, limit=limit, cursor=cursor, now=now)


def appointment_view(
    record: AppointmentRecord, timezone: str, principal: Principal | None = None
) -> dict[str, Any]:
    """The appointment as the caller may see it: practice notes are not for clients."""
    hide_notes = principal is not None and principal.role is Role.CLIENT
    return {
        "id": record.id,
        "client_id": record.client_id,
        "practitioner_id": record.practitioner_id,
        "starts_at": record.starts_at,
        "ends_at": record.ends_at,
        "date": record.facts(timezone).date,
        "kind": record.kind.value,
        "status": record.status.value,
        "package_id": record.package_id,
        "engagement_id": record.engagement_id,
        "notes": "" if hide_notes else record.notes,
        "version": record.version,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
    }
