"""Small builders shared by the domain tests (dates as 'YYYY-MM-DD' strings read well)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta

from momentum.domain.appointments import AppointmentFacts, AppointmentKind, AppointmentStatus
from momentum.domain.clients import ClientSummary
from momentum.domain.effects import Evaluation
from momentum.domain.on_track import OnTrackSettings
from momentum.domain.packages import PackageSummary
from momentum.domain.progress import Progress

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


def naive_window_status(
    on: OnTrackSettings, start: date, dates: Iterable[date], current: date
) -> Progress:
    """SPEC §5 read literally, for the properties' reference models: On track for the first
    `window_days` after `start`; then by the sessions dated in the last `window_days` days
    up to `current`."""
    if (current - start).days < on.window_days:
        return Progress.ON_TRACK
    count = sum(1 for x in dates if current - timedelta(days=on.window_days) < x <= current)
    if count >= on.at_risk_below:
        return Progress.ON_TRACK
    return Progress.AT_RISK if count >= on.off_track_below else Progress.OFF_TRACK


def day_by_day[S](
    evaluate: Callable[[S, date], Evaluation[S]], days_: Iterable[str], state: S
) -> tuple[S, list[tuple[date, object]], date | None]:
    """Evaluate on each day in turn from `state`, as the nightly would: the last state,
    every (day, effect), and the last next check."""
    effects: list[tuple[date, object]] = []
    next_check = None
    for day in days_:
        result = evaluate(state, d(day))
        state, next_check = result.state, result.next_check
        effects.extend((d(day), e) for e in result.effects)
    return state, effects, next_check
