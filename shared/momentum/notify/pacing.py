"""Pacing of sends, so a burst of email waits in the queue instead of meeting SES's rate.

SES refuses sends above the account's rate (14 a second by default) with `Throttling`; the
record is then retried and, after enough receives, lands in the DLQ. Each mailer container
keeps to `per_second`; the event source mapping runs at most MaximumConcurrency containers,
so the account's rate holds whatever the latency of a send."""

from __future__ import annotations

import time
from collections.abc import Callable


class SendPacer:
    """At most `per_second` sends a second from this container: `wait()` before each."""

    def __init__(
        self,
        per_second: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self.interval = 1.0 / per_second
        self._monotonic = monotonic
        self._sleep = sleep
        self._next: float | None = None

    def wait(self) -> None:
        now = self._monotonic()
        if self._next is not None and now < self._next:
            self._sleep(self._next - now)
            now = self._next
        self._next = now + self.interval
