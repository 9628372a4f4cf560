"""On track for packages (SPEC §5): settings, status, reminder episodes, the report row,
and the package's nightly evaluation (On track plus expiry and renewal).

Status on a day is a pure function of (effective settings, package, summary, day):

- not tracked (`not_tracking`) unless On track is enabled and the package is open;
- On track during the first window: until `window_days` days have passed since the start;
- else `count` = completed sessions in the package dated in the last `window_days` days,
  today included: >= at_risk_below on track, >= off_track_below at risk, else off track.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from momentum.domain.clients import ClientSummary
from momentum.domain.effects import (
    Effect,
    Evaluation,
    ExpirePackage,
    ReminderRecipient,
    RenewPackage,
    SendReminder,
    first_day,
    replay,
)
from momentum.domain.errors import FieldError, InvalidInput
from momentum.domain.packages import (
    Lifecycle,
    Outstanding,
    Package,
    PackageSummary,
    Renewal,
    outstanding,
    renewal_of,
    used_up_on,
)
from momentum.domain.progress import Progress

DAY = timedelta(days=1)
MAX_WINDOW_DAYS = 365


@dataclass(frozen=True, slots=True)
class OnTrackSettings:
    """On track settings of a template (package level) or a client package (client level).

    Build with `on_track_settings` to have them validated. Off by default: no package has
    On track unless someone enables it.
    """

    enabled: bool = False
    window_days: int = 30
    at_risk_below: int = 2
    off_track_below: int = 1
    reminder_after_days: int | None = None
    remind_team_member: bool = False
    remind_client: bool = False
    client_visible: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "window_days": self.window_days,
            "at_risk_below": self.at_risk_below,
            "off_track_below": self.off_track_below,
            "reminder_after_days": self.reminder_after_days,
            "remind_team_member": self.remind_team_member,
            "remind_client": self.remind_client,
            "client_visible": self.client_visible,
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> OnTrackSettings:
        """Read stored settings (numbers may come back from DynamoDB as Decimal)."""
        reminder = raw.get("reminder_after_days")
        return cls(
            enabled=bool(raw.get("enabled", False)),
            window_days=int(raw.get("window_days", 30)),
            at_risk_below=int(raw.get("at_risk_below", 2)),
            off_track_below=int(raw.get("off_track_below", 1)),
            reminder_after_days=None if reminder is None else int(reminder),
            remind_team_member=bool(raw.get("remind_team_member", False)),
            remind_client=bool(raw.get("remind_client", False)),
            client_visible=bool(raw.get("client_visible", False)),
        )


def on_track_settings(
    *,
    enabled: bool = False,
    window_days: int = 30,
    at_risk_below: int = 2,
    off_track_below: int = 1,
    reminder_after_days: int | None = None,
    remind_team_member: bool = False,
    remind_client: bool = False,
    client_visible: bool = False,
    loc: tuple[str | int, ...] = ("body", "on_track"),
) -> OnTrackSettings:
    """Validated settings, or InvalidInput (422) listing every bad field."""
    errors: list[FieldError] = []
    if not 1 <= window_days <= MAX_WINDOW_DAYS:
        errors.append(FieldError((*loc, "window_days"), "must be between 1 and 365"))
    if at_risk_below < 1:
        errors.append(FieldError((*loc, "at_risk_below"), "must be at least 1"))
    if off_track_below < 0:
        errors.append(FieldError((*loc, "off_track_below"), "must be at least 0"))
    elif at_risk_below >= 1 and off_track_below >= at_risk_below:
        errors.append(FieldError((*loc, "off_track_below"), "must be less than at_risk_below"))
    if reminder_after_days is not None and reminder_after_days < 0:
        errors.append(FieldError((*loc, "reminder_after_days"), "must be at least 0"))
    if errors:
        raise InvalidInput("The On track settings are invalid", errors=errors)
    return OnTrackSettings(
        enabled=enabled,
        window_days=window_days,
        at_risk_below=at_risk_below,
        off_track_below=off_track_below,
        reminder_after_days=reminder_after_days,
        remind_team_member=remind_team_member,
        remind_client=remind_client,
        client_visible=client_visible,
    )


def effective_settings(
    package_level: OnTrackSettings | None, client_level: OnTrackSettings | None
) -> OnTrackSettings | None:
    """A client-level override replaces the template's settings entirely for that package."""
    return client_level if client_level is not None else package_level


