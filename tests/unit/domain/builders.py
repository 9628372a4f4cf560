"""Small builders shared by the domain tests (dates as 'YYYY-MM-DD' strings read well)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from momentum.domain.appointments import AppointmentFacts, AppointmentKind, AppointmentStatus
from momentum.domain.clients import ClientSummary
from momentum.domain.packages import PackageSummary

COMPLETED = AppointmentStatus.COMPLETED
SCHEDULED = AppointmentStatus.SCHEDULED
CANCELLED = AppointmentStatus.CANCELLED
MISSED = AppointmentStatus.MISSED


def d(text: str) -> date:
    return date.fromisoformat(text)


def days(n: int) -> timedelta:
    return timedelta(days=n)


def appt(
    id: str,
    day: date | str,
    status: AppointmentStatus = COMPLETED,
    *,
    package_id: str | None = "p1",
    client_id: str = "c1",
    engagement_id: str | None = None,
    kind: AppointmentKind = AppointmentKind.SESSION,
    minutes: int = 60,
    hour: int = 10,
) -> AppointmentFacts:
    """An appointment at `hour`:00 UTC on `day` (tests use UTC as the org zone)."""
    when = d(day) if isinstance(day, str) else day
    return AppointmentFacts(
        id=id,
        client_id=client_id,
        practitioner_id="u-practitioner",
        date=when,
        starts_at=datetime.combine(when, time(hour), tzinfo=UTC),
        duration_minutes=minutes,
        kind=kind,
        status=status,
        package_id=package_id,
        engagement_id=engagement_id,
    )


def package_summary(
    appointments: Iterable[AppointmentFacts], package_id: str = "p1"
) -> PackageSummary:
    return PackageSummary.rebuild(package_id, appointments)


def client_summary(
    appointments: Iterable[AppointmentFacts], client_id: str = "c1"
) -> ClientSummary:
    return ClientSummary.rebuild(client_id, appointments)


def sessions_on(*dates: str, package_id: str = "p1") -> PackageSummary:
    """A package summary with one completed session on each date."""
    return package_summary(
        (appt(f"a{i}", day, package_id=package_id) for i, day in enumerate(dates)), package_id
    )
