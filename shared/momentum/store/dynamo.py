"""The product table: one boto3 client per process, item (de)serialisation and error mapping.

boto3 is imported on first use, not at import time, so handler cold starts stay small.

Retries never turn a success into an error: a write whose response was lost is sent again
(by botocore, then by `_write`) and recognises its own earlier success — a transaction by
its ClientRequestToken, a single-item write by the item its failed condition returns."""

from __future__ import annotations

import random
import re
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from momentum.config import get_settings
from momentum.domain.errors import ChangedMeanwhile, ServiceUnavailable, Throttled, WriteConflict

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


class ConditionFailed(ChangedMeanwhile):
    """A conditional write found the record in another state than expected."""

    def __init__(
        self,
        reasons: Sequence[str] = (),
        *,
        old_item: Mapping[str, Any] | None = None,
        retried: bool = False,
        reason_items: Sequence[Mapping[str, Any] | None] = (),
    ) -> None:
        super().__init__(", ".join(reasons) or "condition failed")
        # For transactions: one reason code per operation ("None" where it passed).
        self.reasons = list(reasons)
        # For single-item writes: the item as the failed condition found it (raw attribute
        # values, ReturnValuesOnConditionCheckFailure=ALL_OLD), and whether botocore had
        # sent the request more than once (an earlier attempt may have landed).
        self.old_item = old_item
        self.retried = retried
        # For transactions: per operation, the item its failed condition found, for the
        # operations that asked for it (ReturnValuesOnConditionCheckFailure=ALL_OLD).
        self.reason_items = list(reason_items)


@dataclass(eq=False)
class OutcomeUnknown(ServiceUnavailable):
    """A write whose answer never came back, however often it was sent: it may or may not
    have landed. A 503; the caller's retry (with its Idempotency-Key) finds out."""


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
    """DynamoDB attribute values → plain Python values (numbers become int or float). The
    write id of the last `update_item` is the store's own bookkeeping: left out."""
    des = _deserializer()
    return {k: _from_dynamo(des.deserialize(v)) for k, v in attributes.items() if k != WRITE_ID}


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
    from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

    try:
        yield
    except (ConnectionError, HTTPClientError) as error:
        # botocore's retries are spent and DynamoDB never answered (reads; writes go
        # through `_write`, which sends them again first).
        raise ServiceUnavailable(
            "The database did not answer; please retry.", retry_after_seconds=2
        ) from error
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code == "ConditionalCheckFailedException":
            raise ConditionFailed(
                ["ConditionalCheckFailed"],
                old_item=_old_item(error.response),
                retried=_retry_attempts(error) > 0,
            ) from error
        if code == "TransactionCanceledException":
            cancelled = error.response.get("CancellationReasons", [])
            reasons = [str(r.get("Code", "None")) for r in cancelled]
            if any(r in ("ConditionalCheckFailed",) for r in reasons):
                items = [_old_item(r) for r in cancelled]
                raise ConditionFailed(reasons, reason_items=items) from error
            raise WriteConflict(
                "The record is busy with another change; please retry.", retry_after_seconds=1
            ) from error
        if code == "TransactionConflictException":
            raise WriteConflict(
                "The record is busy with another change; please retry.", retry_after_seconds=1
            ) from error
        if code in _BUSY_CODES:
            raise Throttled(
                "The service is busy; nothing was changed. Please retry.", retry_after_seconds=2
            ) from error
        raise


def _old_item(response: Mapping[str, Any]) -> Mapping[str, Any] | None:
    item = response.get("Item")
    return item if isinstance(item, Mapping) else None


def _retry_attempts(error: Any) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("RetryAttempts", 0) or 0)


# -- lost responses --------------------------------------------------------------------------
# A write whose response is lost (a timeout, a dropped connection, a 5xx) may have landed.
# botocore sends it again (standard retry mode, same parameters), and `_write` does once
# botocore's attempts are spent. The re-sent write must then recognise its own success
# instead of reporting the condition that success now fails (a wrong 404/409/412):
# - a transaction carries a ClientRequestToken, the same for every send of that one
#   transaction (a rebuilt transaction after a real conflict is a new call, a new token):
#   DynamoDB answers a replay within 10 minutes with success and writes nothing;
# - a single-item write asks for the item its failed condition saw (ALL_OLD): a put finds
#   exactly the item it wrote, an update finds its own write id (`WRITE_ID`, set by every
#   `update_item` call, which also makes an update apply at most once), a delete finds no
#   item any more.

