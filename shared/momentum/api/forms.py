"""HTML form bodies, as the one-click unsubscribe receives them (RFC 8058: mail providers
POST `List-Unsubscribe=One-Click` as application/x-www-form-urlencoded or as
multipart/form-data). Read with the standard library, after a size check; a body that
cannot be read is a 400 (BadRequest), one that is too large a 413, never a 500."""

from __future__ import annotations

import base64
import binascii
import re
from email import policy
from email.errors import MessageError
from email.message import EmailMessage, Message
from email.parser import BytesParser
from urllib.parse import parse_qs

from momentum.domain.errors import BadRequest, PayloadTooLarge

MAX_FORM_BYTES = 16 * 1024
"""A one-click body is ~30 bytes, the page's form about as much; providers add little."""
MAX_FIELDS = 20

URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
UNREADABLE = "The form in the request body cannot be read."

Fields = dict[str, list[str]]
# What the standard library's header and MIME parsers raise on input they cannot take (some
# malformed parameters even end in an IndexError): all of it is the caller's body.
PARSER_ERRORS = (ValueError, LookupError, TypeError, MessageError)
# RFC 2046: 1 to 70 of these characters, not ending with a space.
_BOUNDARY = re.compile(r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]")


def read_form(body: str | None, *, is_base64: bool, content_type: str) -> Fields:
    """The fields of a form body; {} for no body or a body that is not a form (those are
    not read, as before: the signed link alone is the request)."""
    media, boundary = _media_type(content_type)
    if media not in (URLENCODED, MULTIPART) or not body:
        return {}
    raw = _bytes(body, is_base64=is_base64)
    if media == URLENCODED:
        return _urlencoded(raw)
    try:
        return _multipart(raw, boundary)
    except PARSER_ERRORS:
        raise BadRequest(UNREADABLE) from None


def _media_type(content_type: str) -> tuple[str, str]:
    """The media type (lower case) and its boundary parameter, as email's header parser
    reads them (quoted parameters, case)."""
    if not content_type.strip():
        return "", ""
    if "\0" in content_type or len(content_type.splitlines()) != 1:  # any line break
        raise BadRequest(UNREADABLE)
    header = EmailMessage()
    try:
        header["Content-Type"] = content_type
        boundary = header.get_param("boundary")
    except PARSER_ERRORS:
        raise BadRequest(UNREADABLE) from None
    return header.get_content_type(), boundary if isinstance(boundary, str) else ""


def _bytes(body: str, *, is_base64: bool) -> bytes:
    # Checked before decoding: base64 is 4/3 the size of what it carries.
    if len(body) > (MAX_FORM_BYTES * 4 // 3 + 4 if is_base64 else MAX_FORM_BYTES * 4):
        raise _too_large()
    if is_base64:
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise BadRequest(UNREADABLE) from None
    else:
        raw = body.encode("utf-8", "surrogateescape")
    if len(raw) > MAX_FORM_BYTES:
        raise _too_large()
    return raw


def _too_large() -> PayloadTooLarge:
    return PayloadTooLarge(f"The form is larger than {MAX_FORM_BYTES} bytes.")


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(UNREADABLE) from None


def _urlencoded(raw: bytes) -> Fields:
    try:
        return parse_qs(_text(raw), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:  # more fields than MAX_FIELDS
        raise BadRequest(UNREADABLE) from None


def _multipart(raw: bytes, boundary: str) -> Fields:
    """RFC 7578: parts separated by the boundary, each named by its Content-Disposition."""
    if not _BOUNDARY.fullmatch(boundary):
        raise BadRequest(UNREADABLE)
    head = f'Content-Type: {MULTIPART}; boundary="{boundary}"\r\n\r\n'.encode()
    message = BytesParser(policy=policy.HTTP).parsebytes(head + raw)
    parts = message.get_payload()
    # Defects: no start or no closing boundary, a part without its headers, and the like.
    if message.defects or not message.is_multipart() or not isinstance(parts, list):
        raise BadRequest(UNREADABLE)
    if len(parts) > MAX_FIELDS:
        raise BadRequest(UNREADABLE)
    fields: Fields = {}
    for part in parts:
        if not isinstance(part, Message):
            raise BadRequest(UNREADABLE)
        fields.setdefault(_field_name(part), []).append(_field_value(part))
    return fields


def _field_name(part: Message) -> str:
    name = part.get_param("name", header="content-disposition")
    if part.defects or part.get_content_disposition() != "form-data" or not isinstance(name, str):
        raise BadRequest(UNREADABLE)
    return name


def _field_value(part: Message) -> str:
    if part.is_multipart():
        raise BadRequest(UNREADABLE)
    payload = part.get_payload(decode=True)
    return _text(payload if isinstance(payload, bytes) else b"")
