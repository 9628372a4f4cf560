"""What each summary keeps (momentum.domain.retention, issue #15): every rule answers from
the trimmed summary exactly as from the whole one, a write folded into a trimmed summary
gives what rebuilding and trimming gives, and the summaries stop growing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from momentum.domain import retention
from momentum.domain.appointments import AppointmentFacts, AppointmentKind
from momentum.domain.clients import ClientSummary
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
from momentum.domain.on_track import (
    OnTrackSettings,
    PackageState,
    evaluate_package,
    status_on,
)
from momentum.domain.packages import (
    Package,
    PackageKind,
    PackageSize,
    PackageSummary,
    Period,
    outstanding,
    used_up_on,
)
from momentum.domain.trackers import (
    Tracker,
    TrackerState,
    evaluate_tracker,
    tracker_view,
)

from .builders import CANCELLED, COMPLETED, SCHEDULED, appt, d, days

TODAY = d("2026-06-15")
FIRST = d("2021-01-04")
STATUSES = st.sampled_from([COMPLETED, COMPLETED, COMPLETED, CANCELLED, SCHEDULED])


@st.composite
def histories(draw: st.DrawFn, engagement_id: str | None = None) -> list[AppointmentFacts]:
    """Years of sessions every few days, some cancelled, a few booked ahead."""
    facts, day, i = [], FIRST + days(draw(st.integers(0, 1500))), 0
    step = draw(st.integers(3, 21))
    while day <= TODAY:
        status = draw(STATUSES)
        facts.append(appt(f"a{i}", day, status, engagement_id=engagement_id))
        day, i = day + days(step + draw(st.integers(0, 3))), i + 1
    for ahead in range(draw(st.integers(0, 3))):
        facts.append(appt(f"b{ahead}", TODAY + days(7 * (ahead + 1)), SCHEDULED,
                          engagement_id=engagement_id))  # fmt: skip
    return facts


def package_of(kind: PackageKind, start: date) -> Package:
    size = {
        PackageKind.SUBSCRIPTION: PackageSize(kind, 4, period=Period.MONTH),
        PackageKind.USAGE: PackageSize(kind),
        PackageKind.FIXED: PackageSize(kind, 30),
    }[kind]
    return Package("p1", "c1", size, start, auto_renew=True, template_id="t1")


# -- packages ----------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    histories(),
    st.sampled_from(list(PackageKind)),
    st.integers(1, 365),
    st.integers(0, 60),
)
def test_a_package_answers_from_what_it_keeps_as_from_every_date(
    history: list[AppointmentFacts], kind: PackageKind, window: int, later: int
) -> None:
    package = package_of(kind, FIRST)
    settings_ = OnTrackSettings(enabled=True, window_days=window, at_risk_below=2)
    whole = PackageSummary.rebuild("p1", history)
    kept = retention.package_summary(package, whole, TODAY)
    assert retention.package_answers(package, kept, TODAY)
    assert kept.completed.total() == whole.completed.total()
    if kind is PackageKind.FIXED:
        assert kept.completed == whole.completed
    day = TODAY + days(later)
    assert status_on(package, settings_, kept, day) == status_on(package, settings_, whole, day)
    assert outstanding(package, kept, day) == outstanding(package, whole, day)
    assert kept.last_session == whole.last_session
    assert kept.next_scheduled(retention.scheduled_from(TODAY) + days(1)) == whole.next_scheduled(
        retention.scheduled_from(TODAY) + days(1)
    )
    assert used_up_on(package, kept) == used_up_on(package, whole)
    state = PackageState(evaluated_on=TODAY)
    assert evaluate_package(package, settings_, kept, state, day) == evaluate_package(
        package, settings_, whole, state, day
    )


@settings(max_examples=100, deadline=None)
@given(
    histories(),
    st.lists(st.tuples(st.integers(0, 400), st.integers(0, 20), st.booleans()), max_size=25),
)
def test_writes_folded_into_a_kept_package_give_what_rebuilding_and_trimming_gives(
    history: list[AppointmentFacts], writes: list[tuple[int, int, bool]]
) -> None:
    """Writes on later and later days, each about a session in the window the package keeps
    that day (a new one, or one of its own cancelled): incremental == rebuilt, trimmed."""
    package = package_of(PackageKind.USAGE, FIRST)
    kept = retention.package_summary(package, PackageSummary.rebuild("p1", history), TODAY)
    facts, today = list(history), TODAY
    for n, (back, step, cancel) in enumerate(writes):
        today += days(step)
        horizon = retention.package_completed_from(package, today)
        assert horizon is not None
        new = appt(f"w{n}", max(horizon, today - days(back)), COMPLETED)
        before, after = (None, new) if not cancel else (new, replace(new, status=CANCELLED))
        if before is not None:  # completed, then cancelled in the same write's day
            kept = kept.apply_change(None, before)
        kept = retention.package_summary(package, kept.apply_change(before, after), today)
        facts.append(after)
    rebuilt = retention.package_summary(package, PackageSummary.rebuild("p1", facts), today)
    assert kept.completed == rebuilt.completed
    assert kept.completed_minutes == rebuilt.completed_minutes
    assert (kept.used_sessions, kept.used_minutes) == (rebuilt.used_sessions, rebuilt.used_minutes)


def test_a_package_stops_growing_after_its_longest_window() -> None:
    package = package_of(PackageKind.SUBSCRIPTION, FIRST)
    weekly = [appt(f"a{w}", FIRST + days(7 * w), COMPLETED) for w in range(5 * 52)]
    sizes = {}
    for years in (1, 2, 5):
        today = FIRST + days(7 * 52 * years - 1)
        whole = PackageSummary.rebuild("p1", [f for f in weekly if f.date <= today])
        kept = retention.package_summary(package, whole, today)
        sizes[years] = len(kept.completed)
        assert kept.completed.total() == whole.completed.total() == 52 * years
    # A year of weeks in the window and the newest few before it; never more.
    assert sizes == {1: 52, 2: 52 + retention.KEEP_NEWEST, 5: 52 + retention.KEEP_NEWEST}


def test_cancelling_more_of_the_newest_old_sessions_than_it_keeps_is_seen() -> None:
    """A package whose sessions are all over a year old keeps its newest few; cancelling
    every one of them leaves it unable to say its last session: the write rebuilds it
    (`logic.summaries`), never reporting a wrong date."""
    package = package_of(PackageKind.USAGE, FIRST)
    old = [appt(f"a{w}", FIRST + days(7 * w), COMPLETED) for w in range(20)]
    kept = retention.package_summary(package, PackageSummary.rebuild("p1", old), TODAY)
    assert retention.package_answers(package, kept, TODAY)
    for facts in reversed(old[-retention.KEEP_NEWEST :]):
        assert kept.last_session == facts.date
        kept = kept.apply_change(facts, replace(facts, status=CANCELLED))
    assert not retention.package_answers(package, kept, TODAY)


# -- clients and their trackers ---------------------------------------------------------------

TRACKERS = st.builds(
    lambda begin, length, auto_reset, open_end: Tracker(
        "t1", "c1", 3, begin,
        end_date=None if open_end else begin + days(length),
        auto_reset=auto_reset and not open_end,
    ),
    st.dates(FIRST - days(30), TODAY),
    st.integers(0, 400),
    st.booleans(),
    st.booleans(),
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    histories(), st.lists(TRACKERS, min_size=0, max_size=3), st.integers(0, 40), st.integers(0, 60)
)
def test_trackers_count_from_the_kept_client_summary_and_their_copies_as_from_every_date(
    history: list[AppointmentFacts], trackers: list[Tracker], seen_back: int, later: int
) -> None:
    whole = ClientSummary.rebuild("c1", history)
    states = [TrackerState(evaluated_on=TODAY - days(seen_back)) for _ in trackers]
    kept = retention.client_summary(whole, TODAY, list(zip(trackers, states, strict=True)))
    assert retention.client_answers(kept, TODAY, list(zip(trackers, states, strict=True)))
    assert kept.completed.total() == whole.completed.total()
    day = TODAY + days(later)
    for tracker, state in zip(trackers, states, strict=True):
        assert tracker_view(tracker, kept, day) == tracker_view(tracker, whole, day)
        evaluated = evaluate_tracker(tracker, kept, state, TODAY)
        assert evaluated == evaluate_tracker(tracker, whole, state, TODAY)
        # The nightly evaluates the tracker from its own copy, without the client.
        copy = ClientSummary(
            "c1", retention.tracker_copy(kept.completed, tracker, evaluated.state, TODAY)
        )
        assert evaluate_tracker(tracker, copy, evaluated.state, day) == evaluate_tracker(
            tracker, whole, evaluated.state, day
        )


def test_a_tracker_since_the_first_session_keeps_none_of_the_clients_dates() -> None:
    weekly = [appt(f"a{w}", FIRST + days(7 * w), COMPLETED) for w in range(5 * 52)]
    today = FIRST + days(7 * 5 * 52)
    since_first = Tracker("t1", "c1", 1000, FIRST)
    every_month = Tracker("t2", "c1", 4, FIRST, FIRST + days(27), auto_reset=True)
    states = [(since_first, TrackerState(today)), (every_month, TrackerState(today))]
    kept = retention.client_summary(ClientSummary.rebuild("c1", weekly), today, states)
    assert len(kept.completed) <= 92 // 7 + 1 + retention.KEEP_NEWEST
    assert tracker_view(since_first, kept, today).used == 260
    # A tracker begun in the middle of the history needs its dates: it keeps them.
    midway = Tracker("t3", "c1", 1000, FIRST + days(700))
    pinned = retention.client_summary(
        ClientSummary.rebuild("c1", weekly), today, [(midway, TrackerState(today))]
    )
    assert tracker_view(midway, pinned, today).used == 260 - 100
    assert not retention.client_answers(kept, today, [(midway, TrackerState(today))])


# -- engagements -------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    histories(engagement_id="e1"),
    st.integers(1, 60),
    st.integers(0, 90),
    st.integers(0, 60),
    st.booleans(),
)
def test_an_engagement_answers_from_what_it_keeps_as_from_every_date(
    history: list[AppointmentFacts], threshold: int, seen_back: int, later: int, notify: bool
) -> None:
    engagement = Engagement(
        "e1", EngagementType.ONE_TO_ONE, EngagementStatus.ACTIVE, "c1", "u-owner",
        coach_id="u-coach", tracking=EngagementTracking(threshold, notify), started_on=FIRST,
    )  # fmt: skip
    whole = EngagementSummary.rebuild("e1", EngagementType.ONE_TO_ONE, history)
    state = EngagementState(evaluated_on=TODAY - days(seen_back))
    kept = retention.engagement_summary(whole, state, TODAY)
    assert retention.engagement_answers(kept, state, TODAY)
    day = TODAY + days(later)
    assert progress_on(engagement, kept, day) == progress_on(engagement, whole, day)
    assert evaluate_engagement(engagement, kept, state, day) == evaluate_engagement(
        engagement, whole, state, day
    )


def test_discovery_calls_and_sessions_are_kept_alike() -> None:
    calls = [
        appt(f"a{w}", FIRST + days(7 * w), COMPLETED, engagement_id="e1",
             kind=AppointmentKind.DISCOVERY_CALL)
        for w in range(100)
    ]  # fmt: skip
    whole = EngagementSummary.rebuild("e1", EngagementType.COACH_MATCHING, calls)
    kept = retention.engagement_summary(whole, EngagementState(TODAY), TODAY)
    assert kept.activity.total() == 100
    assert len(kept.activity) == retention.KEEP_NEWEST
