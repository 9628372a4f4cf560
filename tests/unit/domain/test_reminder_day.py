"""SPEC §5: the reminder goes out on episode start + `reminder_after_days`, whatever started
the episode — a nightly run, an appointment written or changed, or the package's creation
with a start date in the past.

The property drives the same domain functions the system uses — `evaluate_package_write`
for every write (what `logic.tracking.refresh_package` calls) and `evaluate_package` for
the runs, which read only the packages whose next check has come (the due index) — and
compares the reminders sent with a reference that knows nothing of states, catch-up or due
dates: it evaluates SPEC §5 from scratch at the start of every day and after every write.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from momentum.domain.appointments import AppointmentFacts, AppointmentStatus
from momentum.domain.effects import SendReminder
from momentum.domain.on_track import (
    OnTrackSettings,
    PackageInputs,
    PackageState,
    evaluate_package,
    evaluate_package_write,
)
from momentum.domain.packages import Package, PackageKind, PackageSize, PackageSummary
from momentum.domain.progress import Progress

from .builders import appt, d, naive_window_status, sessions_on

BASE = date(2024, 3, 1)
PACKAGES = ("p1", "p2")
APPOINTMENTS = tuple(f"a{i}" for i in range(6))
RUN = "run"
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def day(offset: int) -> date:
    return BASE + timedelta(days=offset)


# --- the reference: SPEC §5 from scratch --------------------------------------------------


def reference_status(
    package: Package, on: OnTrackSettings, facts: dict[str, AppointmentFacts], today: date
) -> Progress:
    """SPEC §4-5 read literally from the appointments as they are now."""
    dates = [f.date for f in facts.values() if f.package_id == package.id and f.counts]
    if package.end_date is not None and today > package.end_date:
        return Progress.NOT_TRACKING
    size = package.size
    used = sum(1 for x in dates if x <= today)
    if size.kind is PackageKind.FIXED and size.amount is not None and used >= size.amount:
        return Progress.NOT_TRACKING  # used up
    return naive_window_status(on, package.start_date, dates, today)


@dataclass
class Reference:
    """Every moment a status can change, in order: each day's start (time passing) and
    each write. A reminder falls due at the first moment of its episode dated on or after
    start + reminder_after_days, and goes out with the first run after that moment."""

    moments: dict[str, list[tuple[int, date, Progress]]] = field(default_factory=dict)
    runs: list[tuple[int, date]] = field(default_factory=list)

    def observe(self, position: int, package_id: str, today: date, status: Progress) -> None:
        self.moments.setdefault(package_id, []).append((position, today, status))

    def reminders(self, on: dict[str, OnTrackSettings]) -> dict[tuple[str, date], date]:
        sent: dict[tuple[str, date], date] = {}
        for package_id, moments in self.moments.items():
            after = on[package_id].reminder_after_days
            if after is None:
                continue
            start: date | None = None
            reminded = False
            for position, today, status in moments:
                if not status.needs_attention:
                    start, reminded = None, False
                    continue
                if start is None:
                    start = today
                if not reminded and today >= start + timedelta(days=after):
                    reminded = True
                    run_day = next((r for p, r in self.runs if p > position), None)
                    key = (package_id, start)
                    if run_day is not None and key not in sent:  # the outbox dedupes keys
                        sent[key] = run_day
        return sent


# --- the system, as the domain sees it ------------------------------------------------------


@dataclass
class Stored:
    package: Package
    on: OnTrackSettings
    summary: PackageSummary
    state: PackageState = field(default_factory=PackageState)
    due: date | None = None

    def inputs(self) -> PackageInputs:
        return PackageInputs(self.package, self.on, self.summary)


@dataclass
class System:
    packages: dict[str, Stored] = field(default_factory=dict)
    sent: dict[tuple[str, date], date] = field(default_factory=dict)

    def create(self, package: Package, on: OnTrackSettings, today: date) -> None:
        stored = Stored(package, on, PackageSummary(package.id))
        self._write(stored, None, today)
        self.packages[package.id] = stored

    def change(
        self, before: AppointmentFacts | None, after: AppointmentFacts | None, today: date
    ) -> None:
        """An appointment write: only the packages it leaves or joins are touched."""
        touched = {f.package_id for f in (before, after) if f is not None and f.package_id}
        for package_id in sorted(touched):
            stored = self.packages[package_id]
            previous = stored.inputs()
            stored.summary = stored.summary.apply_change(before, after)
            self._write(stored, previous, today)

    def _write(self, stored: Stored, previous: PackageInputs | None, today: date) -> None:
        result = evaluate_package_write(
            stored.package, stored.on, stored.summary, stored.state, today, before=previous
        )
        stored.state, stored.due = result.state, result.next_check

    def run(self, today: date) -> None:
        """The nightly run reads only what is due (next check on or before today)."""
        for stored in self.packages.values():
            if stored.due is None or stored.due > today:
                continue
            result = evaluate_package(
                stored.package, stored.on, stored.summary, stored.state, today
            )
            for effect in result.effects:
                if isinstance(effect, SendReminder):
                    self.sent.setdefault((effect.package_id, effect.episode_start), today)
            stored.state, stored.due = result.state, result.next_check


# --- strategies ---------------------------------------------------------------------------


@st.composite
def reminding_settings(draw: st.DrawFn) -> OnTrackSettings:
    at_risk = draw(st.integers(1, 3))
    return OnTrackSettings(
        enabled=True,
        window_days=draw(st.integers(1, 15)),
        at_risk_below=at_risk,
        off_track_below=draw(st.integers(0, at_risk - 1)),
        reminder_after_days=draw(st.none() | st.integers(0, 4)),
        remind_team_member=draw(st.booleans()),
        remind_client=True,
    )


@st.composite
def tracked_package(draw: st.DrawFn, id: str, created: int) -> Package:
    """Started on or before its creation day, often long enough before that the first
    window is over: created already at risk or off track."""
    start = day(created - draw(st.integers(0, 40)))
    kind = draw(st.sampled_from([PackageKind.USAGE, PackageKind.USAGE, PackageKind.FIXED]))
    amount = draw(st.integers(2, 6)) if kind is PackageKind.FIXED else None
    end = draw(st.none() | st.integers(0, 50))
    return Package(
        id=id,
        client_id="c1",
        size=PackageSize(kind, amount),
        start_date=start,
        end_date=None if end is None else day(created + end),
        template_id="t1",
        auto_renew=draw(st.booleans()),
        assigned_team_member_id="u1",
    )


# A write: (appointment, days back from today, status, package index) or a delete (None).
writes = st.tuples(
    st.sampled_from(APPOINTMENTS),
    st.none()
    | st.tuples(
        st.integers(0, 20),
        st.sampled_from(
            [AppointmentStatus.COMPLETED] * 3
            + [AppointmentStatus.SCHEDULED, AppointmentStatus.CANCELLED]
        ),
        st.sampled_from([0, 0, 1, None]),
    ),
)
# One day: writes and runs in any order; a day without a run is a skipped night.
days_of_actions = st.lists(st.lists(st.just(RUN) | writes, max_size=6), min_size=1, max_size=30)


@PROPERTY
@given(
    st.data(),
    st.tuples(reminding_settings(), reminding_settings()),
    days_of_actions,
)
def test_reminders_go_out_on_episode_start_plus_reminder_after_days_whatever_started_it(
    data: st.DataObject,
    on_pair: tuple[OnTrackSettings, OnTrackSettings],
    days: list[list[object]],
) -> None:
    on = dict(zip(PACKAGES, on_pair, strict=True))
    second_created = data.draw(st.integers(0, len(days) - 1), label="p2 created on day")
    made = {
        "p1": data.draw(tracked_package("p1", 0), label="p1"),
        "p2": data.draw(tracked_package("p2", second_created), label="p2"),
    }
    system, reference = System(), Reference()
    facts: dict[str, AppointmentFacts] = {}
    position = 0

    def observe_all(today: date) -> None:
        for package_id in system.packages:
            package = made[package_id]
            status = reference_status(package, on[package_id], facts, today)
            reference.observe(position, package_id, today, status)

    for offset, drawn in enumerate(days):
        today = day(offset)
        position += 1
        observe_all(today)  # the day starts: time alone may change a status
        actions = list(drawn)
        if offset == 0:
            actions.insert(0, ("create", "p1"))  # appointments go to p1 until p2 exists
        if offset == second_created:
            at = data.draw(st.integers(int(offset == 0), len(actions)), label="p2 created at")
            actions.insert(at, ("create", "p2"))
        for action in actions:
            position += 1
            if action == RUN:
                system.run(today)
                reference.runs.append((position, today))
                continue
            if isinstance(action, tuple) and action[0] == "create":
                package_id = str(action[1])
                system.create(made[package_id], on[package_id], today)
                observe_all(today)
                continue
            assert isinstance(action, tuple)
            appointment_id, change = action
            before = facts.get(appointment_id)
            after = None
            if change is not None:
                back, status, index = change
                into = None if index is None else PACKAGES[index]
                if into is not None and into not in system.packages:
                    into = "p1"
                after = appt(appointment_id, today - timedelta(days=back), status, package_id=into)
                facts[appointment_id] = after
            else:
                facts.pop(appointment_id, None)
            system.change(before, after, today)
            observe_all(today)

    assert system.sent == reference.reminders(on)


# --- the bug reports, as examples -------------------------------------------------------------

REMINDING = OnTrackSettings(
    enabled=True,
    window_days=30,
    at_risk_below=2,
    off_track_below=1,
    reminder_after_days=2,
    remind_team_member=True,
    remind_client=True,
)
PACKAGE = Package("p1", "c1", PackageSize(PackageKind.USAGE), d("2024-01-01"), None)


def stored_on(summary: PackageSummary, today: str) -> Stored:
    """The package as the run of `today` left it."""
    result = evaluate_package(PACKAGE, REMINDING, summary, PackageState(), d(today))
    return Stored(PACKAGE, REMINDING, summary, result.state, result.next_check)


def sent_by_runs(stored: Stored, first: str, last: str) -> list[tuple[date, date]]:
    """Run every night from `first` to `last`: (run day, episode start) of each reminder."""
    system = System(packages={"p1": stored})
    current = d(first)
    while current <= d(last):
        system.run(current)
        current += timedelta(days=1)
    return sorted((sent_on, start) for (_, start), sent_on in system.sent.items())


def written(
    stored: Stored, before: AppointmentFacts | None, after: AppointmentFacts | None, today: str
) -> Stored:
    system = System(packages={"p1": stored})
    system.change(before, after, d(today))
    return system.packages["p1"]


def cancel(facts: AppointmentFacts) -> AppointmentFacts:
    return replace(facts, status=AppointmentStatus.CANCELLED)


def assert_episode(stored: Stored, status: Progress, start: str, *, due: str) -> None:
    """`stored` is in an episode of `status` begun on `start`, its reminder due on `due`."""
    assert (stored.state.status, stored.state.episode_start, stored.due) == (
        status,
        d(start),
        d(due),
    )


def with_a_session_on_2_may() -> tuple[AppointmentFacts, Stored]:
    """The 2 May session, and the package with it and one of 25 April as stored on 3 May."""
    session = appt("a1", "2024-05-02")
    return session, stored_on(sessions_on("2024-04-25").apply_change(None, session), "2024-05-03")


def test_an_episode_started_by_a_cancellation_gets_its_reminder_on_start_plus_after_days() -> None:
    session, stored = with_a_session_on_2_may()
    assert stored.state.status is Progress.ON_TRACK
    stored = written(stored, session, cancel(session), "2024-05-10")
    assert_episode(stored, Progress.AT_RISK, "2024-05-10", due="2024-05-12")
    assert sent_by_runs(stored, "2024-05-11", "2024-05-30") == [(d("2024-05-12"), d("2024-05-10"))]


def test_the_next_episode_started_by_a_write_gets_its_reminder_too() -> None:
    session, stored = with_a_session_on_2_may()
    stored = written(stored, session, cancel(session), "2024-05-10")  # episode 1
    assert sent_by_runs(stored, "2024-05-11", "2024-05-13") == [(d("2024-05-12"), d("2024-05-10"))]
    back = appt("a2", "2024-05-14")
    stored = written(stored, None, back, "2024-05-14")  # on track again
    assert stored.state.episode_start is None
    stored = written(stored, back, cancel(back), "2024-05-16")  # episode 2
    assert stored.state.episode_start == d("2024-05-16")
    assert sent_by_runs(stored, "2024-05-17", "2024-05-30") == [(d("2024-05-18"), d("2024-05-16"))]


def test_a_moved_session_starts_the_episode_on_the_day_it_was_moved() -> None:
    session, stored = with_a_session_on_2_may()
    moved = replace(session, package_id=None)  # moved out of the package
    stored = written(stored, session, moved, "2024-05-09")
    assert stored.state.episode_start == d("2024-05-09")
    assert sent_by_runs(stored, "2024-05-10", "2024-05-30") == [(d("2024-05-11"), d("2024-05-09"))]


def test_a_write_never_rewrites_the_days_before_it() -> None:
    """Not evaluated for two weeks (nothing was due); cancelling a session of 1 May puts the
    package at risk from today, not from the day after the last run (which would have made
    the reminder overdue at once)."""
    old = appt("a1", "2024-05-01")
    stored = stored_on(sessions_on("2024-04-28").apply_change(None, old), "2024-05-06")
    assert stored.due == d("2024-05-28")
    stored = written(stored, old, cancel(old), "2024-05-22")
    assert_episode(stored, Progress.AT_RISK, "2024-05-22", due="2024-05-24")
    assert sent_by_runs(stored, "2024-05-22", "2024-06-30") == [(d("2024-05-24"), d("2024-05-22"))]


def test_a_package_created_at_risk_starts_its_episode_on_the_day_it_is_created() -> None:
    system = System()
    system.create(PACKAGE, REMINDING, d("2024-05-10"))  # started in January, no sessions
    stored = system.packages["p1"]
    assert_episode(stored, Progress.OFF_TRACK, "2024-05-10", due="2024-05-12")
    assert sent_by_runs(stored, "2024-05-11", "2024-05-20") == [(d("2024-05-12"), d("2024-05-10"))]


def test_a_reminder_due_on_the_day_a_write_starts_the_episode_is_owed_to_the_next_run() -> None:
    system = System()
    system.create(PACKAGE, replace(REMINDING, reminder_after_days=0), d("2024-05-10"))
    stored = system.packages["p1"]
    assert stored.state.owed_reminders == (d("2024-05-10"),)
    assert stored.due == d("2024-05-10")  # due now: the next (hourly) run sends it
    assert PackageState.from_dict(stored.state.to_dict()) == stored.state
    assert sent_by_runs(stored, "2024-05-10", "2024-05-12") == [(d("2024-05-10"), d("2024-05-10"))]


def test_a_reminder_due_in_a_skipped_night_survives_the_write_that_ends_the_episode() -> None:
    system = System()
    system.create(PACKAGE, REMINDING, d("2024-05-10"))  # off track from 10 May, due 12 May
    # No run on 12 or 13 May; on 13 May two sessions put it back on track.
    system.change(None, appt("a1", "2024-05-13"), d("2024-05-13"))
    system.change(None, appt("a2", "2024-05-13"), d("2024-05-13"))
    stored = system.packages["p1"]
    assert stored.state.status is Progress.ON_TRACK
    assert stored.state.owed_reminders == (d("2024-05-10"),)
    system.run(d("2024-05-14"))
    assert system.sent == {("p1", d("2024-05-10")): d("2024-05-14")}
    assert system.packages["p1"].state.owed_reminders == ()
