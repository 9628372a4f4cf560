"""Benchmark of the domain evaluations the nightly run and every appointment write call.

For each kind (package On track, tracker, engagement) it measures evaluations per second
of: decoding the stored summary and state (what the evaluator reads from DynamoDB) plus the
evaluation, against a baseline that only decodes the same inputs. The ratio says what the
rules add on top of reading the item.

    .venv/bin/python bench/bench_domain.py [--seconds 1.5] [--write BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import platform
import shlex
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

from momentum.domain.appointments import AppointmentFacts, AppointmentKind, AppointmentStatus
from momentum.domain.clients import ClientSummary
from momentum.domain.engagements import (
    Engagement,
    EngagementState,
    EngagementStatus,
    EngagementSummary,
    EngagementTracking,
    EngagementType,
    evaluate_engagement,
)
from momentum.domain.on_track import OnTrackSettings, PackageState, evaluate_package
from momentum.domain.packages import Package, PackageKind, PackageSize, PackageSummary
from momentum.domain.trackers import (
    TaskTrigger,
    Tracker,
    TrackerState,
    TrackerTask,
    evaluate_tracker,
)

TODAY = date(2025, 3, 1)


def _appointment(i: int, day: date, status: AppointmentStatus, **ids: Any) -> AppointmentFacts:
    return AppointmentFacts(
        id=f"a{i}",
        client_id="c1",
        practitioner_id="u1",
        date=day,
        starts_at=datetime.combine(day, clock(10), tzinfo=UTC),
        duration_minutes=50,
        kind=AppointmentKind.SESSION,
        status=status,
        **ids,
    )


def _history(weeks: int, **ids: Any) -> list[AppointmentFacts]:
    """A year of weekly sessions, a few cancelled, a few scheduled ahead."""
    facts = []
    for i in range(weeks):
        day = TODAY - timedelta(days=7 * (weeks - i))
        status = AppointmentStatus.CANCELLED if i % 9 == 0 else AppointmentStatus.COMPLETED
        facts.append(_appointment(i, day, status, **ids))
    for i in range(3):
        day = TODAY + timedelta(days=7 * (i + 1))
        facts.append(_appointment(weeks + i, day, AppointmentStatus.SCHEDULED, **ids))
    return facts


@dataclass(frozen=True)
class Case:
    name: str
    baseline: Callable[[], object]
    evaluate: Callable[[], object]


def _package_case() -> Case:
    package = Package(
        "p1", "c1", PackageSize(PackageKind.USAGE), TODAY - timedelta(days=400), None,
        assigned_team_member_id="u1",
    )  # fmt: skip
    settings = OnTrackSettings(True, 30, 2, 1, 3, True, True, False)
    stored_summary = PackageSummary.rebuild("p1", _history(52, package_id="p1")).to_dict()
    stored_state = evaluate_package(
        package, settings, PackageSummary.from_dict(stored_summary), PackageState(),
        TODAY - timedelta(days=1),
    ).state.to_dict()  # fmt: skip

    def baseline() -> object:
        return PackageSummary.from_dict(stored_summary), PackageState.from_dict(stored_state)

    def evaluate() -> object:
        summary, state = (
            PackageSummary.from_dict(stored_summary),
            PackageState.from_dict(stored_state),
        )
        return evaluate_package(package, settings, summary, state, TODAY)

    return Case("package On track", baseline, evaluate)


def _tracker_case() -> Case:
    tracker = Tracker(
        "t1", "c1", 6, TODAY - timedelta(days=20), TODAY + timedelta(days=7),
        task=TrackerTask("u1", TaskTrigger.FIRST), auto_reset=True,
    )  # fmt: skip
    stored_summary = ClientSummary.rebuild("c1", _history(52)).to_dict()
    stored_state = TrackerState(TODAY - timedelta(days=1)).to_dict()

    def baseline() -> object:
        return ClientSummary.from_dict(stored_summary), TrackerState.from_dict(stored_state)

    def evaluate() -> object:
        summary, state = (
            ClientSummary.from_dict(stored_summary),
            TrackerState.from_dict(stored_state),
        )
        return evaluate_tracker(tracker, summary, state, TODAY)

    return Case("tracker", baseline, evaluate)


def _engagement_case() -> Case:
    engagement = Engagement(
        "e1", EngagementType.ONE_TO_ONE, EngagementStatus.ACTIVE, "c1", "u-owner", "u-coach",
        tracking=EngagementTracking(21, notify_off_track=True),
        started_on=TODAY - timedelta(days=400),
    )  # fmt: skip
    facts = _history(52, engagement_id="e1")
    stored_summary = EngagementSummary.rebuild("e1", engagement.type, facts).to_dict()
    stored_state = EngagementState(TODAY - timedelta(days=1)).to_dict()

    def baseline() -> object:
        return EngagementSummary.from_dict(stored_summary), EngagementState.from_dict(stored_state)

    def evaluate() -> object:
        summary = EngagementSummary.from_dict(stored_summary)
        state = EngagementState.from_dict(stored_state)
        return evaluate_engagement(engagement, summary, state, TODAY)

    return Case("engagement", baseline, evaluate)


def _rate(fn: Callable[[], object], seconds: float) -> float:
    """Best of three runs of calls per second (the least disturbed run)."""
    calls = 1
    while True:  # calibrate a batch that takes ~1/20 of the budget
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        if time.perf_counter() - start > seconds / 20:
            break
        calls *= 2
    best = 0.0
    for _ in range(3):
        done, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < seconds / 3:
            for _ in range(calls):
                fn()
            done += calls
        best = max(best, done / elapsed)
    return best


def run(seconds: float) -> str:
    lines = [
        "| kind | evaluations/s | baseline (decode only)/s | ratio (eval / baseline time) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for case in (_package_case(), _tracker_case(), _engagement_case()):
        evaluations = _rate(case.evaluate, seconds)
        baseline = _rate(case.baseline, seconds)
        lines.append(
            f"| {case.name} | {evaluations:,.0f} | {baseline:,.0f} | {baseline / evaluations:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.5, help="time per measurement")
    parser.add_argument("--write", metavar="FILE", help="append a dated section to FILE")
    args = parser.parse_args(argv)
    table = run(args.seconds)
    print(table)
    if args.write:
        command = shlex.join([".venv/bin/python", "bench/bench_domain.py", *(argv or sys.argv[1:])])
        section = (
            f"\n## Domain evaluations — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n\n"
            f"Command: `{command}`  \n"
            f"Python {platform.python_version()} on {platform.machine()}; inputs: a year of "
            "weekly sessions (52 dates) per item, decoded from their stored dicts.\n\n"
            f"{table}\n"
        )
        with Path(args.write).open("a", encoding="utf-8") as out:
            out.write(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
