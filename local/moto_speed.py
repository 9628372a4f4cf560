"""Make moto's DynamoDB answer faster without changing a byte of what it answers.

moto 5.2.5 serialises every response by walking botocore's shape model: each attribute of
each item returned is an `AttributeValue` structure of ten members (S, N, B, SS, NS, BS,
M, L, NULL, BOOL), and for each member moto tries several alias spellings before finding
it absent. A Query returning 1,000 items of 15 attributes makes about 150,000 such
look-ups; that walk, not DynamoDB's rules, was most of the integration tests' time at
scale (tests/integration/test_reports_scale.py: 70 % of its run).

The values moto hands the serialiser are already in DynamoDB's wire form ({"S": "x"},
binaries as bytes); this writes that form directly, as moto's own walk would (binaries
base64, maps and lists recursively). Anything not exactly one known type key goes the
generic way. tests/integration/test_moto_speed.py compares both walks on generated
values, so a moto upgrade that changes the form fails there, not somewhere later."""

from __future__ import annotations

import base64
import functools
from typing import Any

_SERVICES = frozenset({"dynamodb", "dynamodbstreams"})
_SCALARS = frozenset({"S", "N"})
_STRING_SETS = frozenset({"SS", "NS"})
_FLAGS = frozenset({"NULL", "BOOL"})


class _NotWireForm(Exception):
    """A value the direct path does not know: the generic walk serialises it."""


def _blob(value: Any) -> str:
    # As moto's ResponseSerializer._base64: text is encoded first.
    raw = value.encode("utf-8") if isinstance(value, str) else value
    return base64.b64encode(raw).strip().decode("utf-8")


def _string(value: Any) -> Any:
    # As moto's BaseJSONSerializer._serialize_type_string.
    return str(value) if value not in [None, {}, []] else value


def wire(value: Any) -> dict[str, Any]:
    """One AttributeValue in DynamoDB's JSON form; _NotWireForm if it is not exactly one
    known type key with a value of the expected kind."""
    if not isinstance(value, dict) or len(value) != 1:
        raise _NotWireForm
    ((kind, inner),) = value.items()
    if inner is None:
        raise _NotWireForm
    if kind in _SCALARS:
        return {kind: _string(inner)}
    if kind == "M" and isinstance(inner, dict):
        return {"M": {key: wire(member) for key, member in inner.items()}}
    if kind == "L" and isinstance(inner, list):
        return {"L": [wire(member) for member in inner]}
    if kind in _STRING_SETS and isinstance(inner, list):
        return {kind: [_string(member) for member in inner]}
    if kind == "B":
        return {"B": _blob(inner)}
    if kind == "BS" and isinstance(inner, list):
        return {"BS": [_blob(member) for member in inner]}
    if kind in _FLAGS:
        return {kind: inner}
    raise _NotWireForm


def direct(generic: Any) -> Any:
    """moto's `_serialize_type_structure` (`generic`) with the direct path for DynamoDB's
    AttributeValue in front; every other shape and service goes to `generic`."""

    def _serialize_type_structure(
        self: Any, serialized: Any, value: Any, shape: Any, key: str
    ) -> None:
        if key and shape.name == "AttributeValue" and self.service_model.service_name in _SERVICES:
            try:
                serialized[self.get_serialized_name(shape, key)] = wire(value)
                return
            except _NotWireForm:
                pass
        generic(self, serialized, value, shape, key)

    functools.update_wrapper(_serialize_type_structure, generic)
    _serialize_type_structure._momentum_direct = True  # type: ignore[attr-defined]
    _serialize_type_structure._momentum_generic = generic  # type: ignore[attr-defined]
    return _serialize_type_structure


def serialize_attribute_values_directly() -> None:
    """Install the direct path on moto's JSON serialiser (idempotent)."""
    from moto.core.serialize import BaseJSONSerializer

    if getattr(BaseJSONSerializer._serialize_type_structure, "_momentum_direct", False):
        return
    BaseJSONSerializer._serialize_type_structure = direct(  # type: ignore[method-assign]
        BaseJSONSerializer._serialize_type_structure
    )


def generic_serialize_type_structure() -> Any:
    """moto's own walk, installed or not (for the test that compares both)."""
    from moto.core.serialize import BaseJSONSerializer

    method = BaseJSONSerializer._serialize_type_structure
    return getattr(method, "_momentum_generic", method)
