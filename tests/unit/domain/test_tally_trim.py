"""Trimmed tallies (issue #15): what a summary keeps of its history, and that every answer
is the whole tally's or a refusal — never a different number."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from momentum.domain.tally import (
    TRIM_KEY,
    Tally,
    Trim,
    TrimmedHistory,
    dates_from_dict,
)

from .builders import d

DAY0 = d("2024-01-01")
KEYS = st.integers(0, 120).map(lambda n: DAY0 + timedelta(days=n))
MULTISETS = st.lists(st.tuples(KEYS, st.integers(1, 3)), max_size=40)


def _whole(pairs: list[tuple[date, int]]) -> Tally[date]:
    return Tally.of(pairs)


def _answer(question: Callable[[], Any]) -> Any:
    try:
        return question()
    except TrimmedHistory:
        return TrimmedHistory


def _questions(tally: Tally[date], a: date, b: date) -> dict[str, Callable[[], Any]]:
    return {
        "between": lambda: tally.between(a, b),
        "total": tally.total,
        "latest": tally.latest,
        "latest_at_or_before": lambda: tally.latest_at_or_before(a),
        "earliest_after": lambda: tally.earliest_after(a),
        "earliest_at_or_after": lambda: tally.earliest_at_or_after(a),
        "keys_from": lambda: tally.keys_from(a),
        "get": lambda: tally.get(a),
    }


def test_trimming_keeps_the_dates_from_the_horizon_and_the_newest_before_it() -> None:
    tally = Tally.of([(d("2024-01-01"), 1), (d("2024-01-08"), 2), (d("2024-01-15"), 1),
                      (d("2024-01-22"), 1), (d("2024-02-01"), 1)])  # fmt: skip
    trimmed = tally.trimmed(d("2024-01-20"), keep=1)
    assert trimmed.items == ((d("2024-01-15"), 1), (d("2024-01-22"), 1), (d("2024-02-01"), 1))
    assert trimmed.trim == Trim(below=d("2024-01-15"), lowest=d("2024-01-01"), count=3)
    assert trimmed.total() == tally.total() == 6
    assert trimmed.between(d("2024-01-15"), d("2024-02-01")) == 3
    assert trimmed.latest_at_or_before(d("2024-01-20")) == d("2024-01-15")
    # From before the first date trimmed, a range through the kept ones counts them all.
    assert trimmed.between(d("2023-12-01"), d("2024-01-31")) == 5
    with pytest.raises(TrimmedHistory):
        trimmed.between(d("2024-01-05"), d("2024-01-31"))
    with pytest.raises(TrimmedHistory):
        trimmed.latest_at_or_before(d("2024-01-10"))
    assert trimmed.latest_at_or_before(d("2023-12-31")) is None  # nothing was ever before
    # Nothing more to trim: the same tally; the cut never moves back.
    assert trimmed.trimmed(d("2024-01-20"), keep=1) is trimmed
    assert trimmed.trimmed(d("2023-06-01"), keep=1) is trimmed
    with pytest.raises(ValueError, match="keep"):
        tally.trimmed(d("2024-01-20"), keep=0)


def test_changes_before_the_cut_keep_the_totals_exact() -> None:
    trimmed = Tally.of([(DAY0 + timedelta(days=7 * i), 1) for i in range(10)]).trimmed(
        DAY0 + timedelta(days=60), keep=2
    )
    assert trimmed.trim is not None
    earlier = trimmed.add(DAY0 - timedelta(days=30))  # a session recorded late
    assert earlier.total() == 11
    assert earlier.trim == Trim(trimmed.trim.below, DAY0 - timedelta(days=30), 8)
    removed = earlier.add(DAY0, -1)  # a trimmed one cancelled
    assert removed.total() == 10
    assert removed.items == trimmed.items


def test_stored_form_round_trips_and_an_old_whole_tally_reads_as_one() -> None:
    tally = Tally.of([(d("2024-01-01"), 1), (d("2024-03-01"), 2), (d("2024-03-08"), 1)])
    trimmed = tally.trimmed(d("2024-03-05"), keep=1)
    raw = trimmed.to_dict()
    assert raw == {
        "2024-03-01": 2,
        "2024-03-08": 1,
        TRIM_KEY: {"below": "2024-03-01", "lowest": "2024-01-01", "count": 1},
    }
    from_dynamodb = {
        k: ({kk: (Decimal(vv) if kk == "count" else vv) for kk, vv in v.items()}
            if k == TRIM_KEY else Decimal(v))
        for k, v in raw.items()
    }  # fmt: skip
    assert dates_from_dict(from_dynamodb) == trimmed
    assert dates_from_dict(tally.to_dict()) == tally  # no trim key: every date is listed
    assert tally.to_dict() == {"2024-01-01": 1, "2024-03-01": 2, "2024-03-08": 1}


def test_since_keeps_what_counts_from_an_origin() -> None:
    tally = Tally.of([(d("2024-01-01"), 1), (d("2024-02-01"), 1), (d("2024-03-01"), 1)])
    trimmed = tally.trimmed(d("2024-02-15"), keep=1)
    assert trimmed.since(d("2024-02-01")).items == ((d("2024-02-01"), 1), (d("2024-03-01"), 1))
    assert trimmed.since(d("2024-02-01")).trim is None
    whole = trimmed.since(d("2023-12-01"))  # everything, the trimmed count included
    assert whole.between(d("2023-12-01"), d("2024-03-31")) == 3
    with pytest.raises(TrimmedHistory):
        trimmed.since(d("2024-01-15"))


@settings(max_examples=300)
@given(
    MULTISETS,
    st.lists(st.tuples(st.booleans(), st.integers(0, 60), st.integers(1, 2)), max_size=30),
    KEYS,
    st.integers(0, 30),
    st.integers(1, 4),
)
def test_incremental_with_trimming_equals_rebuilt_then_trimmed(
    history: list[tuple[date, int]],
    steps: list[tuple[bool, int, int]],
    first_horizon: date,
    later: int,
    keep: int,
) -> None:
    """Each change keyed in the kept window (at or after the horizon in force), trims at
    horizons that only move forward, as days pass: folding the changes into the trimmed
    tally gives the very tally that rebuilding from every change and trimming once gives."""
    whole = _whole(history)
    incremental = whole.trimmed(first_horizon, keep)
    horizon = first_horizon
    for add, offset, count in steps:
        key = horizon + timedelta(days=offset)
        change = count if add else -min(count, whole.get(key))
        whole = whole.add(key, change)
        incremental = incremental.add(key, change)
        horizon += timedelta(days=later // 10)
        incremental = incremental.trimmed(horizon, keep)
    assert incremental == whole.trimmed(horizon, keep)
    assert incremental == whole.trimmed(first_horizon, keep).trimmed(horizon, keep)
    assert incremental.total() == whole.total()


@settings(max_examples=300)
@given(
    MULTISETS,
    st.lists(st.tuples(st.booleans(), KEYS, st.integers(1, 2)), max_size=20),
    KEYS,
    st.integers(1, 4),
    KEYS,
    KEYS,
)
def test_a_trimmed_tally_answers_as_the_whole_one_or_refuses(
    history: list[tuple[date, int]],
    changes: list[tuple[bool, date, int]],
    horizon: date,
    keep: int,
    a: date,
    b: date,
) -> None:
    """Any changes anywhere (late sessions, cancellations of trimmed ones), any question:
    the trimmed tally's answer is the whole tally's, or TrimmedHistory — never another.
    Totals are always exact, and every question about days from the horizon is answered
    while the kept dates before it have not all been removed."""
    whole = _whole(history)
    trimmed = whole.trimmed(horizon, keep)
    for add, key, count in changes:
        change = count if add else -min(count, whole.get(key))
        whole, trimmed = whole.add(key, change), trimmed.add(key, change)
    assert trimmed.total() == whole.total()
    full = _questions(whole, a, b)
    for name, question in _questions(trimmed, a, b).items():
        answer = _answer(question)
        assert answer is TrimmedHistory or answer == full[name](), name
    if trimmed.knows_from(horizon) and a >= horizon:
        for name, question in _questions(trimmed, a, b).items():
            if name not in ("latest",):
                assert _answer(question) == full[name](), name
