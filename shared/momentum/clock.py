"""The clock port: what time it is, for every part of the system.

Deployed functions read the system clock. The local runner and tests install a settable
clock so that a scenario can walk day by day (`POST /_local/clock`)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class SettableClock:
    """A clock that stands still at a given instant until it is set again."""

    def __init__(self, now: datetime) -> None:
        self._lock = threading.Lock()
        self._now = now.astimezone(UTC)

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("the clock needs a timezone-aware instant")
        with self._lock:
            self._now = now.astimezone(UTC)


_clock: Clock = SystemClock()


def current() -> Clock:
    """The clock every use case reads."""
    return _clock


def install(clock: Clock) -> None:
    """Replace the clock (local runner and tests only)."""
    global _clock  # noqa: PLW0603 - the one process-wide seam for time
    _clock = clock
