"""Concurrent writers through the local runner over HTTP (SPEC §3, §9): no lost update, no
double count, If-Match decides between writers holding the same ETag.

The runner, like one Lambda container, runs one handler invocation at a time, so these
writers interleave between requests rather than inside one; each write still has to read
the state the previous one left, which is what a lost update would get wrong. Every burst
is bounded (a fixed number of requests, each with a timeout) and stops by itself."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import pytest
import requests

from tests.e2e.access_matrix import NOW, TODAY, drain_output
from tests.e2e.conftest import Runner, ensure_user

pytestmark = pytest.mark.e2e

APPOINTMENTS = 50
SAME_ETAG_WRITERS = 20
REQUEST_TIMEOUT = 120


class Practice:
    """A fresh organization (UTC) and its owner."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self.org = f"org-race-{uuid.uuid4().hex[:8]}"
        self.owner = runner.headers(org=self.org, role="owner", sub="owner-1")

    def ok(self, response: requests.Response, status: int = 200) -> Any:
        assert response.status_code == status, response.text
        return response.json() if response.content else None

    def url(self, path: str) -> str:
        return self.runner.base_url + path


def _appointment(
    client_id: str, starts: datetime, length: timedelta, **extra: Any
) -> dict[str, Any]:
    """The body booking `client_id` from `starts` for `length`."""
    ends = starts + length
    return {
        "client_id": client_id,
        "starts_at": starts.isoformat(),
        "ends_at": ends.isoformat(),
        **extra,
    }