def classify(count: int, settings: OnTrackSettings) -> Progress:
    """The thresholds alone: >= at_risk_below on track, >= off_track_below at risk."""
    if count >= settings.at_risk_below:
        return Progress.ON_TRACK
    if count >= settings.off_track_below:
        return Progress.AT_RISK
    return Progress.OFF_TRACK


def window_count(summary: PackageSummary, day: date, window_days: int) -> int:
    """Completed sessions dated in the `window_days` days ending with `day` (included)."""
    return summary.completed.between(day - timedelta(days=window_days - 1), day)


def portal_status(settings: OnTrackSettings | None, status: Progress) -> Progress | None:
    """What a client sees in the portal: their status only when `client_visible`."""
    if settings is None or not settings.client_visible:
        return None
    return status


# --- the package's timeline ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PackageState:
    """What the nightly evaluation (and every write that touches the package, see
    `evaluate_package_write`) persists for a package.

    `owed_reminders`: episode starts whose reminder fell due during a write's evaluation; a
    write cannot send email, so the next run's first step sends them (keys dedupe)."""

    evaluated_on: date | None = None
    lifecycle: Lifecycle = Lifecycle.OPEN
    status: Progress = Progress.NOT_TRACKING
    status_since: date | None = None
    episode_start: date | None = None
    reminded: bool = False
    renewed: bool = False
    owed_reminders: tuple[date, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "evaluated_on": _iso(self.evaluated_on),
            "lifecycle": self.lifecycle.value,
            "status": self.status.value,
            "status_since": _iso(self.status_since),
            "episode_start": _iso(self.episode_start),
            "reminded": self.reminded,
            "renewed": self.renewed,
            "owed_reminders": [day.isoformat() for day in self.owed_reminders],
        }

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> PackageState:
        return cls(
            evaluated_on=_date(raw.get("evaluated_on")),
            lifecycle=Lifecycle(raw.get("lifecycle", Lifecycle.OPEN)),
            status=Progress(raw.get("status", Progress.NOT_TRACKING)),
            status_since=_date(raw.get("status_since")),
            episode_start=_date(raw.get("episode_start")),
            reminded=bool(raw.get("reminded", False)),
            renewed=bool(raw.get("renewed", False)),
            owed_reminders=tuple(
                date.fromisoformat(str(day)) for day in raw.get("owed_reminders") or ()
            ),
        )


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _date(text: Any) -> date | None:
    return None if text is None else date.fromisoformat(str(text))


