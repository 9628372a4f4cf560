"""Make moto's DynamoDB as atomic as DynamoDB: one lock around each item operation.

DynamoDB checks a condition and writes in one atomic step; moto's in-memory backend does
not lock, so two threads can both pass `tracker_count < 8`. Concurrency tests and the local
runner take this lock so that races resolve the way they do in AWS. It also makes moto
honour TransactWriteItems' ClientRequestToken (below), which retries after a lost response
rely on."""

from __future__ import annotations

import functools
import hashlib
import json
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

_LOCK = threading.RLock()
_METHODS = ("put_item", "get_item", "query", "update_item", "delete_item", "transact_write_items")


def make_dynamodb_atomic() -> None:
    from moto.dynamodb.models import DynamoDBBackend

    for name in _METHODS:
        original = getattr(DynamoDBBackend, name)
        if getattr(original, "_momentum_atomic", False):
            continue

        def locked(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            with _LOCK:
                return _original(self, *args, **kwargs)

        functools.update_wrapper(locked, original)
        locked._momentum_atomic = True  # type: ignore[attr-defined]
        setattr(DynamoDBBackend, name, locked)
    roll_back_only_touched_items()
    honour_client_request_tokens()


# -- ClientRequestToken ------------------------------------------------------------------------
# DynamoDB remembers the token of a committed TransactWriteItems for 10 minutes: the same
# token with the same request again is a successful no-op (a retry after a lost response),
# with another request it is IdempotentParameterMismatchException. moto 5.2.5 ignores the
# token, so a retried transaction would fail its own conditions; this patch adds the rule.

TOKEN_LIFETIME = timedelta(minutes=10)
_TOKENS_ATTRIBUTE = "_momentum_client_request_tokens"


@dataclass(frozen=True)
class _Remembered:
    fingerprint: str
    at: datetime  # the product clock (settable in tests and the local runner)
    wall: float  # time.monotonic(): a long-running runner forgets by wall time too

    def expired(self, now: datetime, wall: float) -> bool:
        elapsed = now - self.at
        return (
            elapsed < timedelta(0)
            or elapsed >= TOKEN_LIFETIME
            or wall - self.wall >= TOKEN_LIFETIME.total_seconds()
        )


def _now() -> tuple[datetime, float]:
    from momentum import clock

    return clock.current().now(), time.monotonic()


def _fingerprint(body: dict[str, Any]) -> str:
    """What must match for a replay: every parameter but the token itself."""
    request = {k: v for k, v in body.items() if k != "ClientRequestToken"}
    return hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()


def _tokens(backend: Any) -> dict[str, _Remembered]:
    """The backend's remembered tokens: kept on the backend itself, so moto's reset (a new
    mock account per test) forgets them with the tables."""
    tokens: dict[str, _Remembered] | None = getattr(backend, _TOKENS_ATTRIBUTE, None)
    if tokens is None:
        tokens = {}
        setattr(backend, _TOKENS_ATTRIBUTE, tokens)
    return tokens


def idempotent_parameter_mismatch() -> Exception:
    from moto.dynamodb.exceptions import ERROR_TYPE_PREFIX, DynamodbException

    return DynamodbException(
        ERROR_TYPE_PREFIX + "IdempotentParameterMismatchException",
        "The request uses the same client token as a previous, but non-identical request.",
    )


def honour_client_request_tokens() -> None:
    """Patch moto's TransactWriteItems handler to honour ClientRequestToken as DynamoDB does.
    Only a committed transaction is remembered: a cancelled one sent again is a new try."""
    from moto.core.responses import ActionResult
    from moto.dynamodb.responses import DynamoHandler

    original = DynamoHandler.transact_write_items
    if getattr(original, "_momentum_tokens", False):
        return

    def transact_write_items(self: Any) -> Any:
        token = self.body.get("ClientRequestToken")
        if not token:
            return original(self)
        fingerprint = _fingerprint(self.body)
        # One lock with the item operations: check, commit and remember in one step.
        with _LOCK:
            tokens = _tokens(self.dynamodb_backend)
            now, wall = _now()
            for old in [t for t, r in tokens.items() if r.expired(now, wall)]:
                del tokens[old]
            remembered = tokens.get(token)
            if remembered is not None:
                if remembered.fingerprint != fingerprint:
                    raise idempotent_parameter_mismatch()
                return ActionResult({"ConsumedCapacity": [], "ItemCollectionMetrics": {}})
            result = original(self)
            tokens[token] = _Remembered(fingerprint, now, wall)
            return result

    functools.update_wrapper(transact_write_items, original)
    transact_write_items._momentum_tokens = True  # type: ignore[attr-defined]
    DynamoHandler.transact_write_items = transact_write_items  # type: ignore[method-assign]


# -- Cheap rollback ----------------------------------------------------------------------------
# moto 5.2.5 deep-copies every table a transaction names, so that it can roll back: each
# transaction costs time in proportion to the whole table (minutes for a test with a few
# thousand items). DynamoDB's cost is per item; so is this undo log: it keeps the items the
# transaction names and puts back exactly those when moto cancels the transaction.


def roll_back_only_touched_items() -> None:
    import copy

    from moto.dynamodb import models
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    original = DynamoDBBackend.transact_write_items
    if getattr(original, "_momentum_undo", False):
        return

    class _TablesAreNotCopied:
        """moto's module-level `copy`, except that a Table is not deep-copied (the undo log
        below replaces that copy); every other deepcopy (update_item's item) is unchanged."""

        @staticmethod
        def deepcopy(value: Any, memo: Any = None) -> Any:
            return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    models.copy = _TablesAreNotCopied  # type: ignore[attr-defined]

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> Any:
        with _LOCK:  # the snapshot, the writes and any undo in one step, as the writes are
            return _with_undo(self, transact_items)

    def _with_undo(self: Any, transact_items: list[dict[str, Any]]) -> Any:
        undo: list[tuple[Table, Any, Any, Any]] = []
        for entry in transact_items:
            try:
                _, op = next(iter(entry.items()))
                table = self.get_table(op["TableName"])
                attrs = op["Item"] if "Item" in op else op["Key"]
                hash_key = DynamoType(attrs[table.hash_key_attr])
                range_key = (
                    DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
                )
            except Exception:  # noqa: S112 - moto itself reports a malformed operation
                continue
            current = table.get_item(hash_key, range_key)
            undo.append((table, hash_key, range_key, copy.deepcopy(current)))
        try:
            return original(self, transact_items)
        except Exception:
            for table, hash_key, range_key, item in reversed(undo):
                if range_key is None:
                    if item is None:
                        table.items.pop(hash_key, None)
                    else:
                        table.items[hash_key] = item
                elif item is None:
                    table.items.get(hash_key, {}).pop(range_key, None)
                else:
                    table.items[hash_key][range_key] = item
            raise

    functools.update_wrapper(transact_write_items, original)
    transact_write_items._momentum_undo = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
