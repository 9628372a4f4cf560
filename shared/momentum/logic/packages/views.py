"""What a caller sees of a client's packages: a package (its On track status only when
`sees_status`), its history, and the client's On track rows (SPEC §5)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from momentum.domain.access import Principal, Role, may_see_package_status
from momentum.domain.on_track import evaluate_package, status_on
from momentum.domain.packages import can_take_appointments, lifecycle_on, outstanding
from momentum.logic.access import load_client
from momentum.logic.history import LIFECYCLE, PROGRESS, entries_of, visible_entries
from momentum.logic.packages.client_packages import by_start
from momentum.logic.packages.records import now, today_for
from momentum.store import appointments as appointment_store
from momentum.store.clients import ClientRecord
from momentum.store.cursors import page_of
from momentum.store.packages import PackageRecord


def sees_status(principal: Principal, record: PackageRecord) -> bool:
    """Does the caller see this package's On track status? One rule for the status, the
    On track rows and the status history."""
    settings = record.settings
    return may_see_package_status(
        principal, client_visible=settings is not None and settings.client_visible
    )


def package_history(principal: Principal, record: PackageRecord) -> list[dict[str, Any]]:
    """The package's history as the caller sees the package: its lifecycle always, its
    On track status only when `sees_status`."""
    shown = {LIFECYCLE, PROGRESS} if sees_status(principal, record) else {LIFECYCLE}
    return visible_entries(entries_of(principal.org_id, "package", record.id), shown)


def package_view(principal: Principal, record: PackageRecord) -> dict[str, Any]:
    today, _ = today_for(principal.org_id)
    package, summary = record.package, record.package_summary()
    lifecycle = lifecycle_on(package, summary, today)
    status = status_on(package, record.settings, summary, today)
    shown = status if sees_status(principal, record) else None
    left = outstanding(package, summary, today)
    return {
        "id": record.id,
        "client_id": record.client_id,
        "name": record.name,
        "template_id": package.template_id,
        "type": package.size.kind.value,
        "size": package.size.amount,
        "unit": package.size.unit.value,
        "period": package.size.period.value if package.size.period else None,
        "start_date": package.start_date,
        "end_date": package.end_date,
        "auto_renew": package.auto_renew,
        "assigned_team_member_id": package.assigned_team_member_id,
        "authorization": record.authorization,
        "preferred": record.preferred,
        "lifecycle": lifecycle.value,
        "open": can_take_appointments(package, summary, today),
        "used_sessions": summary.used_sessions,
        "used_hours": round(summary.used_minutes / 60, 2),
        "outstanding": float(left) if isinstance(left, Decimal) else left,
        "status": shown.value if shown is not None else None,
        "last_session": summary.last_session,
        "on_track": record.settings.to_dict() if record.settings else None,
        "on_track_override": record.override_settings.to_dict()
        if record.override_settings
        else None,
        "renewed_from_id": record.renewed_from_id,
        "version": record.version,
    }


def client_on_track(
    principal: Principal, client_id: str, *, limit: int, cursor: str | None
) -> tuple[list[dict[str, Any]], str | None]:
    """The client's On track rows, one per package, with the predicted next change (the
    next check date and the status from then on, if nothing new happens). One page."""
    client = load_client(principal, client_id)
    state = appointment_store.load_state(principal.org_id, client.id)
    today, timezone = today_for(principal.org_id)
    at = now()
    page, next_cursor = page_of(
        sorted(state.packages.values(), key=by_start),
        by_start,
        limit=limit,
        cursor=cursor,
        org_id=principal.org_id,
        scope=f"on-track|{client.id}",
        now=at,
    )
    rows = [
        _on_track_row(principal, client, record, today=today, at=at, timezone=timezone)
        for record in page
    ]
    return rows, next_cursor


def _on_track_row(
    principal: Principal,
    client: ClientRecord,
    record: PackageRecord,
    *,
    today: date,
    at: datetime,
    timezone: str,
) -> dict[str, Any]:
    """The report's row (one shape everywhere), with what only this page adds."""
    from momentum.logic.reports import on_track_row

    package, summary = record.package, record.package_summary()
    row = on_track_row(record, client, today=today, now=at, timezone=timezone)
    if not sees_status(principal, record):
        row["status"] = None
    next_check = evaluate_package(package, record.settings, summary, record.state, today).next_check
    if next_check is not None and principal.role is not Role.CLIENT:
        row["next_change"] = {
            "date": next_check,
            "status": status_on(package, record.settings, summary, next_check).value,
            "lifecycle": lifecycle_on(package, summary, next_check).value,
        }
    return row
