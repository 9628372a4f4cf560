"""Through the local runner over HTTP, as a web client sees it (SPEC §1, §2, §5, §6, §9):

- the people a request names must be users of the organization with a fitting role (422
  naming the field), staff book only themselves as practitioner (403);
- a client token sees a package's On track history only when the package is client-visible,
  gets 403 on every tracker and task route, and is refused another client's list (404)."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from tests.e2e.conftest import Runner
from tests.e2e.fresh_org import FreshOrg

pytestmark = pytest.mark.e2e

ON_TRACK = {"enabled": True, "window_days": 30, "at_risk_below": 2, "off_track_below": 1}


class Practice(FreshOrg):
    """A fresh organization: an owner, staff Sam and Zoe (real users added through the API),
    an inactive admin, and two clients of Sam's with portal logins."""

    def __init__(self, runner: Runner) -> None:
        super().__init__(runner, "2026-04-01T09:00:00+01:00")
        self.call("PUT", "/org", {"name": "Harbour", "timezone": "Europe/London"})
        self.sam = self.user("Sam", "staff")
        self.zoe = self.user("Zoe", "staff")
        self.ivy = self.user("Ivy", "admin")
        self.call("PATCH", f"/users/{self.ivy}", {"status": "inactive"})
        self.sam_token = runner.headers(org=self.org, role="staff", sub=self.sam)
        self.ada = self.client("Ada")
        self.bob = self.client("Bob")
        self.ada_token = runner.headers(org=self.org, role="client", client_id=self.ada)

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
        **kw: Any,
    ) -> requests.Response:  # fmt: skip
        return self.runner.request(method, path, json=body, headers=headers or self.owner, **kw)

    def call(self, method: str, path: str, body: Any = None, **kw: Any) -> Any:
        response = self.request(method, path, body, **kw)
        assert response.status_code < 300, (method, path, response.text)
        return response.json() if response.content else None

    def user(self, name: str, role: str) -> str:
        email = f"{name.lower()}@{self.org}.example"
        body = {"name": name, "email": email, "role": role}
        return str(self.call("POST", "/users", body)["id"])

    def client(self, name: str) -> str:
        body = {"name": name, "email": f"{name.lower()}@{self.org}.example",
                "assigned_practitioner_ids": [self.sam]}  # fmt: skip
        client_id = str(self.call("POST", "/clients", body)["id"])
        self.call("PUT", f"/clients/{client_id}/login", {})
        return client_id

    def booking(self, client_id: str, start: str, **fields: Any) -> dict[str, Any]:
        return {
            "client_id": client_id,
            "starts_at": start,
            "ends_at": start.replace("T10:", "T11:"),
            **fields,
        }


@pytest.fixture
def practice(runner: Runner) -> Practice:
    return Practice(runner)


def _field_refused(response: requests.Response, field: str, says: str) -> None:
    assert response.status_code == 422, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert [e["field"] for e in problem["errors"]] == [field], problem
    assert says in problem["errors"][0]["msg"], problem


def test_people_a_request_names_must_be_fitting_users(practice: Practice, runner: Runner) -> None:
    other_org = Practice(runner)  # a user of another organization: no user of this one
    booking = practice.booking(practice.ada, "2026-04-02T10:00:00+01:00")
    for person, says in (
        ("user-nobody", "no such user in your organization"),
        (other_org.sam, "no such user in your organization"),
        (practice.ivy, "inactive"),
    ):
        refused = practice.request("POST", "/appointments", {**booking, "practitioner_id": person})
        _field_refused(refused, "body.practitioner_id", says)
    template = practice.call(
        "POST", "/engagement-templates", {"name": "Coaching", "type": "one_to_one"}
    )
    owner_is_staff = practice.request(
        "POST",
        "/engagements",
        {"template_id": template["id"], "coachee_id": practice.ada, "owner_id": practice.zoe},
    )
    _field_refused(owner_is_staff, "body.owner_id", "cannot be the engagement owner")
    tracker = practice.request(
        "POST",
        f"/clients/{practice.ada}/trackers",
        {"sessions": 2, "begin_date": "2026-04-01",
         "task": {"assignee_id": practice.ivy, "trigger": "count_reached"}},
    )  # fmt: skip
    _field_refused(tracker, "body.task.assignee_id", "inactive")
    # Nothing was made by the refused requests.
    assert practice.call("GET", "/appointments", params={"client_id": practice.ada})["items"] == []
    assert practice.call("GET", "/engagements")["items"] == []
    assert practice.call("GET", f"/clients/{practice.ada}/trackers")["items"] == []
    # A fitting colleague is fine when an administrator books.
    booked = practice.call("POST", "/appointments", {**booking, "practitioner_id": practice.zoe})
    assert booked["practitioner_id"] == practice.zoe


def test_staff_book_only_themselves(practice: Practice) -> None:
    booking = practice.booking(practice.ada, "2026-04-03T10:00:00+01:00")
    colleague = practice.request(
        "POST", "/appointments", {**booking, "practitioner_id": practice.zoe},
        headers=practice.sam_token,
    )  # fmt: skip
    assert colleague.status_code == 403, colleague.text
    assert "only with themselves as practitioner" in colleague.json()["detail"]
    client = practice.call("GET", f"/clients/{practice.ada}")
    assert client["assigned_practitioner_ids"] == [practice.sam]
    mine = practice.request(
        "POST", "/appointments", {**booking, "practitioner_id": practice.sam},
        headers=practice.sam_token,
    )  # fmt: skip
    assert mine.status_code == 201, mine.text


def test_a_client_token_sees_only_what_the_portal_may_show(practice: Practice) -> None:
    package = practice.call(
        "POST",
        f"/clients/{practice.ada}/packages",
        {"type": "usage", "start_date": "2026-01-01", "on_track": ON_TRACK},
    )
    for day in ("20", "25"):
        practice.call(
            "POST",
            "/appointments",
            practice.booking(
                practice.ada, f"2026-03-{day}T10:00:00+00:00",
                package_id=package["id"], status="completed",
            ),
        )  # fmt: skip
    tracker = practice.call(
        "POST", f"/clients/{practice.ada}/trackers", {"sessions": 4, "begin_date": "2026-04-01"}
    )
    me = practice.ada_token

    # On track history: the practice sees the transitions; the client (not client-visible)
    # sees none of them, as they see no status.
    path = f"/packages/{package['id']}"
    staff_view = practice.call("GET", path, params={"include": "history"})
    assert {h["field"] for h in staff_view["history"]} == {"progress"}
    portal = practice.call("GET", path, params={"include": "history"}, headers=me)
    assert (portal["status"], portal["history"]) == (None, [])

    # Trackers and tasks: staff tools.
    for method, route in (
        ("GET", f"/clients/{practice.ada}/trackers"),
        ("GET", f"/trackers/{tracker['id']}"),
        ("PATCH", f"/trackers/{tracker['id']}"),
        ("DELETE", f"/trackers/{tracker['id']}"),
        ("GET", "/tasks"),
    ):
        body = {"note": "x"} if method == "PATCH" else None
        assert practice.request(method, route, body, headers=me).status_code == 403, route

    # Another client's list is refused, not answered with the caller's own.
    bob = practice.request("GET", "/appointments", params={"client_id": practice.bob}, headers=me)
    assert bob.status_code == 404, bob.text
    own = practice.call("GET", "/appointments", params={"client_id": practice.ada}, headers=me)
    assert {a["client_id"] for a in own["items"]} == {practice.ada}
