"""The Tally multiset every summary is made of."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from momentum.domain.tally import Tally, dates_from_dict, instant_key, instants_from_dict

from .builders import d


def test_counts_add_and_vanish_at_zero() -> None:
    tally = Tally[date]().add(d("2024-05-03")).add(d("2024-05-01"), 2).add(d("2024-05-03"), -1)
    assert tally.items == ((d("2024-05-01"), 2),)
    assert tally.add(d("2024-05-01"), 0) is tally
    assert len(tally) == 1
    assert tally.get(d("2024-05-01")) == 2
    assert tally.get(d("2024-05-02")) == 0


def test_queries() -> None:
    tally = Tally.of([(d("2024-05-01"), 1), (d("2024-05-05"), 2), (d("2024-05-09"), 1)])
    assert tally.total() == 4
    assert tally.between(d("2024-05-01"), d("2024-05-05")) == 3
    assert tally.between(d("2024-05-06"), d("2024-05-01")) == 0
    assert tally.latest() == d("2024-05-09")
    assert tally.latest_at_or_before(d("2024-05-04")) == d("2024-05-01")
    assert tally.latest_at_or_before(d("2024-04-30")) is None
    assert tally.earliest_after(d("2024-05-05")) == d("2024-05-09")
    assert tally.earliest_after(d("2024-05-09")) is None
    assert tally.earliest_at_or_after(d("2024-05-05")) == d("2024-05-05")
    assert Tally[date]().latest() is None


def test_json_round_trip_accepts_dynamodb_decimals() -> None:
    tally = Tally.of([(d("2024-05-01"), 1), (d("2024-05-05"), 2)])
    raw = {k: Decimal(v) for k, v in tally.to_dict().items()}
    assert dates_from_dict(raw) == tally


def test_instants_are_kept_in_utc_so_one_instant_has_one_key() -> None:
    plus2 = timezone(timedelta(hours=2))
    a = instant_key(datetime(2024, 5, 1, 12, tzinfo=plus2))
    b = instant_key(datetime(2024, 5, 1, 10, tzinfo=UTC))
    tally = Tally[datetime]().add(a).add(b)
    assert tally.to_dict() == {"2024-05-01T10:00:00+00:00": 2}
    assert instants_from_dict(tally.to_dict()) == tally
    with pytest.raises(ValueError, match="naive"):
        instant_key(datetime(2024, 5, 1))


@given(st.lists(st.tuples(st.dates(), st.integers(-3, 3))))
def test_any_order_of_changes_gives_the_same_tally(changes: list[tuple[date, int]]) -> None:
    forwards = Tally[date]()
    for key, count in changes:
        forwards = forwards.add(key, count)
    backwards = Tally[date]()
    for key, count in reversed(changes):
        backwards = backwards.add(key, count)
    assert forwards == backwards == Tally.of(changes)


def test_stored_dicts_with_zero_counts_or_one_instant_under_two_offsets_are_normalised() -> None:
    assert dates_from_dict({"2024-05-01": 0, "2024-05-02": 1}) == Tally(((d("2024-05-02"), 1),))
    merged = instants_from_dict({"2024-05-01T12:00:00+02:00": 1, "2024-05-01T10:00:00+00:00": 1})
    assert merged.to_dict() == {"2024-05-01T10:00:00+00:00": 2}
