"""Validation messages written for people (issue 11): pydantic's errors, as the 422's
`errors[].msg` says them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError

from momentum.api.problems import human_message
from momentum.schemas.common import Color, RecordId


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=5)]
    size: Annotated[StrictInt, Field(ge=1, le=10)] = 1
    kind: Literal["fixed", "usage"] = "fixed"
    ids: Annotated[list[RecordId], Field(max_length=2)] = []
    color: Color = "#FFFFFF"
    on: bool = False
    nested: dict[str, int] = {}


def _message(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as raised:
        Body.model_validate({"name": "Ada", **data})
    (error,) = raised.value.errors()
    return human_message(error)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"name": ""}, "may not be empty"),
        ({"name": "Lovelace"}, "must be at most 5 characters"),
        ({"name": 7}, "must be text (a JSON string)"),
        ({"size": 0}, "must be at least 1"),
        ({"size": 11}, "must be at most 10"),
        ({"size": "3"}, "must be a whole number"),
        ({"kind": "pack"}, "must be one of 'fixed' or 'usage'"),
        ({"ids": ["a", "b", "c"]}, "must have at most 2 items"),
        ({"ids": ["no way"]}, "must be an id: 1 to 100 letters, digits, `-` or `_`"),
        ({"color": "red"}, "must be a colour as #RRGGBB, e.g. #4A90E2"),
        ({"on": "maybe"}, "must be true or false"),
        ({"nested": []}, "must be a JSON object"),
        ({"nmae": "x"}, "is not a field this request takes (check its spelling)"),
    ],
)
def test_each_kind_of_error_says_what_the_field_takes(data: dict[str, Any], says: str) -> None:
    assert _message(data) == says


def test_a_missing_field_is_required() -> None:
    with pytest.raises(ValidationError) as raised:
        Body.model_validate({})
    assert [human_message(e) for e in raised.value.errors()] == ["is required"]


def test_messages_of_our_own_types_pass_through() -> None:
    error = {"type": "email", "msg": "is not an email address: no @", "loc": ("body", "email")}
    assert human_message(error) == "is not an email address: no @"
    value_error = {"type": "value_error", "msg": "Value error, may not be null", "loc": ()}
    assert human_message(value_error) == "may not be null"
    powertools_json = {"type": "json_invalid", "msg": "JSON decode error", "ctx": {"error": "x"}}
    assert human_message(powertools_json) == "is not valid JSON (x)"
