"""What both reports share: page sizes, who may read them, and position cursors."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from momentum.domain.access import Principal, Role
from momentum.domain.errors import BadRequest, Forbidden

READ_BUDGET = 5000  # items read at most to answer one page (sparse filters end it early)
EXPORT_LIMIT = 1000  # rows at most in one page (and one CSV export)
JSON_DEFAULT_LIMIT = 50
INVALID_CURSOR = "The cursor is invalid; start again from the first page."


def ensure_may_read_reports(principal: Principal) -> None:
    if principal.role is Role.CLIENT:
        raise Forbidden("Reports are for the practice and the coaching team.")


def encode_position(scope: str, position: Mapping[str, str] | None) -> str | None:
    if position is None:
        return None
    raw = json.dumps({"s": scope, "p": dict(position)}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(raw.encode()).rstrip(b"=").decode("ascii")


def decode_position(cursor: str | None, scope: str) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadRequest(INVALID_CURSOR) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("p"), dict):
        raise BadRequest(INVALID_CURSOR)
    if payload.get("s") != scope:
        raise BadRequest("The cursor belongs to another report or other filters.")
    position: dict[str, Any] = payload["p"]
    return position
