"""Idempotency-Key claims: `pk = ORG#<org>`, `sk = IDEMKEY#<digest of caller, route, key>`,
holding the fingerprint of the request that first used the key, the instant it was first
used (`first_used_ms`: the time part of the ids its create makes, the same on every retry)
and, once it succeeded, its answer.

The Powertools record (24 hours) answers a retry with the first response; the claim stays
after it expired, so the same key is refused with another request and answered with the
first response for the same request, whenever it comes — never answered with the old
record while the new request is dropped."""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from momentum.domain.errors import ChangedMeanwhile, ServiceUnavailable
from momentum.store import dynamo
from momentum.store.keys import org_pk
from momentum.store.transactions import Op

PREFIX = "IDEMKEY#"
ITEM_TYPE = "idempotency_key"


class Claim(StrEnum):
    NEW = "new"  # this request is the first to use the key
    SAME = "same"  # the key was used before, with this same request
    OTHER = "other"  # the key was used before, with another request


@dataclass(frozen=True)
class KeyUse:
    claim: Claim
    answer: dict[str, Any] | None = None  # what the first request answered (SAME, once done)
    # When the key was first used, in milliseconds (None: a claim made before it was kept).
    first_used_ms: int | None = None


def _key(org_id: str, scope: str) -> tuple[str, str]:
    return org_pk(org_id), PREFIX + hashlib.sha256(scope.encode()).hexdigest()


def claim(org_id: str, scope: str, fingerprint: str, *, now_ms: int) -> KeyUse:
    """Bind the key (`scope`: caller, route and key) to the request's fingerprint, first
    used at `now_ms` (kept: a later use of the key reads the first use's instant)."""
    pk, sk = _key(org_id, scope)
    item = {
        "pk": pk,
        "sk": sk,
        "type": ITEM_TYPE,
        "fingerprint": fingerprint,
        "first_used_ms": now_ms,
    }
    try:
        dynamo.put_item(item, condition="attribute_not_exists(pk)")
    except dynamo.ConditionFailed:
        stored = dynamo.get_item(pk, sk)
        if stored is None:  # released meanwhile: the caller may try again
            raise
        return _use_of(stored, fingerprint)
    return KeyUse(Claim.NEW, first_used_ms=now_ms)


def _use_of(stored: dict[str, Any], fingerprint: str) -> KeyUse:
    """How a key whose claim is `stored` was used, seen by the request `fingerprint`."""
    if stored.get("fingerprint") != fingerprint:
        return KeyUse(Claim.OTHER)
    answer = stored.get("answer")
    first = stored.get("first_used_ms")
    return KeyUse(
        Claim.SAME,
        json.loads(answer) if answer else None,
        None if first is None else int(first),
    )


def claim_op(
    org_id: str, scope: str, fingerprint: str, answer: dict[str, Any], *, now_ms: int
) -> Op:
    """The key's claim with its answer, written by the create's own transaction: the key is
    bound to the request exactly when the create lands. Its condition fails when the key
    was used before (`used_before` then tells how), and nothing of the create is written."""
    pk, sk = _key(org_id, scope)
    item = {
        "pk": pk,
        "sk": sk,
        "type": ITEM_TYPE,
        "fingerprint": fingerprint,
        "first_used_ms": now_ms,
        "answer": json.dumps(answer, default=str),
    }
    op = dynamo.put_op(item, condition="attribute_not_exists(pk)")
    # The failed condition hands back the claim it found: no read to learn its answer.
    op["Put"]["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    return op


def used_before(
    org_id: str, scope: str, fingerprint: str, failed: ChangedMeanwhile
) -> KeyUse | None:
    """After a transaction holding `claim_op` failed a condition: how the key was used
    before, or None if its claim's condition held (something else changed)."""
    pk, sk = _key(org_id, scope)
    if isinstance(failed, dynamo.ConditionFailed) and failed.reason_items:
        for found in failed.reason_items:
            if found is not None and found.get("sk", {}).get("S") == sk:
                return _use_of(dynamo.from_attributes(found), fingerprint)
        return None
    stored = dynamo.get_item(pk, sk)  # the failure did not say which condition: read it
    return None if stored is None else _use_of(stored, fingerprint)


def remember(org_id: str, scope: str, fingerprint: str, answer: dict[str, Any]) -> None:
    """Keep the answer with the claim. Best effort: without it, the same request later runs
    its create again, which finds the records its ids lead to."""
    pk, sk = _key(org_id, scope)
    with contextlib.suppress(dynamo.ConditionFailed, ServiceUnavailable):
        dynamo.update_item(
            pk,
            sk,
            update="SET answer = :answer",
            condition="fingerprint = :fp",
            values={":answer": json.dumps(answer, default=str), ":fp": fingerprint},
        )


def release(org_id: str, scope: str, fingerprint: str) -> None:
    """Free a key whose request was refused before it wrote anything (a caller error), so
    a corrected request may use it, as Powertools forgets a failed request too."""
    pk, sk = _key(org_id, scope)
    # Already gone, or bound to another request: not ours to free.
    with contextlib.suppress(dynamo.ConditionFailed):
        dynamo.delete_item(pk, sk, condition="fingerprint = :fp", values={":fp": fingerprint})
