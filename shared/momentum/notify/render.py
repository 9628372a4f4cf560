"""Render an intent to subject, HTML and text with Jinja2 (HTML autoescaped: names and notes
entered by users can never inject markup)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from momentum.notify.intents import EmailIntent


@dataclass(frozen=True, slots=True)
class RenderedEmail:
    subject: str
    html: str
    text: str


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("momentum.notify", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(intent: EmailIntent, *, org_name: str, unsubscribe_url: str) -> RenderedEmail:
    env = environment()
    context: dict[str, Any] = {
        **intent.data,
        "org_name": org_name,
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
