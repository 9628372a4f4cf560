"""Opaque ids. Records a client owns carry the client's id inside their own, so a single
GetItem on a known key finds them (`pkg_<client>_<own>`); no lookup index is needed."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_PART = r"[0-9A-HJKMNP-TV-Z]{26}"
_OWNED = re.compile(rf"^([a-z]+)_({_PART})_({_PART})$")
_TOP = re.compile(rf"^([a-z]+)_({_PART})$")


_RANDOM_BITS = 80  # after the 48 bits of milliseconds


def now_ms() -> int:
    """The wall clock in milliseconds: the leading time part of every new id."""
    return int(time.time() * 1000)


def _encode(value: int) -> str:
    """26 Crockford base32 characters (130 bits)."""
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def _ulid() -> str:
    """48 bits of milliseconds, then 80 random bits, so ids sort by creation time."""
    return _encode((now_ms() << _RANDOM_BITS) | int.from_bytes(os.urandom(10), "big"))


# (seed, the milliseconds ids begin with or None, how many ids were made)
_seed: ContextVar[tuple[str, int | None, list[int]] | None] = ContextVar(
    "momentum_id_seed", default=None
)


@contextmanager
def seeded(seed: str, *, at_ms: int | None = None) -> Iterator[None]:
    """Within this block new ids are derived from `seed` (an Idempotency-Key's scope): a
    create retried after its first attempt died half way makes the same ids again, and its
    conditional writes find the records that attempt already wrote.

    `at_ms` (the instant the key was first used, kept with its claim): ids begin with it
    and end with bits of the seed, so they still sort by creation time among all other
    ids. None: every character follows from the seed (fixed ids, e.g. the demo's)."""
    token = _seed.set((seed, at_ms, [0]))
    try:
        yield
    finally:
        _seed.reset(token)


def request_token(default: str) -> str:
    """An id for "this request": inside `seeded` it follows from the Idempotency-Key (the
    same key, the same token, e.g. one welcome email however often it is posted), else
    `default` (e.g. the API Gateway request id)."""
    return _next_part() if _seed.get() is not None else default


def _next_part() -> str:
    current = _seed.get()
    if current is None:
        return _ulid()
    seed, at_ms, counter = current
    counter[0] += 1
    value = _digest_value(f"{seed}#{counter[0]}")
    if at_ms is None:
        return _encode(value)
    return _encode((at_ms << _RANDOM_BITS) | (value & ((1 << _RANDOM_BITS) - 1)))


def _digest_value(seed: str) -> int:
    import hashlib

    return int.from_bytes(hashlib.sha256(seed.encode()).digest()[:17], "big") >> 6


def _digest(seed: str) -> str:
    return _encode(_digest_value(seed))


def new_id(prefix: str) -> str:
    return f"{prefix}_{_next_part()}"


def new_owned_id(prefix: str, client_id: str) -> str:
    """An id for a record owned by `client_id` (e.g. a package, tracker, appointment)."""
    match = _TOP.match(client_id)
    if match is None:
        raise ValueError(f"not a client id: {client_id!r}")
    return f"{prefix}_{match.group(2)}_{_next_part()}"


def owner_client(record_id: str, prefix: str) -> str | None:
    """The client id inside an owned record's id, or None when the id is not of that kind
    (a malformed or foreign-kind id then reads as not found)."""
    match = _OWNED.match(record_id)
    if match is None or match.group(1) != prefix:
        return None
    return f"cl_{match.group(2)}"


def is_id(value: str, prefix: str) -> bool:
    match = _TOP.match(value)
    return match is not None and match.group(1) == prefix


def owned_id_from(prefix: str, client_id: str, seed: str) -> str:
    """A deterministic owned id: the same seed always gives the same id (e.g. the one task
    of a tracker period), so creating it twice is caught by a conditional write."""
    match = _TOP.match(client_id)
    if match is None:
        raise ValueError(f"not a client id: {client_id!r}")
    return f"{prefix}_{match.group(2)}_{_digest(seed)}"
