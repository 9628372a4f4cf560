"""Make moto's DynamoDB as atomic as DynamoDB: one lock around each item operation.

DynamoDB checks a condition and writes in one atomic step; moto's in-memory backend does
not lock, so two threads can both pass `tracker_count < 8`. Concurrency tests and the local
runner take this lock so that races resolve the way they do in AWS."""

from __future__ import annotations

import functools
import threading
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
