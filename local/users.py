"""Local-only: make sure a token's person is a user of its organization.

The API reads every caller's role, status and locations from their user record (SPEC §9);
a token for a sub without one is refused. The demo's people get theirs when they are
seeded, and tests that mint tokens for made-up people ask for theirs here:

    POST /_local/users {"org": "...", "sub": "...", "role": "staff", "locations": ["north"]}

creates the user record if there is none (201) and otherwise leaves the stored one as it is
(200), so a demotion or deactivation made through the API is never undone. Never deployed
(template.yaml has no such route); in AWS users are created by `POST /users`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from werkzeug.wrappers import Request, Response

from momentum.domain.access import Role
from momentum.logic import callers
from momentum.store import dynamo
from momentum.store import users as user_store
from momentum.store.users import UserRecord

STAFF_ROLES = frozenset(r.value for r in Role) - {Role.CLIENT.value}
CREATED_AT = "2026-01-01T00:00:00Z"


def ensure_user(
    org: str,
    sub: str,
    role: str,
    *,
    locations: Iterable[str] = (),
    name: str | None = None,
    email: str | None = None,
) -> tuple[UserRecord, bool]:
    """The user record for this token's person: the stored one, or a new active one with
    these claims (and no login). Returns (record, created)."""
    if role not in STAFF_ROLES:
        raise ValueError(f"not a user role: {role}")
    record = UserRecord(
        org_id=org,
        id=sub,
        name=name or sub,
        email=email or f"{sub}@{org}.invalid",
        role=role,
        location_ids=tuple(dict.fromkeys(locations)),
        version=1,
        created_at=CREATED_AT,
        updated_at=CREATED_AT,
    )
    try:
        user_store.create(record)
    except dynamo.ConditionFailed:
        stored = user_store.get_user(org, sub)
        if stored is None:  # pragma: no cover - an id is never deleted
            raise
        return stored, False
    callers.forget_user(org, sub)  # a refusal cached before the record existed
    return record, True


def _reply(data: Any, status: int) -> Response:
    if status >= 400:
        data = {
            "type": "https://momentum.dev/problems/unprocessable-content",
            "title": "Unprocessable Content",
            "status": status,
            "detail": data,
        }
        return Response(json.dumps(data), status=status, content_type="application/problem+json")
    return Response(json.dumps(data), status=status, content_type="application/json")


def route(request: Request) -> Response | None:
    """The response for `POST /_local/users`, or None when the request is another one."""
    if (request.method, request.path.rstrip("/")) != ("POST", "/_local/users"):
        return None
    try:
        payload = json.loads(request.get_data() or b"{}")
        org, sub, role = str(payload["org"]), str(payload["sub"]), str(payload["role"])
        locations = [str(x) for x in payload.get("locations") or []]
        if not org or not sub or role not in STAFF_ROLES:
            raise ValueError("org, sub and a user role are required")
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        roles = ", ".join(sorted(STAFF_ROLES))
        detail = f'Send {{"org", "sub", "role" ({roles}), "locations"?}}: {error}'
        return _reply(detail, 422)
    record, created = ensure_user(org, sub, role, locations=locations)
    body = {
        "user_id": record.id,
        "role": record.role,
        "status": record.status,
        "location_ids": list(record.location_ids),
        "created": created,
    }
    return _reply(body, 201 if created else 200)
