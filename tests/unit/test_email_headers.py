"""Email headers never carry control characters, whatever names and subjects hold (data may
predate the API's validation), and an address SES cannot take is refused before sending."""

from __future__ import annotations

import unicodedata
from email import message_from_bytes, policy

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from momentum.notify.message import (
    UnbuildableEmail,
    body_text,
    build_message,
    header_text,
    recipient_address,
)
from momentum.notify.render import RenderedEmail

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Any text, weighted towards what breaks headers: NUL, CR/LF, separators, bidi overrides.
NASTY = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from('\x00\r\n\t\x0b\x0c\x1b\x7f\x85\u2028\u2029\u202e\u2066"<>,;:@()\\'),
    ),
    max_size=60,
)
HEADERS = ["Subject", "From", "To", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post"]
BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _message(*, subject: str = "Hello", to: str = "ann@example.com", to_name: str = "Ann",
             sender_name: str = "Harbour") -> bytes:  # fmt: skip
    rendered = RenderedEmail(subject=subject, html="<p>Hi</p>", text="Hi")
    message = build_message(
        rendered,
        sender="noreply@example.com",
        sender_name=sender_name,
        to=to,
        to_name=to_name,
        unsubscribe_url="https://api.example/unsubscribe?token=t",
    )
    return message.as_bytes()


@FAST
@given(NASTY)
def test_header_text_is_one_printable_line(value: str) -> None:
    cleaned = header_text(value)
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    for char in cleaned:
        assert char == " " or not char.isspace()
        assert unicodedata.category(char) not in {"Cc", "Cs", "Zl", "Zp"}
        assert char not in BIDI


@FAST
@given(to_name=NASTY, sender_name=NASTY, subject=NASTY)
# formataddr encoded half of this name and left ")" bare: From no longer parsed.
@example(to_name="Ann", sender_name="\u00b8\n)", subject="Hello")
# Python's parser adds a space between these folded encoded-words.
@example(to_name="00" + "\u00a1" * 6 + "\U00010000" * 8, sender_name="H", subject="Hi")
def test_no_name_or_subject_breaks_or_adds_a_header(
    to_name: str, sender_name: str, subject: str
) -> None:
    raw = _message(subject=subject, to_name=to_name, sender_name=sender_name)
    head = raw.split(b"\n\n", 1)[0]
    assert b"\x00" not in head
    assert b"\r" not in head
    parsed = message_from_bytes(raw, policy=policy.default)
    top = [key for key in parsed if key not in ("MIME-Version", "Content-Type")]
    assert top == HEADERS
    assert [a.addr_spec for a in parsed["To"].addresses] == ["ann@example.com"]
    assert [a.addr_spec for a in parsed["From"].addresses] == ["noreply@example.com"]
    # What was typed, cleaned, survives; spaces aside: Python's parser adds one between
    # adjacent encoded-words of a long folded name (RFC 2047 says to ignore it).
    assert _unspaced(parsed["To"].addresses[0].display_name) == _unspaced(header_text(to_name))
    assert _unspaced(str(parsed["Subject"])) == _unspaced(header_text(subject))


def _unspaced(text: str) -> str:
    return "".join(text.split())


def test_a_name_with_nul_and_line_breaks_is_cleaned_not_refused() -> None:
    raw = _message(to_name="Ann\x00\r\nBcc: evil@example.com", sender_name="Harbour\nCc: x@y.z")
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Bcc"] is None
    assert parsed["Cc"] is None
    assert parsed["To"].addresses[0].display_name == "Ann Bcc: evil@example.com"
    assert parsed["From"].addresses[0].display_name == "Harbour Cc: x@y.z"


@pytest.mark.parametrize(
    "address",
    [
        "a(b@x.example",
        "a..b@x.example",
        ".ab@x.example",
        "a\x00b@x.example",
        "ann@x.example\r\nBcc: evil@x.example",
        "ann@x..example",
        "ann@-x.example",
        "ann@localhost",
        "ann@",
        "@x.example",
        "ann",
        '"a b"@x.example',
        "änn@x.example",
        "a" * 65 + "@x.example",
        "",
    ],
)
def test_an_address_ses_cannot_take_is_unbuildable(address: str) -> None:
    with pytest.raises(UnbuildableEmail):
        recipient_address(address)
    with pytest.raises(UnbuildableEmail):
        _message(to=address)


@pytest.mark.parametrize(
    ("address", "sent_as"),
    [
        ("ann@example.com", "ann@example.com"),
        ("Ann.O'Neil+tag@Example.COM", "Ann.O'Neil+tag@Example.COM"),
        (" ann@example.com ", "ann@example.com"),
        ("ann@bücher.example", "ann@xn--bcher-kva.example"),
    ],
)
def test_a_deliverable_address_is_sent_as_ses_takes_it(address: str, sent_as: str) -> None:
    assert recipient_address(address).addr_spec == sent_as
    parsed = message_from_bytes(_message(to=address), policy=policy.default)
    assert parsed["To"].addresses[0].addr_spec == sent_as


@FAST
@given(NASTY)
def test_body_text_keeps_lines_and_drops_control_characters(value: str) -> None:
    cleaned = body_text(value)
    assert all(c in "\t\n\r" or unicodedata.category(c) not in {"Cc", "Cs"} for c in cleaned)
    assert cleaned.count("\n") == value.count("\n")
