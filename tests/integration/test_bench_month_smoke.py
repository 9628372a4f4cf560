"""bench/bench_month.py's realistic month at a small scale (issue 15, target 3): the practice
is made through the API, days of activity run between nights, the scheduled chain runs every
night, and the DynamoDB calls and items read are recorded per function.

Structure and counts only: never seconds, and not the targets (≤ 1.05 items read per due
item, ≤ 1 per email besides its claim), which the evaluator's refactor is bringing about;
the benchmark reports those as met or missed."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
CLIENTS = 30
DAYS = 5


@pytest.fixture(scope="module")
def bench_month() -> Iterator[Any]:
    sys.path.insert(0, str(BENCH))
    try:
        import bench_month

        yield bench_month
    finally:
        sys.path.remove(str(BENCH))


@pytest.fixture(scope="module")
def month(bench_month: Any) -> Any:
    return bench_month.simulate(CLIENTS, DAYS, seed=15)


def test_every_night_ran_and_found_due_items(bench_month: Any, month: Any) -> None:
    assert [n.day for n in month.nights] == list(bench_month.nights(DAYS))
    assert month.nightly.invocations == DAYS
    assert month.nightly.units > 0
    assert sum(n.due for n in month.nights) == month.nightly.units
    assert all(n.stored > 0 for n in month.nights)


def test_every_due_item_found_was_evaluated_and_read_by_the_sweep_once(month: Any) -> None:
    evaluated = month.evaluator_total
    assert evaluated.units == month.nightly.units
    # The sweep reads the due index (Query, whole items): each due item it found, once.
    assert month.nightly.calls["Query"] >= DAYS
    assert sum(month.nightly_by_type.values()) == month.nightly.units
    assert month.nightly_by_type.keys() <= month.evaluator.keys()
    assert "package" in month.evaluator
    for due_type, tally in month.evaluator.items():
        assert tally.units == month.nightly_by_type[due_type], due_type
        assert tally.invocations > 0, due_type


def test_emails_were_sent_and_counted_per_email_by_the_mailer(month: Any) -> None:
    mailer = month.mailer_total
    assert mailer.units > 0
    assert mailer.units == month.ses_sent
    assert mailer.invocations >= mailer.units  # one delivery per invocation
    assert mailer.calls["GetItem"] >= mailer.units
    assert mailer.claim_items >= mailer.units  # each email's intent was read (its claim)
    assert "?" not in month.mailer  # every delivery's kind was found
    outcomes = month.outcomes
    assert sum(o["sent"] for o in outcomes.values()) == mailer.units
    assert sum(sum(o.values()) for o in outcomes.values()) == mailer.invocations


def test_calls_and_items_are_recorded_per_function(month: Any) -> None:
    for tally in (month.nightly, month.evaluator_total, month.mailer_total):
        assert sum(tally.calls.values()) > 0
    # The evaluator writes each due item's new state (what it reads besides is the figure
    # the benchmark reports, which may rightly be none); the sweep and the mailer read.
    assert month.evaluator_total.calls["TransactWriteItems"] > 0
    assert month.nightly.items == month.nightly.units
    assert month.mailer_total.items > 0
    # The activity between nights went through the API (and is not in the chain's counts).
    assert month.requests["book session"] > 0
    assert month.requests["complete"] > 0
    assert not [k for k in month.refused if k.endswith((" 400", " 403", " 404", " 422"))]


def test_the_report_states_each_target_met_or_missed(bench_month: Any, month: Any) -> None:
    report = bench_month.build_report(month, None, 0.0, "bench/bench_month.py").markdown()
    assert "nightly + evaluator" in report
    assert "mailer besides its claim" in report
    assert report.count("**met**") + report.count("**missed**") >= 2
