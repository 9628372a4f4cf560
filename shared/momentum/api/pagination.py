"""Opaque, signed pagination cursors and the page envelope every list returns.

A cursor is DynamoDB's LastEvaluatedKey, signed with the deployment's secret and bound to
the organization and the list it came from: a tampered cursor, or one replayed against
another list or tenant, is a 400 — it can never steer a Query outside the caller's keys."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, Field

from momentum import signing
from momentum.domain.errors import BadRequest

CURSOR_PURPOSE = "cursor"
CURSOR_VALIDITY = timedelta(days=1)
DEFAULT_LIMIT = 50
MAX_LIMIT = 100


class Page[T](BaseModel):
    items: list[T]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to read the next page; absent on the last."
    )


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
