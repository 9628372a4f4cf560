"""One-click unsubscribe (SPEC §8, RFC 8058), reached without a login.

The link in every email (`momentum.logic.mail.unsubscribe_url`) carries a signed, expiring
token naming one organization, one person and one kind of email; turning that kind off for
that person is all the token can do. `GET` only shows what would be turned off (link
scanners and previews fetch GETs); the `POST` — the mail client's one-click request, or the
page's button — turns it off, and doing it again changes nothing more."""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import quote

from momentum import clock, signing
from momentum.domain.errors import BadRequest
from momentum.logic import mail
from momentum.logic.preferences import KIND_LABELS
from momentum.notify.intents import EmailKind
from momentum.store import organizations as org_store
from momentum.store import preferences as prefs_store

BAD_LINK = "This unsubscribe link is invalid or has expired."
DEFAULT_ORG_NAME = "Your practice"


@dataclass(frozen=True)
class UnsubscribeLink:
    """What a valid token allows: turning `kind` off for `person_id` in `org_id`."""

    org_id: str
    person_id: str
    kind: EmailKind


@dataclass(frozen=True)
class Outcome:
    link: UnsubscribeLink
    org_name: str

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.link.kind, f"{self.link.kind.value} emails")


def read_token(token: str) -> UnsubscribeLink:
    """The token's link, or BadRequest (400) for a malformed, tampered or expired one."""
    try:
        payload = signing.verify(
            token,
            secret=signing.signing_secret(),
            purpose=mail.UNSUBSCRIBE_PURPOSE,
            now=clock.current().now(),
        )
    except signing.BadToken:
        raise BadRequest(BAD_LINK) from None
    org_id, person_id, kind = payload.get("org"), payload.get("person"), payload.get("kind")
    if not (isinstance(org_id, str) and org_id and isinstance(person_id, str) and person_id):
        raise BadRequest(BAD_LINK)
    try:
        return UnsubscribeLink(org_id=org_id, person_id=person_id, kind=EmailKind(str(kind)))
    except ValueError:
        raise BadRequest(BAD_LINK) from None


def _org_name(org_id: str) -> str:
    org = org_store.get(org_id)
    return org.name if org and org.name else DEFAULT_ORG_NAME


def preview(token: str) -> Outcome:
    """What the link would turn off. Changes nothing."""
    link = read_token(token)
    return Outcome(link=link, org_name=_org_name(link.org_id))


def unsubscribe(token: str) -> Outcome:
    """Turn the link's kind of email off for its person (idempotent)."""
    link = read_token(token)
    prefs_store.turn_off_versioned(
        link.org_id, link.person_id, link.kind.value, clock.current().now()
    )
    return Outcome(link=link, org_name=_org_name(link.org_id))


# -- the pages (every variable part is escaped) ---------------------------------------------

PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
}

_STYLE = (
    "font-family: -apple-system, Segoe UI, Roboto, sans-serif; color: #1f2933; "
    "max-width: 560px; margin: 48px auto; padding: 0 24px;"
)


def _page(org_name: str, title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{html.escape(title)}</title></head>\n"
        f'<body style="{_STYLE}">\n'
        f'<p style="color: #52606d; font-size: 14px;">{html.escape(org_name)}</p>\n'
        f'<h1 style="font-size: 22px;">{html.escape(title)}</h1>\n{body}\n</body>\n</html>\n'
    )


def confirm_page(outcome: Outcome, token: str) -> str:
    """The GET page: what will be turned off, and the button that does it (a POST)."""
    label, org = html.escape(outcome.label), html.escape(outcome.org_name)
    action = html.escape("unsubscribe?token=" + quote(token, safe=""), quote=True)
    body = (
        f"<p>You will no longer receive {label} from {org}. Other emails are not affected.</p>\n"
        f'<form method="post" action="{action}">'
        '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
        '<button type="submit" style="font-size: 16px; padding: 8px 16px;">Unsubscribe</button>'
        "</form>"
    )
    return _page(outcome.org_name, f"Unsubscribe from {outcome.label}?", body)


def done_page(outcome: Outcome) -> str:
    """The POST answer: it is done."""
    label, org = html.escape(outcome.label), html.escape(outcome.org_name)
    body = (
        f"<p>You will no longer receive {label} from {org}. You can turn them back on "
        "in your email preferences.</p>"
    )
    return _page(outcome.org_name, "You are unsubscribed", body)
