"""Both reports as the CSV files people open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from momentum.domain.access import Principal
from momentum.domain.dates import zone
from momentum.logic.organizations import organization_settings

CSV_INJECTION_LEADS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        # A cell a spreadsheet would run as a formula is exported as text.
        return "'" + value if value.startswith(CSV_INJECTION_LEADS) else value
    return str(value)


# The exports are for the people who open them in a spreadsheet: a heading per column,
# names beside ids, statuses as the pages say them, dates and local times a spreadsheet
# reads as such, and a byte order mark so that Excel reads the file as UTF-8.
BOM = "\ufeff"
WORDS = {
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "not_tracking": "Not tracking",
    "one_to_one": "One-to-one",
    "on_demand": "On demand",
    "coach_matching": "Coach matching",
}
Cell = Callable[[Mapping[str, Any]], Any]


def _word(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return WORDS.get(value, value.replace("_", " ").capitalize())


def _local_time(value: Any, timezone: str) -> str | None:
    """A JSON timestamp as the organization's local date and time (`2026-05-12 09:00`)."""
    if not value:
        return None
    instant = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return instant.astimezone(zone(timezone)).strftime("%Y-%m-%d %H:%M")


def _people_and_places(
    principal: Principal, rows: Sequence[Mapping[str, Any]], person_fields: Sequence[str]
) -> tuple[dict[str, str], dict[str, str], str]:
    """The names of the users the rows name, of the organization's locations, and its
    timezone: one read of the users (batched), the organization from its cache."""
    from momentum.store import users as user_store

    wanted = {str(row[f]) for row in rows for f in person_fields if row.get(f)}
    users = user_store.get_users(principal.org_id, sorted(wanted))
    org = organization_settings(principal.org_id)
    return (
        {user_id: record.name for user_id, record in users.items()},
        {location.id: location.name for location in org.locations},
        org.timezone,
    )


def _export(columns: Sequence[tuple[str, Cell]], rows: Iterable[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([heading for heading, _ in columns])
    for row in rows:
        writer.writerow([_cell(value(row)) for _, value in columns])
    return BOM + buffer.getvalue()


def on_track_csv(principal: Principal, rows: Sequence[Mapping[str, Any]]) -> str:
    """The On track report's rows (their JSON form) as the CSV file people open."""
    names, places, timezone = _people_and_places(principal, rows, ["assigned_team_member_id"])
    columns: list[tuple[str, Cell]] = [
        ("Client", lambda r: r["client_name"]),
        ("Client ID", lambda r: r["client_id"]),
        ("Location", lambda r: places.get(r.get("location_id") or "")),
        ("Location ID", lambda r: r.get("location_id")),
        ("Package", lambda r: r["package_name"]),
        ("Package ID", lambda r: r["package_id"]),
        ("Team member", lambda r: names.get(r.get("assigned_team_member_id") or "")),
        ("Team member ID", lambda r: r.get("assigned_team_member_id")),
        ("Last session", lambda r: r.get("last_session")),
        ("Days since", lambda r: r.get("days_since")),
        ("Next session", lambda r: _local_time(r.get("next_session_at"), timezone)),
        ("Status", lambda r: _word(r.get("status"))),
        ("Outstanding", lambda r: r.get("outstanding")),
    ]
    return _export(columns, rows)


def engagements_csv(principal: Principal, rows: Sequence[Mapping[str, Any]]) -> str:
    """The engagements report's rows (their JSON form) as the CSV file people open."""
    names, places, _ = _people_and_places(principal, rows, ["coach_id", "owner_id"])
    columns: list[tuple[str, Cell]] = [
        ("Engagement", lambda r: r["name"]),
        ("Engagement ID", lambda r: r["engagement_id"]),
        ("Type", lambda r: _word(r["type"])),
        ("Status", lambda r: _word(r["status"])),
        ("Coachee", lambda r: r.get("coachee_name")),
        ("Coachee ID", lambda r: r["coachee_id"]),
        ("Coach", lambda r: names.get(r.get("coach_id") or "")),
        ("Coach ID", lambda r: r.get("coach_id")),
        ("Owner", lambda r: names.get(r.get("owner_id") or "")),
        ("Owner ID", lambda r: r.get("owner_id")),
        ("Location", lambda r: places.get(r.get("location_id") or "")),
        ("Location ID", lambda r: r.get("location_id")),
        ("Started on", lambda r: r.get("started_on")),
        ("Progress", lambda r: _word(r.get("progress"))),
        ("Off track since", lambda r: r.get("off_track_since")),
    ]
    return _export(columns, rows)


def csv_filename(report: str, today: date) -> str:
    return f"{report}-{today.isoformat()}.csv"
