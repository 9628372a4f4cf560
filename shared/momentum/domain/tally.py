"""`Tally`: a small sorted multiset (key -> count), the building block of every summary.

Summaries keep *counts per date* (or per start instant) rather than "the last date" so that
cancelling or deleting the latest appointment still leaves an exact answer: the previous
date is still there. Zero counts are dropped, so two tallies holding the same multiset are
equal whatever order the changes came in (incremental == rebuilt).

A tally may be *trimmed* (`trimmed`, issue #15): the entries older than what its rules can
ask about are folded into one count (`Trim`), so a summary does not grow with history.
Every question is then answered exactly or refused with `TrimmedHistory` — never guessed.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import pairwise
from typing import Any

# The key a tally's stored dict keeps its trim under (every other key is an ISO date).
TRIM_KEY = "trimmed"


class TrimmedHistory(LookupError):
    """A question about entries a trimmed tally no longer lists. Callers keep enough (see
    `momentum.domain.retention`) that rules never ask one; reaching it is a bug to fix, and
    it is raised so the answer is never silently wrong."""


def _key[K: (date, datetime)](item: tuple[K, int]) -> K:
    return item[0]


@dataclass(frozen=True, slots=True)
class Trim[K: (date, datetime)]:
    """What a trimmed tally no longer lists: `count` entries, every one keyed in
    [`lowest`, `below`). `lowest` is a lower bound (a removal never raises it)."""

    below: K
    lowest: K
    count: int


@dataclass(frozen=True, slots=True)
class Tally[K: (date, datetime)]:
    """An immutable multiset of dates (or instants), kept sorted by key.

    `items` lists every entry keyed at or after `trim.below` (all of them without a trim).
    """

    items: tuple[tuple[K, int], ...] = ()
    trim: Trim[K] | None = None

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
        trim = self.trim
        if trim is not None and key < trim.below:
            # Totals stay exact; which date it was is no longer listed (nor needed).
            lowest = min(trim.lowest, key) if count > 0 else trim.lowest
            return Tally(self.items, Trim(trim.below, lowest, trim.count + count))
        items = self.items
        i = bisect_left(items, key, key=_key)
        if i < len(items) and items[i][0] == key:
            new = items[i][1] + count
            middle: tuple[tuple[K, int], ...] = ((key, new),) if new != 0 else ()
            return Tally(items[:i] + middle + items[i + 1 :], trim)
        inserted: tuple[tuple[K, int], ...] = ((key, count),)
        return Tally(items[:i] + inserted + items[i:], trim)

    # --- trimming ------------------------------------------------------------------------

    def trimmed(self, horizon: K, keep: int) -> Tally[K]:
        """Fold into the trim's count every entry keyed before `horizon` except the `keep`
        newest of them (so "the latest at or before a day" stays exact after up to `keep`
        removals). Deterministic, and the cut only moves forward: trimming an incremental
        tally and trimming the rebuilt one give the same tally (property-tested)."""
        if keep < 1:
            raise ValueError("keep at least the newest entry before the horizon")
        items = self.items
        older = bisect_left(items, horizon, key=_key)
        cut = older - keep
        if cut <= 0:
            return self
        dropped = items[:cut]
        trim = self.trim
        lowest = dropped[0][0] if trim is None else min(trim.lowest, dropped[0][0])
        count = sum(n for _, n in dropped) + (0 if trim is None else trim.count)
        return Tally(items[cut:], Trim(items[cut][0], lowest, count))

    def since(self, origin: K) -> Tally[K]:
        """The entries keyed at or after `origin` (TrimmedHistory if that is not known)."""
        trim = self._unknown_below(origin)
        if trim is not None and origin > trim.lowest:
            raise self._refuse(f"the entries from {origin.isoformat()}")
        # A trim whose entries are all at or after `origin` stays whole; any other is empty
        # or entirely before `origin`.
        return Tally(self.items[bisect_left(self.items, origin, key=_key) :], trim)

    def _unknown_below(self, key: K) -> Trim[K] | None:
        """The trim, if it holds entries that could be keyed before `key`'s side of it."""
        trim = self.trim
        if trim is None or trim.count == 0 or key >= trim.below:
            return None
        return trim

    def lists_from(self, first: K) -> bool:
        """Whether every entry keyed at or after `first` is listed (`earliest_after` and
        the like are exact from there)."""
        return self._unknown_below(first) is None

    def counts_from(self, first: K) -> bool:
        """Whether range sums starting at `first` are exact (`between(first, ...)`)."""
        trim = self._unknown_below(first)
        return trim is None or first <= trim.lowest

    def knows_from(self, day: K) -> bool:
        """Whether every question about keys at or after `day` is exact, "the latest at or
        before `day`" included."""
        trim = self.trim
        if trim is None or trim.count == 0:
            return True
        return trim.below <= day and bool(self.items) and self.items[0][0] <= day

    def _refuse(self, what: str) -> TrimmedHistory:
        assert self.trim is not None
        return TrimmedHistory(f"{what}: entries before {self.trim.below.isoformat()} are trimmed")

    def __len__(self) -> int:
        """How many keys are listed (a trim's entries are not)."""
        return len(self.items)

    def __iter__(self) -> Iterator[K]:
        """The listed keys, in order."""
        return (k for k, _ in self.items)

    def keys_from(self, first: K) -> list[K]:
        """The keys >= first, in order."""
        if self._unknown_below(first) is not None:
            raise self._refuse(f"keys from {first.isoformat()}")
        return self.listed_keys_from(first)

    def listed_keys_from(self, first: K) -> list[K]:
        """The listed keys >= first, in order: for callers that never need trimmed ones."""
        return [k for k, _ in self.items[bisect_left(self.items, first, key=_key) :]]

    def get(self, key: K) -> int:
        if self._unknown_below(key) is not None:
            raise self._refuse(f"the count on {key.isoformat()}")
        i = bisect_left(self.items, key, key=_key)
        if i < len(self.items) and self.items[i][0] == key:
            return self.items[i][1]
        return 0

    def total(self) -> int:
        """Every entry, listed or trimmed."""
        return sum(n for _, n in self.items) + (self.trim.count if self.trim else 0)

    def between(self, first: K, last: K) -> int:
        """Sum of counts with first <= key <= last."""
        if last < first:
            return 0
        lo = bisect_left(self.items, first, key=_key)
        hi = bisect_right(self.items, last, key=_key)
        listed = sum(n for _, n in self.items[lo:hi])
        trim = self._unknown_below(first)
        if trim is None or last < trim.lowest:
            return listed
        if first <= trim.lowest and last >= trim.below:
            return listed + trim.count  # the range holds every trimmed entry
        raise self._refuse(f"the count from {first.isoformat()}")

    def latest(self) -> K | None:
        if self.items:
            return self.items[-1][0]
        if self.trim is not None and self.trim.count != 0:
            raise self._refuse("the latest entry")
        return None

    def latest_at_or_before(self, key: K) -> K | None:
        i = bisect_right(self.items, key, key=_key)
        if i:
            return self.items[i - 1][0]
        trim = self.trim
        if trim is not None and trim.count != 0 and key >= trim.lowest:
            raise self._refuse(f"the latest entry up to {key.isoformat()}")
        return None

    def earliest_after(self, key: K) -> K | None:
        if self._unknown_below(key) is not None:
            raise self._refuse(f"the first entry after {key.isoformat()}")
        i = bisect_right(self.items, key, key=_key)
        return self.items[i][0] if i < len(self.items) else None

    def earliest_at_or_after(self, key: K) -> K | None:
        if self._unknown_below(key) is not None:
            raise self._refuse(f"the first entry from {key.isoformat()}")
        i = bisect_left(self.items, key, key=_key)
        return self.items[i][0] if i < len(self.items) else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form: ISO keys in order (dates `YYYY-MM-DD`, instants in UTC), and the
        trim, if any, under `TRIM_KEY` (a stored dict without it is a whole tally)."""
        raw: dict[str, Any] = {k.isoformat(): n for k, n in self.items}
        if self.trim is not None:
            trim = self.trim
            raw[TRIM_KEY] = {
                "below": trim.below.isoformat(),
                "lowest": trim.lowest.isoformat(),
                "count": trim.count,
            }
        return raw


def _parse_count(value: Any) -> int:
    # DynamoDB hands numbers back as Decimal; int() takes Decimal, int and numeric str.
    return int(value)


def _from_dict[K: (date, datetime)](raw: Mapping[str, Any], parse: Callable[[str], K]) -> Tally[K]:
    items = sorted((parse(k), _parse_count(v)) for k, v in raw.items() if k != TRIM_KEY)
    stored = raw.get(TRIM_KEY)
    trim = (
        None
        if not stored
        else Trim(parse(str(stored["below"])), parse(str(stored["lowest"])), int(stored["count"]))
    )
    # Our own to_dict output has unique keys and no zeros: take it as is (the common case).
    if all(n for _, n in items) and all(a[0] != b[0] for a, b in pairwise(items)):
        return Tally(tuple(items), trim)
    tally = Tally.of(items)
    return tally if trim is None else Tally(tally.items, trim)


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