RESEND_ATTEMPTS = 3
WRITE_ID = "last_write_id"
_UNKNOWN_OUTCOME_CODES = frozenset(
    {"InternalServerError", "ServiceUnavailable", "TransactionInProgressException"}
)


def outcome_unknown(error: BaseException) -> bool:
    """Whether a failed call may nevertheless have been applied (no answer, or a 5xx)."""
    from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

    if isinstance(error, ConnectionError | HTTPClientError):
        return True
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        return code in _UNKNOWN_OUTCOME_CODES or status >= 500
    return False


def _write[R](
    send: Callable[[], R], *, mine: Callable[[ConditionFailed], bool]
) -> R | ConditionFailed:
    """Send a write, and send it again (same parameters) while its outcome is unknown.
    Returns send()'s response; or, when the write was sent more than once and its failed
    condition shows our own earlier attempt (`mine`), that ConditionFailed: a success."""
    resent = False
    for attempt in range(RESEND_ATTEMPTS):
        try:
            with translate_errors():
                try:
                    return send()
                except Exception as error:
                    if outcome_unknown(error) and attempt + 1 < RESEND_ATTEMPTS:
                        resent = True
                        time.sleep(random.uniform(0, 0.05 * 2**attempt))  # noqa: S311
                        continue
                    if outcome_unknown(error):
                        raise OutcomeUnknown(
                            "The database did not confirm the change; please retry.",
                            retry_after_seconds=2,
                        ) from error
                    raise
        except ConditionFailed as failed:
            if (resent or failed.retried) and mine(failed):
                return failed
            raise
    raise AssertionError("unreachable")  # pragma: no cover


def _new_write_id() -> str:
    return str(uuid.uuid4())


def _put_is_mine(item: Mapping[str, Any]) -> Callable[[ConditionFailed], bool]:
    """A put's earlier attempt landed if the item is now exactly what it put."""

    def mine(failed: ConditionFailed) -> bool:
        old = failed.old_item
        return old is not None and from_attributes(old) == from_attributes(item)

    return mine


_SET_CLAUSE = re.compile(r"(?<![#:\w.])SET\s+", re.IGNORECASE)


def _with_write_id(
    update: str, condition: str | None, names: dict[str, str], values: dict[str, Any]
) -> tuple[str, str]:
    """The update also records this call's write id, and applies only if the item does not
    carry it yet: a re-sent update lands once, and its failed condition shows it landed."""
    names["#momentum_write"] = WRITE_ID
    values[":momentum_write"] = {"S": _new_write_id()}
    action = "#momentum_write = :momentum_write"
    match = _SET_CLAUSE.search(update)
    if match:
        update = f"{update[: match.end()]}{action}, {update[match.end() :]}"
    else:
        update = f"SET {action} {update}"
    once = "(attribute_not_exists(#momentum_write) OR #momentum_write <> :momentum_write)"
    return update, once if not condition else f"({condition}) AND {once}"


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
    put_prepared(put_op(item, condition=condition, names=names, values=values))


