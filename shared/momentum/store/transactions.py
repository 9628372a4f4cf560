"""Writing what repositories prepared: the operations a use case gathers from the
repositories (`clients.fold_completed_session_op(...)`, `due.reschedule_op(...)`) go to the
table here, all or nothing. Use cases hold operations as opaque values and never look
inside them; only `momentum.store` knows they are DynamoDB TransactItems."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from momentum.store import dynamo

# One prepared write (a TransactItems entry). Opaque above the store.
Op = dict[str, Any]

MAX_OPS = dynamo.MAX_TRANSACTION_ITEMS
# A transaction's cancellation reason for an operation whose condition did not hold.
_CONDITION_FAILED = "ConditionalCheckFailed"


def commit(ops: Sequence[Op]) -> None:
    """Write `ops` in one transaction (nothing when there are none). A failed condition
    raises `ChangedMeanwhile`; an overlapping transaction `WriteConflict`."""
    dynamo.transact_write(ops)


def commit_one(ops: Sequence[Op]) -> None:
    """As `commit`, but a lone put or update is sent as a PutItem or UpdateItem: a record
    that stands alone (an engagement template, a user, the organization) costs half the
    write units of a one-item transaction."""
    if len(ops) == 1 and set(ops[0]) == {"Put"}:
        dynamo.put_prepared(ops[0])
    elif len(ops) == 1 and set(ops[0]) == {"Update"}:
        dynamo.update_prepared(ops[0])
    else:
        dynamo.transact_write(ops)


def commit_in_chunks(ops: Sequence[Op]) -> None:
    """Independent operations (each stands alone, e.g. history entries) written in as few
    transactions as the limit allows."""
    for start in range(0, len(ops), MAX_OPS):
        dynamo.transact_write(ops[start : start + MAX_OPS])


def commit_with_side_effects(ops: Sequence[Op], *, required: int) -> None:
    """Write `ops` in one transaction, where the first `required` are the change itself and
    the rest create side effects with fixed ids (an email intent, a task, a renewal) that an
    earlier attempt of the same change may have made already: those found made are left
    out and the rest written again. A failed condition of the change itself raises
    `ChangedMeanwhile` (the record moved on: decide afresh)."""
    optional = list(ops[required:])
    while True:
        try:
            dynamo.transact_write([*ops[:required], *optional])
            return
        except dynamo.ConditionFailed as failed:
            reasons = failed.reasons
            if not reasons or _CONDITION_FAILED in reasons[:required]:
                raise
            made = {i for i, r in enumerate(reasons[required:]) if r == _CONDITION_FAILED}
            optional = [op for i, op in enumerate(optional) if i not in made]
