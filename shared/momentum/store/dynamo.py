"""The product table: one boto3 client per process, item (de)serialisation and error mapping.

boto3 is imported on first use, not at import time, so handler cold starts stay small."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from momentum.config import get_settings
from momentum.domain.errors import ServiceUnavailable

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

Item = dict[str, Any]

_BUSY_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
    }
)


class ConditionFailed(Exception):
    """A conditional write found the record in another state than expected."""

    def __init__(self, reasons: Sequence[str] = ()) -> None:
        super().__init__(", ".join(reasons) or "condition failed")
        # For transactions: one reason code per operation ("None" where it passed).
        self.reasons = list(reasons)


@cache
def client() -> DynamoDBClient:
    import boto3
    from botocore.config import Config

    # Standard retry mode retries throttling and transient errors with backoff.
    return boto3.client(
        "dynamodb",
        config=Config(
            retries={"mode": "standard", "total_max_attempts": 5},
            connect_timeout=2,
            read_timeout=5,
        ),
    )


def table_name() -> str:
    return get_settings().table_name


@cache
def _serializer() -> Any:
    from boto3.dynamodb.types import TypeSerializer

    return TypeSerializer()


@cache
def _deserializer() -> Any:
    from boto3.dynamodb.types import TypeDeserializer

    return TypeDeserializer()


def to_attributes(item: Mapping[str, Any]) -> dict[str, AttributeValueTypeDef]:
    """Plain Python values → DynamoDB attribute values (None values are dropped)."""
    ser = _serializer()
    return {k: ser.serialize(_to_dynamo(v)) for k, v in item.items() if v is not None}


def to_attribute(value: Any) -> AttributeValueTypeDef:
    result: AttributeValueTypeDef = _serializer().serialize(_to_dynamo(value))
    return result


def from_attributes(attributes: Mapping[str, Any]) -> Item:
    """DynamoDB attribute values → plain Python values (numbers become int or float)."""
    des = _deserializer()
    return {k: _from_dynamo(des.deserialize(v)) for k, v in attributes.items()}


def _to_dynamo(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(v) for v in value]
    if isinstance(value, set):
        return {_from_dynamo(v) for v in value}
    return value


@contextmanager
def translate_errors() -> Iterator[None]:
    """Map DynamoDB's answers to what the layers above understand: a failed condition
    becomes ConditionFailed; throttling that outlived the client's retries becomes a 503."""
    from botocore.exceptions import ClientError

    try:
        yield
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code == "ConditionalCheckFailedException":
            raise ConditionFailed(["ConditionalCheckFailed"]) from error
        if code == "TransactionCanceledException":
            reasons = [
                str(r.get("Code", "None")) for r in error.response.get("CancellationReasons", [])
            ]
            if any(r in ("ConditionalCheckFailed",) for r in reasons):
                raise ConditionFailed(reasons) from error
            raise ServiceUnavailable(
                "The record is busy with another change; please retry.", retry_after_seconds=1
            ) from error
        if code in _BUSY_CODES or code == "TransactionConflictException":
            raise ServiceUnavailable(
                "The service is busy; nothing was changed. Please retry.", retry_after_seconds=2
            ) from error
        raise


def get_item(pk: str, sk: str, *, consistent: bool = True) -> Item | None:
    with translate_errors():
        response = client().get_item(
            TableName=table_name(),
            Key={"pk": {"S": pk}, "sk": {"S": sk}},
            ConsistentRead=consistent,
        )
    raw = response.get("Item")
    return from_attributes(raw) if raw else None


def put_item(
    item: Mapping[str, Any],
    *,
    condition: str | None = None,
    names: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
) -> None:
    kwargs: dict[str, Any] = {"TableName": table_name(), "Item": to_attributes(item)}
    if condition:
        kwargs["ConditionExpression"] = condition
    if names:
        kwargs["ExpressionAttributeNames"] = dict(names)
    if values:
        kwargs["ExpressionAttributeValues"] = {k: to_attribute(v) for k, v in values.items()}
    with translate_errors():
        client().put_item(**kwargs)


def update_item(
    pk: str,
    sk: str,
    *,
    update: str,
    condition: str | None = None,
    names: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
) -> Item:
    """An UpdateItem; returns the item as it is after the update."""
    kwargs: dict[str, Any] = {
        "TableName": table_name(),
        "Key": {"pk": {"S": pk}, "sk": {"S": sk}},
        "UpdateExpression": update,
        "ReturnValues": "ALL_NEW",
    }
    if condition:
        kwargs["ConditionExpression"] = condition
    if names:
        kwargs["ExpressionAttributeNames"] = dict(names)
    if values:
        kwargs["ExpressionAttributeValues"] = {k: to_attribute(v) for k, v in values.items()}
    with translate_errors():
        response = client().update_item(**kwargs)
    return from_attributes(response.get("Attributes", {}))


def delete_item(
    pk: str,
    sk: str,
    *,
    condition: str | None = None,
    names: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
) -> None:
    kwargs: dict[str, Any] = {"TableName": table_name(), "Key": _key(pk, sk)}
    _expressions(kwargs, condition=condition, names=names, values=values)
    with translate_errors():
        client().delete_item(**kwargs)