def _burst(calls: list[Callable[[], requests.Response]]) -> list[requests.Response]:
    """Run every call at once (a barrier releases them together); bounded by the timeouts."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], requests.Response]) -> requests.Response:
        barrier.wait(timeout=60)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        return [f.result(timeout=REQUEST_TIMEOUT * 2) for f in futures]


@pytest.fixture
def practice(runner: Runner) -> Practice:
    drain_output(runner)
    assert runner.post("/_local/clock", json={"now": NOW.isoformat()}).status_code == 200
    practice = Practice(runner)
    practice.ok(
        runner.put("/org", json={"name": "Race", "timezone": "UTC"}, headers=practice.owner)
    )
    # The practitioner the bookings name: a staff user of the organization (SPEC §9).
    ensure_user(runner.base_url, practice.org, "u-sam", "staff")
    return practice


def test_fifty_concurrent_completions_of_one_package_count_fifty_sessions(
    practice: Practice,
) -> None:
    runner, owner = practice.runner, practice.owner
    client = practice.ok(
        runner.post("/clients", json={"name": "Busy", "status": "prospect"}, headers=owner), 201
    )
    package = practice.ok(
        runner.post(
            f"/clients/{client['id']}/packages",
            json={
                "type": "fixed",
                "name": "Fifty",
                "size": APPOINTMENTS,
                "start_date": (TODAY - timedelta(days=20)).isoformat(),
            },
            headers=owner,
        ),
        201,
    )
    booked: list[tuple[str, str]] = []  # (id, ETag), all dated in the past: completable
    for n in range(APPOINTMENTS):
        starts = NOW - timedelta(days=1 + n % 10, hours=n // 10)
        body = _appointment(
            client["id"],
            starts,
            timedelta(minutes=45),
            practitioner_id="u-sam",
            package_id=package["id"],
        )
        response = runner.post("/appointments", json=body, headers=owner)
        assert practice.ok(response, 201)["package_id"] == package["id"]
        booked.append((response.json()["id"], response.headers["ETag"]))

    def complete(appointment_id: str, etag: str) -> Callable[[], requests.Response]:
        return lambda: requests.patch(
            practice.url(f"/appointments/{appointment_id}"),
            json={"status": "completed"},
            headers={**owner, "If-Match": etag},
            timeout=REQUEST_TIMEOUT,
        )

    responses = _burst([complete(a, e) for a, e in booked])
    assert Counter(r.status_code for r in responses) == {200: APPOINTMENTS}, [
        r.text for r in responses if r.status_code != 200
    ][:3]

    after = practice.ok(runner.get(f"/packages/{package['id']}", headers=owner))
    assert after["used_sessions"] == APPOINTMENTS
    assert after["outstanding"] == 0
    assert (after["lifecycle"], after["open"]) == ("used_up", False)
    assert after["last_session"] == (TODAY - timedelta(days=1)).isoformat()
    listed = practice.ok(
        runner.get("/appointments", params={"client_id": client["id"], "limit": 100}, headers=owner)
    )["items"]
    assert Counter(a["status"] for a in listed) == {"completed": APPOINTMENTS}
    assert all(a["version"] == 2 for a in listed)
    # The prospect became active with their first completed appointment (§2).
    assert practice.ok(runner.get(f"/clients/{client['id']}", headers=owner))["status"] == "active"
    rows = practice.ok(runner.get(f"/clients/{client['id']}/on-track", headers=owner))["items"]
    assert [(r["package_id"], r["outstanding"]) for r in rows] == [(package["id"], 0)]
    # Used up: the package takes no more appointments (§4).
    starts = NOW - timedelta(hours=5)
    body = _appointment(client["id"], starts, timedelta(hours=1), package_id=package["id"])
    refused = runner.post("/appointments", json=body, headers=owner)
    assert refused.status_code == 409, refused.text


def _one_winner(
    practice: Practice, path: str, etag: str, bodies: list[dict[str, Any]]
) -> tuple[dict[str, Any], list[requests.Response]]:
    responses = _burst(
        [
            (
                lambda body=body: requests.patch(
                    practice.url(path),
                    json=body,
                    headers={**practice.owner, "If-Match": etag},
                    timeout=REQUEST_TIMEOUT,
                )
            )
            for body in bodies
        ]
    )
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {200: 1, 412: len(bodies) - 1}, statuses
    for refused in (r for r in responses if r.status_code == 412):
        assert refused.headers["Content-Type"] == "application/problem+json"
    winner = next(r for r in responses if r.status_code == 200)
    return winner.json(), responses


def test_writers_holding_the_same_etag_one_wins_the_rest_get_412(practice: Practice) -> None:
    runner, owner = practice.runner, practice.owner
    created = runner.post("/clients", json={"name": "Contested"}, headers=owner)
    client = practice.ok(created, 201)
    bodies = [{"notes": f"writer {n}"} for n in range(SAME_ETAG_WRITERS)]
    won, _ = _one_winner(practice, f"/clients/{client['id']}", created.headers["ETag"], bodies)

    now = runner.get(f"/clients/{client['id']}", headers=owner)
    assert now.json()["notes"] == won["notes"]
    assert now.json()["version"] == client["version"] + 1
    assert now.headers["ETag"] == f'"{client["version"] + 1}"'


def test_writers_holding_the_same_appointment_etag_one_wins(practice: Practice) -> None:
    runner, owner = practice.runner, practice.owner
    client = practice.ok(runner.post("/clients", json={"name": "Moved"}, headers=owner), 201)
    starts = NOW + timedelta(days=2)
    body = _appointment(client["id"], starts, timedelta(hours=1), practitioner_id="u-sam")
    created = runner.post("/appointments", json=body, headers=owner)
    appointment = practice.ok(created, 201)
    # Each writer moves it to another day: only one move may land.
    bodies = [
        {"starts_at": (starts + timedelta(days=n + 1)).isoformat()}
        for n in range(SAME_ETAG_WRITERS)
    ]
    won, _ = _one_winner(
        practice, f"/appointments/{appointment['id']}", created.headers["ETag"], bodies
    )
    now = practice.ok(runner.get(f"/appointments/{appointment['id']}", headers=owner))
    assert (now["starts_at"], now["version"]) == (won["starts_at"], 2)
    listed = practice.ok(
        runner.get("/appointments", params={"client_id": client["id"]}, headers=owner)
    )["items"]
    assert [a["id"] for a in listed] == [appointment["id"]]
