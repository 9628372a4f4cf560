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


def commit(ops: Sequence[Op]) -> None:
    """Write `ops` in one transaction (nothing when there are none). A failed condition
    raises `ChangedMeanwhile`; an overlapping transaction `WriteConflict`."""
    dynamo.transact_write(ops)


def commit_in_chunks(ops: Sequence[Op]) -> None:
    """Independent operations (each stands alone, e.g. history entries) written in as few
    transactions as the limit allows."""
    for start in range(0, len(ops), MAX_OPS):
        dynamo.transact_write(ops[start : start + MAX_OPS])
