"""Input limits (issue 10): the body guard, the supported dates (1900-01-01..2200-12-31, in
one place: momentum.domain.dates), email addresses, control characters, timezones."""

from __future__ import annotations

import contextlib
import json
import time
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from momentum.api import body_guard
from momentum.domain.appointments import AppointmentFacts, AppointmentStatus, check_change
from momentum.domain.dates import (
    END_INSTANT,
    MAX_DATE,
    MIN_DATE,
    MIN_INSTANT,
    ensure_derived_in_range,
    local_date,
    validate_timezone,
)
from momentum.domain.errors import InvalidInput, PayloadTooLarge
from momentum.domain.packages import end_date_for
from momentum.schemas.common import ApiDate, ApiTimestamp, EmailAddress, LongText, Name, ShortText

DATES: TypeAdapter[date] = TypeAdapter(ApiDate)
TIMESTAMPS: TypeAdapter[datetime] = TypeAdapter(ApiTimestamp)
EMAILS: TypeAdapter[str] = TypeAdapter(EmailAddress)
NAMES: TypeAdapter[str] = TypeAdapter(Name)
SHORT: TypeAdapter[str] = TypeAdapter(ShortText)
NOTES: TypeAdapter[str] = TypeAdapter(LongText)


def _error(adapter: TypeAdapter[Any], value: object) -> dict[str, Any]:
    with pytest.raises(ValidationError) as raised:
        adapter.validate_python(value)
    (error,) = raised.value.errors()
    return dict(error)


# -- the body guard ----------------------------------------------------------------------------


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_the_guard_reads_ordinary_json_like_json_loads() -> None:
    text = '{"a": [1, 2.5, -3e2, "x[{"], "b": {"c": null, "d": true}}'
    assert body_guard.loads(text) == json.loads(text)


@given(st.integers(min_value=1, max_value=body_guard.MAX_DEPTH))
def test_nesting_up_to_the_limit_is_read(depth: int) -> None:
    assert body_guard.loads(_nested(depth)) == json.loads(_nested(depth))


@given(st.integers(min_value=body_guard.MAX_DEPTH + 1, max_value=5_000))
def test_nesting_past_the_limit_is_refused(depth: int) -> None:
    with pytest.raises(InvalidInput) as raised:
        body_guard.loads('{"a": ' + _nested(depth) + "}")
    assert raised.value.errors[0].loc == ("body",)
    assert raised.value.errors[0].type == "json_too_deep"


def test_a_hundred_thousand_brackets_are_refused_quickly() -> None:
    started = time.perf_counter()
    with pytest.raises(InvalidInput):
        body_guard.loads("[" * 100_000)
    assert time.perf_counter() - started < 0.5


def test_brackets_inside_strings_do_not_nest() -> None:
    text = json.dumps({"notes": "[{" * 1_000, "tricky": '\\"[[[['})
    assert body_guard.loads(text) == json.loads(text)


@given(st.integers(min_value=1, max_value=body_guard.MAX_NUMBER_DIGITS), st.booleans())
def test_integers_up_to_the_digit_limit_are_read(digits: int, negative: bool) -> None:
    text = ("-" if negative else "") + "9" * digits
    assert body_guard.loads(text) == int(text)


@given(st.integers(min_value=body_guard.MAX_NUMBER_DIGITS + 1, max_value=10_000))
def test_integers_past_the_digit_limit_are_refused(digits: int) -> None:
    with pytest.raises(InvalidInput) as raised:
        body_guard.loads('{"n": ' + "9" * digits + "}")
    assert raised.value.errors[0].type == "json_number_too_long"


@pytest.mark.parametrize(
    "text", ["1e999", "-1e999", "1e-400", "1.0e+0000000000000308000", "0." + "1" * 19]
)
def test_floats_that_do_not_fit_are_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        body_guard.loads(text)


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", '{"a": [NaN]}'])
def test_nan_and_infinity_are_not_json(text: str) -> None:
    with pytest.raises(InvalidInput):
        body_guard.loads(text)


def test_floats_that_fit_are_read() -> None:
    numbers = [60.5, 1e308, 1.7976931348623157e308, -0.0]
    assert body_guard.loads(json.dumps(numbers)) == numbers


def test_a_body_over_the_size_limit_is_too_large() -> None:
    body_guard.loads('"' + "a" * (body_guard.MAX_BODY_BYTES - 2) + '"')
    with pytest.raises(PayloadTooLarge):
        body_guard.loads('"' + "a" * (body_guard.MAX_BODY_BYTES - 1) + '"')
    # Measured in bytes of UTF-8, not characters.
    with pytest.raises(PayloadTooLarge):
        body_guard.loads('"' + "é" * (body_guard.MAX_BODY_BYTES // 2) + '"')


def test_invalid_json_still_fails_as_json_does() -> None:
    with pytest.raises(json.JSONDecodeError):
        body_guard.loads('{"a": ')


# -- the supported dates -----------------------------------------------------------------------


def test_the_range_is_at_least_what_spec_asks() -> None:
    assert (date(1900, 1, 1), date(2200, 12, 31)) == (MIN_DATE, MAX_DATE)


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("1899-12-31", False),
        ("1900-01-01", True),
        ("2200-12-31", True),
        ("2201-01-01", False),
        ("0001-01-01", False),
        ("9999-12-31", False),
    ],
)
def test_the_date_range_boundaries(text: str, accepted: bool) -> None:
    if accepted:
        assert DATES.validate_python(text) == date.fromisoformat(text)
    else:
        error = _error(DATES, text)
        assert error["type"] == "date_out_of_range"
        assert "between 1900-01-01 and 2200-12-31" in error["msg"]


