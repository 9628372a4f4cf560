"""Roles and tenancy as data (SPEC §1): every row of tests/e2e/access_matrix.py, for every
caller, against the local runner over HTTP with real records — in the caller's own
organization, and with another organization's ids, which must answer exactly like ids
that do not exist and change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from local.infra import http_routes, load_template
from tests.e2e.access_matrix import (
    BODY_OR_QUERY_IDS,
    NOW,
    PATH_IDS,
    PERSONAS,
    ROWS,
    Row,
    World,
    drain_output,
    new_org,
    nonexistent,
    settle,
)
from tests.e2e.conftest import Runner

pytestmark = pytest.mark.e2e

METHODS = {"get", "put", "post", "patch", "delete"}
CALLERS = tuple(p for p in PERSONAS if p != "anon")
# Rows whose request names a record: by path, or by an id in the body or query.
FOREIGN_ROWS = tuple(r for r in ROWS if "{" in r.path or r.route in BODY_OR_QUERY_IDS)


@pytest.fixture(scope="module")
def worlds(runner: Runner) -> Iterator[tuple[World, World]]:
    """Two organizations built the same way: `home` (the callers') and `away`."""
    drain_output(runner)
    assert runner.post("/_local/clock", json={"now": NOW.isoformat()}).status_code == 200
    home = World(runner.base_url, new_org()).build()
    away = World(runner.base_url, new_org()).build()
    yield home, away
    settle(runner)
    home.session.close()
    away.session.close()


def _documented(runner: Runner) -> set[str]:
    document = runner.get("/openapi.json").json()
    return {
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method in operations
        if method in METHODS
    }


def _deployed() -> set[str]:
    return {
        f"{r.method} {r.path}"
        for r in http_routes(load_template())
        if r.path not in ("$default", "/openapi.json", "/docs")
    }


def test_every_documented_and_deployed_route_has_a_row(runner: Runner) -> None:
    table = {row.route for row in ROWS}
    assert len(table) == len(ROWS), "a route has two rows"
    for row in ROWS:
        row.status_for("anon")  # nine statuses each
    assert _documented(runner) - table == set(), "routes in /openapi.json without rows"
    assert _deployed() - table == set(), "routes in template.yaml without rows"
    assert table - (_documented(runner) | _deployed()) == set(), "rows for no route"


def _request(
    world: World, row: Row, persona: str, ids: dict[str, str], *, foreign: bool = False
) -> requests.Response:
    """Send the row's request as `persona` of `world`, with `ids` in the path; `foreign`
    also puts `ids["client_id"]` into the body or query that names a client."""
    path = row.path.format(**ids) if "{" in row.path else row.path
    body = row.body(world, persona) if row.body else None
    query = row.query(world) if row.query else None
    if foreign and row.route in BODY_OR_QUERY_IDS:
        key = BODY_OR_QUERY_IDS[row.route]
        if body is not None and key in body:
            body[key] = ids["client_id"]
        if query is not None and key in query:
            query[key] = ids["client_id"]
    # The client caller is the record's own client (in the foreign variant: the callers'
    # organization's client, whose token cannot name another organization's records).
    client_id = ids.get("client_id") if persona == "client" and not foreign else None
    return world.call(row.method, path, persona, json=body, params=query, client_id=client_id)


def _describe(response: requests.Response) -> str:
    return f"{response.status_code} {response.text[:240]}"


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.route)
def test_own_organization(worlds: tuple[World, World], row: Row) -> None:
    home, _ = worlds
    wrong: list[str] = []
    for persona in PERSONAS:
        ids = home.path_ids(row.route)
        if row.fresh:
            ids.update(home.fresh(row.fresh))
        response = _request(home, row, persona, ids)
        expected = row.status_for(persona)
        if response.status_code != expected:
            wrong.append(f"{persona}: expected {expected}, got {_describe(response)}")
        elif response.status_code >= 400:
            assert response.headers["Content-Type"] == "application/problem+json", persona
    assert not wrong, f"{row.route}\n" + "\n".join(wrong)


def _detail(response: requests.Response) -> Any:
    try:
        return response.json().get("detail")
    except ValueError:
        return response.text


