"""One page of a list read with a Query, its next-page cursor signed and bound to the list
(`store.cursors`): what a use case pages through, without ever seeing a table key."""

from __future__ import annotations

from datetime import datetime

from momentum.store import dynamo
from momentum.store.cursors import decode_cursor, encode_cursor


def query_page(
    partition: str,
    *,
    org_id: str,
    scope: str,
    limit: int,
    cursor: str | None,
    now: datetime,
    index: str | None = None,
    sk_prefix: str | None = None,
    sk_between: tuple[str, str] | None = None,
    forward: bool = True,
) -> tuple[list[dynamo.Item], str | None]:
    """The page after `cursor` (None: the first), and the cursor of the next (None: last)."""
    start = decode_cursor(cursor, org_id=org_id, scope=scope, now=now)
    items, last = dynamo.query(
        partition,
        index=index,
        sk_prefix=sk_prefix,
        sk_between=sk_between,
        limit=limit,
        start_key=start,
        forward=forward,
    )
    return items, encode_cursor(last, org_id=org_id, scope=scope, now=now)
