"""`Tally`: a small sorted multiset (key -> count), the building block of every summary.

Summaries keep *counts per date* (or per start instant) rather than "the last date" so that
cancelling or deleting the latest appointment still leaves an exact answer: the previous
date is still there. Zero counts are dropped, so two tallies holding the same multiset are
equal whatever order the changes came in (incremental == rebuilt).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import pairwise
from typing import Any


def _key[K: (date, datetime)](item: tuple[K, int]) -> K:
    return item[0]


@dataclass(frozen=True, slots=True)
class Tally[K: (date, datetime)]:
    """An immutable multiset of dates (or instants), kept sorted by key."""

    items: tuple[tuple[K, int], ...] = ()

    @classmethod
    def of(cls, pairs: Iterable[tuple[K, int]]) -> Tally[K]:
        """Build from (key, count) pairs; duplicate keys add up, zero counts vanish."""
        merged: dict[K, int] = {}
        for key, count in pairs:
            merged[key] = merged.get(key, 0) + count
        return cls(tuple(sorted((k, n) for k, n in merged.items() if n != 0)))

    def add(self, key: K, count: int = 1) -> Tally[K]:
        """A new tally with `count` more of `key` (negative to remove)."""
        if count == 0:
            return self
        items = self.items
        i = bisect_left(items, key, key=_key)
        if i < len(items) and items[i][0] == key:
            new = items[i][1] + count
            middle: tuple[tuple[K, int], ...] = ((key, new),) if new != 0 else ()
            return Tally(items[:i] + middle + items[i + 1 :])
        inserted: tuple[tuple[K, int], ...] = ((key, count),)
        return Tally(items[:i] + inserted + items[i:])

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[K]:
        """The keys, in order."""
        return (k for k, _ in self.items)

    def keys_from(self, first: K) -> list[K]:
        """The keys >= first, in order."""
        return [k for k, _ in self.items[bisect_left(self.items, first, key=_key) :]]

    def get(self, key: K) -> int:
        i = bisect_left(self.items, key, key=_key)
        if i < len(self.items) and self.items[i][0] == key:
            return self.items[i][1]
        return 0

    def total(self) -> int:
        return sum(n for _, n in self.items)

    def between(self, first: K, last: K) -> int:
        """Sum of counts with first <= key <= last."""
        if last < first:
            return 0
        lo = bisect_left(self.items, first, key=_key)
        hi = bisect_right(self.items, last, key=_key)
        return sum(n for _, n in self.items[lo:hi])

    def latest(self) -> K | None:
        return self.items[-1][0] if self.items else None

    def latest_at_or_before(self, key: K) -> K | None:
        i = bisect_right(self.items, key, key=_key)
        return self.items[i - 1][0] if i else None

    def earliest_after(self, key: K) -> K | None:
        i = bisect_right(self.items, key, key=_key)
        return self.items[i][0] if i < len(self.items) else None

    def earliest_at_or_after(self, key: K) -> K | None:
        i = bisect_left(self.items, key, key=_key)
        return self.items[i][0] if i < len(self.items) else None

    def to_dict(self) -> dict[str, int]:
        """JSON-able form: ISO keys in order (dates `YYYY-MM-DD`, instants in UTC)."""
        return {k.isoformat(): n for k, n in self.items}


def _parse_count(value: Any) -> int:
    # DynamoDB hands numbers back as Decimal; int() takes Decimal, int and numeric str.
    return int(value)


def _from_dict[K: (date, datetime)](raw: Mapping[str, Any], parse: Callable[[str], K]) -> Tally[K]:
    items = sorted((parse(k), _parse_count(v)) for k, v in raw.items())
    # Our own to_dict output has unique keys and no zeros: take it as is (the common case).
    if all(n for _, n in items) and all(a[0] != b[0] for a, b in pairwise(items)):
        return Tally(tuple(items))
    return Tally.of(items)


def dates_from_dict(raw: Mapping[str, Any]) -> Tally[date]:
    """Inverse of `Tally[date].to_dict`."""
    return _from_dict(raw, date.fromisoformat)


def instant_key(instant: datetime) -> datetime:
    """Instants are stored in UTC so that one instant has one key whatever its offset."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"expected an aware datetime, got naive {instant.isoformat()}")
    return instant.astimezone(UTC)


def instants_from_dict(raw: Mapping[str, Any]) -> Tally[datetime]:
    """Inverse of `Tally[datetime].to_dict`."""
    return _from_dict(raw, lambda text: instant_key(datetime.fromisoformat(text)))
