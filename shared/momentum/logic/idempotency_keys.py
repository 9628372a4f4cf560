"""A create run once per Idempotency-Key, whenever the key comes back.

`momentum.api.idempotency` (Powertools, 24 hours) calls `run_once` when it holds no live
record for the key: the first request, or one after its record expired. The key's claim in
the product table (`momentum.store.idempotency_keys`) binds it for good to its request's
fingerprint and, once the create succeeded, its answer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from momentum import ids
from momentum.domain.errors import (
    ChangedMeanwhile,
    DomainError,
    FieldError,
    InvalidInput,
    ServiceUnavailable,
)
from momentum.store import idempotency_keys, transactions
from momentum.store.idempotency_keys import Claim, KeyUse
from momentum.store.transactions import Op


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


# -- a create that claims its key in its own transaction ---------------------------------------
# (`POST /appointments`): the claim, with its answer, is one more operation of the create's
# transaction, so a first keyed create costs no call of its own, and a retry's transaction
# fails on the claim's condition, which hands back the claim (the first answer, or a 422).


@dataclass(frozen=True)
class KeyedRequest:
    """The Idempotency-Key of a create (`scope`: caller, route and key) and its request."""

    org_id: str
    scope: str
    fingerprint: str

    def claim_op(self, answer: dict[str, Any]) -> Op:
        """The key's claim with `answer`: add it to the create's transaction (`commit`)."""
        return idempotency_keys.claim_op(
            self.org_id, self.scope, self.fingerprint, answer, now_ms=ids.now_ms()
        )

    def commit(self, ops: Sequence[Op]) -> None:
        """Write a transaction holding `claim_op`: `KeyUsed` when the key was used before."""
        try:
            transactions.commit(ops)
        except ChangedMeanwhile as failed:
            used = idempotency_keys.used_before(self.org_id, self.scope, self.fingerprint, failed)
            if used is None:
                raise  # the claim held: the records changed, decide afresh
            raise KeyUsed(used) from None


class KeyUsed(Exception):  # a signal out of the write loop, not an error
    """The create's transaction found the key claimed: nothing of it was written."""

    def __init__(self, use: KeyUse) -> None:
        super().__init__("Idempotency-Key used before")
        self.use = use


def run_claiming(
    request: KeyedRequest, create: Callable[[KeyedRequest | None], dict[str, Any]]
) -> dict[str, Any]:
    """`create(request)` writes the key's claim in its own transaction: its answer, or the
    first answer if the key carried the same request before, or 422 if another one."""
    try:
        return create(request)
    except KeyUsed as used:
        use = used.use
    if use.claim is Claim.OTHER:
        raise reused()
    if use.answer is not None:
        return use.answer
    # A claim made by `run_once` whose create never finished: finish it the same way.
    return run_once(request.org_id, request.scope, request.fingerprint, lambda: create(None))
