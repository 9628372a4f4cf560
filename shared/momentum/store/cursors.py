"""Opaque, signed pagination cursors over the table's reads.

A cursor is DynamoDB's LastEvaluatedKey (or, for a short list read whole, the order key of
the page's last row), signed with the deployment's secret and bound to the organization and
the list it came from: a tampered cursor, or one replayed against another list or tenant,
is a 400 — it can never steer a Query outside the caller's keys. Below the use cases, so
that they page without reaching up into the HTTP layer (momentum.api.pagination keeps the
page envelope and the limits the routes take)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from momentum import signing
from momentum.domain.errors import BadRequest

CURSOR_PURPOSE = "cursor"
CURSOR_VALIDITY = timedelta(days=1)


def encode_cursor(
    last_key: dict[str, Any] | None, *, org_id: str, scope: str, now: datetime
) -> str | None:
    if not last_key:
        return None
    return signing.sign(
        {"k": last_key, "o": org_id, "s": scope},
        secret=signing.signing_secret(),
        purpose=CURSOR_PURPOSE,
        expires_at=now + CURSOR_VALIDITY,
    )


def decode_cursor(
    cursor: str | None, *, org_id: str, scope: str, now: datetime
) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        payload = signing.verify(
            cursor, secret=signing.signing_secret(), purpose=CURSOR_PURPOSE, now=now
        )
    except signing.BadToken:
        raise BadRequest(
            "The cursor is invalid or expired; start again from the first page."
        ) from None
    if (
        payload.get("o") != org_id
        or payload.get("s") != scope
        or not isinstance(payload.get("k"), dict)
    ):
        raise BadRequest("The cursor belongs to another list.")
    key: dict[str, Any] = payload["k"]
    return key


def page_of[T](
    rows: Sequence[T],
    order_key: Callable[[T], tuple[str, ...]],
    *,
    limit: int,
    cursor: str | None,
    org_id: str,
    scope: str,
    now: datetime,
    descending: bool = False,
) -> tuple[list[T], str | None]:
    """One page of a short list read whole by one Query (a client's packages, trackers,
    payments, On track rows) and ordered by `order_key` (`descending`: newest first).

    Its cursor is the order key of the last row returned, signed and bound to the list like
    every other cursor, so the next page starts right after that row: rows written between
    two pages are neither repeated nor skipped."""
    start = 0
    after = decode_cursor(cursor, org_id=org_id, scope=scope, now=now)
    if after is not None:
        mark = after.get("after")
        if not isinstance(mark, list) or not all(isinstance(part, str) for part in mark):
            raise BadRequest("The cursor belongs to another list.")
        last = tuple(mark)
        start = next(
            (
                index
                for index, row in enumerate(rows)
                if (order_key(row) < last if descending else order_key(row) > last)
            ),
            len(rows),
        )
    page = list(rows[start : start + limit])
    if not page or start + limit >= len(rows):
        return page, None
    key = {"after": list(order_key(page[-1]))}
    return page, encode_cursor(key, org_id=org_id, scope=scope, now=now)
