"""Where each email sends its reader: the web app's page on which they can act. Every link
an email carries (but unsubscribe, which the API serves) is built here, from the app's
base URL (`MOMENTUM_APP_BASE_URL`) and the ids the intent holds. Pure: no I/O, no env.

| email | reader | page |
| --- | --- | --- |
| on_track_reminder | assigned team member | the client's record, /app/clients/{id} |
| on_track_reminder | client | the portal (sessions, how to book), /app/portal |
| engagement_off_track | coach | the engagement, /app/engagements/{id} |
| engagement_off_track | coachee | the portal |
| engagement_digest | owner | each engagement, and the engagements report filtered to them |
| welcome | client | sign-in, then the portal |
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from momentum.notify.intents import EmailIntent, EmailKind

PORTAL_PATH = "/app/portal"


def app_url(base_url: str, *segments: str, query: Mapping[str, str] | None = None) -> str:
    """`<base>/app/<segments...>[?query]`, each segment percent-encoded whole (a `/`, `?`
    or `#` in an id cannot change which page the link opens)."""
    for segment in segments:
        # "." and ".." are path steps, not names: even encoded (%2E) browsers resolve them.
        if segment in ("", ".", ".."):
            raise ValueError(f"not a page name: {segment!r}")
    path = "/".join(quote(s, safe="") for s in ("app", *segments))
    url = f"{base_url.rstrip('/')}/{path}"
    if query:
        url += "?" + urlencode(query, quote_via=quote, safe="")
    return url


def client_record_url(base_url: str, client_id: str) -> str:
    return app_url(base_url, "clients", client_id)


def engagement_url(base_url: str, engagement_id: str) -> str:
    return app_url(base_url, "engagements", engagement_id)


def engagements_report_url(
    base_url: str, *, since_from: date | None = None, since_to: date | None = None
) -> str:
    """The engagements report, filtered to Off track and, when given, to an Off Track Since
    range (the web app's query parameters: progress, since_from, since_to)."""
    query = {"progress": "off_track"}
    if since_from is not None:
        query["since_from"] = since_from.isoformat()
    if since_to is not None:
        query["since_to"] = since_to.isoformat()
    return app_url(base_url, "engagements", "report", query=query)


def portal_url(base_url: str) -> str:
    return app_url(base_url, "portal")


def portal_sign_in_url(base_url: str) -> str:
    """Sign-in, then the portal (the web app's sign-in page follows `next`)."""
    return app_url(base_url, "sign-in", query={"next": PORTAL_PATH})


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def email_links(intent: EmailIntent, base_url: str) -> dict[str, Any]:
    """The template variables of an intent's links: `action_url`, the page where its reader
    acts; a digest also has `engagement_urls` (by engagement id) and `report_url`."""
    data = intent.data
    kind = intent.kind
    if kind is EmailKind.ON_TRACK_REMINDER:
        client_id = data.get("client_id")
        if data.get("audience") == "client":
            return {"action_url": portal_url(base_url)}
        if client_id:
            return {"action_url": client_record_url(base_url, str(client_id))}
        # Stored before intents carried the client's id: the On track list names them.
        return {"action_url": app_url(base_url, "on-track")}
    if kind is EmailKind.ENGAGEMENT_OFF_TRACK:
        if data.get("audience") == "coachee":
            return {"action_url": portal_url(base_url)}
        return {"action_url": engagement_url(base_url, str(data["engagement_id"]))}
    if kind is EmailKind.ENGAGEMENT_DIGEST:
        rows = data.get("engagements", [])
        since = sorted(d for d in (_day(r.get("off_track_since")) for r in rows) if d)
        report = engagements_report_url(
            base_url,
            since_from=since[0] if since else None,
            since_to=since[-1] if since else None,
        )
        return {
            "action_url": report,
            "report_url": report,
            "engagement_urls": {
                str(r["engagement_id"]): engagement_url(base_url, str(r["engagement_id"]))
                for r in rows
            },
        }
    if kind is EmailKind.WELCOME:
        return {"action_url": portal_sign_in_url(base_url)}
    return {"action_url": app_url(base_url)}
