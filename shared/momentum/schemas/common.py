"""Field types shared by the API's models."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetJsonSchemaHandler,
    StrictBool,
    StringConstraints,
    field_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

from momentum.domain.dates import RANGE_TEXT, date_in_range, instant_in_range


class ApiModel(BaseModel):
    """The base of every API model. Its validator and serializer are built on first use,
    not when the class is defined (defer_build): an HTTP function registers all its routes
    at cold start, but a request builds only the models of its route, and /openapi.json
    those of the document. The models and the document are the same either way."""

    model_config = ConfigDict(defer_build=True)


@dataclass(frozen=True, slots=True)
class _Documented:
    """Adds keywords to a type's JSON schema, so /openapi.json states the rule too."""

    keywords: tuple[tuple[str, Any], ...]

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema.update(self.keywords)
        return schema


# --- text ---------------------------------------------------------------------------------

# Control characters (C0, DEL, C1), Unicode line breaks, and lone surrogates (which JSON can
# carry as \ud800 but no store or email can encode).
_NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# Notes keep tabs and line breaks; everything else above stays out.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
ONE_LINE_PATTERN = r"^[^\x00-\x1F\x7F-\x9F\u2028\u2029]*$"
TEXT_PATTERN = r"^[^\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]*$"


def _found(match: re.Match[str]) -> dict[str, str]:
    return {"char": f"U+{ord(match.group()):04X}"}


def _one_line(value: object) -> object:
    if isinstance(value, str) and (match := _NOT_ONE_LINE.search(value)) is not None:
        raise PydanticCustomError(
            "control_characters",
            "must be one line of text without control characters (found {char})",
            _found(match),
        )
    return value


def _text(value: object) -> object:
    if isinstance(value, str) and (match := _NOT_TEXT.search(value)) is not None:
        raise PydanticCustomError(
            "control_characters",
            "may not contain control characters other than tabs and line breaks (found {char})",
            _found(match),
        )
    return value


_ONE_LINE_DOC = _Documented((("pattern", ONE_LINE_PATTERN),))
_TEXT_DOC = _Documented((("pattern", TEXT_PATTERN),))

SingleLine = Annotated[str, BeforeValidator(_one_line), _ONE_LINE_DOC]
"""Names, titles, references: one line, no control characters (NUL, CR, LF, ESC...)."""
MultiLine = Annotated[str, BeforeValidator(_text), _TEXT_DOC]
"""Notes: line breaks and tabs allowed, other control characters (NUL...) not."""

# The text is checked as sent, before surrounding whitespace is trimmed: a trailing newline
# is refused like any other, as /openapi.json's pattern says.
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    BeforeValidator(_one_line),
    _ONE_LINE_DOC,
]
ShortText = Annotated[
    str, StringConstraints(max_length=200), BeforeValidator(_one_line), _ONE_LINE_DOC
]
LongText = Annotated[str, StringConstraints(max_length=10_000), BeforeValidator(_text), _TEXT_DOC]


# --- email --------------------------------------------------------------------------------


def _email(value: str) -> str:
    # email-validator costs ~25 ms to import: only requests that carry an address pay it.
    from email_validator import EmailNotValidError, validate_email

    try:
        # No DNS (the API must not wait on it) and no SMTPUTF8: SES sends only ASCII local
        # parts, so an address it cannot deliver to is refused here rather than bounced later.
        result = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        raise PydanticCustomError(
            "email", "is not an email address: {reason}", {"reason": str(error)}
        ) from None
    # The domain lower-cased and, for an international one, in the ASCII (IDNA) form SES
    # needs.
    return str(result.ascii_email or result.normalized)


EmailAddress = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254),
    AfterValidator(_email),
    _Documented((("format", "email"),)),
]
"""An address email can be sent to (RFC 5321/5322 syntax, checked by email-validator)."""
Email = EmailAddress
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


# --- dates and timestamps the caller sends --------------------------------------------------

_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIMESTAMP_TEXT = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(?P<offset>Z|[+-]\d{2}(:?\d{2})?)?"
)
DATE_EXAMPLE = "2026-05-01"
TIMESTAMP_EXAMPLE = "2026-05-01T09:00:00+01:00"


def _out_of_range(what: str) -> PydanticCustomError:
    return PydanticCustomError(
        "date_out_of_range",
        "must be {range} (the supported dates); got {what}",
        {"range": RANGE_TEXT, "what": what},
    )


def _api_date(value: object) -> dt.date:
    if isinstance(value, str):
        if _DATE_TEXT.fullmatch(value) is None:
            raise PydanticCustomError(
                "date_format",
                "must be a date as YYYY-MM-DD, e.g. {example}",
                {"example": DATE_EXAMPLE},
            )
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "date_format",
                "is not a date of the calendar (YYYY-MM-DD): {value}",
                {"value": value},
            ) from None
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day = value
    else:
        raise PydanticCustomError(
            "date_format",
            "must be a date as YYYY-MM-DD text, e.g. {example}",
            {"example": DATE_EXAMPLE},
        )
    if not date_in_range(day):
        raise _out_of_range(day.isoformat())
    return day


def _api_timestamp(value: object) -> dt.datetime:
    if isinstance(value, str):
        match = _TIMESTAMP_TEXT.fullmatch(value)
        if match is None:
            raise PydanticCustomError(
                "datetime_format",
                "must be a timestamp as YYYY-MM-DDTHH:MM:SS+HH:MM, e.g. {example}",
                {"example": TIMESTAMP_EXAMPLE},
            )
        if match["offset"] is None:
            raise PydanticCustomError(
                "timezone_aware",
                "needs a UTC offset (+01:00, -05:00 or Z), e.g. {example}: "
                "without one it names no instant",
                {"example": TIMESTAMP_EXAMPLE},
            )
        try:
            instant = dt.datetime.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "datetime_format",
                "is not a date and time of the calendar: {value}",
                {"value": value},
            ) from None
    elif isinstance(value, dt.datetime) and value.utcoffset() is not None:
        instant = value
    else:
        raise PydanticCustomError(
            "datetime_format",
            "must be a timestamp with a UTC offset as text, e.g. {example}",
            {"example": TIMESTAMP_EXAMPLE},
        )
    if not instant_in_range(instant):
        raise _out_of_range(instant.isoformat())
    return instant


ApiDate = Annotated[dt.date, BeforeValidator(_api_date)]
"""A date a caller sends: `YYYY-MM-DD`, within the supported dates (1900-01-01..2200-12-31)."""
ApiTimestamp = Annotated[dt.datetime, BeforeValidator(_api_timestamp)]
"""A timestamp a caller sends: ISO 8601 with a UTC offset, within the supported dates."""


# --- changes ------------------------------------------------------------------------------


def _not_null(cls: type[BaseModel], value: object) -> object:
    if value is None:
        raise ValueError("may not be null")
    return value


def refuse_null(*fields: str) -> classmethod[BaseModel, [object], object]:
    """A change body's validator: an explicit null for `fields`, which always have a value,
    is refused (422 "may not be null"); leaving a field out changes nothing. In a model:
    `_not_null = refuse_null("name", "status")`."""
    return field_validator(*fields)(classmethod(_not_null))
