"""The one optimistic write every use case that changes a record goes through:

    load → decide → write under the version conditions → on a lost race, load again

with one retry policy. A caller's If-Match that no longer holds is a 412 (`stale`); a record
that keeps changing for every attempt is a 503. Nothing is ever written twice: each attempt
decides afresh from what it loaded, and a write either lands whole or not at all."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from momentum.domain.errors import (
    ChangedMeanwhile,
    NotFound,
    PreconditionFailed,
    ServiceUnavailable,
    Throttled,
    WriteConflict,
)
from momentum.store import transactions
from momentum.store.transactions import Op

# Enough attempts, with jittered backoff, for a burst of completions against one package
# (the most contended record) to all land.
ATTEMPTS = 40
_MAX_PAUSE_SECONDS = 0.2


@dataclass(frozen=True)
class Decision[R]:
    """What a use case decided from the state it loaded: the answer, and the operations
    that make it so (none: nothing to write)."""

    result: R
    ops: Sequence[Op] = field(default_factory=tuple)


def stale(thing: str) -> PreconditionFailed:
    """The 412 for a caller who read `thing` before someone else changed it."""
    return PreconditionFailed(f"The {thing} changed since you read it; reload and try again.")


def ensure_version(thing: str, actual: int, expected: int | None) -> None:
    """If-Match: the caller's version must still be the stored one."""
    if expected is not None and actual != expected:
        raise stale(thing)


def pause(attempt: int) -> None:
    """Jittered exponential backoff, so racing writers stop colliding."""
    time.sleep(random.uniform(0, min(_MAX_PAUSE_SECONDS, 0.005 * 2**attempt)))  # noqa: S311


def optimistic_write[S, R](
    *,
    thing: str,
    load: Callable[[], S | None],
    decide: Callable[[S], Decision[R]],
    version: Callable[[S], int] | None = None,
    expected_version: int | None = None,
    already_done: Callable[[], R | None] | None = None,
    loaded: S | None = None,
    commit: Callable[[Sequence[Op]], None] | None = None,
) -> R:
    """Run load → decide → commit until a commit lands.

    - `load` returns None when the record is gone: 404 "No such {thing}.".
    - `version` + `expected_version`: the caller's If-Match, checked on every load.
    - `already_done`: after a failed condition, the answer if our own earlier attempt
      (a create retried with its Idempotency-Key) is what the condition found.
    - `loaded`: state the caller already read, used for the first attempt only.
    - `commit`: how the operations are written (default `transactions.commit`, all or
      nothing); the nightly's evaluators leave out side effects an earlier attempt made
      (`transactions.commit_with_side_effects`)."""
    state = loaded
    for attempt in range(ATTEMPTS):
        if state is None:
            state = load()
        if state is None:
            raise NotFound(f"No such {thing}.")
        if version is not None:
            ensure_version(thing, version(state), expected_version)
        decision = decide(state)
        try:
            (commit or transactions.commit)(decision.ops)
        except ChangedMeanwhile:
            done = already_done() if already_done is not None else None
            if done is not None:
                return done
        except (WriteConflict, Throttled):
            pass  # nothing was written: load again and retry
        else:
            return decision.result
        state = None
        pause(attempt)
    raise ServiceUnavailable(f"The {thing} is busy; nothing was changed. Please retry.")
