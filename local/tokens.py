"""Local bearer tokens: HS256 JWTs carrying the claims the deployed JWT authorizer passes on."""

from __future__ import annotations

import os
import time
from typing import Any

import jwt

ISSUER = "momentum-local"
AUDIENCE = "momentum-local"
DEFAULT_TTL_SECONDS = 12 * 3600
# A development-only key: tokens signed with anything else are refused (401).
DEFAULT_SECRET = "momentum-local-development-signing-key-not-for-production"  # noqa: S105 - local only


def signing_key() -> str:
    return os.environ.get("MOMENTUM_LOCAL_JWT_SECRET", DEFAULT_SECRET)


def issue(
    *,
    org: str,
    role: str,
    sub: str | None = None,
    client_id: str | None = None,
    locations: list[str] | None = None,
    ttl_seconds: int = DEFAULT_TTL_SECONDS,
    key: str | None = None,
) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {
        "sub": sub or f"{role}-{org}",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + ttl_seconds,
        "token_use": "id",
        "custom:org_id": org,
        "custom:role": role,
    }
    if client_id:
        claims["custom:client_id"] = client_id
    if locations:
        claims["custom:location_ids"] = ",".join(locations)
    return jwt.encode(claims, key or signing_key(), algorithm="HS256")


class InvalidToken(Exception):
    pass


def verify(token: str) -> dict[str, Any]:
    """The token's claims, or InvalidToken for a bad signature, expiry, issuer or audience."""
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            signing_key(),
            algorithms=["HS256"],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "sub", "iss", "aud"]},
        )
    except jwt.PyJWTError as error:
        raise InvalidToken(str(error)) from error
    # The deployed authorizer passes claims on as strings.
    return {k: v if isinstance(v, str) else str(v) for k, v in claims.items()}