@given(st.dates())
def test_a_date_is_accepted_exactly_when_it_is_in_range(day: date) -> None:
    if MIN_DATE <= day <= MAX_DATE:
        assert DATES.validate_python(day.isoformat()) == day
    else:
        assert _error(DATES, day.isoformat())["type"] == "date_out_of_range"


@pytest.mark.parametrize(
    "text", ["01/05/2026", "2026-5-1", "20260501", "2026-05-01T00:00:00", "yesterday", ""]
)
def test_a_bad_date_names_the_expected_format(text: str) -> None:
    error = _error(DATES, text)
    assert error["type"] == "date_format"
    assert "YYYY-MM-DD" in error["msg"]


def test_a_date_that_does_not_exist_is_refused() -> None:
    assert "YYYY-MM-DD" in _error(DATES, "2026-02-30")["msg"]


@pytest.mark.parametrize("value", [20260501, 1.5, True, None, ["2026-05-01"]])
def test_a_date_is_text(value: object) -> None:
    assert _error(DATES, value)["type"] == "date_format"


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("1899-12-31T23:59:59Z", False),
        ("1900-01-01T00:00:00Z", True),
        ("1900-01-01T00:30:00+01:00", False),  # 1899-12-31T23:30Z
        ("2200-12-31T23:59:59.999999Z", True),
        ("2201-01-01T00:00:00Z", False),
        ("2200-12-31T22:00:00-12:00", False),  # 2201-01-01T10:00Z
        ("0001-01-01T00:00+00:00", False),
        ("9999-12-31T22:00-12:00", False),
        ("9999-12-31T23:59:59+14:00", False),
    ],
)
def test_the_timestamp_range_boundaries(text: str, accepted: bool) -> None:
    if accepted:
        assert TIMESTAMPS.validate_python(text) == datetime.fromisoformat(text)
    else:
        assert _error(TIMESTAMPS, text)["type"] == "date_out_of_range"


offsets = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)


@given(st.datetimes(timezones=offsets).filter(lambda d: d.tzinfo is not None))
def test_a_timestamp_is_accepted_exactly_when_its_instant_is_in_range(instant: datetime) -> None:
    text = instant.isoformat()
    if MIN_INSTANT <= instant < END_INSTANT:
        assert TIMESTAMPS.validate_python(text) == instant
    else:
        assert _error(TIMESTAMPS, text)["type"] == "date_out_of_range"


@pytest.mark.parametrize("text", ["2026-05-01T09:00:00", "2026-05-01T09:00", "2026-05-01 09:00"])
def test_a_timestamp_without_an_offset_says_so(text: str) -> None:
    error = _error(TIMESTAMPS, text)
    assert error["type"] == "timezone_aware"
    assert "UTC offset" in error["msg"]


@pytest.mark.parametrize("text", ["2026-05-01", "tomorrow 9am", "2026-05-01T25:00:00Z", "1.5"])
def test_a_bad_timestamp_shows_the_expected_format(text: str) -> None:
    error = _error(TIMESTAMPS, text)
    assert error["type"] == "datetime_format"
    assert "2026-05-01T09:00:00+01:00" in error["msg"] or text in error["msg"]


# -- derived dates -----------------------------------------------------------------------------


@given(
    st.dates(min_value=MIN_DATE, max_value=MAX_DATE),
    st.integers(min_value=1, max_value=3660),
)
def test_a_derived_end_is_refused_exactly_when_it_leaves_the_range(
    start: date, validity: int
) -> None:
    end = end_date_for(start, validity)
    assert end is not None
    if end <= MAX_DATE:
        ensure_derived_in_range(end, ("body", "start_date"), "start_date plus the validity")
    else:
        with pytest.raises(InvalidInput) as raised:
            ensure_derived_in_range(end, ("body", "start_date"), "start_date plus the validity")
        assert raised.value.errors[0].loc == ("body", "start_date")


def _facts(starts_at: datetime, tz: str, minutes: int = 60) -> AppointmentFacts:
    return AppointmentFacts(
        id="a",
        client_id="c",
        practitioner_id="p",
        date=local_date(starts_at, tz),
        starts_at=starts_at,
        duration_minutes=minutes,
        status=AppointmentStatus.SCHEDULED,
    )


