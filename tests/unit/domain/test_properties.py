"""Properties of the rules, checked by hypothesis against brute-force references.

- incremental summaries equal rebuilt ones for any sequence of appointment changes;
- the next check date is exact: day-by-day evaluation changes nothing before it, and
  something changes (or falls due) on it; statuses match a naive count on every day;
- catching up several days at once equals evaluating every day in turn;
- adding a completed session never makes a package's status worse;
- one reminder per episode; exactly one task per tracker period.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from momentum.domain.appointments import AppointmentFacts, AppointmentKind, AppointmentStatus
from momentum.domain.clients import ClientSummary
from momentum.domain.effects import CreateTask, Evaluation, SendReminder
from momentum.domain.engagements import (
    Engagement,
    EngagementState,
    EngagementStatus,
    EngagementSummary,
    EngagementTracking,
    EngagementType,
    evaluate_engagement,
    progress_on,
)
from momentum.domain.on_track import OnTrackSettings, PackageState, evaluate_package, status_on
from momentum.domain.packages import Package, PackageKind, PackageSize, PackageSummary, Unit
from momentum.domain.progress import Progress
from momentum.domain.trackers import (
    TaskTrigger,
    Tracker,
    TrackerState,
    TrackerTask,
    evaluate_tracker,
    tracker_view,
)

from .builders import appt, naive_window_status

BASE = date(2024, 1, 1)
HORIZON = 420  # days: past every event the strategies can make
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RANK = {Progress.OFF_TRACK: 0, Progress.AT_RISK: 1, Progress.ON_TRACK: 2}


def day(offset: int) -> date:
    return BASE + timedelta(days=offset)


# --- strategies ---------------------------------------------------------------------------

offsets = st.integers(0, 120)


@st.composite
def appointment(draw: st.DrawFn, id: str) -> AppointmentFacts:
    return appt(
        id,
        day(draw(offsets)),
        draw(st.sampled_from(list(AppointmentStatus))),
        package_id=draw(st.sampled_from(["p1", "p2", None])),
        client_id=draw(st.sampled_from(["c1", "c2"])),
        engagement_id=draw(st.sampled_from(["e1", None])),
        kind=draw(st.sampled_from(list(AppointmentKind))),
        minutes=draw(st.integers(0, 120)),
        hour=draw(st.integers(0, 23)),
    )


@st.composite
def operations(draw: st.DrawFn) -> list[tuple[str, AppointmentFacts | None]]:
    """Creates, changes (any field, including moves between packages) and deletes."""
    ids = [f"a{i}" for i in range(6)]
    ops: list[tuple[str, AppointmentFacts | None]] = []
    for _ in range(draw(st.integers(0, 30))):
        id = draw(st.sampled_from(ids))
        ops.append((id, None if draw(st.integers(0, 5)) == 0 else draw(appointment(id))))
    return ops


@st.composite
def on_track_settings(draw: st.DrawFn) -> OnTrackSettings:
    at_risk = draw(st.integers(1, 4))
    return OnTrackSettings(
        enabled=draw(st.booleans() | st.just(True)),
        window_days=draw(st.integers(1, 40)),
        at_risk_below=at_risk,
        off_track_below=draw(st.integers(0, at_risk - 1)),
        reminder_after_days=draw(st.none() | st.integers(0, 10)),
        remind_team_member=draw(st.booleans()),
        remind_client=draw(st.booleans()),
    )


@st.composite
def packages(draw: st.DrawFn) -> Package:
    start = draw(st.integers(0, 60))
    end = draw(st.none() | st.integers(start, 150))
    kind = draw(st.sampled_from([PackageKind.FIXED, PackageKind.USAGE]))
    unit = draw(st.sampled_from(list(Unit))) if kind is PackageKind.FIXED else Unit.SESSIONS
    amount = draw(st.integers(1, 8)) if kind is PackageKind.FIXED else None
    return Package(
        id="p1",
        client_id="c1",
        size=PackageSize(kind, amount, unit),
        start_date=day(start),
        end_date=None if end is None else day(end),
        cancelled=draw(st.booleans()) and draw(st.booleans()),
        template_id="t1",
        auto_renew=draw(st.booleans()),
        assigned_team_member_id=draw(st.sampled_from(["u1", None])),
    )


def completed_sessions(dates: list[int], package_id: str = "p1") -> list[AppointmentFacts]:
    return [appt(f"s{i}", day(o), package_id=package_id) for i, o in enumerate(dates)]


session_dates = st.lists(st.integers(0, 150), max_size=12)


def event_steps(most_days_between: int) -> st.SearchStrategy[list[tuple[int, int, bool]]]:
    """Up to 40 (days to move on, session day offset, cancel the last session instead)."""
    step = st.tuples(st.integers(0, most_days_between), st.integers(0, 100), st.booleans())
    return st.lists(step, max_size=40)


# --- helpers ------------------------------------------------------------------------------


def strip(state: Any) -> Any:
    return replace(state, evaluated_on=None)


def assert_next_check_exact[S](
    evaluate: Callable[[S, date], Evaluation[S]], first: Evaluation[S], today: date
) -> None:
    """Day by day after `today`: nothing changes before next_check, something on it."""
    state, next_check = first.state, first.next_check
    for offset in range(1, HORIZON):
        current = today + timedelta(days=offset)
        result = evaluate(state, current)
        changed = bool(result.effects) or strip(result.state) != strip(state)
        if next_check is None or current < next_check:
            assert not changed, f"something changed on {current}, next_check {next_check}"
        else:
            assert current == next_check
            assert changed, f"nothing changed on next_check {next_check}"
            return
        state = result.state
    assert next_check is None or next_check >= today + timedelta(days=HORIZON)


def assert_catch_up_equals_day_by_day[S](
    evaluate: Callable[[S, date], Evaluation[S]], state: S, today: date, gap: int
) -> None:
    jumped = evaluate(state, today + timedelta(days=gap))
    effects: list[Any] = []
    stepped = None
    for offset in range(1, gap + 1):
        stepped = evaluate(state, today + timedelta(days=offset))
        state = stepped.state
        effects.extend(stepped.effects)
    assert stepped is not None
    assert jumped.state == stepped.state
    assert list(jumped.effects) == effects
    assert jumped.next_check == stepped.next_check


# --- summaries ----------------------------------------------------------------------------


@FAST
@given(operations())
def test_incremental_summaries_equal_rebuilt_ones_for_any_sequence_of_changes(
    ops: list[tuple[str, AppointmentFacts | None]],
) -> None:
    current: dict[str, AppointmentFacts] = {}
    p1, p2 = PackageSummary("p1"), PackageSummary("p2")
    c1 = ClientSummary("c1")
    e1 = EngagementSummary.empty("e1", EngagementType.ONE_TO_ONE)
    m1 = EngagementSummary.empty("e1", EngagementType.COACH_MATCHING)
    for id, after in ops:
        before = current.pop(id, None)
        if after is not None:
            current[id] = after
        p1, p2 = p1.apply_change(before, after), p2.apply_change(before, after)
        c1 = c1.apply_change(before, after)
        e1, m1 = e1.apply_change(before, after), m1.apply_change(before, after)
    everything = list(current.values())
    assert p1 == PackageSummary.rebuild("p1", everything)
    assert p2 == PackageSummary.rebuild("p2", everything)
    assert c1 == ClientSummary.rebuild("c1", everything)
    assert e1 == EngagementSummary.rebuild("e1", EngagementType.ONE_TO_ONE, everything)
    assert m1 == EngagementSummary.rebuild("e1", EngagementType.COACH_MATCHING, everything)
    # And they survive storage.
    assert PackageSummary.from_dict(p1.to_dict()) == p1
    assert ClientSummary.from_dict(c1.to_dict()) == c1
    assert EngagementSummary.from_dict(m1.to_dict()) == m1
    # The totals agree with the facts they summarise.
    mine = [f for f in everything if f.package_id == "p1" and f.counts]
    assert p1.used_sessions == len(mine)
    assert p1.used_minutes == sum(f.duration_minutes for f in mine)
    assert p1.last_session == max((f.date for f in mine), default=None)


# --- packages -----------------------------------------------------------------------------


def naive_package_status(
    package: Package, on: OnTrackSettings, dates: list[date], minutes: int, current: date
) -> Progress:
    """SPEC §4-5 read literally, from the list of completed session dates."""
    if not on.enabled or package.cancelled:
        return Progress.NOT_TRACKING
    if package.end_date is not None and current > package.end_date:
        return Progress.NOT_TRACKING
    size = package.size
    if size.kind is PackageKind.FIXED and size.amount is not None:
        so_far = [x for x in dates if x <= current]
        used = len(so_far) * minutes if size.unit is Unit.HOURS else len(so_far)
        if used >= (size.amount * 60 if size.unit is Unit.HOURS else size.amount):
            return Progress.NOT_TRACKING
    return naive_window_status(on, package.start_date, dates, current)


@FAST
@given(packages(), on_track_settings(), session_dates, st.integers(0, 160))
def test_package_next_check_is_exact_and_statuses_match_a_naive_count(
    package: Package, on: OnTrackSettings, dates: list[int], today_offset: int
) -> None:
    summary = PackageSummary.rebuild("p1", completed_sessions(dates))
    today = day(today_offset)

    def evaluate(state: PackageState, current: date) -> Evaluation[PackageState]:
        return evaluate_package(package, on, summary, state, current)

    first = evaluate(PackageState(), today)
    assert_next_check_exact(evaluate, first, today)
    sessions = sorted(day(o) for o in dates)
    for offset in range(0, 200, 3):
        current = today + timedelta(days=offset)
        expected = naive_package_status(package, on, sessions, 60, current)
        assert status_on(package, on, summary, current) is expected


@FAST
@given(packages(), on_track_settings(), session_dates, st.integers(0, 160), st.integers(1, 60))
def test_package_catch_up_equals_evaluating_every_day(
    package: Package, on: OnTrackSettings, dates: list[int], today_offset: int, gap: int
) -> None:
    summary = PackageSummary.rebuild("p1", completed_sessions(dates))
    today = day(today_offset)

    def evaluate(state: PackageState, current: date) -> Evaluation[PackageState]:
        return evaluate_package(package, on, summary, state, current)

    assert_catch_up_equals_day_by_day(evaluate, evaluate(PackageState(), today).state, today, gap)


@FAST
@given(on_track_settings(), session_dates, st.integers(0, 150), st.integers(0, 150))
def test_adding_a_completed_session_never_makes_a_package_worse(
    on: OnTrackSettings, dates: list[int], extra: int, current_offset: int
) -> None:
    package = Package("p1", "c1", PackageSize(PackageKind.USAGE), day(0))
    before = PackageSummary.rebuild("p1", completed_sessions(dates))
    current = day(max(extra, current_offset))  # completed sessions are never in the future
    after = before.apply_change(None, appt("new", day(extra)))
    old, new = status_on(package, on, before, current), status_on(package, on, after, current)
    if on.enabled:
        assert RANK[new] >= RANK[old]
    else:
        assert old is new is Progress.NOT_TRACKING


@FAST
@given(
    on_track_settings(),
    event_steps(most_days_between=3),
)
def test_one_reminder_per_episode_whatever_happens(
    on: OnTrackSettings, events: list[tuple[int, int, bool]]
) -> None:
    """Days pass one at a time; sessions are completed (or cancelled) on the way."""
    package = Package(
        "p1", "c1", PackageSize(PackageKind.USAGE), day(0), None, False, None, False, "u1"
    )
    on = replace(on, enabled=True)
    summary, state = PackageSummary("p1"), PackageState()
    current, completed = day(0), list[AppointmentFacts]()
    # (episode segment number, recipient) -> reminders; a segment ends when the state leaves
    # the episode, so a same-day restart after On track counts as a new episode.
    segment, sent, due_seen = 0, dict[tuple[int, str], int](), set[int]()
    for advance, when, cancel in events:
        for _ in range(advance + 1):
            current += timedelta(days=1)
            result = evaluate_package(package, on, summary, state, current)
            segment = segment if result.state.episode_start else segment + 1
            for effect in result.effects:
                if isinstance(effect, SendReminder):
                    sent[(segment, effect.recipient)] = sent.get((segment, effect.recipient), 0) + 1
            start = result.state.episode_start
            if (
                start
                and on.reminder_after_days is not None
                and current >= start + timedelta(days=on.reminder_after_days)
            ):
                due_seen.add(segment)
            state = result.state
        if cancel and completed:
            summary = summary.apply_change(completed.pop(), None)
        else:
            facts = appt(f"x{len(completed)}{when}", min(day(when), current))
            completed.append(facts)
            summary = summary.apply_change(None, facts)
    assert all(count == 1 for count in sent.values()), sent
    recipients = {"team_member"} if on.remind_team_member else set()
    recipients |= {"client"} if on.remind_client else set()
    for seg in due_seen:
        assert {r for (s, r) in sent if s == seg} == recipients


# --- trackers -----------------------------------------------------------------------------


@st.composite
def trackers(draw: st.DrawFn) -> Tracker:
    begin = draw(st.integers(0, 40))
    end = draw(st.none() | st.integers(begin, begin + 30))
    trigger = draw(st.sampled_from(list(TaskTrigger)))
    if end is None:
        trigger = TaskTrigger.COUNT_REACHED
    return Tracker(
        id="t1",
        client_id="c1",
        sessions=draw(st.integers(1, 4)),
        begin_date=day(begin),
        end_date=None if end is None else day(end),
        task=draw(st.none() | st.just(TrackerTask("u1", trigger))),
        auto_reset=end is not None and draw(st.booleans()),
    )


@FAST
@given(trackers(), session_dates, st.integers(0, 160))
def test_tracker_next_check_is_exact_and_used_matches_a_naive_count(
    tracker: Tracker, dates: list[int], today_offset: int
) -> None:
    summary = ClientSummary.rebuild("c1", completed_sessions(dates, package_id=None))
    today = day(today_offset)

    def evaluate(state: TrackerState, current: date) -> Evaluation[TrackerState]:
        return evaluate_tracker(tracker, summary, state, current)

    assert_next_check_exact(evaluate, evaluate(TrackerState(), today), today)
    view = tracker_view(tracker, summary, today)
    last = today if view.end_date is None else min(today, view.end_date)
    assert view.used == sum(1 for o in dates if view.begin_date <= day(o) <= last)
    assert view.remaining == max(tracker.sessions - view.used, 0)


@FAST
@given(trackers(), session_dates, st.integers(0, 160), st.integers(1, 60))
def test_tracker_catch_up_equals_evaluating_every_day(
    tracker: Tracker, dates: list[int], today_offset: int, gap: int
) -> None:
    summary = ClientSummary.rebuild("c1", completed_sessions(dates, package_id=None))
    today = day(today_offset)

    def evaluate(state: TrackerState, current: date) -> Evaluation[TrackerState]:
        return evaluate_tracker(tracker, summary, state, current)

    assert_catch_up_equals_day_by_day(evaluate, evaluate(TrackerState(), today).state, today, gap)


@FAST
@given(
    trackers(),
    event_steps(most_days_between=6),
)
def test_exactly_one_task_per_tracker_period_whatever_the_order_of_events(
    tracker: Tracker, events: list[tuple[int, int, bool]]
) -> None:
    """Nights may be missed (jumps of several days); sessions come and go in any order."""
    summary, state = ClientSummary("c1"), TrackerState()
    current, completed = tracker.begin_date, list[AppointmentFacts]()
    tasks: list[CreateTask] = []
    reached: set[date] = set()
    result = evaluate_tracker(tracker, summary, state, current)
    state = result.state
    for advance, when, cancel in events:
        current += timedelta(days=advance)
        if cancel and completed:
            summary = summary.apply_change(completed.pop(), None)
        else:
            facts = appt(f"x{len(completed)}", min(day(when), current), package_id=None)
            completed.append(facts)
            summary = summary.apply_change(None, facts)
        result = evaluate_tracker(tracker, summary, state, current)
        state = result.state
        tasks.extend(e for e in result.effects if isinstance(e, CreateTask))
        view = tracker_view(tracker, summary, current)
        if not view.ended and view.remaining == 0:
            reached.add(view.begin_date)
    periods = [task.period_begin for task in tasks]
    assert len(periods) == len(set(periods)), periods  # never two for one period
    if tracker.task is None:
        assert tasks == []
        return
    if tracker.task.trigger is not TaskTrigger.END_DATE:
        assert reached <= set(periods)  # the count was seen reached: its task exists
    if tracker.task.trigger is not TaskTrigger.COUNT_REACHED and tracker.end_date is not None:
        view = tracker_view(tracker, summary, current)
        closed = {p for p in _period_begins(tracker, current) if p < view.begin_date or view.ended}
        assert closed <= set(periods)  # every period whose end passed got its end_date task


def _period_begins(tracker: Tracker, until: date) -> list[date]:
    assert tracker.end_date is not None
    length = (tracker.end_date - tracker.begin_date).days + 1
    begins, begin = [], tracker.begin_date
    while begin <= until:
        begins.append(begin)
        if not tracker.auto_reset:
            break
        begin += timedelta(days=length)
    return begins


# --- engagements --------------------------------------------------------------------------


@st.composite
def engagements(draw: st.DrawFn) -> Engagement:
    kind = draw(st.sampled_from(list(EngagementType)))
    started = draw(st.integers(0, 60))
    return Engagement(
        id="e1",
        type=kind,
        status=draw(st.sampled_from(list(EngagementStatus))),
        coachee_id="c1",
        owner_id="u-owner",
        coach_id="u-coach",
        tracking=EngagementTracking(
            draw(st.none() | st.integers(1, 30)), notify_off_track=draw(st.booleans())
        ),
        started_on=day(started),
        coach_selected_on=(
            day(draw(st.integers(started, 90)))
            if kind is EngagementType.COACH_MATCHING and draw(st.booleans())
            else None
        ),
    )


@st.composite
def engagement_appointments(draw: st.DrawFn) -> list[AppointmentFacts]:
    return [
        appt(
            f"a{i}",
            day(draw(st.integers(0, 150))),
            draw(st.sampled_from(list(AppointmentStatus))),
            package_id=None,
            engagement_id="e1",
            kind=draw(st.sampled_from(list(AppointmentKind))),
        )
        for i in range(draw(st.integers(0, 8)))
    ]


def naive_engagement(
    engagement: Engagement, facts: list[AppointmentFacts], current: date
) -> tuple[Progress, date | None]:
    threshold = engagement.tracking.threshold_days
    if (
        engagement.status not in (EngagementStatus.ACTIVE, EngagementStatus.MATCHING)
        or threshold is None
    ):
        return Progress.NOT_TRACKING, None
    mine = [f for f in facts if f.kind is engagement.type.activity_kind]
    if any(f.status is AppointmentStatus.SCHEDULED and f.date > current for f in mine):
        return Progress.ON_TRACK, None
    activity = [f.date for f in mine] + [engagement.started_on, engagement.coach_selected_on]
    past = [a for a in activity if a is not None and a <= current]
    if not past:
        return Progress.ON_TRACK, None
    crossing = max(past) + timedelta(days=threshold)
    return (Progress.OFF_TRACK, crossing) if current >= crossing else (Progress.ON_TRACK, None)


@FAST
@given(engagements(), engagement_appointments(), st.integers(0, 160))
def test_engagement_next_check_is_exact_and_status_matches_a_naive_reading(
    engagement: Engagement, facts: list[AppointmentFacts], today_offset: int
) -> None:
    summary = EngagementSummary.rebuild("e1", engagement.type, facts)
    today = day(today_offset)

    def evaluate(state: EngagementState, current: date) -> Evaluation[EngagementState]:
        return evaluate_engagement(engagement, summary, state, current)

    assert_next_check_exact(evaluate, evaluate(EngagementState(), today), today)
    for offset in range(0, 200, 3):
        current = today + timedelta(days=offset)
        progress = progress_on(engagement, summary, current)
        assert (progress.status, progress.off_track_since) == naive_engagement(
            engagement, facts, current
        )


@FAST
@given(engagements(), engagement_appointments(), st.integers(0, 160), st.integers(1, 60))
def test_engagement_catch_up_equals_evaluating_every_day_and_notifies_once_per_episode(
    engagement: Engagement, facts: list[AppointmentFacts], today_offset: int, gap: int
) -> None:
    summary = EngagementSummary.rebuild("e1", engagement.type, facts)
    today = day(today_offset)

    def evaluate(state: EngagementState, current: date) -> Evaluation[EngagementState]:
        return evaluate_engagement(engagement, summary, state, current)

    first = evaluate(EngagementState(), today)
    assert_catch_up_equals_day_by_day(evaluate, first.state, today, gap)
    jumped = evaluate(first.state, today + timedelta(days=gap))
    keys = [e.key for e in (*first.effects, *jumped.effects)]
    assert len(keys) == len(set(keys))
