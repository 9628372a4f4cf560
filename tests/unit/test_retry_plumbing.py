"""The pure parts of "retries never turn a success into an error": which failures leave a
write's outcome unknown, how an update carries its write id, and the request fingerprint
an Idempotency-Key is bound to."""

from __future__ import annotations

import re
from typing import Any

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from hypothesis import given
from hypothesis import strategies as st

from momentum.api.idempotency import fingerprint
from momentum.store import dynamo


def _client_error(code: str, status: int) -> ClientError:
    return ClientError(
        {"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "PutItem"
    )


@pytest.mark.parametrize(
    ("error", "unknown"),
    [
        (ReadTimeoutError(endpoint_url="https://db"), True),
        (ConnectionClosedError(endpoint_url="https://db"), True),
        (EndpointConnectionError(endpoint_url="https://db"), True),
        (_client_error("InternalServerError", 500), True),
        (_client_error("ServiceUnavailable", 503), True),
        (_client_error("TransactionInProgressException", 400), True),
        (_client_error("ConditionalCheckFailedException", 400), False),
        (_client_error("TransactionCanceledException", 400), False),
        (_client_error("ProvisionedThroughputExceededException", 400), False),
        (_client_error("ThrottlingException", 400), False),
        (ValueError("not from DynamoDB"), False),
    ],
)
def test_which_failures_may_have_landed(error: BaseException, unknown: bool) -> None:
    assert dynamo.outcome_unknown(error) is unknown


@pytest.mark.parametrize(
    ("update", "condition"),
    [
        ("SET a = :a", None),
        ("set a = :a", "attribute_exists(pk)"),
        ("ADD #version :one", "attribute_exists(pk)"),
        ("ADD #off :kind SET #type = :type", None),
        ("SET #status = :s, lease = :l ADD attempts :one", "#status = :p OR lease < :now"),
        ("SET x = :x REMOVE due_shard, due_at", None),
        ("ADD #reset :one", None),  # a name containing "set" is not the SET clause
    ],
)
def test_every_update_records_its_write_id_once(update: str, condition: str | None) -> None:
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    expression, guarded = dynamo._with_write_id(update, condition, names, values)
    assert names["#momentum_write"] == dynamo.WRITE_ID
    assert values[":momentum_write"]["S"]
    # Exactly one SET clause, which sets the write id; the original actions all stay.
    assert len(re.findall(r"(?<![#:\w.])SET\s", expression, re.IGNORECASE)) == 1
    assert "#momentum_write = :momentum_write" in expression
    for action in re.split(r"(?i)\b(?:SET|ADD|REMOVE)\b|,", update):
        assert action.strip() in expression
    # It applies only if this write id is not there yet, and keeps the caller's condition.
    assert "#momentum_write <> :momentum_write" in guarded
    assert condition is None or f"({condition})" in guarded


def test_write_ids_differ_per_call() -> None:
    ids = set()
    for _ in range(50):
        values: dict[str, Any] = {}
        dynamo._with_write_id("SET a = :a", None, {}, values)
        ids.add(values[":momentum_write"]["S"])
    assert len(ids) == 50


def test_reads_never_show_the_write_id() -> None:
    item = dynamo.from_attributes({"a": {"S": "x"}, dynamo.WRITE_ID: {"S": "w"}})
    assert item == {"a": "x"}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(body=st.dictionaries(st.text(max_size=6), json_values, max_size=5))
def test_the_fingerprint_ignores_key_order_and_sees_every_value(body: dict[str, Any]) -> None:
    assert fingerprint(dict(reversed(list(body.items())))) == fingerprint(body)
    assert fingerprint({**body, "\x00extra": 1}) != fingerprint(body)
