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
