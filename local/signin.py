"""Local-only sign-in for the web app: the demo people, and a token for the one picked.

Never deployed (template.yaml has no such route): in AWS the app signs in through Cognito.
The token is exactly the one `python -m local token` prints for that person.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, Protocol

from werkzeug.wrappers import Request, Response

from local import tokens


class Person(Protocol):
    """What the sign-in needs of a demo person (local.demo.DemoUser has it)."""

    @property
    def label(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def sub(self) -> str: ...
    @property
    def org(self) -> str: ...
    @property
    def client_id(self) -> str | None: ...
    @property
    def locations(self) -> tuple[str, ...]: ...


_people: dict[str, Person] = {}


def register(people: Iterable[Person]) -> None:
    """Remember the people whose tokens the runner printed (called after seeding)."""
    _people.clear()
    _people.update({p.sub: p for p in people})


def _view(person: Person) -> dict[str, Any]:
    return {
        "user_id": person.sub,
        "label": person.label,
        "role": person.role,
        "org": person.org,
        "client_id": person.client_id,
        "locations": list(person.locations),
    }


def _reply(data: Any, status: int = 200) -> Response:
    if status >= 400:
        from http import HTTPStatus

        phrase = HTTPStatus(status).phrase
        data = {
            "type": "https://momentum.dev/problems/" + phrase.lower().replace(" ", "-"),
            "title": phrase,
            "status": status,
            "detail": data,
        }
        return Response(json.dumps(data), status=status, content_type="application/problem+json")
    return Response(json.dumps(data), status=status, content_type="application/json")


def route(request: Request) -> Response | None:
    """The response for a sign-in route, or None when the request is not one."""
    path = request.path.rstrip("/")
    if (request.method, path) == ("GET", "/_local/people"):
        return _reply({"items": [_view(p) for p in _people.values()]})
    if (request.method, path) == ("POST", "/_local/sign-in"):
        try:
            user_id = json.loads(request.get_data() or b"{}")["user_id"]
        except (ValueError, KeyError, TypeError):
            return _reply('Send {"user_id": "<id from GET /_local/people>"}.', 422)
        person = _people.get(user_id) if isinstance(user_id, str) else None
        if person is None:
            return _reply("No demo person has that id.", 404)
        token = tokens.issue(
            org=person.org,
            role=person.role,
            sub=person.sub,
            client_id=person.client_id,
            locations=list(person.locations),
        )
        return _reply({"token": token})
    return None