def query(
    pk: str,
    *,
    index: str | None = None,
    sk_prefix: str | None = None,
    sk_between: tuple[str, str] | None = None,
    limit: int | None = None,
    start_key: dict[str, Any] | None = None,
    forward: bool = True,
    consistent: bool = False,
) -> tuple[list[Item], dict[str, Any] | None]:
    """One Query page on the table (`pk`/`sk`) or a GSI (`<index>pk`/`<index>sk`)."""
    pk_name, sk_name = (f"{index}pk", f"{index}sk") if index else ("pk", "sk")
    condition = "#pk = :pk"
    values: dict[str, Any] = {":pk": {"S": pk}}
    if sk_prefix is not None:
        condition += " AND begins_with(#sk, :prefix)"
        values[":prefix"] = {"S": sk_prefix}
    elif sk_between is not None:
        condition += " AND #sk BETWEEN :low AND :high"
        values[":low"] = {"S": sk_between[0]}
        values[":high"] = {"S": sk_between[1]}
    names = {"#pk": pk_name}
    if sk_prefix is not None or sk_between is not None:
        names["#sk"] = sk_name
    kwargs: dict[str, Any] = {
        "TableName": table_name(),
        "KeyConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
        "ScanIndexForward": forward,
    }
    if index:
        kwargs["IndexName"] = index
    elif consistent:
        kwargs["ConsistentRead"] = True
    if limit:
        kwargs["Limit"] = limit
    if start_key:
        kwargs["ExclusiveStartKey"] = start_key
    with translate_errors():
        response = client().query(**kwargs)
    items = [from_attributes(raw) for raw in response.get("Items", [])]
    return items, response.get("LastEvaluatedKey")


def query_all(pk: str, **kwargs: Any) -> list[Item]:
    """Every page of a Query (for bounded sets: a client's tracked state, its trackers)."""
    items: list[Item] = []
    start: dict[str, Any] | None = None
    while True:
        page, start = query(pk, start_key=start, **kwargs)
        items.extend(page)
        if not start:
            return items


# -- transactions ----------------------------------------------------------------------------


def _key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def _expressions(
    target: dict[str, Any],
    *,
    condition: str | None,
    names: Mapping[str, str] | None,
    values: Mapping[str, Any] | None,
    update: str | None = None,
) -> dict[str, Any]:
    if update:
        target["UpdateExpression"] = update
    if condition:
        target["ConditionExpression"] = condition
    if names:
        target["ExpressionAttributeNames"] = dict(names)
    if values:
        target["ExpressionAttributeValues"] = {k: to_attribute(v) for k, v in values.items()}
    return target


def put_op(
    item: Mapping[str, Any],
    *,
    condition: str | None = None,
    names: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    body = {"TableName": table_name(), "Item": to_attributes(item)}
    return {"Put": _expressions(body, condition=condition, names=names, values=values)}


def update_op(
    pk: str,
    sk: str,
    *,
    update: str,
    condition: str | None = None,
    names: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    body = {"TableName": table_name(), "Key": _key(pk, sk)}
    return {
        "Update": _expressions(body, condition=condition, names=names, values=values, update=update)
    }


def delete_op(
    pk: str,
    sk: str,
    *,
    condition: str | None = None,
    names: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    body = {"TableName": table_name(), "Key": _key(pk, sk)}
    return {"Delete": _expressions(body, condition=condition, names=names, values=values)}


def check_op(
    pk: str,
    sk: str,
    *,
    condition: str,
    names: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    body = {"TableName": table_name(), "Key": _key(pk, sk)}
    return {"ConditionCheck": _expressions(body, condition=condition, names=names, values=values)}


MAX_TRANSACTION_ITEMS = 100


def transact_write(operations: Sequence[dict[str, Any]]) -> None:
    """All or nothing. A failed condition raises ConditionFailed (with one reason per
    operation); a conflict with another transaction becomes a 503 after retries."""
    if not operations:
        return
    if len(operations) > MAX_TRANSACTION_ITEMS:
        raise ValueError(f"a transaction takes at most {MAX_TRANSACTION_ITEMS} operations")
    with translate_errors():
        client().transact_write_items(TransactItems=list(operations))  # type: ignore[arg-type]


# -- optimistic versioned records --------------------------------------------------------------


def versioned_put_op(item: Mapping[str, Any], *, expected_version: int) -> dict[str, Any]:
    """Write `item` (whose `version` is expected_version + 1) only if the stored version is
    still `expected_version` (0: the record must not exist yet)."""
    if expected_version == 0:
        return put_op(item, condition="attribute_not_exists(pk)")
    return put_op(
        item,
        condition="#version = :expected",
        names={"#version": "version"},
        values={":expected": expected_version},
    )


def batch_get(
    keys: Sequence[tuple[str, str]], *, consistent: bool = True
) -> dict[tuple[str, str], Item]:
    """Up to 100 items by key in one call (more keys: more calls); missing keys are absent."""
    found: dict[tuple[str, str], Item] = {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), 100):
        request: dict[str, Any] = {
            table_name(): {
                "Keys": [_key(pk, sk) for pk, sk in unique[start : start + 100]],
                "ConsistentRead": consistent,
            }
        }
        while request:
            with translate_errors():
                response = client().batch_get_item(RequestItems=request)
            for raw in response.get("Responses", {}).get(table_name(), []):
                item = from_attributes(raw)
                found[(str(item["pk"]), str(item["sk"]))] = item
            request = dict(response.get("UnprocessedKeys") or {})
    return found


def tracked_put_op(
    item: Mapping[str, Any], *, expected_version: int, expected_state_version: int
) -> dict[str, Any]:
    """Put a tracked record (package, tracker, engagement) only if neither its edits
    (`version`) nor its folded state (`state_version`) moved since it was read; both 0:
    it must not exist yet."""
    if expected_version == 0 and expected_state_version == 0:
        return put_op(item, condition="attribute_not_exists(pk)")
    return put_op(
        item,
        condition="#v = :v AND #sv = :sv",
        names={"#v": "version", "#sv": "state_version"},
        values={":v": expected_version, ":sv": expected_state_version},
    )
