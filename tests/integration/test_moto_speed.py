"""local/moto_speed.py changes how fast the emulated AWS answers, never what it answers:
DynamoDB's AttributeValues go straight to moto's JSON response, byte for byte what moto's
own shape walk writes, for every kind of value (generated), and what boto3 reads back is
what was stored; every Cognito user pool signs with moto's one packaged key, imported once;
an item is sized and refused at 400 KB as moto sizes and refuses it; botocore's data files
are parsed once, to what a fresh parse gives. The `aws` fixture installs it."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import boto3
import botocore
import pytest
from botocore.exceptions import ClientError
from botocore.loaders import JSONFileLoader
from hypothesis import given, settings
from hypothesis import strategies as st
from joserfc import jwk
from moto.cognitoidp.models import cognitoidp_backends
from moto.core.serialize import BaseJSONSerializer, XFormedAttributePicker, get_serializer_class
from moto.core.utils import get_service_model
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.utilities.utils import load_resource

from local import infra, moto_speed
from momentum.store import dynamo

names = st.text(min_size=1, max_size=6)
numbers = st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str)
scalars = st.one_of(
    st.builds(lambda s: {"S": s}, st.text(max_size=8)),
    st.builds(lambda n: {"N": n}, numbers),
    st.builds(lambda b: {"B": b}, st.binary(max_size=8)),
    st.builds(lambda s: {"SS": s}, st.lists(st.text(max_size=4), min_size=1, unique=True)),
    st.builds(lambda s: {"NS": s}, st.lists(numbers, min_size=1, max_size=4, unique=True)),
    st.builds(lambda s: {"BS": s}, st.lists(st.binary(max_size=4), min_size=1, unique=True)),
    st.just({"NULL": True}),
    st.builds(lambda b: {"BOOL": b}, st.booleans()),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.builds(lambda m: {"M": m}, st.dictionaries(names, inner, max_size=3)),
        st.builds(lambda items: {"L": items}, st.lists(inner, max_size=3)),
    ),
    max_leaves=12,
)
items = st.dictionaries(names, values, min_size=1, max_size=5)


def _body(operation: str, result: dict[str, Any], *, generic: bool) -> Any:
    """moto's response body for `result` (as DynamoResult hands it to the serialiser),
    through moto's own walk or the direct path; an error's type if it cannot."""
    model = get_service_model("dynamodb")
    walk = moto_speed.generic_serialize_type_structure()
    if not generic:
        walk = moto_speed.direct(walk)
    base = get_serializer_class("dynamodb", model.protocol)
    serializer = type("Walk", (base,), {"_serialize_type_structure": walk})(
        operation_model=model.operation_model(operation),
        pretty_print=False,
        value_picker=XFormedAttributePicker(response_transformers=None),
    )
    try:
        return json.loads(serializer.serialize(result)["body"])
    except Exception as error:  # compared with the other walk's, not hidden
        return type(error).__name__


@settings(max_examples=100, deadline=None)
@given(item=items, key=items)
def test_the_direct_path_writes_what_moto_writes(item: dict[str, Any], key: dict[str, Any]) -> None:
    for operation, result in (
        ("GetItem", {"Item": item}),
        ("Query", {"Items": [item, item], "Count": 2, "LastEvaluatedKey": key}),
        ("BatchGetItem", {"Responses": {"T": [item]}, "UnprocessedKeys": {}}),
        ("UpdateItem", {"Attributes": item}),
    ):
        direct = _body(operation, result, generic=False)
        assert isinstance(direct, dict), direct
        assert direct == _body(operation, result, generic=True)


def test_values_the_direct_path_does_not_know_go_the_generic_way() -> None:
    for odd in ({"S": "a", "N": "1"}, {"X": "1"}, {"S": None}, {"M": ["not a map"]}, "S"):
        result = {"Item": {"a": odd}}
        assert _body("GetItem", result, generic=False) == _body("GetItem", result, generic=True)


def test_the_aws_fixture_installs_it_and_items_round_trip(
    aws: infra.LocalAws, raw_dynamodb: Any
) -> None:
    assert getattr(BaseJSONSerializer._serialize_type_structure, "_momentum_direct", False)
    assert getattr(JSONFileLoader.load_file, "_momentum_shared", False)
    assert getattr(Item.__init__, "_momentum_one_pass", False)
    item = {
        "pk": {"S": "TEST#types"},
        "sk": {"S": "ITEM"},
        "s": {"S": ""},
        "n": {"N": "-1.50"},
        "b": {"B": b"\x00\xff"},
        "ss": {"SS": ["a", "b"]},
        "ns": {"NS": ["1", "2.5"]},
        "bs": {"BS": [b"x", b"y"]},
        "null": {"NULL": True},
        "no": {"BOOL": False},
        "m": {"M": {"in": {"L": [{"S": "x"}, {"M": {}}, {"L": []}, {"N": "0"}]}}},
    }
    raw_dynamodb.put_item(TableName=dynamo.table_name(), Item=item)
    key = {"pk": item["pk"], "sk": item["sk"]}
    got = raw_dynamodb.get_item(TableName=dynamo.table_name(), Key=key, ConsistentRead=True)
    queried = raw_dynamodb.query(
        TableName=dynamo.table_name(),
        KeyConditionExpression="pk = :p",
        ExpressionAttributeValues={":p": item["pk"]},
    )["Items"]
    expected = {**item, "n": {"N": "-1.50"}}
    for found in (got["Item"], queried[0]):
        # botocore hands back sets in the order sent; numbers as DynamoDB keeps them.
        assert found == expected


def test_every_user_pool_signs_with_the_packaged_key(aws: infra.LocalAws) -> None:
    cognito = boto3.client("cognito-idp", region_name=infra.REGION)
    ids = [cognito.create_user_pool(PoolName=f"p{n}")["UserPool"]["Id"] for n in range(2)]
    pools = cognitoidp_backends[infra.ACCOUNT_ID][infra.REGION].user_pools
    keys = [pools[i].json_web_key for i in ids]
    assert keys[0] is keys[1]  # imported once
    packaged = jwk.RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json"))
    assert keys[0].as_dict(private=True) == packaged.as_dict(private=True)


def test_botocore_files_parse_to_what_a_fresh_parse_gives(aws: infra.LocalAws) -> None:
    path = Path(botocore.__file__).parent / "data" / "dynamodb" / "2012-08-10" / "service-2"
    first = JSONFileLoader().load_file(str(path))
    assert JSONFileLoader().load_file(str(path)) is first  # another loader: parsed once
    with gzip.open(f"{path}.json.gz", "rt", encoding="utf-8") as packaged:
        assert first == json.load(packaged)


def _built(init: Any, attrs: dict[str, Any]) -> Any:
    """The item's attributes as `init` builds them, or the refusal's name."""
    item: Any = Item.__new__(Item)
    try:
        init(item, DynamoType({"S": "h"}), None, attrs)
    except ItemSizeTooLarge:
        return "ItemSizeTooLarge"
    return list(item.attrs.items())


MOTO_LIMIT = 405_000  # moto 5.2.5's item size limit (LimitedSizeDict.__setitem__)
sizes = st.one_of(st.integers(0, 150_000), st.integers(404_950, 405_050))


@settings(max_examples=60, deadline=None)
@given(lengths=st.lists(sizes, min_size=1, max_size=5), small=items)
def test_items_are_sized_and_refused_as_moto_does(
    lengths: list[int], small: dict[str, Any]
) -> None:
    moto_speed.check_item_size_in_one_pass()
    one_pass = Item.__init__
    generic = getattr(one_pass, "_momentum_generic", None)
    assert generic is not None
    attrs = {**small, **{f"big{n}": {"S": "x" * length} for n, length in enumerate(lengths)}}
    assert _built(one_pass, attrs) == _built(generic, attrs)


@pytest.mark.parametrize("over", [-1, 0, 1])
@pytest.mark.parametrize("big_first", [True, False])
def test_the_limit_is_where_moto_puts_it(over: int, big_first: bool) -> None:
    moto_speed.check_item_size_in_one_pass()
    small: dict[str, Any] = {"n": {"N": "12"}, "l": {"L": [{"S": "ab"}, {"NULL": True}]}}
    small_size = sum(len(k) + int(DynamoType(v).size()) for k, v in small.items())
    big = {"b": {"S": "x" * (MOTO_LIMIT - small_size - 1 + over)}}
    attrs = {**big, **small} if big_first else {**small, **big}
    one_pass = Item.__init__
    outcome = _built(one_pass, attrs)
    assert outcome == _built(getattr(one_pass, "_momentum_generic", None), attrs)
    assert (outcome == "ItemSizeTooLarge") == (over > 0)


def test_the_400_kb_limit_holds_through_the_api(aws: infra.LocalAws, raw_dynamodb: Any) -> None:
    key = {"pk": {"S": "TEST#big"}, "sk": {"S": "ITEM"}}
    room = MOTO_LIMIT - sum(len(k) + len(v["S"]) for k, v in key.items()) - len("b")
    raw_dynamodb.put_item(TableName=dynamo.table_name(), Item={**key, "b": {"S": "x" * room}})
    with pytest.raises(ClientError) as refused:
        raw_dynamodb.put_item(
            TableName=dynamo.table_name(), Item={**key, "b": {"S": "x" * (room + 1)}}
        )
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert "maximum allowed size" in refused.value.response["Error"]["Message"]
