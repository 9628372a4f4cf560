"""A JSON body is looked at before it is parsed: its size, how deep it nests, how long its
numbers are. `json.loads` alone answers 100,000 `[` with a RecursionError and a 5,000-digit
integer with a ValueError (Python's int-string limit), and both would be a 500.

The resolver uses `loads` as its JSON body deserializer, so every route that takes a body
goes through it; what it refuses is a problem+json 413 (too large) or 422 (naming what is
wrong), like any other invalid body.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, NoReturn

from momentum.domain.errors import FieldError, InvalidInput, PayloadTooLarge

MAX_BODY_BYTES = 256 * 1024
"""The largest body the API reads (the largest valid one, a client with 10,000 characters of
notes, is well under 100 KiB)."""
MAX_DEPTH = 32
"""Arrays and objects nested deeper than this are refused (the deepest valid body nests 4)."""
MAX_NUMBER_DIGITS = 18
"""Digits a number may have (an integer's, or a decimal's before its exponent)."""
MAX_EXPONENT = 308
"""The largest exponent a float can hold; 1e999 would read as infinity."""

# A string token (skipped whole, in C, so brackets inside strings do not count) or a bracket.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_DIGITS = re.compile(r"\d")


def loads(text: str | bytes | bytearray) -> Any:
    """json.loads, after the size and depth checks, with numbers checked as they are read."""
    check_size(text)
    check_depth(text)
    return json.loads(
        text, parse_int=_integer, parse_float=_decimal, parse_constant=_not_json_number
    )


def check_size(text: str | bytes | bytearray) -> None:
    # A character is at most 4 bytes of UTF-8: only a long text needs encoding to measure.
    size = len(text)
    if isinstance(text, str) and size * 4 > MAX_BODY_BYTES:
        size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BODY_BYTES:
        raise PayloadTooLarge(
            f"The body is {size} bytes; the API reads bodies of at most {MAX_BODY_BYTES} bytes."
        )


def check_depth(text: str | bytes | bytearray) -> None:
    as_text = text if isinstance(text, str) else bytes(text).decode("utf-8", "replace")
    # Fast path: a body with few brackets cannot nest deeply (most bodies).
    if as_text.count("[") + as_text.count("{") <= MAX_DEPTH:
        return
    depth = 0
    for token in _TOKEN.finditer(as_text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                _refuse(
                    "json_too_deep",
                    f"nests arrays and objects more than {MAX_DEPTH} levels deep",
                )
        elif bracket in "]}":
            depth -= 1


def _integer(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
        _refuse("json_number_too_long", f"has a number of more than {MAX_NUMBER_DIGITS} digits")
    return int(digits)


def _decimal(text: str) -> float:
    mantissa, _, exponent = text.lower().partition("e")
    if len(_DIGITS.findall(mantissa)) > MAX_NUMBER_DIGITS:
        _refuse("json_number_too_long", f"has a number of more than {MAX_NUMBER_DIGITS} digits")
    power = exponent.lstrip("+-").lstrip("0")
    if len(power) > 3 or int(power or "0") > MAX_EXPONENT:
        _refuse("json_number_too_large", f"has a number beyond 1e{MAX_EXPONENT}")
    value = float(text)
    if not math.isfinite(value):
        _refuse("json_number_too_large", f"has a number beyond 1e{MAX_EXPONENT}")
    return value


def _not_json_number(name: str) -> NoReturn:
    _refuse("json_invalid", f"has {name}, which is not a JSON number")


def _refuse(kind: str, msg: str) -> NoReturn:
    raise InvalidInput(f"The body {msg}.", errors=[FieldError(("body",), msg, kind)])
