"""Counting the items DynamoDB returns to the product, by record kind: the nightly read
tests (reminders, renewals) pin what each step reads with it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from local import infra
from momentum.store import dynamo


def _kind(sk: str) -> str:
    """A stored item's kind from its sort key: `S#PKG`, `S#CLIENT`, `USER`, `OUTBOX`..."""
    parts = sk.split("#")
    return f"{parts[0]}#{parts[1]}" if parts[0] == "S" and len(parts) > 1 else parts[0]


class Reads:
    """Items DynamoDB returned to the product's client (as tests/integration/
    test_nightly_reads.py counts them: Query `ScannedCount`, GetItem hits, batch items), and
    their kinds."""

    def __init__(self) -> None:
        self.items = 0
        self.kinds: Counter[str] = Counter()

    def after(self, parsed: dict[str, Any], **_: Any) -> None:
        returned: list[dict[str, Any]] = []
        if "ScannedCount" in parsed:
            self.items += int(parsed["ScannedCount"])
            returned = list(parsed.get("Items", []))
        elif "Item" in parsed:
            self.items += 1
            returned = [parsed["Item"]]
        elif "Responses" in parsed:
            returned = [i for items in parsed["Responses"].values() for i in items]
            self.items += len(returned)
        self.kinds.update(_kind(i["sk"]["S"]) for i in returned if "sk" in i)


@pytest.fixture
def counting(aws: infra.LocalAws) -> Iterator[Callable[[], Reads]]:
    """A fresh tally of the items read from here on (each call starts a new one)."""
    current_tally = [Reads()]

    def after(**kwargs: Any) -> None:
        current_tally[0].after(**kwargs)

    def fresh() -> Reads:
        current_tally[0] = Reads()
        return current_tally[0]

    dynamo.client().meta.events.register("after-call.dynamodb.*", after)
    yield fresh
    dynamo.client().meta.events.unregister("after-call.dynamodb.*", after)
