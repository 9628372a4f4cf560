"""What the rules need to know about an appointment (SPEC §3).

`AppointmentFacts` is the counting-relevant slice of an appointment record. Every summary
(package, client, engagement) is a fold over these facts, so an appointment write hands the
facts *before* and *after* the change to each summary it touches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from momentum.domain.dates import (
    RANGE_TEXT,
    Timezone,
    ensure_derived_in_range,
    instant_in_range,
    local_date,
)
from momentum.domain.errors import Conflict, FieldError, InvalidInput


class AppointmentKind(StrEnum):
    SESSION = "session"
    DISCOVERY_CALL = "discovery_call"


class AppointmentStatus(StrEnum):
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    MISSED = "missed"


@dataclass(frozen=True, slots=True)
class AppointmentFacts:
    """An appointment as the counting rules see it. `date` is local to the organization."""

    id: str
    client_id: str
    practitioner_id: str
    date: date
    starts_at: datetime
    duration_minutes: int
    kind: AppointmentKind = AppointmentKind.SESSION
    status: AppointmentStatus = AppointmentStatus.SCHEDULED
    package_id: str | None = None
    engagement_id: str | None = None

    @property
    def counts(self) -> bool:
        """Only completed appointments count; cancelled and missed never do."""
        return self.status is AppointmentStatus.COMPLETED

    @property
    def is_scheduled(self) -> bool:
        return self.status is AppointmentStatus.SCHEDULED


def appointment_facts(
    *,
    id: str,
    client_id: str,
    practitioner_id: str,
    starts_at: datetime,
    ends_at: datetime,
    tz: Timezone,
    kind: AppointmentKind = AppointmentKind.SESSION,
    status: AppointmentStatus = AppointmentStatus.SCHEDULED,
    package_id: str | None = None,
    engagement_id: str | None = None,
) -> AppointmentFacts:
    """Facts from an appointment's stored fields; its date is its start in the org's zone."""
    return AppointmentFacts(
        id=id,
        client_id=client_id,
        practitioner_id=practitioner_id,
        date=local_date(starts_at, tz),
        starts_at=starts_at,
        duration_minutes=duration_minutes(starts_at, ends_at),
        kind=kind,
        status=status,
        package_id=package_id,
        engagement_id=engagement_id,
    )


def duration_minutes(starts_at: datetime, ends_at: datetime) -> int:
    """Whole minutes from start to end; 422 unless both carry an offset and end > start."""
    errors: list[FieldError] = [
        FieldError(loc=("body", name), msg="must be a timestamp with an offset")
        for name, value in (("starts_at", starts_at), ("ends_at", ends_at))
        if value.tzinfo is None or value.utcoffset() is None
    ]
    if errors:
        raise InvalidInput("Appointment times need an offset", errors=errors)
    # Subtract in UTC: Python subtracts wall clocks when both share one tzinfo, which
    # would make a session across a DST change an hour too long or short.
    elapsed = ends_at.astimezone(UTC) - starts_at.astimezone(UTC)
    if elapsed <= timedelta(0):
        raise InvalidInput(
            "An appointment must end after it starts",
            errors=[FieldError(loc=("body", "ends_at"), msg="must be after starts_at")],
        )
    return int(elapsed.total_seconds() // 60)


def check_change(after: AppointmentFacts | None, today: date) -> None:
    """Refuse a state no appointment may reach: completed while dated in the future (409).

    Call it for every create and change (not deletes). It also catches moving an already
    completed appointment to a future date, which would otherwise count a session early.
    Its date (the start in the organization's zone) and its end (moved with the start)
    stay in the supported dates.
    """
    if after is not None:
        ensure_derived_in_range(
            after.date, ("body", "starts_at"), "the appointment's date in your timezone"
        )
        end = after.starts_at + timedelta(minutes=after.duration_minutes)
        if not instant_in_range(end):
            raise InvalidInput(
                f"The appointment would end at {end.isoformat()}, outside the supported "
                f"dates ({RANGE_TEXT}).",
                errors=[FieldError(("body", "ends_at"), f"its end must be {RANGE_TEXT}")],
            )
    if after is not None and after.counts and after.date > today:
        raise Conflict(
            f"An appointment dated {after.date.isoformat()} is in the future and cannot be "
            "marked completed yet"
        )