class _Timeline:
    """Everything about one package that does not change while days pass."""

    __slots__ = ("events", "package", "renewal", "settings", "summary", "used_up")

    def __init__(
        self,
        package: Package,
        settings: OnTrackSettings | None,
        summary: PackageSummary,
        replay_from: date | None = None,
    ) -> None:
        self.package = package
        self.settings = settings if settings is not None and settings.enabled else None
        self.summary = summary
        self.used_up = used_up_on(package, summary)
        self.renewal: Renewal | None = renewal_of(package, summary)
        self.events = () if replay_from is None else self._events(replay_from)

    def _events(self, replay_from: date) -> tuple[date, ...]:
        # The only days on which the status can change: a session enters (its date) or
        # leaves (date + window) the window, the first window ends, the package expires or
        # is used up, the renewal falls due. Sessions that left the window before the
        # replay starts can be skipped: only days after `replay_from` are ever asked for.
        package, days = self.package, set[date]()
        if self.settings is not None:
            window = timedelta(days=self.settings.window_days)
            for session_day in self.summary.completed.keys_from(replay_from - window):
                days.update((session_day, session_day + window))
            days.add(package.start_date + window)
        if package.end_date is not None:
            days.add(package.end_date + DAY)
        if self.used_up is not None:
            days.add(self.used_up)
        if self.renewal is not None:
            days.add(self.renewal.due_on)
        return tuple(sorted(days))

    def lifecycle(self, day: date) -> Lifecycle:
        package = self.package
        if package.cancelled:
            return Lifecycle.CANCELLED
        if package.end_date is not None and day > package.end_date:
            return Lifecycle.EXPIRED
        if self.used_up is not None and day >= self.used_up:
            return Lifecycle.USED_UP
        return Lifecycle.OPEN

    def status(self, day: date, lifecycle: Lifecycle) -> Progress:
        settings = self.settings
        if settings is None or lifecycle is not Lifecycle.OPEN:
            return Progress.NOT_TRACKING
        if (day - self.package.start_date).days < settings.window_days:
            return Progress.ON_TRACK  # first window: not enough history to judge
        return classify(window_count(self.summary, day, settings.window_days), settings)

    def reminder_due(self, episode_start: date) -> date | None:
        settings = self.settings
        if settings is None or settings.reminder_after_days is None:
            return None
        return episode_start + timedelta(days=settings.reminder_after_days)

    def reminders(self, episode_start: date) -> list[Effect]:
        settings, package = self.settings, self.package
        due: list[Effect] = []
        if settings is None:  # On track was turned off since the reminder fell due
            return due
        if settings.remind_team_member and package.assigned_team_member_id is not None:
            due.append(
                SendReminder(
                    package.id,
                    package.client_id,
                    episode_start,
                    ReminderRecipient.TEAM_MEMBER,
                    package.assigned_team_member_id,
                )
            )
        if settings.remind_client:
            due.append(
                SendReminder(
                    package.id,
                    package.client_id,
                    episode_start,
                    ReminderRecipient.CLIENT,
                    package.client_id,
                )
            )
        return due

    def step(self, state: PackageState, day: date) -> tuple[PackageState, list[Effect]]:
        effects: list[Effect] = []
        for owed in state.owed_reminders:  # fell due during a write, which cannot send
            effects.extend(self.reminders(owed))
        lifecycle = self.lifecycle(day)
        if lifecycle is Lifecycle.EXPIRED and state.lifecycle is not Lifecycle.EXPIRED:
            assert self.package.end_date is not None
            effects.append(ExpirePackage(self.package.id, self.package.end_date + DAY))
        renewed = state.renewed
        renewal = self.renewal
        if not renewed and renewal is not None and renewal.due_on <= day:
            assert self.package.template_id is not None
            effects.append(
                RenewPackage(
                    self.package.id,
                    self.package.client_id,
                    self.package.template_id,
                    renewal.start_date,
                    renewal.end_date,
                )
            )
            renewed = True
        status = self.status(day, lifecycle)
        since = state.status_since
        if status is not state.status or since is None:
            since = day
        # An episode starts the first day at risk or off track and lasts while it stays
        # either; its one reminder falls due `reminder_after_days` later, if still in it.
        episode_start, reminded = state.episode_start, state.reminded
        if not status.needs_attention:
            episode_start, reminded = None, False
        elif episode_start is None:
            episode_start, reminded = day, False
        if episode_start is not None and not reminded:
            reminder_day = self.reminder_due(episode_start)
            if reminder_day is not None and day >= reminder_day:
                reminders = self.reminders(episode_start)
                effects.extend(reminders)
                reminded = bool(reminders)
        new = PackageState(day, lifecycle, status, since, episode_start, reminded, renewed)
        return new, effects

    def next_event(self, state: PackageState, day: date) -> date | None:
        index = bisect_right(self.events, day)
        candidate = self.events[index] if index < len(self.events) else None
        if state.episode_start is not None and not state.reminded:
            reminder_day = self.reminder_due(state.episode_start)
            if reminder_day is not None and reminder_day > day:
                candidate = reminder_day if candidate is None else min(candidate, reminder_day)
        return candidate


