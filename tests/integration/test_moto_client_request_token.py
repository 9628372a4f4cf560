"""The moto patch (local/moto_atomic.py) honours TransactWriteItems' ClientRequestToken as
DynamoDB does: within 10 minutes (of the settable clock, or of the wall clock) the same
token with the same request is a successful no-op, with another request it is
IdempotentParameterMismatchException; only a committed transaction is remembered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st

from local import infra, moto_atomic
from momentum import clock
from momentum.store import dynamo

START = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
KEY = {"pk": {"S": "TEST#token"}, "sk": {"S": "COUNTER"}}


def _count(by: int = 1) -> list[dict[str, Any]]:
    """A transaction that is visibly not idempotent: it adds to a counter."""
    return [
        {
            "Update": {
                "TableName": dynamo.table_name(),
                "Key": KEY,
                "UpdateExpression": "ADD n :by",
                "ExpressionAttributeValues": {":by": {"N": str(by)}},
            }
        }
    ]


def _counter(raw: Any) -> int:
    item = raw.get_item(TableName=dynamo.table_name(), Key=KEY, ConsistentRead=True).get("Item")
    return int(item["n"]["N"]) if item else 0


def _at(instant: datetime) -> None:
    clock.install(clock.SettableClock(instant))


def test_a_replay_is_a_successful_no_op(aws: infra.LocalAws, raw_dynamodb: Any) -> None:
    _at(START)
    for _ in range(3):
        raw_dynamodb.transact_write_items(TransactItems=_count(), ClientRequestToken="t-1")
    assert _counter(raw_dynamodb) == 1
    # Another token is another transaction; no token at all too.
    raw_dynamodb.transact_write_items(TransactItems=_count(), ClientRequestToken="t-2")
    raw_dynamodb.transact_write_items(TransactItems=_count())
    assert _counter(raw_dynamodb) == 3


def test_a_replayed_create_does_not_fail_its_own_condition(
    aws: infra.LocalAws, raw_dynamodb: Any
) -> None:
    put = [
        {
            "Put": {
                "TableName": dynamo.table_name(),
                "Item": {**KEY, "n": {"N": "1"}},
                "ConditionExpression": "attribute_not_exists(pk)",
            }
        }
    ]
    raw_dynamodb.transact_write_items(TransactItems=put, ClientRequestToken="create-1")
    raw_dynamodb.transact_write_items(TransactItems=put, ClientRequestToken="create-1")
    with pytest.raises(ClientError) as refused:  # a new transaction does fail it
        raw_dynamodb.transact_write_items(TransactItems=put, ClientRequestToken="create-2")
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"


def test_the_same_token_with_another_request_is_a_mismatch(
    aws: infra.LocalAws, raw_dynamodb: Any
) -> None:
    _at(START)
    raw_dynamodb.transact_write_items(TransactItems=_count(1), ClientRequestToken="t-1")
    with pytest.raises(ClientError) as mismatch:
        raw_dynamodb.transact_write_items(TransactItems=_count(5), ClientRequestToken="t-1")
    assert mismatch.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
    assert _counter(raw_dynamodb) == 1


def test_a_token_expires_after_ten_minutes_of_the_settable_clock(
    aws: infra.LocalAws, raw_dynamodb: Any
) -> None:
    _at(START)
    raw_dynamodb.transact_write_items(TransactItems=_count(), ClientRequestToken="t-1")
    _at(START + timedelta(minutes=9, seconds=59))
    raw_dynamodb.transact_write_items(TransactItems=_count(), ClientRequestToken="t-1")
    assert _counter(raw_dynamodb) == 1
    _at(START + timedelta(minutes=10))
    raw_dynamodb.transact_write_items(TransactItems=_count(), ClientRequestToken="t-1")
    assert _counter(raw_dynamodb) == 2  # a new request, remembered from now on
    raw_dynamodb.transact_write_items(TransactItems=_count(), ClientRequestToken="t-1")
    assert _counter(raw_dynamodb) == 2


def test_a_token_expires_after_ten_minutes_of_the_wall_clock(
    aws: infra.LocalAws, raw_dynamodb: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _at(START)  # the settable clock stands still, as in a long-running local runner
    wall = [1000.0]
    monkeypatch.setattr(moto_atomic.time, "monotonic", lambda: wall[0])
    raw_dynamodb.transact_write_items(TransactItems=_count(), ClientRequestToken="t-1")
    wall[0] += 599
    raw_dynamodb.transact_write_items(TransactItems=_count(), ClientRequestToken="t-1")
    assert _counter(raw_dynamodb) == 1
    wall[0] += 1
    raw_dynamodb.transact_write_items(TransactItems=_count(), ClientRequestToken="t-1")
    assert _counter(raw_dynamodb) == 2


def test_a_cancelled_transaction_is_not_remembered(aws: infra.LocalAws, raw_dynamodb: Any) -> None:
    guarded = [
        {
            "Update": {
                **_count()[0]["Update"],
                "ConditionExpression": "attribute_exists(pk)",
            }
        }
    ]
    with pytest.raises(ClientError) as cancelled:
        raw_dynamodb.transact_write_items(TransactItems=guarded, ClientRequestToken="t-1")
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    raw_dynamodb.put_item(TableName=dynamo.table_name(), Item={**KEY, "n": {"N": "0"}})
    # Sent again with the same token once its condition holds: applied.
    raw_dynamodb.transact_write_items(TransactItems=guarded, ClientRequestToken="t-1")
    assert _counter(raw_dynamodb) == 1


@given(elapsed=st.integers(min_value=-3600, max_value=3600), wall=st.floats(0, 1200))
def test_a_token_lives_exactly_ten_minutes_on_both_clocks(elapsed: int, wall: float) -> None:
    remembered = moto_atomic._Remembered("f", START, 0.0)
    expired = remembered.expired(START + timedelta(seconds=elapsed), wall)
    assert expired == (not 0 <= elapsed < 600 or wall >= 600)
