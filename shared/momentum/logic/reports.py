"""Reports (SPEC §5 report row, §7 engagements report): read-only, served by the `reports`
function, whose role may only GetItem, BatchGetItem and Query.

Each report reads only its organization's own partitions: the On track report Queries
`gsi1 ORG#<org>#PKGS` (packages by client) and BatchGets the clients of each page; for a
staff member it reads only their assigned clients (`gsi2 ORG#<org>#STAFF#<user>#CLIENTS`)
and each one's packages, so what it reads follows their rows, not the organization; the
engagements report Queries `gsi1 ORG#<org>#ENGS`. Status and progress are computed from the
stored summaries and today, so a report read right after a change shows it.

The same visibility rules as the API apply to every row and export: a package row to
whoever may open the client record (admins of its location, staff assigned to it); an
engagement row to whoever may open the engagement (see logic.engagements), with the
On/Off track column as that caller may see it. Client tokens get 403.

Cursors here are positions (the last row's id, under a scope naming the report and its
filters), not signed keys: the reports function holds no secret. The start key is rebuilt
from the caller's organization and that id, so a cursor cannot leave the caller's own list
— a forged one can only skip ahead in it."""

from __future__ import annotations

import base64
import binascii
import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from momentum import clock, ids
from momentum.domain.access import Principal, Role, may_access_client
from momentum.domain.dates import local_date, today_in, zone
from momentum.domain.errors import BadRequest, FieldError, Forbidden, InvalidInput
from momentum.domain.on_track import report_row, status_on
from momentum.domain.packages import is_open
from momentum.logic import engagements as engagement_logic
from momentum.logic.access import ensure_admin_of
from momentum.logic.organizations import organization_settings
from momentum.store import clients as client_store
from momentum.store import dynamo
from momentum.store import packages as package_store
from momentum.store.clients import ClientRecord
from momentum.store.keys import client_pk
from momentum.store.packages import PackageRecord

READ_BUDGET = 5000  # items read at most to answer one page (sparse filters end it early)
EXPORT_LIMIT = 1000  # rows at most in one page (and one CSV export)
JSON_DEFAULT_LIMIT = 50
CSV_INJECTION_LEADS = ("=", "+", "-", "@", "\t", "\r")


def _ensure_may_read_reports(principal: Principal) -> None:
    if principal.role is Role.CLIENT:
        raise Forbidden("Reports are for the practice and the coaching team.")


# -- position cursors -------------------------------------------------------------------------


def encode_position(scope: str, position: Mapping[str, str] | None) -> str | None:
    if position is None:
        return None
    raw = json.dumps({"s": scope, "p": dict(position)}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(raw.encode()).rstrip(b"=").decode("ascii")


def decode_position(cursor: str | None, scope: str) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadRequest("The cursor is invalid; start again from the first page.") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("p"), dict):
        raise BadRequest("The cursor is invalid; start again from the first page.")
    if payload.get("s") != scope:
        raise BadRequest("The cursor belongs to another report or other filters.")
    position: dict[str, Any] = payload["p"]
    return position


# -- the On track report ------------------------------------------------------------------------


def _package_start_key(org_id: str, package_id: str) -> dict[str, Any]:
    client_id = ids.owner_client(package_id, "pkg")
    if client_id is None:
        raise BadRequest("The cursor is invalid; start again from the first page.")
    return {
        "pk": {"S": client_pk(org_id, client_id)},
        "sk": {"S": package_store.PREFIX + package_id},
        "gsi1pk": {"S": package_store.packages_list_pk(org_id)},
        "gsi1sk": {"S": f"{client_id}#{package_id}"},
    }