def _snapshot(world: World, path: str) -> tuple[int, Any, str | None]:
    response = world.call("GET", path, "owner")
    body = response.json() if response.content else None
    return response.status_code, body, response.headers.get("ETag")


@pytest.mark.parametrize("row", FOREIGN_ROWS, ids=lambda r: r.route)
def test_foreign_ids_answer_like_missing_ids_and_change_nothing(
    worlds: tuple[World, World], row: Row
) -> None:
    home, away = worlds
    theirs = away.path_ids(row.route)
    if row.fresh:
        theirs.update(away.fresh(row.fresh))
    missing = {k: nonexistent(v) for k, v in theirs.items()}
    readback = row.readback.format(**theirs) if row.readback else None
    before = _snapshot(away, readback) if readback else None
    away_ids = set(away.ids.values()) | set(theirs.values())
    wrong: list[str] = []
    for persona in CALLERS:
        got = _request(home, row, persona, theirs, foreign=True)
        like = _request(home, row, persona, missing, foreign=True)
        own_status = row.status_for(persona)
        allowed = {404} | ({403} if own_status == 403 else set())
        if row.method == "GET" and "{" not in row.path and own_status == 200:
            # A list whose filter the caller's token overrides (a client's own records)
            # may answer 200, as long as it shows nothing of the other organization.
            allowed.add(200)
        if any(i in got.text for i in away_ids):
            wrong.append(f"{persona}: the answer shows the other organization's ids")
        if got.status_code not in allowed:
            wrong.append(f"{persona}: expected {sorted(allowed)}, got {_describe(got)}")
        if (got.status_code, _detail(got)) != (like.status_code, _detail(like)):
            wrong.append(
                f"{persona}: a foreign id answered {_describe(got)}; "
                f"a missing id answered {_describe(like)}"
            )
    assert not wrong, f"{row.route} with another organization's ids\n" + "\n".join(wrong)
    if readback:
        assert _snapshot(away, readback) == before, f"{row.route} changed {readback}"


def test_lists_never_show_another_organizations_records(worlds: tuple[World, World]) -> None:
    home, away = worlds
    foreign_ids = set(away.ids.values())
    leaks: list[str] = []
    for row in ROWS:
        if row.method != "GET" or "{" in row.path or row.path == "/unsubscribe":
            continue
        for persona in ("owner", "admin", "la", "staff", "client"):
            query = row.query(home) if row.query else None
            response = home.call("GET", row.path, persona, params=query)
            shown = {i for i in foreign_ids if i in response.text}
            if shown:
                leaks.append(f"{row.route} as {persona}: {sorted(shown)}")
    assert not leaks, "\n".join(leaks)


def test_the_foreign_organization_is_unchanged_after_everything(
    worlds: tuple[World, World],
) -> None:
    """A last look at the other organization's records: still there, as the owner reads
    them (the client, its package, tracker, appointment, engagement, invoice, users)."""
    _, away = worlds
    for param, key in PATH_IDS.items():
        path = {
            "client_id": "/clients/{}",
            "user_id": "/users/{}",
            "package_id": "/packages/{}",
            "appointment_id": "/appointments/{}",
            "tracker_id": "/trackers/{}",
            "invoice_id": "/invoices/{}",
            "engagement_id": "/engagements/{}",
        }.get(param)
        if path is None:
            continue
        response = away.call("GET", path.format(away.ids[key]), "owner")
        assert response.status_code == 200, f"{param}: {response.text}"
    # Only the callers' organization's rows changed anything: the away records are as built.
    package = away.ok("GET", f"/packages/{away.package_id}", 200)
    assert (package["name"], package["used_sessions"]) == ("Ten", 1)
    client = away.ok("GET", f"/clients/{away.client_id}", 200)
    assert (client["notes"], client["availability"], client["has_login"]) == ("", {}, True)
    engagement = away.ok("GET", f"/engagements/{away.engagement_id}", 200)
    assert engagement["name"] == "Coaching"
    tasks = away.ok("GET", "/tasks", 200, params={"assignee_id": away.staff_id})["items"]
    assert [t["done"] for t in tasks] == [False]
