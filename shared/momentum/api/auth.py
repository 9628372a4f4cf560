"""The caller's identity, read from the claims the JWT authorizer passed on."""

from __future__ import annotations

from typing import Any

from momentum.domain.access import Principal, Role
from momentum.domain.errors import Unauthenticated

# Cognito custom attributes arrive as "custom:<name>" claims (ID tokens).
ORG_CLAIM = "custom:org_id"
ROLE_CLAIM = "custom:role"
CLIENT_CLAIM = "custom:client_id"
LOCATIONS_CLAIM = "custom:location_ids"


def principal_from_claims(claims: dict[str, Any] | None) -> Principal:
    """Build the Principal or refuse with 401: a token without an organization, a known role
    or (for client tokens) a client id does not identify anyone we serve."""
    if not claims:
        raise Unauthenticated("A bearer token is required.")
    sub = str(claims.get("sub") or "")
    org_id = str(claims.get(ORG_CLAIM) or "")
    role = _role(claims)
    if not sub or not org_id:
        raise Unauthenticated("The token carries no user or organization.")
    return Principal(
        org_id=org_id,
        user_id=sub,
        role=role,
        client_id=_client_id(claims, role),
        location_ids=frozenset(_split_locations(claims.get(LOCATIONS_CLAIM) or "")),
    )


def _role(claims: dict[str, Any]) -> Role:
    try:
        return Role(str(claims.get(ROLE_CLAIM) or ""))
    except ValueError:
        raise Unauthenticated("The token carries no known role.") from None


def _client_id(claims: dict[str, Any], role: Role) -> str | None:
    """A client token's client id (it must carry one); staff tokens name no client."""
    if role is not Role.CLIENT:
        return None
    client_id = str(claims.get(CLIENT_CLAIM) or "")
    if not client_id:
        raise Unauthenticated("A client token must carry its client id.")
    return client_id


def _split_locations(raw: object) -> list[str]:
    # API Gateway renders list claims as "[a b]"; Cognito custom attributes are "a,b".
    if isinstance(raw, list):
        return [str(x) for x in raw if str(x)]
    text = str(raw).strip().strip("[]")
    return [part for part in text.replace(",", " ").split() if part]