def _changed(before: PackageState, after: PackageState) -> bool:
    return replace(after, evaluated_on=before.evaluated_on) != before


def status_on(
    package: Package, settings: OnTrackSettings | None, summary: PackageSummary, day: date
) -> Progress:
    """The package's On track status on `day` (settings: the effective ones)."""
    timeline = _Timeline(package, settings, summary)
    return timeline.status(day, timeline.lifecycle(day))


def evaluate_package(
    package: Package,
    settings: OnTrackSettings | None,
    summary: PackageSummary,
    state: PackageState,
    today: date,
) -> Evaluation[PackageState]:
    """The package's evaluation for the nightly run and after every write that touches it.

    Returns the state to persist, the effects due (reminders, expiry, the renewal) and the
    next check date. Days missed since `state.evaluated_on` are caught up.
    """
    timeline = _Timeline(package, settings, summary, first_day(state.evaluated_on, today))
    return replay(
        state=state,
        evaluated_on=state.evaluated_on,
        today=today,
        step=timeline.step,
        next_event=timeline.next_event,
        changed=_changed,
    )


@dataclass(frozen=True, slots=True)
class PackageInputs:
    """What a package's status is computed from, as stored before a write changed it."""

    package: Package
    settings: OnTrackSettings | None
    summary: PackageSummary


def evaluate_package_write(
    package: Package,
    settings: OnTrackSettings | None,
    summary: PackageSummary,
    state: PackageState,
    today: date,
    *,
    before: PackageInputs | None,
) -> Evaluation[PackageState]:
    """The state a write (an appointment written or changed, a package created or edited)
    persists for the package, so that an episode starts on the day the write changed the
    status, whatever changed it (SPEC §5).

    The days up to today are first caught up with the inputs as they were (`before`; None
    for a new package, which has no past): a change never rewrites the days before it.
    Then today is evaluated again with the new inputs. A write sends no email and creates
    nothing: every effect found due stays owed to the next run — reminders in
    `owed_reminders`, the renewal and the expiry by keeping `renewed` and `lifecycle` as
    they were — and the next check is then today, so the next run performs them.
    """
    current, found = state, tuple[Effect, ...]()
    if before is not None:
        caught_up = evaluate_package(before.package, before.settings, before.summary, state, today)
        current, found = caught_up.state, caught_up.effects
    after = evaluate_package(package, settings, summary, current, today)
    effects = (*found, *after.effects)
    if not effects:
        return after
    expired = any(isinstance(e, ExpirePackage) for e in effects)
    kept = replace(
        after.state,
        owed_reminders=tuple(
            sorted({e.episode_start for e in effects if isinstance(e, SendReminder)})
        ),
        renewed=state.renewed,
        lifecycle=state.lifecycle if expired else after.state.lifecycle,
    )
    return Evaluation(kept, effects, today)


# --- the report row -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OnTrackRow:
    """One row of the On track report (client record and On track page): one per package."""

    client_id: str
    package_id: str
    last_session: date | None
    days_since: int | None
    next_session_at: datetime | None
    status: Progress
    outstanding: Outstanding


def report_row(
    package: Package,
    settings: OnTrackSettings | None,
    summary: PackageSummary,
    client_summary: ClientSummary,
    *,
    today: date,
    now: datetime,
) -> OnTrackRow:
    """The row as of now. Next session: the next scheduled appointment in the package,
    else the client's next scheduled appointment, else none."""
    last = summary.last_session
    next_session = summary.next_scheduled(now)
    if next_session is None:
        next_session = client_summary.next_scheduled(now)
    return OnTrackRow(
        client_id=package.client_id,
        package_id=package.id,
        last_session=last,
        days_since=None if last is None else (today - last).days,
        next_session_at=next_session,
        status=status_on(package, settings, summary, today),
        outstanding=outstanding(package, summary, today),
    )
