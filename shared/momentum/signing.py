"""Signed, expiring tokens (HMAC-SHA256) for links that need no login: one-click unsubscribe.

A token names exactly what it allows (e.g. turning one kind of email off for one person);
nothing else is reachable with it."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime
from functools import cache
from typing import Any

from momentum.config import get_settings


class BadToken(Exception):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(payload: dict[str, Any], *, secret: str, purpose: str, expires_at: datetime) -> str:
    body = {**payload, "purpose": purpose, "exp": int(expires_at.timestamp())}
    encoded = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
    mac = hmac.new(secret.encode(), f"{purpose}.{encoded}".encode(), hashlib.sha256).digest()
    return f"{encoded}.{_b64(mac)}"


def verify(token: str, *, secret: str, purpose: str, now: datetime) -> dict[str, Any]:
    """The payload of a token made by `sign` for this purpose, not expired; else BadToken."""
    encoded, _, mac_text = token.partition(".")
    if not encoded or not mac_text:
        raise BadToken("malformed token")
    expected = hmac.new(secret.encode(), f"{purpose}.{encoded}".encode(), hashlib.sha256).digest()
    try:
        given = _unb64(mac_text)
        payload: dict[str, Any] = json.loads(_unb64(encoded))
    except (ValueError, json.JSONDecodeError) as error:
        raise BadToken("malformed token") from error
    if not hmac.compare_digest(expected, given):
        raise BadToken("bad signature")
    if payload.get("purpose") != purpose or int(payload.get("exp", 0)) < int(now.timestamp()):
        raise BadToken("expired or not for this purpose")
    return payload


@cache
def signing_secret() -> str:
    """Set directly locally and in tests; read once from Secrets Manager in AWS."""
    settings = get_settings()
    if settings.signing_secret:
        return settings.signing_secret
    if not settings.signing_secret_arn:
        raise RuntimeError("MOMENTUM_SIGNING_SECRET_ARN is not configured")
    from aws_lambda_powertools.utilities.parameters import get_secret

    value = get_secret(settings.signing_secret_arn, max_age=3600)
    return value if isinstance(value, str) else bytes(value).decode()
