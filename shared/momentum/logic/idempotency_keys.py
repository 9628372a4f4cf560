"""A create run once per Idempotency-Key, whenever the key comes back.

`momentum.api.idempotency` (Powertools, 24 hours) calls `run_once` when it holds no live
record for the key: the first request, or one after its record expired. The key's claim in
the product table (`momentum.store.idempotency_keys`) binds it for good to its request's
fingerprint and, once the create succeeded, its answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from momentum import ids
from momentum.domain.errors import DomainError, FieldError, InvalidInput, ServiceUnavailable
from momentum.store import idempotency_keys
from momentum.store.idempotency_keys import Claim


def reused() -> InvalidInput:
    return InvalidInput(
        "This Idempotency-Key was already used with a different request.",
        errors=[FieldError(("header", "Idempotency-Key"), "reused with a different request")],
    )


def run_once(
    org_id: str, scope: str, fingerprint: str, create: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """`create`'s answer for the key (`scope`: caller, route and key) and this request: the
    first answer if the same request was carried out before, 422 if another one was."""
    used = idempotency_keys.claim(org_id, scope, fingerprint, now_ms=ids.now_ms())
    if used.claim is Claim.OTHER:
        raise reused()
    if used.answer is not None:
        return used.answer
    # Ids made inside follow from the key and the request: a retry after a timeout
    # mid-create rewrites (and finds) the same records instead of making new ones. They
    # begin with the key's first use, so they sort among other ids by creation time.
    try:
        with ids.seeded(f"{scope}|{fingerprint}", at_ms=used.first_used_ms):
            result = create()
    except DomainError as error:
        if used.claim is Claim.NEW and not isinstance(error, ServiceUnavailable):
            # Refused before writing anything (a caller error): the key stays free.
            idempotency_keys.release(org_id, scope, fingerprint)
        raise
    idempotency_keys.remember(org_id, scope, fingerprint, result)
    return result
