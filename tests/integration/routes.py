"""Requests by route template ("/clients/{client_id}") and the stopped clock: the few helpers
most API test modules would otherwise each write again. A module that has a usual caller
binds it once: `call = partial(routes.call, caller=ADMIN)`."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from momentum import clock
from tests.integration.conftest import HttpCall, claims
from tests.integration.people import seed_staff

NORTH_AND_SOUTH = ({"id": "north", "name": "North"}, {"id": "south", "name": "South"})


def put_org(
    api: HttpCall,
    name: str,
    timezone: str,
    *,
    caller: dict[str, str] | None = None,
    locations: tuple[dict[str, str], ...] = NORTH_AND_SOUTH,
) -> None:
    """The caller's organization (the `api` fixture's owner's by default) is `name`, in
    `timezone`, with `locations` (North and South unless told)."""
    body = {"name": name, "timezone": timezone, "locations": list(locations)}
    ok(api("PUT", "/org", caller=caller, body=body), 200)


def at(text: str) -> None:
    """Stop the clock at this ISO 8601 instant."""
    clock.install(clock.SettableClock(datetime.fromisoformat(text)))


def route_of(method: str, template: str, **params: str) -> dict[str, Any]:
    """The `api` fixture's `route` and `path_parameters` for `template` with these ids."""
    return {"route": f"{method} {template}", "path_parameters": params}


def call(
    api: HttpCall,
    method: str,
    template: str,
    *,
    caller: dict[str, str] | None,
    params: dict[str, str] | None = None,
    **kw: Any,
) -> dict[str, Any]:
    """`template` with its {placeholders} filled from `params`, routed as API Gateway would
    route it; the rest of the request (body, query, headers) in `kw`. `caller` None: the
    `api` fixture's owner."""
    params = params or {}
    return api(
        method,
        template.format(**params),
        caller=caller,
        route=f"{method} {template}",
        path_parameters=params or None,
        **kw,
    )


def send(
    api: HttpCall, method: str, template: str, *, caller: dict[str, str] | None, **kw: Any
) -> dict[str, Any]:
    """`call` with the path's ids as keywords, the request's `body`, `query` and `headers`
    beside them: send(api, "GET", "/packages/{package_id}", caller=ADMIN, package_id=p)."""
    request = {k: kw.pop(k) for k in ("body", "query", "headers") if k in kw}
    return call(api, method, template, caller=caller, params=kw, **request)


def ids_of(template: str, ids: dict[str, str]) -> dict[str, str]:
    """The path parameters of `template` from `ids` by thing: {client_id} is ids["client"]."""
    return {f"{name}_id": ids[name] for name in re.findall(r"{(\w+)_id}", template)}


def ok(response: dict[str, Any], *statuses: int) -> dict[str, Any]:
    """The JSON of a response that succeeded: with one of `statuses`, by default 200 or 201."""
    assert response["status"] in (statuses or (200, 201)), response
    return dict(response["json"])


def client_with_login(
    api: HttpCall, name: str = "Ada", *, caller: dict[str, str] | None = None, **fields: Any
) -> tuple[str, dict[str, str]]:
    """A client with a portal login, made by `caller` (the `api` fixture's owner by default):
    its id, and its token (subject `c-{name}`, lower case). Email `{name}@example.com`."""
    who = name.lower()
    made = api(
        "POST",
        "/clients",
        caller=caller,
        body={"name": name, "email": f"{who}@example.com", **fields},
    )
    client_id = str(ok(made, 201)["id"])
    params = {"client_id": client_id}
    ok(call(api, "PUT", "/clients/{client_id}/login", caller=caller, params=params, body={}), 200)
    return client_id, claims(role="client", sub=f"c-{who}", client_id=client_id)


def client_of_sam(api: HttpCall, now: str | None, caller: dict[str, str]) -> str:
    """At `now` (None: the clock as it is): the organization Harbour (Europe/London), staff
    Sam, and the client Ada assigned to Sam, made by `caller`. Ada's id."""
    if now is not None:
        at(now)
    api("PUT", "/org", body={"name": "Harbour", "timezone": "Europe/London"})
    seed_staff("user-sam")
    body = {"name": "Ada", "assigned_practitioner_ids": ["user-sam"]}
    return str(api("POST", "/clients", body=body, caller=caller)["json"]["id"])
