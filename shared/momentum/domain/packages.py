"""Packages and session packs (SPEC §4): size, lifecycle, outstanding, renewal, summary.

A package's lifecycle on a day is a pure function of the package, its summary and the day:
cancelled, expired (the end date is the last valid day), used up (a fixed package whose
completed sessions or hours reached its size), else open. Only open packages take new
appointments and are tracked by On track (see on_track.py, which also holds the package's
nightly evaluation).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from typing import Any, Literal

from momentum.domain.appointments import AppointmentFacts
from momentum.domain.errors import Conflict, FieldError, InvalidInput
from momentum.domain.tally import (
    Tally,
    TrimmedHistory,
    dates_from_dict,
    instant_key,
    instants_from_dict,
)

DAY = timedelta(days=1)
NOT_APPLICABLE: Literal["N/A"] = "N/A"
type Outstanding = int | Decimal | Literal["N/A"]


class PackageKind(StrEnum):
    FIXED = "fixed"
    SUBSCRIPTION = "subscription"
    USAGE = "usage"


class Unit(StrEnum):
    SESSIONS = "sessions"
    HOURS = "hours"


class Period(StrEnum):
    WEEK = "week"
    MONTH = "month"


class Lifecycle(StrEnum):
    OPEN = "open"
    USED_UP = "used_up"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class PackageSize:
    """How much a package holds. Build it with `package_size` to have it validated.

    fixed: `amount` sessions, or `amount` hours consumed by appointment duration;
    subscription: `amount` sessions per `period`, the allowance restarting each period;
    usage: no limit (`amount` None).
    """

    kind: PackageKind
    amount: int | None = None
    unit: Unit = Unit.SESSIONS
    period: Period | None = None


def package_size(
    kind: PackageKind,
    amount: int | None = None,
    unit: Unit = Unit.SESSIONS,
    period: Period | None = None,
    loc: tuple[str | int, ...] = ("body",),
) -> PackageSize:
    """A PackageSize whose fields fit its kind, else InvalidInput (422) with field paths."""
    errors: list[FieldError] = []
    if kind is PackageKind.USAGE:
        if amount is not None:
            errors.append(FieldError((*loc, "size"), "a usage package has no size"))
    elif amount is None or amount < 1:
        errors.append(FieldError((*loc, "size"), "must be at least 1"))
    if kind is PackageKind.SUBSCRIPTION:
        if period is None:
            errors.append(FieldError((*loc, "period"), "a subscription needs week or month"))
        if unit is not Unit.SESSIONS:
            errors.append(FieldError((*loc, "unit"), "a subscription counts sessions"))
    elif period is not None:
        errors.append(FieldError((*loc, "period"), "only subscriptions have a period"))
    if kind is PackageKind.USAGE and unit is not Unit.SESSIONS:
        errors.append(FieldError((*loc, "unit"), "a usage package has no unit"))
    if errors:
        raise InvalidInput("The package size does not fit its type", errors=errors)
    return PackageSize(kind, amount, unit, period)


@dataclass(frozen=True, slots=True)
class Package:
    """A client package as the rules see it (On track settings are passed separately)."""

    id: str
    client_id: str
    size: PackageSize
    start_date: date
    end_date: date | None = None
    cancelled: bool = False
    template_id: str | None = None
    auto_renew: bool = False
    assigned_team_member_id: str | None = None

    @property
    def length_days(self) -> int | None:
        """Days from start to end date, both included (None without an end date)."""
        return None if self.end_date is None else (self.end_date - self.start_date).days + 1


def validate_dates(
    start_date: date, end_date: date | None, loc: tuple[str | int, ...] = ("body",)
) -> None:
    """The end date is the last valid day, so it may equal the start but not precede it."""
    if end_date is not None and end_date < start_date:
        raise InvalidInput(
            "A package cannot end before it starts",
            errors=[FieldError((*loc, "end_date"), "must be on or after start_date")],
        )


def end_date_for(start_date: date, validity_days: int | None) -> date | None:
    """The end date of a package valid for `validity_days` days from `start_date`."""
    return None if validity_days is None else start_date + timedelta(days=validity_days - 1)


# --- the package summary ------------------------------------------------------------------

SUMMARY_VERSION = 1


@dataclass(frozen=True, slots=True)
class PackageSummary:
    """What the appointments included in a package add up to.

    - `completed` / `completed_minutes`: completed appointments (and their minutes) per
      local date: On track's window count, the last session date, the day it was used up.
    - `scheduled`: start instants of its scheduled appointments (the report's next session).
    - `used_sessions` / `used_minutes`: running totals (outstanding, no sum needed).
    """

    package_id: str
    completed: Tally[date] = field(default_factory=Tally)
    completed_minutes: Tally[date] = field(default_factory=Tally)
    scheduled: Tally[datetime] = field(default_factory=Tally)
    used_sessions: int = 0
    used_minutes: int = 0

    def _with(self, facts: AppointmentFacts | None, sign: int) -> PackageSummary:
        if facts is None or facts.package_id != self.package_id:
            return self
        if facts.counts:
            minutes = sign * facts.duration_minutes
            return PackageSummary(
                self.package_id,
                self.completed.add(facts.date, sign),
                self.completed_minutes.add(facts.date, minutes),
                self.scheduled,
                self.used_sessions + sign,
                self.used_minutes + minutes,
            )
        if facts.is_scheduled:
            return PackageSummary(
                self.package_id,
                self.completed,
                self.completed_minutes,
                self.scheduled.add(instant_key(facts.starts_at), sign),
                self.used_sessions,
                self.used_minutes,
            )
        return self

    def apply_change(
        self, before: AppointmentFacts | None, after: AppointmentFacts | None
    ) -> PackageSummary:
        """Fold one appointment change; a move between packages is a change for both."""
        return self._with(before, -1)._with(after, +1)

    @classmethod
    def rebuild(cls, package_id: str, appointments: Iterable[AppointmentFacts]) -> PackageSummary:
        summary = cls(package_id)
        for facts in appointments:
            summary = summary._with(facts, +1)
        return summary

    @property
    def last_session(self) -> date | None:
        return self.completed.latest()

    def trimmed(
        self, completed_from: date | None, scheduled_from: datetime, keep: int
    ) -> PackageSummary:
        """The summary keeping what rules ask from these days on (`completed_from` None:
        every completed date; see `retention`). Both completed tallies share their dates,
        so they are cut at the same one."""
        completed, minutes = self.completed, self.completed_minutes
        if completed_from is not None:
            completed = completed.trimmed(completed_from, keep)
            minutes = minutes.trimmed(completed_from, keep)
        return PackageSummary(
            self.package_id,
            completed,
            minutes,
            self.scheduled.trimmed(instant_key(scheduled_from), keep),
            self.used_sessions,
            self.used_minutes,
        )

    def next_scheduled(self, now: datetime) -> datetime | None:
        return self.scheduled.earliest_at_or_after(instant_key(now))

    def to_dict(self) -> dict[str, Any]:
        return {
            "v": SUMMARY_VERSION,
            "package_id": self.package_id,
            "completed": self.completed.to_dict(),
            "completed_minutes": self.completed_minutes.to_dict(),
            "scheduled": self.scheduled.to_dict(),
            "used_sessions": self.used_sessions,
            "used_minutes": self.used_minutes,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> PackageSummary:
        return cls(
            package_id=str(raw["package_id"]),
            completed=dates_from_dict(raw.get("completed", {})),
            completed_minutes=dates_from_dict(raw.get("completed_minutes", {})),
            scheduled=instants_from_dict(raw.get("scheduled", {})),
            used_sessions=int(raw.get("used_sessions", 0)),
            used_minutes=int(raw.get("used_minutes", 0)),
        )


# --- lifecycle ------------------------------------------------------------------------------


def used_up_on(package: Package, summary: PackageSummary) -> date | None:
    """The date of the completed appointment that used a fixed package up, if it is."""
    size = package.size
    if size.kind is not PackageKind.FIXED or size.amount is None:
        return None
    if size.unit is Unit.HOURS:
        tally, needed = summary.completed_minutes, size.amount * 60
        if summary.used_minutes < needed:
            return None
    else:
        tally, needed = summary.completed, size.amount
        if summary.used_sessions < needed:
            return None
    # A fixed package's dates are never trimmed (`retention`): it holds at most its size.
    running = tally.trim.count if tally.trim is not None else 0
    if running >= needed:
        raise TrimmedHistory("the day a fixed package was used up is no longer listed")
    for day, amount in tally.items:
        running += amount
        if running >= needed:
            return day
    return None  # pragma: no cover - totals and tally always agree


def lifecycle_on(package: Package, summary: PackageSummary, day: date) -> Lifecycle:
    """Where the package stands on `day` (the day after its end date it is expired)."""
    if package.cancelled:
        return Lifecycle.CANCELLED
    if package.end_date is not None and day > package.end_date:
        return Lifecycle.EXPIRED
    used_up = used_up_on(package, summary)
    if used_up is not None and day >= used_up:
        return Lifecycle.USED_UP
    return Lifecycle.OPEN


def is_open(package: Package, summary: PackageSummary, today: date) -> bool:
    """Active, not expired, not used up: the packages On track tracks and reports on.

    A subscription whose allowance for this period is used stays open in this sense (it is
    still running); it only takes no appointment in that period: `can_take_appointments`."""
    return lifecycle_on(package, summary, today) is Lifecycle.OPEN


def used_up_period(
    package: Package, summary: PackageSummary, day: date
) -> tuple[date, date] | None:
    """The period containing `day` when it is a subscription's and its allowance is used
    (completed sessions dated in it reached the size), else None. `day` is a calendar date
    in the organization's timezone (an appointment's date)."""
    size = package.size
    if size.kind is not PackageKind.SUBSCRIPTION or size.amount is None:
        return None
    first, last = subscription_period(package, day)
    return (first, last) if summary.completed.between(first, last) >= size.amount else None


def can_take_appointments(package: Package, summary: PackageSummary, today: date) -> bool:
    """The packages an appointment or invoice form offers (`?open=true`): open, and for a
    subscription, with sessions left in the current period (SPEC §4)."""
    return is_open(package, summary, today) and used_up_period(package, summary, today) is None


def ensure_can_take_appointment(
    package: Package, summary: PackageSummary, today: date, appointment_date: date
) -> None:
    """Only open packages take new appointments, only within their dates, and a
    subscription only while the period of the appointment's date has sessions left (409)."""
    lifecycle = lifecycle_on(package, summary, today)
    if lifecycle is not Lifecycle.OPEN:
        reason = {
            Lifecycle.CANCELLED: "has been cancelled",
            Lifecycle.EXPIRED: f"expired after {package.end_date}",
            Lifecycle.USED_UP: "is used up",
        }[lifecycle]
        raise Conflict(f"This package {reason}; only open packages can take new appointments")
    if appointment_date < package.start_date or (
        package.end_date is not None and appointment_date > package.end_date
    ):
        raise Conflict(
            f"The appointment is dated {appointment_date} but the package runs "
            f"{package.start_date} to {package.end_date or 'open end'}"
        )
    full = used_up_period(package, summary, appointment_date)
    if full is not None:
        first, last = full
        raise Conflict(
            f"This subscription's allowance of {package.size.amount} sessions per "
            f"{package.size.period} is used up for {first} to {last}, the period of the "
            f"appointment's date {appointment_date}; it has sessions again from {last + DAY}"
        )