def _outstanding(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def on_track_row(
    record: PackageRecord, client: ClientRecord, *, today: date, now: datetime, timezone: str
) -> dict[str, Any]:
    """One row of the On track report (SPEC §5), as of now."""
    row = report_row(
        record.package,
        record.settings,
        record.package_summary(),
        client.client_summary(),
        today=today,
        now=now,
    )
    next_at = row.next_session_at
    return {
        "client_id": client.id,
        "client_name": client.name,
        "location_id": client.location_id,
        "package_id": record.id,
        "package_name": record.name,
        "assigned_team_member_id": record.package.assigned_team_member_id,
        "last_session": row.last_session,
        "days_since": row.days_since,
        "next_session": None if next_at is None else local_date(next_at, timezone),
        "next_session_at": next_at,
        "status": row.status.value,
        "outstanding": _outstanding(row.outstanding),
    }


def on_track_report(
    principal: Principal,
    *,
    status: str | None,
    assigned_team_member_id: str | None,
    location_id: str | None,
    limit: int,
    cursor: str | None,
    budget: int = READ_BUDGET,
) -> tuple[list[dict[str, Any]], str | None, date]:
    """Every open package the caller may see, by client: one row each, filtered by status,
    assigned team member and the client's location. Returns the page, the next cursor and
    the organization's today."""
    _ensure_may_read_reports(principal)
    if location_id is not None and principal.role is Role.LOCATION_ADMIN:
        ensure_admin_of(principal, location_id)
    scope = f"on-track|{status}|{assigned_team_member_id}|{location_id}"
    position = decode_position(cursor, scope)
    after = None if position is None else str(position.get("package_id", ""))
    org_id = principal.org_id
    now = clock.current().now()
    timezone = organization_settings(org_id).timezone
    today = today_in(timezone, now)
    if principal.role is Role.STAFF:
        staff_rows, next_position = _staff_on_track(
            principal,
            position,
            keep=lambda r: _candidate(r, today, status, assigned_team_member_id),
            location_id=location_id,
            limit=limit,
            budget=budget,
            now=now,
            timezone=timezone,
            today=today,
        )
        return staff_rows, encode_position(scope, next_position), today
    rows: list[dict[str, Any]] = []
    read = 0
    while True:
        start = None if after is None else _package_start_key(org_id, after)
        items, last = dynamo.query(
            package_store.packages_list_pk(org_id),
            index="gsi1",
            limit=min(max(limit - len(rows), 25), 200),
            start_key=start,
        )
        records = [package_store.from_item(i) for i in items]
        candidates = {
            r.id for r in records if _candidate(r, today, status, assigned_team_member_id)
        }
        clients = engagement_logic.clients_by_id(
            org_id, [r.client_id for r in records if r.id in candidates]
        )
        for index, record in enumerate(records):
            read += 1
            after = record.id
            client = clients.get(record.client_id)
            if (
                record.id in candidates
                and client is not None
                and _sees(principal, client)
                and (location_id is None or client.location_id == location_id)
            ):
                rows.append(on_track_row(record, client, today=today, now=now, timezone=timezone))
            if len(rows) >= limit or read >= budget:
                at_end = not last and index == len(records) - 1
                next_cursor = None if at_end else encode_position(scope, {"package_id": after})
                return rows, next_cursor, today
        if not last:
            return rows, None, today


Clients = Iterator[tuple[client_store.Assignment, list[PackageRecord], bool]]


def _assigned_clients(
    principal: Principal, position: Mapping[str, Any] | None, wanted: Callable[[], int]
) -> Clients:
    """The caller's assigned clients by name, each with its packages (one Query each), from
    the cursor's position on; the flag says whether it is the last client."""
    org_id, staff_id = principal.org_id, principal.user_id
    after: tuple[str, str] | None = None
    if position is not None:
        client_id, name_key, package_id = (
            position.get("client_id"),
            position.get("client"),
            position.get("package_id"),
        )
        if not (isinstance(client_id, str) and isinstance(name_key, str) and client_id):
            raise BadRequest("The cursor is invalid; start again from the first page.")
        if isinstance(package_id, str) and package_id:
            # The page ended inside this client: go on with its packages, if it is still
            # assigned to the caller (a forged cursor names no one else's client).
            resumed = client_store.assignment(org_id, client_id, staff_id)
            if resumed is not None:
                packages = package_store.report_list(org_id, client_id, after=package_id)
                yield resumed, packages, False
        after = (client_id, name_key)
    while True:
        page, more = client_store.assigned_page(
            org_id, staff_id, limit=min(max(wanted(), 5), 100), after=after
        )
        for index, assigned in enumerate(page):
            packages = package_store.report_list(org_id, assigned.client_id)
            yield assigned, packages, not more and index == len(page) - 1
            after = (assigned.client_id, assigned.name_key)
        if not more:
            return


def _staff_on_track(
    principal: Principal,
    position: Mapping[str, Any] | None,
    *,
    keep: Callable[[PackageRecord], bool],
    location_id: str | None,
    limit: int,
    budget: int,
    now: datetime,
    timezone: str,
    today: date,
) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
    """A staff member's rows: only their assigned clients' packages are read (their
    assignment items, then each client's packages), not the organization's. The client
    record itself is read only for a package with no next session of its own (the row
    then shows the client's next session): name and location come with the assignment,
    which exists exactly while the client is assigned to them (SPEC §1, §2)."""
    found: list[tuple[PackageRecord, client_store.Assignment]] = []
    read = 0
    next_position: dict[str, str] | None = None
    for assigned, packages, last in _assigned_clients(
        principal, position, lambda: limit - len(found)
    ):
        read += 1 + len(packages)
        place_ok = location_id is None or assigned.location_id == location_id
        for index, record in enumerate(packages):
            if place_ok and keep(record):
                found.append((record, assigned))
            if len(found) >= limit:
                if last and index == len(packages) - 1:
                    break
                more_here = index < len(packages) - 1
                next_position = {
                    "client_id": assigned.client_id,
                    "client": assigned.name_key,
                    "package_id": record.id if more_here else "",
                }
                break
        if len(found) >= limit:
            break
        if read >= budget and not last:
            next_position = {
                "client_id": assigned.client_id,
                "client": assigned.name_key,
                "package_id": "",
            }
            break
    needed = {a.client_id for r, a in found if r.package_summary().next_scheduled(now) is None}
    clients = engagement_logic.clients_by_id(principal.org_id, sorted(needed))
    rows = []
    for record, assigned in found:
        client = clients.get(assigned.client_id)
        if client is None:
            if assigned.client_id in needed:
                continue  # deleted since its assignment was read
            client = ClientRecord(
                principal.org_id,
                assigned.client_id,
                assigned.name,
                location_id=assigned.location_id,
            )
        elif not _sees(principal, client):
            continue
        rows.append(on_track_row(record, client, today=today, now=now, timezone=timezone))
    return rows, next_position


def _candidate(
    record: PackageRecord, today: date, status: str | None, assigned_team_member_id: str | None
) -> bool:
    """What can be decided from the package alone: open, status, team member."""
    package, summary = record.package, record.package_summary()
    if not is_open(package, summary, today):
        return False
    if (
        assigned_team_member_id is not None
        and package.assigned_team_member_id != assigned_team_member_id
    ):
        return False
    return status is None or status_on(package, record.settings, summary, today).value == status


def _sees(principal: Principal, client: ClientRecord) -> bool:
    return may_access_client(
        principal,
        client_id=client.id,
        location_id=client.location_id,
        assigned_staff=client.assigned_practitioner_ids,
    )


# -- the engagements report --------------------------------------------------------------------


def engagement_row(seen: engagement_logic.Seen) -> dict[str, Any]:
    view = engagement_logic.engagement_view(seen)
    return {
        "engagement_id": view["id"],
        **{
            name: view[name]
            for name in (
                "name",
                "type",
                "status",
                "coachee_id",
                "coachee_name",
                "coach_id",
                "owner_id",
                "location_id",
                "started_on",
                "progress",
                "off_track_since",
            )
        },
    }


def engagements_report(
    principal: Principal,
    *,
    progress: str | None,
    off_track_since_from: date | None,
    off_track_since_to: date | None,
    limit: int,
    cursor: str | None,
    budget: int = READ_BUDGET,
) -> tuple[list[dict[str, Any]], str | None, date]:
    """The engagements the caller may see, oldest first, filtered by the On/Off track
    column (as they see it) and by an inclusive `off_track_since` date range (a range
    keeps only engagements that are off track, since a day within it)."""
    _ensure_may_read_reports(principal)
    if (
        off_track_since_from is not None
        and off_track_since_to is not None
        and off_track_since_from > off_track_since_to
    ):
        raise InvalidInput(
            "The off_track_since range ends before it starts.",
            errors=[
                FieldError(
                    ("query", "off_track_since_to"), "must not be before off_track_since_from"
                )
            ],
        )
    scope = f"engagements|{progress}|{off_track_since_from}|{off_track_since_to}"
    position = decode_position(cursor, scope)
    after = None
    if position is not None:
        after = engagement_logic.position_of(position)
        if after is None:
            raise BadRequest("The cursor is invalid; start again from the first page.")
    today, _ = engagement_logic.today_for(principal.org_id)
    ranged = off_track_since_from is not None or off_track_since_to is not None

    def keep(seen: engagement_logic.Seen) -> bool:
        if progress is not None and seen.progress.status.value != progress:
            return False
        if not ranged:
            return True
        since = seen.progress.off_track_since
        if since is None:
            return False
        return (off_track_since_from is None or since >= off_track_since_from) and (
            off_track_since_to is None or since <= off_track_since_to
        )

    seen, last = engagement_logic.scan_visible(
        principal, today=today, keep=keep, limit=limit, after=after, budget=budget
    )
    next_cursor = (
        None if last is None else encode_position(scope, engagement_logic.position_dict(last))
    )
    return [engagement_row(s) for s in seen], next_cursor, today


# -- CSV ----------------------------------------------------------------------------------------


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
