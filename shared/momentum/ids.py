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


def _ulid() -> str:
    """26 Crockford base32 characters: 48 bits of milliseconds, then 80 random bits, so ids
    sort by creation time."""
    value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


_seed: ContextVar[tuple[str, list[int]] | None] = ContextVar("momentum_id_seed", default=None)


@contextmanager
def seeded(seed: str) -> Iterator[None]:
    """Within this block new ids are derived from `seed` (an Idempotency-Key's scope): a
    create retried after its first attempt died half way makes the same ids again, and its
    conditional writes find the records that attempt already wrote."""
    token = _seed.set((seed, [0]))
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
    seed, counter = current
    counter[0] += 1
    return _digest(f"{seed}#{counter[0]}")


def _digest(seed: str) -> str:
    import hashlib

    value = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:17], "big") >> 6
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


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
