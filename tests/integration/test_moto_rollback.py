"""The moto patch that rolls a cancelled TransactWriteItems back item by item
(local/moto_atomic.py: roll_back_only_touched_items; the `aws` fixture, the local runner and
bench/ all use it) keeps DynamoDB's all-or-nothing rule: when one operation fails, none of
the others is applied — a put of a new item, an update, a delete, and the operations after
the failing one (moto runs them all before cancelling) — and the indexes show nothing of
them. It does so without replacing the table by a whole-table copy (moto's own rollback,
whose cost grows with every item stored)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.dynamodb.models import dynamodb_backends

from local import infra
from momentum.store import dynamo

TABLE = "MomentumTable"


def _key(name: str) -> dict[str, Any]:
    return {"pk": {"S": f"TEST#{name}"}, "sk": {"S": "ITEM"}}


def _indexed(name: str, n: int) -> dict[str, Any]:
    """An item listed in gsi1 under TEST#LIST."""
    return {
        **_key(name),
        "n": {"N": str(n)},
        "gsi1pk": {"S": "TEST#LIST"},
        "gsi1sk": {"S": name},
    }


def _get(raw: Any, name: str) -> dict[str, Any] | None:
    item: dict[str, Any] | None = raw.get_item(
        TableName=TABLE, Key=_key(name), ConsistentRead=True
    ).get("Item")
    return item


def _listed(raw: Any) -> dict[str, str]:
    items = raw.query(
        TableName=TABLE,
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :p",
        ExpressionAttributeValues={":p": {"S": "TEST#LIST"}},
    )["Items"]
    return {i["gsi1sk"]["S"]: i["n"]["N"] for i in items}


def _put_new(name: str) -> dict[str, Any]:
    return {
        "Put": {
            "TableName": TABLE,
            "Item": _indexed(name, 1),
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }


def _update(name: str) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": TABLE,
            "Key": _key(name),
            "UpdateExpression": "SET n = :n, gsi1sk = :s",
            "ExpressionAttributeValues": {":n": {"N": "2"}, ":s": {"S": f"{name}-moved"}},
            "ConditionExpression": "attribute_exists(pk)",
        }
    }


def _delete(name: str) -> dict[str, Any]:
    return {"Delete": {"TableName": TABLE, "Key": _key(name)}}


def _failing_check(name: str) -> dict[str, Any]:
    return {
        "ConditionCheck": {
            "TableName": TABLE,
            "Key": _key(name),
            "ConditionExpression": "attribute_not_exists(pk)",  # it exists: fails
        }
    }


@pytest.fixture
def stored(aws: infra.LocalAws, raw_dynamodb: Any) -> Any:
    for name, n in (("kept", 1), ("doomed", 1), ("guard", 1)):
        raw_dynamodb.put_item(TableName=TABLE, Item=_indexed(name, n))
    return raw_dynamodb


def _table() -> Any:
    return dynamodb_backends[infra.ACCOUNT_ID][infra.REGION].get_table(dynamo.table_name())


def test_a_failing_third_operation_leaves_the_first_two_unapplied(stored: Any) -> None:
    before = _listed(stored)
    table = _table()
    with pytest.raises(ClientError) as cancelled:
        stored.transact_write_items(
            TransactItems=[
                _put_new("fresh"),  # a new item (and a new gsi1 entry)
                _update("kept"),  # an update that moves its gsi1 key
                _failing_check("guard"),  # the 3rd operation fails
                _delete("doomed"),  # moto runs this one too before cancelling
            ]
        )
    error = cancelled.value.response
    assert error["Error"]["Code"] == "TransactionCanceledException"
    codes = [r["Code"] for r in error["CancellationReasons"]]
    assert codes == ["None", "None", "ConditionalCheckFailed", "None"]
    assert _get(stored, "fresh") is None
    assert _get(stored, "kept") == _indexed("kept", 1)
    assert _get(stored, "doomed") == _indexed("doomed", 1)
    assert _listed(stored) == before == {"kept": "1", "doomed": "1", "guard": "1"}
    # Rolled back item by item: the table moto holds is the one it held (moto's own
    # rollback swaps in a deep copy of the whole table).
    assert _table() is table


def test_the_same_transaction_without_the_failing_operation_applies_every_operation(
    stored: Any,
) -> None:
    stored.transact_write_items(
        TransactItems=[_put_new("fresh"), _update("kept"), _delete("doomed")]
    )
    assert _get(stored, "fresh") == _indexed("fresh", 1)
    assert _get(stored, "kept") == {**_indexed("kept", 2), "gsi1sk": {"S": "kept-moved"}}
    assert _get(stored, "doomed") is None
    assert _listed(stored) == {"fresh": "1", "kept-moved": "2", "guard": "1"}


def test_an_invalid_transaction_applies_nothing(stored: Any) -> None:
    """Two operations on one item: moto refuses the transaction part-way (a validation
    error, not a cancellation); what it had applied before is undone too."""
    with pytest.raises(ClientError) as refused:
        stored.transact_write_items(
            TransactItems=[_put_new("fresh"), _update("kept"), _delete("kept")]
        )
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert _get(stored, "fresh") is None
    assert _get(stored, "kept") == _indexed("kept", 1)
    assert _listed(stored) == {"kept": "1", "doomed": "1", "guard": "1"}
