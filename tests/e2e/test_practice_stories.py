"""The seeds' practice stories through the local runner over HTTP (SPEC §2-§6)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Runner
from tests.e2e.fresh_org import FreshOrg

pytestmark = pytest.mark.e2e


class Practice(FreshOrg):
    def __init__(self, runner: Runner) -> None:
        super().__init__(runner, "2026-04-01T09:00:00+01:00")
        self.admin = self.owner
        self.call("PUT", "/org", {"name": "Harbour", "timezone": "Europe/London"})
        self.staff_id = self.call(
            "POST", "/users", {"name": "Sam", "email": f"sam@{self.org}.example", "role": "staff"}
        )["id"]
        self.staff = runner.headers(org=self.org, role="staff", sub=self.staff_id)

    def call(
        self, method: str, path: str, body: Any = None, *, expect: int | None = None, **kw: Any
    ) -> Any:
        headers = kw.pop("headers", self.admin)
        response = self.runner.request(method, path, json=body, headers=headers, **kw)
        if expect is not None:
            assert response.status_code == expect, (method, path, response.text)
        else:
            assert response.status_code < 300, (method, path, response.text)
        return response.json() if response.content else None

    def client(self, name: str, **fields: Any) -> str:
        body = {"name": name, "assigned_practitioner_ids": [self.staff_id], **fields}
        return str(self.call("POST", "/clients", body)["id"])

    def book(self, client_id: str, start: str, **fields: Any) -> dict[str, Any]:
        body = {
            "client_id": client_id,
            "practitioner_id": self.staff_id,
            "starts_at": start,
            "ends_at": start.replace("T10:", "T11:"),
            **fields,
        }
        return dict(self.call("POST", "/appointments", body, headers=self.staff))


@pytest.fixture
def practice(runner: Runner) -> Practice:
    return Practice(runner)


def test_the_on_track_example(practice: Practice) -> None:
    """Window 30, at risk below 2, off track below 1: two sessions On track, one At risk,
    none Off track — each change visible in the very next read."""
    ada = practice.client("Ada")
    pack = practice.call(
        "POST",
        f"/clients/{ada}/packages",
        {
            "type": "usage",
            "start_date": "2026-01-01",
            "on_track": {
                "enabled": True,
                "window_days": 30,
                "at_risk_below": 2,
                "off_track_below": 1,
            },
        },
    )
    assert practice.call("GET", f"/packages/{pack['id']}")["status"] == "off_track"
    first = practice.book(ada, "2026-03-20T10:00:00+01:00", package_id=pack["id"])
    second = practice.book(ada, "2026-03-25T10:00:00+01:00", package_id=pack["id"])
    for made in (first, second):
        practice.call("PATCH", f"/appointments/{made['id']}", {"status": "completed"})
    assert practice.call("GET", f"/packages/{pack['id']}")["status"] == "on_track"
    practice.call("PATCH", f"/appointments/{second['id']}", {"status": "cancelled"})
    assert practice.call("GET", f"/packages/{pack['id']}")["status"] == "at_risk"
    rows = practice.call("GET", f"/clients/{ada}/on-track")["items"]
    assert [(r["status"], r["last_session"]) for r in rows] == [("at_risk", "2026-03-20")]


def test_a_session_pack_created_from_an_appointment_and_used_up(practice: Practice) -> None:
    bo = practice.client("Bo")
    template = practice.call(
        "POST", "/package-templates", {"name": "3-pack", "type": "fixed", "size": 3}
    )
    first = practice.book(
        bo, "2026-03-30T10:00:00+01:00", template_id=template["id"], status="completed"
    )
    pack_id = first["package_id"]
    for day in ("2026-03-31", "2026-04-01"):
        practice.book(bo, f"{day}T10:00:00+01:00", package_id=pack_id, status="completed")
    pack = practice.call("GET", f"/packages/{pack_id}")
    assert (pack["lifecycle"], pack["outstanding"], pack["used_sessions"]) == ("used_up", 0, 3)
    open_packs = practice.call("GET", f"/clients/{bo}/packages", params={"open": "true"})
    assert open_packs["items"] == []
    refused = practice.runner.post(
        "/appointments",
        json={
            "client_id": bo,
            "starts_at": "2026-04-02T10:00:00+01:00",
            "ends_at": "2026-04-02T11:00:00+01:00",
            "package_id": pack_id,
        },
        headers=practice.staff,
    )
    assert refused.status_code == 409
    assert refused.headers["Content-Type"] == "application/problem+json"


def test_a_tracker_with_a_whichever_first_task(practice: Practice) -> None:
    cy = practice.client("Cy")
    tracker = practice.call(
        "POST",
        f"/clients/{cy}/trackers",
        {
            "sessions": 2,
            "begin_date": "2026-03-20",
            "end_date": "2026-04-10",
            "note": "Insurer review",
            "task": {"assignee_id": practice.staff_id, "trigger": "first"},
        },
    )
    practice.book(cy, "2026-03-25T10:00:00+01:00", status="completed")
    assert practice.call("GET", "/tasks", headers=practice.staff)["items"] == []
    made = practice.book(cy, "2026-03-30T10:00:00+01:00", status="completed")
    assert made["trackers"][0]["remaining"] == 0
    tasks = practice.call("GET", "/tasks", headers=practice.staff)["items"]
    assert [(t["reason"], t["tracker_id"]) for t in tasks] == [("count_reached", tracker["id"])]
    # The end date passing later makes no second task for the same period.
    for day in ("2026-04-11", "2026-04-12"):
        practice.clock(f"{day}T00:30:00+01:00")
        practice.runner.post("/_local/nightly")
    assert len(practice.call("GET", "/tasks", headers=practice.staff)["items"]) == 1


def test_a_client_that_cannot_be_deleted(practice: Practice) -> None:
    di = practice.client("Di")
    practice.book(di, "2026-04-02T10:00:00+01:00")
    practice.call(
        "POST",
        f"/clients/{di}/payments",
        {"amount": "40.00", "currency": "GBP", "date": "2026-04-01"},
    )
    refused = practice.call("DELETE", f"/clients/{di}", expect=409)
    assert "1 appointment and 1 payment" in refused["detail"]
    assert "inactive" in refused["detail"]
    practice.call("PATCH", f"/clients/{di}", {"status": "inactive"})
    assert practice.call("GET", f"/clients/{di}")["status"] == "inactive"


def test_a_prospect_becomes_active(practice: Practice) -> None:
    ed = practice.client("Ed", status="prospect")
    made = practice.book(ed, "2026-04-01T10:00:00+01:00")
    assert practice.call("GET", f"/clients/{ed}")["status"] == "prospect"
    practice.call("PATCH", f"/appointments/{made['id']}", {"status": "completed"})
    assert practice.call("GET", f"/clients/{ed}")["status"] == "active"
