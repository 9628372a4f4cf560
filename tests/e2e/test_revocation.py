"""A demoted or deactivated person loses their rights (SPEC §9), over real HTTP against the
local runner: every row of the access matrix (tests/e2e/access_matrix.py), with the old
token of an administrator who was demoted, then deactivated, through the API. (The runner
is one container: the change is obeyed at once; the minute other containers may take is
tested in tests/integration/test_identity_api.py with the settable clock.)"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from local import tokens
from tests.e2e.access_matrix import NOW, ROWS, Row, World, new_org, settle
from tests.e2e.conftest import Runner

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def world(runner: Runner) -> Iterator[World]:
    assert runner.post("/_local/clock", json={"now": NOW.isoformat()}).status_code == 200
    built = World(runner.base_url, new_org()).build()
    yield built
    settle(runner)
    built.session.close()


def _as(world: World, row: Row, token: str) -> requests.Response:
    """The row's request (as the admin persona would send it) with this bearer token."""
    ids = world.path_ids(row.route)
    if row.fresh:
        ids.update(world.fresh(row.fresh))
    path = row.path.format(**ids) if "{" in row.path else row.path
    return world.session.request(
        row.method,
        world.base_url + path,
        json=row.body(world, "admin") if row.body else None,
        params=row.query(world) if row.query else None,
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )


def _admin(world: World, name: str) -> tuple[str, str]:
    """A new administrator of the world's organization: (user id, their token as issued)."""
    user = world.ok(
        "POST",
        "/users",
        201,
        json={"name": name, "email": f"{name}@{world.org}.example.com", "role": "admin"},
    )
    return user["id"], tokens.issue(org=world.org, role="admin", sub=user["id"])


def test_a_demoted_admins_old_token_gets_what_a_staff_member_gets_on_every_route(
    world: World,
) -> None:
    user_id, old = _admin(world, "demoted")
    assert _as(world, next(r for r in ROWS if r.route == "GET /users"), old).status_code == 200
    world.ok("PATCH", f"/users/{user_id}", 200, json={"role": "staff"})
    wrong = []
    refused = 0
    for row in ROWS:
        # An unassigned staff member of no location: the matrix's `staff_x`.
        expected = row.status_for("staff_x")
        got = _as(world, row, old)
        if got.status_code != expected:
            wrong.append(f"{row.route}: expected {expected}, got {got.status_code} {got.text}")
        admin_route = row.status_for("admin") < 300 and expected == 403
        refused += admin_route
    assert not wrong, "\n".join(wrong)
    assert refused >= 15, "the table names the administrators' routes"


def test_a_deactivated_admins_old_token_is_refused_on_every_route(world: World) -> None:
    user_id, old = _admin(world, "deactivated")
    world.ok("PATCH", f"/users/{user_id}", 200, json={"status": "inactive"})
    wrong = []
    for row in ROWS:
        got = _as(world, row, old)
        expected = row.status_for("anon") if row.path == "/unsubscribe" else 403
        if got.status_code != expected:
            wrong.append(f"{row.route}: expected {expected}, got {got.status_code} {got.text}")
        elif expected == 403 and "inactive" not in got.json()["detail"]:
            wrong.append(f"{row.route}: refused for another reason: {got.text}")
    assert not wrong, "\n".join(wrong)
    # Reactivated: the same token works again at once.
    world.ok("PATCH", f"/users/{user_id}", 200, json={"status": "active"})
    assert _as(world, next(r for r in ROWS if r.route == "GET /users"), old).status_code == 200
