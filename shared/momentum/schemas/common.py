"""Field types shared by the API's models."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import AwareDatetime, BeforeValidator, StrictBool, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ShortText = Annotated[str, StringConstraints(max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=10_000)]
Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        max_length=254,
        pattern=r"^[^@\s<>\",;]+@[^@\s<>\",;]+\.[^@\s<>\",;]+$",
    ),
]
Phone = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=40, pattern=r"^[0-9+()\-. ]*$")
]
Color = Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")]
RecordId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,100}$")]
HHMM = Annotated[str, StringConstraints(pattern=r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$")]


_NUMBER = re.compile(r"[+-]?\d+(\.\d*)?([eE][+-]?\d+)?")


def _not_a_number(value: object) -> object:
    # pydantic would read 0.5 as a Unix time and 1 as True: an API takes ISO text.
    if isinstance(value, int | float) or (
        isinstance(value, str) and _NUMBER.fullmatch(value.strip()) is not None
    ):
        raise ValueError("must be ISO 8601 text, e.g. 2026-05-01 or 2026-05-01T09:00:00+01:00")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_not_a_number)]
IsoDateTime = Annotated[dt.datetime, BeforeValidator(_not_a_number)]
IsoAwareDateTime = Annotated[AwareDatetime, BeforeValidator(_not_a_number)]
Flag = StrictBool
