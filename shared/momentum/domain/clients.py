"""Clients (SPEC §2): status rules, availability, deletion, and the client summary."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from momentum.domain.appointments import AppointmentFacts
from momentum.domain.errors import Conflict, FieldError, Forbidden, InvalidInput
from momentum.domain.tally import Tally, dates_from_dict, instant_key, instants_from_dict


class ClientStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    PROSPECT = "prospect"


def ensure_can_book(status: ClientStatus) -> None:
    """Inactive clients cannot be added to new appointments (409)."""
    if status is ClientStatus.INACTIVE:
        raise Conflict(
            "This client is inactive and cannot be added to new appointments; "
            "mark the client active first"
        )


def ensure_portal_access(status: ClientStatus, *, has_login: bool) -> None:
    """A client uses the portal only with a login and while not inactive (403)."""
    if not has_login:
        raise Forbidden("This client has no portal login")
    if status is ClientStatus.INACTIVE:
        raise Forbidden("This client is inactive and cannot use the portal")


def ensure_can_send_welcome(status: ClientStatus) -> None:
    """Welcome emails go only to active clients (409 saying why)."""
    if status is not ClientStatus.ACTIVE:
        raise Conflict(
            f"The welcome email is only sent to active clients; this client is {status.value}"
        )


def status_after_appointment(status: ClientStatus, after: AppointmentFacts | None) -> ClientStatus:
    """A prospect becomes active when one of their appointments is completed."""
    if status is ClientStatus.PROSPECT and after is not None and after.counts:
        return ClientStatus.ACTIVE
    return status


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def ensure_can_delete(*, appointments: int, payments: int) -> None:
    """Refuse deleting a client that appointments or payments still point at (409)."""
    if appointments or payments:
        linked = f"{_plural(appointments, 'appointment')} and {_plural(payments, 'payment')}"
        raise Conflict(f"{linked} are linked to this client; mark the client inactive instead")


# --- availability -------------------------------------------------------------------------

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
END_OF_DAY = 24 * 60


@dataclass(frozen=True, slots=True)
class TimeRange:
    """Minutes since local midnight; `end` may be 24:00 (end of the day)."""

    start: int
    end: int

    def __str__(self) -> str:
        return f"{_format_minutes(self.start)}-{_format_minutes(self.end)}"


def _format_minutes(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _parse_time(text: Any, *, allow_end_of_day: bool) -> int | None:
    if not isinstance(text, str):
        return None
    if allow_end_of_day and text == "24:00":
        return END_OF_DAY
    match = _HHMM.match(text)
    if match is None:
        return None
    return int(match.group(1)) * 60 + int(match.group(2))


@dataclass(frozen=True, slots=True)
class Availability:
    """Weekly availability: per weekday, sorted non-overlapping ranges."""

    days: tuple[tuple[str, tuple[TimeRange, ...]], ...] = ()

    def to_dict(self) -> dict[str, list[dict[str, str]]]:
        return {
            day: [{"start": _format_minutes(r.start), "end": _format_minutes(r.end)} for r in rs]
            for day, rs in self.days
        }


def _range_parts(raw: Any) -> tuple[Any, Any]:
    """Accept {"start", "end"}, ("09:00", "12:00") or "09:00-12:00"."""
    if isinstance(raw, Mapping):
        return raw.get("start"), raw.get("end")
    if isinstance(raw, str) and raw.count("-") == 1:
        start, end = raw.split("-")
        return start.strip(), end.strip()
    if isinstance(raw, Sequence) and not isinstance(raw, str) and len(raw) == 2:
        return raw[0], raw[1]
    return None, None


def _parse_day(
    raw_ranges: Iterable[Any], loc: tuple[str | int, ...], errors: list[FieldError]
) -> tuple[TimeRange, ...]:
    ranges: list[tuple[TimeRange, int]] = []
    for index, raw in enumerate(raw_ranges):
        start_text, end_text = _range_parts(raw)
        start = _parse_time(start_text, allow_end_of_day=False)
        end = _parse_time(end_text, allow_end_of_day=True)
        if start is None:
            errors.append(FieldError(loc=(*loc, index, "start"), msg="must be a time HH:MM"))
        if end is None:
            errors.append(FieldError(loc=(*loc, index, "end"), msg="must be a time HH:MM"))
        if start is None or end is None:
            continue
        if start >= end:
            errors.append(FieldError(loc=(*loc, index, "end"), msg="must be after start"))
            continue
        ranges.append((TimeRange(start, end), index))
    ranges.sort(key=lambda pair: (pair[0].start, pair[0].end))
    # Compare with the furthest-reaching range so far: 09-17 overlaps both 10-11 and 12-13.
    reach: TimeRange | None = None
    for current, index in ranges:
        if reach is not None and current.start < reach.end:
            errors.append(FieldError(loc=(*loc, index), msg=f"overlaps {reach} on the same day"))
        if reach is None or current.end > reach.end:
            reach = current
    return tuple(r for r, _ in ranges)


def parse_availability(
    raw: Mapping[str, Any], loc: tuple[str | int, ...] = ("body", "availability")
) -> Availability:
    """Validate weekly availability; every problem is reported with its field path (422)."""
    errors: list[FieldError] = []
    days: list[tuple[str, tuple[TimeRange, ...]]] = []
    for day, raw_ranges in raw.items():
        if day not in WEEKDAYS:
            errors.append(FieldError(loc=(*loc, day), msg="must be a weekday, e.g. monday"))
            continue
        if isinstance(raw_ranges, str) or not isinstance(raw_ranges, Sequence):
            errors.append(FieldError(loc=(*loc, day), msg="must be a list of time ranges"))
            continue
        ranges = _parse_day(raw_ranges, (*loc, day), errors)
        if ranges:
            days.append((day, ranges))
    if errors:
        raise InvalidInput("The availability has invalid time ranges", errors=errors)
    days.sort(key=lambda pair: WEEKDAYS.index(pair[0]))
    return Availability(tuple(days))


# --- the client summary -------------------------------------------------------------------

SUMMARY_VERSION = 1


@dataclass(frozen=True, slots=True)
class ClientSummary:
    """What a client's appointments add up to; updated with every appointment write.

    - `completed`: completed appointments per local date (any package or none). Session
      trackers count from it, so trackers need no write when an appointment changes.
    - `scheduled`: start instants of scheduled appointments, for the report's "next session".
    - `appointments`: how many appointments are linked (any status), for refusing deletion.
    """

    client_id: str
    completed: Tally[date] = field(default_factory=Tally)
    scheduled: Tally[datetime] = field(default_factory=Tally)
    appointments: int = 0

    def _with(self, facts: AppointmentFacts | None, sign: int) -> ClientSummary:
        if facts is None or facts.client_id != self.client_id:
            return self
        completed, scheduled = self.completed, self.scheduled
        if facts.counts:
            completed = completed.add(facts.date, sign)
        elif facts.is_scheduled:
            scheduled = scheduled.add(instant_key(facts.starts_at), sign)
        return ClientSummary(self.client_id, completed, scheduled, self.appointments + sign)

    def apply_change(
        self, before: AppointmentFacts | None, after: AppointmentFacts | None
    ) -> ClientSummary:
        """Fold one appointment change (create: before=None, delete: after=None)."""
        return self._with(before, -1)._with(after, +1)

    @classmethod
    def rebuild(cls, client_id: str, appointments: Iterable[AppointmentFacts]) -> ClientSummary:
        summary = cls(client_id)
        for facts in appointments:
            summary = summary._with(facts, +1)
        return summary

    @property
    def has_completed(self) -> bool:
        return self.completed.total() > 0

    def trimmed(self, completed_from: date, scheduled_from: datetime, keep: int) -> ClientSummary:
        """The summary keeping what rules ask from these days on (see `retention`)."""
        return ClientSummary(
            self.client_id,
            self.completed.trimmed(completed_from, keep),
            self.scheduled.trimmed(instant_key(scheduled_from), keep),
            self.appointments,
        )

    def next_scheduled(self, now: datetime) -> datetime | None:
        """The next scheduled appointment starting at or after `now`."""
        return self.scheduled.earliest_at_or_after(instant_key(now))

    def to_dict(self) -> dict[str, Any]:
        return {
            "v": SUMMARY_VERSION,
            "client_id": self.client_id,
            "completed": self.completed.to_dict(),
            "scheduled": self.scheduled.to_dict(),
            "appointments": self.appointments,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> ClientSummary:
        return cls(
            client_id=str(raw["client_id"]),
            completed=dates_from_dict(raw.get("completed", {})),
            scheduled=instants_from_dict(raw.get("scheduled", {})),
            appointments=int(raw.get("appointments", 0)),
        )