ZONES = ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/London", "Asia/Kolkata"]


@given(
    st.datetimes(
        min_value=datetime(1899, 12, 30), max_value=datetime(1900, 1, 3), timezones=st.just(UTC)
    )
    | st.datetimes(
        min_value=datetime(2200, 12, 29),
        max_value=datetime(2200, 12, 31, 23),
        timezones=st.just(UTC),
    ),
    st.sampled_from(ZONES),
)
def test_an_appointment_is_refused_exactly_when_its_local_date_leaves_the_range(
    starts_at: datetime, tz: str
) -> None:
    facts = _facts(starts_at, tz)
    end = starts_at + timedelta(hours=1)
    if MIN_DATE <= facts.date <= MAX_DATE and MIN_INSTANT <= end < END_INSTANT:
        check_change(facts, today=date(2026, 5, 1))
    else:
        with pytest.raises(InvalidInput) as raised:
            check_change(facts, today=date(2026, 5, 1))
        assert raised.value.errors[0].loc in (("body", "starts_at"), ("body", "ends_at"))


# -- email addresses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "stored"),
    [
        ("ada@example.com", "ada@example.com"),
        ("  Ada.Lovelace+tag@Example.COM ", "Ada.Lovelace+tag@example.com"),
        ("a@münchen.de", "a@xn--mnchen-3ya.de"),  # SES takes the ASCII form of the domain
        ("o'brien@harbour.example", "o'brien@harbour.example"),
    ],
)
def test_addresses_email_can_go_to_are_accepted(address: str, stored: str) -> None:
    assert EMAILS.validate_python(address) == stored


@pytest.mark.parametrize(
    "address",
    [
        "a(b@x.example",
        "a..b@x.example",
        ".a@x.example",
        "a@b",
        "a@localhost",
        "a@x.test",
        "ü@x.example",  # SES sends no SMTPUTF8
        "a b@x.example",
        "a\u0000b@x.example",
        "a@x.example\r\nBcc: y@x.example",
        '"a b"@x.example',
        "a@[127.0.0.1]",
        "Ada <ada@example.com>",
        "a@" + "x" * 64 + ".example",  # a domain label is at most 63 characters
        "",
    ],
)
def test_addresses_email_cannot_go_to_are_refused_in_words(address: str) -> None:
    error = _error(EMAILS, address)
    assert error["type"] in ("email", "string_too_long")
    if error["type"] == "email":
        assert error["msg"].startswith("is not an email address: ")


def test_the_email_schema_says_email() -> None:
    assert EMAILS.json_schema()["format"] == "email"


# -- control characters ------------------------------------------------------------------------

CONTROL = st.sampled_from(
    [chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]] + ["\u2028", "\u2029", "\ud800"]
)


@given(st.text(min_size=0, max_size=20), CONTROL, st.text(min_size=0, max_size=20))
def test_a_control_character_anywhere_in_a_name_is_refused(
    before: str, control: str, after: str
) -> None:
    for adapter in (NAMES, SHORT):
        error = _error(adapter, "x" + before + control + after)
        assert error["type"] in ("control_characters", "string_too_long"), error


@given(st.text(st.characters(blacklist_categories=["Cc", "Cs", "Zl", "Zp"]), max_size=150))
def test_names_without_control_characters_are_kept(text: str) -> None:
    assert SHORT.validate_python(text) == text


@given(
    st.text(st.characters(blacklist_categories=["Cc", "Cs"]) | st.sampled_from("\n\r\t")),
)
def test_notes_keep_tabs_and_line_breaks(text: str) -> None:
    assert NOTES.validate_python(text) == text


@pytest.mark.parametrize("control", ["\u0000", "\u0007", "\u001b", "\u007f", "\u0085", "\ud800"])
def test_notes_refuse_other_control_characters(control: str) -> None:
    assert _error(NOTES, f"note{control}")["type"] == "control_characters"


def test_the_text_schemas_state_the_rule() -> None:
    assert "pattern" in NAMES.json_schema()
    assert "pattern" in NOTES.json_schema()


# -- timezones ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "localtime",
        "Factory",
        "posixrules",
        "../etc",
        "",
        "/etc/passwd",
        "Europe/../../etc/passwd",
        "Europe/London\u0000",
        "europe/london",
        "Mars/Olympus_Mons",
        "zoneinfo/Europe/London",
        "\ud800",
    ],
)
def test_unknown_timezones_are_invalid_input(name: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        validate_timezone(name)
    assert raised.value.errors[0].loc == ("body", "timezone")


@pytest.mark.parametrize("name", ["UTC", "Europe/London", "Pacific/Chatham", "GMT"])
def test_iana_timezones_are_valid(name: str) -> None:
    assert validate_timezone(name) == ZoneInfo(name)


@given(st.text(max_size=64))
def test_any_text_is_a_zone_or_invalid_input_never_another_error(name: str) -> None:
    with contextlib.suppress(InvalidInput):
        assert isinstance(validate_timezone(name), ZoneInfo)
