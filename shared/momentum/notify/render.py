"""Render an intent to subject, HTML and text with Jinja2 (HTML autoescaped: names and notes
entered by users can never inject markup)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context

from momentum.domain.date_text import day_text, parse_stored, time_text
from momentum.notify.intents import EmailIntent
from momentum.notify.links import email_links


@dataclass(frozen=True, slots=True)
class RenderedEmail:
    subject: str
    html: str
    text: str


def _stored(value: date | datetime | str) -> date | datetime:
    return parse_stored(value) if isinstance(value, str) else value


@pass_context
def _day(context: Context, value: date | datetime | str | None) -> str:
    """`{{ since | day }}`: 'Monday 2 March 2026' in the organization's timezone."""
    return "" if value in (None, "") else day_text(_stored(value), context["org_timezone"])


@pass_context
def _time(context: Context, value: datetime | str | None) -> str:
    """`{{ starts_at | time }}`: '14:30' in the organization's timezone."""
    if value in (None, ""):
        return ""
    instant = _stored(value)
    if not isinstance(instant, datetime):
        raise ValueError(f"a time needs an instant, not the date {instant.isoformat()}")
    return time_text(instant, context["org_timezone"])


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("momentum.notify", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["day"] = _day
    env.filters["time"] = _time
    return env


# Data fields added after intents were first stored: an intent written before (still in the
# outbox at a deployment) renders without them instead of failing for good.
_OPTIONAL_DATA: dict[str, Any] = {
    "client_id": None,
    "run_date": None,
    "days_since_last_session": None,
    "last_session": None,
    "window_days": None,
    "coach_name": "",
    "coachee_name": "",
}


def render(
    intent: EmailIntent,
    *,
    org_name: str,
    unsubscribe_url: str,
    app_base_url: str,
    timezone: str = "UTC",
) -> RenderedEmail:
    """`app_base_url` is the web app's origin (every link but unsubscribe goes there);
    `timezone` the organization's, in which the templates write dates and times."""
    env = environment()
    context: dict[str, Any] = {
        **_OPTIONAL_DATA,
        **intent.data,
        **email_links(intent, app_base_url),
        "org_name": org_name,
        "org_timezone": timezone,
        "recipient_name": intent.recipient.name,
        "unsubscribe_url": unsubscribe_url,
    }
    kind = intent.kind.value
    subject = env.get_template(f"{kind}.subject.txt").render(context).strip()
    # A subject is one line whatever a user typed into a name.
    subject = " ".join(subject.split())
    return RenderedEmail(
        subject=subject,
        html=env.get_template(f"{kind}.html").render(context),
        text=env.get_template(f"{kind}.txt").render(context),
    )
