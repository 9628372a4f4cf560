"""The MIME message SES sends: both parts, the organization's name, one-click unsubscribe.

Names and subjects come from what users typed, possibly before the API validated them (NUL,
line breaks, bidi overrides): every header value is cleaned to one printable line, and a
recipient address SES cannot take raises UnbuildableEmail (the intent then fails for good
instead of being retried)."""

from __future__ import annotations

import re
import unicodedata
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import make_msgid

from momentum.notify.render import RenderedEmail


class UnbuildableEmail(ValueError):
    """The intent cannot become a message; building it again would fail the same way."""


# Bidi embedding/override/isolate marks: in a display name they reorder what is shown.
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Control, surrogate, line and paragraph separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
_BODY_KEEPS = frozenset("\t\n\r")

# RFC 5322 dot-atom (ASCII only: SES takes no SMTPUTF8 local parts) and DNS labels.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL_PART = re.compile(rf"{_ATEXT}(?:\.{_ATEXT})*")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")


def _unsafe(char: str) -> bool:
    return char in _BIDI_CONTROLS or unicodedata.category(char) in _UNSAFE_CATEGORIES


def header_text(value: str) -> str:
    """One printable line: unsafe characters dropped, line breaks and runs of whitespace
    (including U+2028/U+2029) one space."""
    return " ".join("".join(c for c in value if c.isspace() or not _unsafe(c)).split())


def body_text(value: str) -> str:
    """A body part without NUL and other control characters (tabs and line breaks kept)."""
    return "".join(c for c in value if c in _BODY_KEEPS or not _unsafe(c))


def recipient_address(address: str, display_name: str = "") -> Address:
    """The address as SES takes it: an ASCII dot-atom local part and a domain of DNS labels
    (an international domain in its punycode form). UnbuildableEmail otherwise."""
    local, at, domain = address.strip().rpartition("@")
    if not (at and len(local) <= 64 and _LOCAL_PART.fullmatch(local)):
        raise UnbuildableEmail("invalid recipient address")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise UnbuildableEmail("invalid recipient address") from None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or len(ascii_domain) > 253 or not all(map(_LABEL.fullmatch, labels)):
        raise UnbuildableEmail("invalid recipient address")
    return Address(display_name=header_text(display_name), username=local, domain=ascii_domain)


def build_message(
    rendered: RenderedEmail,
    *,
    sender: str,
    sender_name: str,
    to: str,
    to_name: str,
    unsubscribe_url: str,
) -> EmailMessage:
    # Header values are one line: a name typed with line breaks must not add headers.
    recipient = recipient_address(to, to_name)
    message = EmailMessage()
    message["Subject"] = header_text(rendered.subject)
    # headerregistry, not formataddr: formataddr leaves a name like "\u00b8 )" half encoded,
    # half bare, and the header no longer parses as the sender's address.
    message["From"] = Address(display_name=header_text(sender_name), addr_spec=sender)
    message["To"] = recipient
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "momentum")
    # RFC 8058 one-click unsubscribe: mail clients POST to the link; no login needed.
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(body_text(rendered.text))
    message.add_alternative(body_text(rendered.html), subtype="html")
    return message
