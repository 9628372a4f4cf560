"""The On track report's row (SPEC §5) and what decides which rows a caller gets, for an
administrator's report (logic.reports.on_track) and a staff member's (staff_rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from momentum.domain.access import Principal, may_access_client
from momentum.domain.dates import local_date
from momentum.domain.on_track import report_row, status_on
from momentum.domain.packages import is_open
from momentum.store.clients import ClientRecord
from momentum.store.packages import PackageRecord


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


@dataclass(frozen=True)
class Ask:
    """One page of the On track report as a caller asked for it (filters, page size, the
    most items to read), and the organization's now."""

    principal: Principal
    status: str | None
    assigned_team_member_id: str | None
    location_id: str | None
    limit: int
    budget: int
    now: datetime
    today: date
    timezone: str

    def candidate(self, record: PackageRecord) -> bool:
        """What can be decided from the package alone: open, status, team member."""
        package, summary = record.package, record.package_summary()
        if not is_open(package, summary, self.today):
            return False
        member = self.assigned_team_member_id
        if member is not None and package.assigned_team_member_id != member:
            return False
        return (
            self.status is None
            or status_on(package, record.settings, summary, self.today).value == self.status
        )

    def in_place(self, location_id: str | None) -> bool:
        """The client's location passes the location filter."""
        return self.location_id is None or location_id == self.location_id

    def sees(self, client: ClientRecord) -> bool:
        """The caller may open the client record (the API's rule)."""
        return may_access_client(
            self.principal,
            client_id=client.id,
            location_id=client.location_id,
            assigned_staff=client.assigned_practitioner_ids,
        )

    def row(self, record: PackageRecord, client: ClientRecord) -> dict[str, Any]:
        return on_track_row(record, client, today=self.today, now=self.now, timezone=self.timezone)