def package_for_new_appointment(
    requested_package_id: str | None, preferred_package_id: str | None, *, preferred_is_open: bool
) -> str | None:
    """An appointment created without a package goes into the preferred one if it is open."""
    if requested_package_id is not None:
        return requested_package_id
    return preferred_package_id if preferred_is_open else None


# --- outstanding ------------------------------------------------------------------------------


def _add_months(anchor: date, months: int) -> date:
    month_index = anchor.month - 1 + months
    year, month = anchor.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))


def subscription_period(package: Package, day: date) -> tuple[date, date]:
    """The subscription period containing `day`, counted from the package's start date.

    Weeks are 7 days from the start; months run from the start's day of the month
    (clamped: a package starting 31 January has periods starting 28 February, 31 March).
    """
    start = package.start_date
    if package.size.period is Period.WEEK:
        index = max(0, (day - start).days // 7)
        first = start + timedelta(days=7 * index)
        return first, first + timedelta(days=6)
    index = max(0, (day.year - start.year) * 12 + day.month - start.month)
    if index and _add_months(start, index) > day:
        index -= 1
    return _add_months(start, index), _add_months(start, index + 1) - DAY


def outstanding(package: Package, summary: PackageSummary, today: date) -> Outstanding:
    """Sessions (or hours) left; this period's allowance for subscriptions; "N/A" for usage."""
    size = package.size
    if size.kind is PackageKind.USAGE or size.amount is None:
        return NOT_APPLICABLE
    if size.kind is PackageKind.SUBSCRIPTION:
        first, last = subscription_period(package, today)
        return max(size.amount - summary.completed.between(first, last), 0)
    if size.unit is Unit.HOURS:
        minutes_left = max(size.amount * 60 - summary.used_minutes, 0)
        return (Decimal(minutes_left) / 60).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return max(size.amount - summary.used_sessions, 0)


# --- renewal --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Renewal:
    """When the one renewal of a package falls due and the dates of the new package."""

    due_on: date
    start_date: date
    end_date: date | None


def renewal_of(package: Package, summary: PackageSummary) -> Renewal | None:
    """The renewal an auto-renewing package will get, or None.

    It falls due on the day the package expires (the day after its end date) or the day it
    is used up, whichever comes first, and starts the day after the end date or the day
    after it was used up; same length. When both coincide there is still one renewal.
    """
    if not package.auto_renew or package.template_id is None or package.cancelled:
        return None
    triggers: list[tuple[date, date]] = []
    if package.end_date is not None:
        triggers.append((package.end_date + DAY, package.end_date + DAY))
    used_up = used_up_on(package, summary)
    if used_up is not None:
        triggers.append((used_up, used_up + DAY))
    if not triggers:
        return None
    due_on, start = min(triggers)
    length = package.length_days
    end = None if length is None else start + timedelta(days=length - 1)
    return Renewal(due_on, start, end)
