"""`momentum.logic.summaries`: a write folds the change into the stored (trimmed) summary and
keeps what the rules need; when the change reaches past what was kept, the summary is
rebuilt from the client's appointments instead — and only then is history read."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from momentum.domain import retention
from momentum.domain.appointments import AppointmentFacts
from momentum.domain.clients import ClientSummary
from momentum.domain.engagements import (
    Engagement,
    EngagementState,
    EngagementStatus,
    EngagementSummary,
    EngagementTracking,
    EngagementType,
    progress_on,
)
from momentum.domain.trackers import Tracker, TrackerState
from momentum.logic import summaries
from momentum.store.clients import ClientRecord
from momentum.store.engagements import EngagementRecord
from momentum.store.trackers import TrackerRecord
from tests.unit.domain.builders import CANCELLED, COMPLETED, appt, d, days

TODAY = d("2026-06-15")
START = d("2025-01-06")


class History:
    """The client's appointments as stored, and how often they were read."""

    def __init__(self, facts: list[AppointmentFacts]) -> None:
        self.facts, self.reads = facts, 0

    def __call__(self, org_id: str, client_id: str, tz: object) -> list[AppointmentFacts]:
        self.reads += 1
        return [f for f in self.facts if f.client_id == client_id]


@pytest.fixture
def weekly(monkeypatch: pytest.MonkeyPatch) -> History:
    """A session every week of 2025, stored."""
    facts = [appt(f"a{w}", START + days(7 * w), COMPLETED, engagement_id="e1") for w in range(52)]
    history = History(facts)
    monkeypatch.setattr(summaries, "_history", history)
    return history


def test_a_change_inside_what_the_client_keeps_reads_no_history(weekly: History) -> None:
    whole = ClientSummary.rebuild("c1", weekly.facts)
    client = ClientRecord("o1", "c1", "Ada", summary=retention.client_summary(whole, TODAY, []))
    new = appt("n1", TODAY, COMPLETED)
    folded = client.client_summary().apply_change(None, new)
    kept = summaries.client_kept(client, folded, None, new, [], TODAY, "UTC")
    assert weekly.reads == 0
    assert kept.completed.total() == 53
    assert kept == retention.client_summary(whole.apply_change(None, new), TODAY, [])


def test_a_tracker_counting_from_before_what_the_client_kept_has_it_rebuilt(
    weekly: History,
) -> None:
    whole = ClientSummary.rebuild("c1", weekly.facts)
    client = ClientRecord("o1", "c1", "Ada", summary=retention.client_summary(whole, TODAY, []))
    # A tracker that began in March 2025 (stored meanwhile, its client not yet widened).
    tracker = Tracker("t1", "c1", 100, d("2025-03-03"))
    record = TrackerRecord("o1", tracker, TrackerState(evaluated_on=TODAY - days(1)))
    assert not retention.client_answers(client.client_summary(), TODAY, [(tracker, record.state)])
    new = appt("n1", TODAY, COMPLETED)
    folded = client.client_summary().apply_change(None, new)
    kept = summaries.client_kept(client, folded, None, new, [record], TODAY, "UTC")
    assert weekly.reads == 1
    assert retention.client_answers(kept, TODAY, [(tracker, record.state)])
    assert kept.completed.between(d("2025-03-03"), TODAY) == 52 - 8 + 1


def test_a_new_tracker_from_before_what_the_client_keeps_gets_a_widened_summary(
    weekly: History,
) -> None:
    whole = ClientSummary.rebuild("c1", weekly.facts)
    client = ClientRecord("o1", "c1", "Ada", summary=retention.client_summary(whole, TODAY, []))
    recent = Tracker("t1", "c1", 4, TODAY - days(30))
    assert summaries.client_counting(client, recent, TrackerState(), TODAY, "UTC") is None
    assert weekly.reads == 0
    older = Tracker("t2", "c1", 100, d("2025-03-03"))
    widened = summaries.client_counting(client, older, TrackerState(), TODAY, "UTC")
    assert widened is not None
    assert weekly.reads == 1
    assert widened.completed.between(d("2025-03-03"), TODAY) == 52 - 8
    trim = client.client_summary().completed.trim
    assert trim is not None
    assert widened.completed.counts_from(trim.below)


def test_deleting_more_old_sessions_than_an_engagement_keeps_has_it_rebuilt(
    weekly: History,
) -> None:
    engagement = Engagement(
        "e1", EngagementType.ONE_TO_ONE, EngagementStatus.ACTIVE, "c1", "u-owner",
        tracking=EngagementTracking(21), started_on=START,
    )  # fmt: skip
    state = EngagementState(evaluated_on=TODAY)
    whole = EngagementSummary.rebuild("e1", EngagementType.ONE_TO_ONE, weekly.facts)
    record = EngagementRecord(
        "o1", engagement, summary=retention.engagement_summary(whole, state, TODAY), state=state
    )
    newest = weekly.facts[-retention.KEEP_NEWEST :]
    for gone in reversed(newest):  # deleted, newest first
        summary = summaries.engagement_after(record, gone, None, TODAY, "UTC")
        record = replace(record, summary=summary)
        weekly.facts.remove(gone)  # the write lands: the appointment is gone from the store
    assert weekly.reads == 1  # only the deletion that emptied what was kept
    expected = EngagementSummary.rebuild("e1", EngagementType.ONE_TO_ONE, weekly.facts)
    last = weekly.facts[-1].date
    assert progress_on(engagement, summary, TODAY) == progress_on(engagement, expected, TODAY)
    assert progress_on(engagement, summary, TODAY).off_track_since == last + days(21)


def test_cancelled_activity_stays_activity_and_needs_no_history(weekly: History) -> None:
    state = EngagementState(evaluated_on=TODAY)
    whole = EngagementSummary.rebuild("e1", EngagementType.ONE_TO_ONE, weekly.facts)
    engagement = Engagement("e1", EngagementType.ONE_TO_ONE, EngagementStatus.ACTIVE, "c1", "o")
    record = EngagementRecord(
        "o1", engagement, summary=retention.engagement_summary(whole, state, TODAY), state=state
    )
    newest = weekly.facts[-1]
    kept = summaries.engagement_after(
        record, newest, replace(newest, status=CANCELLED), TODAY, "UTC"
    )
    assert weekly.reads == 0
    assert kept.activity.latest() == newest.date == date(2025, 12, 29)
