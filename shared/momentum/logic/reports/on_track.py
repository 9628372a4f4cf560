"""The On track report (SPEC §5): every open package the caller may see, by client. An
administrator's rows come from the organization's package list, a page at a time, with
the clients of each page in one BatchGetItem; a staff member's from their own clients
(logic.reports.staff_rows)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from momentum import clock, ids
from momentum.domain.access import Principal, Role
from momentum.domain.dates import today_in
from momentum.domain.errors import BadRequest
from momentum.logic.access import ensure_admin_of
from momentum.logic.organizations import organization_settings
from momentum.logic.reports.common import (
    INVALID_CURSOR,
    READ_BUDGET,
    decode_position,
    encode_position,
    ensure_may_read_reports,
)
from momentum.logic.reports.on_track_rows import Ask
from momentum.logic.reports.staff_rows import staff_on_track
from momentum.store import clients as client_store
from momentum.store import packages as package_store
from momentum.store.clients import ClientRecord
from momentum.store.packages import PackageRecord


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
    ensure_may_read_reports(principal)
    if location_id is not None and principal.role is Role.LOCATION_ADMIN:
        ensure_admin_of(principal, location_id)
    scope = f"on-track|{status}|{assigned_team_member_id}|{location_id}"
    position = decode_position(cursor, scope)
    now = clock.current().now()
    timezone = organization_settings(principal.org_id).timezone
    ask = Ask(
        principal,
        status=status,
        assigned_team_member_id=assigned_team_member_id,
        location_id=location_id,
        limit=limit,
        budget=budget,
        now=now,
        today=today_in(timezone, now),
        timezone=timezone,
    )
    if principal.role is Role.STAFF:
        rows, next_position = staff_on_track(ask, position)
    else:
        rows, next_position = _organization_rows(ask, position)
    return rows, encode_position(scope, next_position), ask.today


def _organization_rows(
    ask: Ask, position: Mapping[str, Any] | None
) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
    """The rows from the organization's packages, by client, after the cursor's package;
    and the position of the next page (None: this is the last)."""
    org_id = ask.principal.org_id
    after = None if position is None else str(position.get("package_id", ""))
    rows: list[dict[str, Any]] = []
    read = 0
    while True:
        records, more = package_store.report_page(
            org_id,
            after=_resume_after(after),
            limit=min(max(ask.limit - len(rows), 25), 200),
        )
        for index, (record, client) in enumerate(_with_clients(ask, records)):
            read += 1
            after = record.id
            if client is not None:
                rows.append(ask.row(record, client))
            if len(rows) >= ask.limit or read >= ask.budget:
                at_end = not more and index == len(records) - 1
                return rows, None if at_end else {"package_id": after}
        if not more:
            return rows, None


def _with_clients(
    ask: Ask, records: list[PackageRecord]
) -> list[tuple[PackageRecord, ClientRecord | None]]:
    """Each package of a page with its client where it is one of the caller's rows (None
    where it is not): the clients of the candidates in one BatchGetItem."""
    candidates = {r.id for r in records if ask.candidate(r)}
    clients = client_store.get_many(
        ask.principal.org_id, [r.client_id for r in records if r.id in candidates]
    )
    shown: list[tuple[PackageRecord, ClientRecord | None]] = []
    for record in records:
        client = clients.get(record.client_id) if record.id in candidates else None
        if client is not None and not (ask.sees(client) and ask.in_place(client.location_id)):
            client = None
        shown.append((record, client))
    return shown


def _resume_after(package_id: str | None) -> tuple[str, str] | None:
    """The (client, package) a page resumes after (None: the first page): a package id
    names its client."""
    if package_id is None:
        return None
    client_id = ids.owner_client(package_id, "pkg")
    if client_id is None:
        raise BadRequest(INVALID_CURSOR)
    return client_id, package_id
