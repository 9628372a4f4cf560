"""The MIME message SES sends: both parts, the organization's name, one-click unsubscribe."""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from momentum.notify.render import RenderedEmail


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
    sender_name = " ".join(sender_name.split())
    to_name = " ".join(to_name.split())
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = formataddr((sender_name, sender))
    message["To"] = str(Address(display_name=to_name, addr_spec=to)) if to_name else to
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "momentum")
    # RFC 8058 one-click unsubscribe: mail clients POST to the link; no login needed.
    message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message
