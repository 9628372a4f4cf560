"""Form bodies of the one-click unsubscribe (RFC 8058): either encoding is read, and nothing a
caller sends makes the reader fail otherwise than with a 400 or a 413."""

from __future__ import annotations

import base64

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from momentum.api.forms import MAX_FORM_BYTES, read_form
from momentum.domain.errors import BadRequest, PayloadTooLarge

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BOUNDARY = "b0undary"
ONE_CLICK_PART = (
    f"--{BOUNDARY}\r\n"
    'Content-Disposition: form-data; name="List-Unsubscribe"\r\n\r\n'
    f"One-Click\r\n--{BOUNDARY}--\r\n"
)


def test_multipart_and_urlencoded_give_the_same_fields() -> None:
    multipart = read_form(
        ONE_CLICK_PART, is_base64=False, content_type=f"multipart/form-data; boundary={BOUNDARY}"
    )
    encoded = read_form(
        "List-Unsubscribe=One-Click",
        is_base64=False,
        content_type="application/x-www-form-urlencoded",
    )
    assert multipart == encoded == {"List-Unsubscribe": ["One-Click"]}


def test_a_body_that_is_not_a_form_is_not_read() -> None:
    assert read_form("{}", is_base64=False, content_type="application/json") == {}
    assert read_form(None, is_base64=False, content_type="multipart/form-data") == {}


def test_the_size_bound_is_checked_before_decoding() -> None:
    huge = base64.b64encode(b"x" * (MAX_FORM_BYTES * 4)).decode()
    with pytest.raises(PayloadTooLarge):
        read_form(huge, is_base64=True, content_type="multipart/form-data; boundary=b")
    at_limit = "a=" + "x" * (MAX_FORM_BYTES - 2)
    form = read_form(at_limit, is_base64=False, content_type="application/x-www-form-urlencoded")
    assert len(form["a"][0]) == MAX_FORM_BYTES - 2


CONTENT_TYPES = st.one_of(
    st.sampled_from(
        [
            f"multipart/form-data; boundary={BOUNDARY}",
            "multipart/form-data",
            'multipart/form-data; boundary=""',
            "multipart/form-data; boundary=" + "x" * 80,
            "application/x-www-form-urlencoded",
        ]
    ),
    st.text(max_size=80).map(lambda t: f"multipart/form-data; {t}"),
)
BODIES = st.one_of(
    st.binary(max_size=600),
    st.lists(
        st.sampled_from(
            [
                f"--{BOUNDARY}\r\n".encode(),
                f"--{BOUNDARY}--\r\n".encode(),
                b'Content-Disposition: form-data; name="a"\r\n',
                b"Content-Disposition: form-data\r\n",
                b"Content-Type: multipart/mixed; boundary=q\r\n",
                b"Content-Transfer-Encoding: base64\r\n",
                b"\r\n",
                b"\xff\xfe\x00",
                b"value",
            ]
        ),
        max_size=12,
    ).map(b"".join),
)


@FAST
@given(body=BODIES, content_type=CONTENT_TYPES, as_base64=st.booleans())
# The standard library's parameter parser answers this one with an IndexError.
@example(body=ONE_CLICK_PART.encode(), content_type="multipart/form-data; \xf0*", as_base64=False)
@example(body=ONE_CLICK_PART.encode(), content_type="multipart/form-data;\x0b", as_base64=False)
def test_anything_sent_is_read_or_refused_with_400_or_413(
    body: bytes, content_type: str, as_base64: bool
) -> None:
    text = base64.b64encode(body).decode() if as_base64 else body.decode("latin-1")
    try:
        fields = read_form(text, is_base64=as_base64, content_type=content_type)
    except (BadRequest, PayloadTooLarge):
        return
    assert all(isinstance(v, list) for v in fields.values())
