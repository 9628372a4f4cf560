"""The local runner's fixed interface: tokens, /org, /openapi.json, /docs, 401s, /_local routes."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid

import jwt
import pytest

from local import tokens
from tests.e2e.conftest import REPO, Runner, ensure_user

pytestmark = pytest.mark.e2e


def _org() -> str:
    return f"org-{uuid.uuid4().hex[:8]}"


def test_token_command_prints_a_token_the_runner_accepts(runner: Runner) -> None:
    org = _org()
    printed = subprocess.run(
        [
            sys.executable,
            "-m",
            "local",
            "token",
            "--org",
            org,
            "--role",
            "admin",
            "--sub",
            "u-1",
            "--locations",
            "north,south",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    claims = jwt.decode(printed, options={"verify_signature": False})
    assert claims["custom:org_id"] == org
    assert claims["custom:role"] == "admin"
    assert claims["custom:location_ids"] == "north,south"
    bearer = {"Authorization": f"Bearer {printed}"}
    # Accepted as a token; the API then wants its person to be a user of the organization.
    assert runner.get("/org", headers=bearer).status_code == 401
    made = ensure_user(runner.base_url, org, "u-1", "admin", ["north", "south"])
    assert made["created"] is True
    assert ensure_user(runner.base_url, org, "u-1", "staff")["role"] == "admin"  # kept
    response = runner.get("/org", headers=bearer)
    assert response.status_code == 200
    assert response.json()["id"] == org


def test_org_round_trip_with_etag(runner: Runner) -> None:
    org = _org()
    owner = runner.headers(org=org, role="owner", sub="owner-1")
    body = {"name": "Harbour", "timezone": "Pacific/Auckland", "locations": []}
    put = runner.put("/org", json=body, headers={**owner, "If-Match": '"0"'})
    assert put.status_code == 200, put.text
    etag = put.headers["ETag"]
    got = runner.get("/org", headers=owner)
    assert got.json()["timezone"] == "Pacific/Auckland"
    assert got.headers["ETag"] == etag
    stale = runner.put("/org", json={**body, "name": "X"}, headers={**owner, "If-Match": '"0"'})
    assert stale.status_code == 412
    assert stale.headers["Content-Type"] == "application/problem+json"


def test_missing_token_is_401_problem(runner: Runner) -> None:
    response = runner.get("/org")
    assert response.status_code == 401
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401


def test_forged_token_is_401(runner: Runner) -> None:
    forged = tokens.issue(org="org-x", role="owner", key="not-the-runner-key-" + "x" * 32)
    response = runner.get("/org", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


def test_expired_token_is_401(runner: Runner) -> None:
    expired = tokens.issue(org="org-x", role="owner", ttl_seconds=-60)
    response = runner.get("/org", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401


def test_garbage_token_is_401(runner: Runner) -> None:
    response = runner.get("/org", headers={"Authorization": "Bearer not.a.jwt"})
    assert response.status_code == 401


def test_unknown_route_is_404_problem(runner: Runner) -> None:
    response = runner.get("/nowhere", headers=runner.headers(org="org-x", role="owner"))
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"


def test_malformed_body_is_422_problem(runner: Runner) -> None:
    owner = runner.headers(org=_org(), role="owner")
    response = runner.put(
        "/org", data="{broken", headers={**owner, "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"


def test_openapi_document_and_swagger_ui(runner: Runner) -> None:
    document = runner.get("/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    assert "/org" in document["paths"]
    docs = runner.get("/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()


def test_local_clock_is_read_by_the_handlers(runner: Runner) -> None:
    set_clock = runner.post("/_local/clock", json={"now": "2026-03-29T00:30:00+00:00"})
    assert set_clock.status_code == 200
    assert runner.get("/_local/clock").json()["now"].startswith("2026-03-29T00:30:00")
    bad = runner.post("/_local/clock", json={"now": "yesterday"})
    assert bad.status_code == 422


def test_local_nightly_and_emails_routes(runner: Runner) -> None:
    nightly = runner.post("/_local/nightly")
    assert nightly.status_code == 200, nightly.text
    assert "queues" in nightly.json()
    assert runner.delete("/_local/emails").status_code == 204
    emails = runner.get("/_local/emails")
    assert emails.status_code == 200
    assert emails.json() == []


def test_cors_is_answered_as_the_deployed_api_answers_it(runner: Runner) -> None:
    """A web dev server's page (http://localhost:5173) calls the runner from its origin."""
    origin = "http://localhost:5173"
    preflight = runner.request(
        "OPTIONS",
        "/clients",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,idempotency-key",
        },
    )
    assert preflight.status_code == 204  # before the authorizer: no token needed
    assert preflight.headers["Access-Control-Allow-Origin"] == origin
    assert "idempotency-key" in preflight.headers["Access-Control-Allow-Headers"]
    owner = runner.headers(org=_org(), role="owner")
    answer = runner.get("/org", headers={**owner, "Origin": origin})
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == origin
    assert "etag" in answer.headers["Access-Control-Expose-Headers"].split(",")
    # Exactly what template.yaml's CorsConfiguration exposes (back-off, CSV files, pages).
    from local.infra import load_template

    cors = load_template()["Resources"]["HttpApi"]["Properties"]["CorsConfiguration"]
    exposed = answer.headers["Access-Control-Expose-Headers"].split(",")
    assert sorted(exposed) == sorted(h.lower() for h in cors["ExposeHeaders"])
    assert {"retry-after", "content-disposition", "x-next-cursor"} <= set(exposed)


def test_a_taken_port_is_noticed_before_anything_starts(runner: Runner) -> None:
    port = runner.base_url.rsplit(":", 1)[1]
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "local", "serve", "--port", port],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert f"Port {port}" in result.stderr
    assert "in use" in result.stderr
    assert "Demo users" not in result.stdout  # nothing was seeded
    assert time.monotonic() - started < 30


def test_the_openapi_command_prints_the_served_document(runner: Runner) -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "local", "openapi"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert json.loads(printed) == runner.get("/openapi.json").json()