def put_prepared(operation: Mapping[str, Any]) -> None:
    """A prepared `put_op` sent on its own as a PutItem."""
    kwargs: dict[str, Any] = dict(operation["Put"])
    if "ConditionExpression" in kwargs:
        kwargs["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    _write(lambda: client().put_item(**kwargs), mine=_put_is_mine(kwargs["Item"]))


def update_item(
    pk: str,
    sk: str,
    *,
    update: str,
    condition: str | None = None,
    names: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
) -> Item:
    """An UpdateItem, applied at most once however often it is sent; returns the item as
    it is after the update."""
    all_values = {k: to_attribute(v) for k, v in (values or {}).items()}
    return _send_update(_key(pk, sk), update, condition, dict(names or {}), all_values)


def update_prepared(operation: Mapping[str, Any]) -> Item:
    """A prepared `update_op` sent on its own as an UpdateItem, exactly as `update_item`
    sends it (applied at most once); returns the item as it is after the update."""
    body = operation["Update"]
    return _send_update(
        body["Key"],
        body["UpdateExpression"],
        body.get("ConditionExpression"),
        dict(body.get("ExpressionAttributeNames") or {}),
        dict(body.get("ExpressionAttributeValues") or {}),
    )


def _send_update(
    key: dict[str, Any],
    update: str,
    condition: str | None,
    all_names: dict[str, str],
    all_values: dict[str, Any],
) -> Item:
    expression, guarded = _with_write_id(update, condition, all_names, all_values)
    kwargs: dict[str, Any] = {
        "TableName": table_name(),
        "Key": key,
        "UpdateExpression": expression,
        "ConditionExpression": guarded,
        "ExpressionAttributeNames": all_names,
        "ExpressionAttributeValues": all_values,
        "ReturnValues": "ALL_NEW",
        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
    }
    write_id = all_values[":momentum_write"]
    outcome = _write(
        lambda: client().update_item(**kwargs),
        mine=lambda failed: (failed.old_item or {}).get(WRITE_ID) == write_id,
    )
    if isinstance(outcome, ConditionFailed):
        # Our earlier attempt landed: the item the condition saw is the item after it.
        return from_attributes(outcome.old_item or {})
    return from_attributes(outcome.get("Attributes", {}))


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
    if condition:
        kwargs["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    # Sent again after a lost response, a delete that finds no item any more is done.
    _write(lambda: client().delete_item(**kwargs), mine=lambda failed: failed.old_item is None)


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


def index_start_key(
    pk: str, sk: str, *, index: str, index_pk: str, index_sk: str
) -> dict[str, Any]:
    """The start key that resumes a Query on `index` right after the item (`pk`, `sk`),
    listed there at (`index_pk`, `index_sk`)."""
    return {**_key(pk, sk), f"{index}pk": {"S": index_pk}, f"{index}sk": {"S": index_sk}}


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
    operation); a conflict with another transaction becomes a 503 after retries.

    Each call is one transaction with its own ClientRequestToken, kept for every send of
    it (botocore's retries and `_write`'s): a send whose first attempt landed is a replay
    that DynamoDB answers with success. A caller that rebuilds its operations after a
    conflict calls again, so a different transaction never reuses a token."""
    if not operations:
        return
    if len(operations) > MAX_TRANSACTION_ITEMS:
        raise ValueError(f"a transaction takes at most {MAX_TRANSACTION_ITEMS} operations")
    items: Any = list(operations)
    token = transaction_token()
    _write(
        lambda: client().transact_write_items(TransactItems=items, ClientRequestToken=token),
        mine=lambda _: False,  # the token already makes a replay succeed
    )


def transaction_token() -> str:
    """A ClientRequestToken (at most 36 characters): new for every transaction."""
    return _new_write_id()


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


def versioned_update_op(
    pk: str, sk: str, fields: Mapping[str, Any], *, expected_version: int
) -> dict[str, Any]:
    """Set `fields` (a None value removes the attribute) as version `expected_version + 1`,
    only while the record exists at `expected_version`: an edit that never loses another."""
    sets = [f"#{k} = :{k}" for k, v in fields.items() if v is not None]
    removals = [k for k, v in fields.items() if v is None]
    expression = "SET " + ", ".join([*sets, "#version = :next"])
    if removals:
        expression += " REMOVE " + ", ".join(f"#{k}" for k in removals)
    names = {f"#{k}": k for k in fields}
    names["#version"] = "version"
    values: dict[str, Any] = {f":{k}": v for k, v in fields.items() if v is not None}
    values[":next"] = expected_version + 1
    values[":expected"] = expected_version
    return update_op(
        pk,
        sk,
        update=expression,
        condition="attribute_exists(pk) AND #version = :expected",
        names=names,
        values=values,
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
