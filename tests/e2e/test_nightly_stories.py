"""The seeds' nightly stories through the local runner, moving the clock day by day."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.e2e.conftest import Runner
from tests.e2e.fresh_org import FreshOrg
from tests.package_bodies import REMINDED_AT_ONCE, physio_plan

pytestmark = pytest.mark.e2e


class Practice(FreshOrg):
    """A fresh organization on the shared runner, and helpers to act in it."""

    def __init__(self, runner: Runner) -> None:
        super().__init__(runner, "2026-04-01T09:00:00+01:00")
        put = runner.put(
            "/org",
            json={"name": "Harbour Physio", "timezone": "Europe/London", "locations": []},
            headers=self.owner,
        )
        assert put.status_code == 200, put.text
        staff = runner.post(
            "/users",
            json={"name": "Sam Rivers", "email": f"sam@{self.org}.example", "role": "staff"},
            headers=self.owner,
        )
        assert staff.status_code == 201, staff.text
        self.staff_id = staff.json()["id"]
        client = self.post(
            "/clients",
            {
                "name": "Ada Lovelace",
                "email": f"ada@{self.org}.example",
                "assigned_practitioner_ids": [self.staff_id],
            },
        )
        self.client_id = client["id"]

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.runner.post(path, json=body, headers=self.owner)
        assert response.status_code in (200, 201), (path, response.text)
        result: dict[str, Any] = response.json()
        return result

    def get(self, path: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
        response = self.runner.get(path, headers=headers or self.owner)
        assert response.status_code == 200, (path, response.text)
        result: dict[str, Any] = response.json()
        return result

    def nights(self, first: date, last: date) -> dict[str, list[dict[str, Any]]]:
        """Run the nightly at 00:30 London time each day; what each night sent to us."""
        sent: dict[str, list[dict[str, Any]]] = {}
        day = first
        while day <= last:
            self.runner.delete("/_local/emails")
            self.clock(f"{day.isoformat()}T00:30:00+01:00")
            assert self.runner.post("/_local/nightly").status_code == 200
            emails = self.runner.get("/_local/emails").json()
            sent[day.isoformat()] = [e for e in emails if self.org in e["to"]]
            day += timedelta(days=1)
        return sent


@pytest.fixture
def practice(runner: Runner) -> Practice:
    return Practice(runner)


def test_reminder_after_two_days_at_risk_goes_to_team_member_and_client(practice: Practice) -> None:
    # Created the day its past sessions are recorded: created on 1 April with no sessions it
    # would be off track from that day, an episode (and a reminder) of its own (SPEC §5).
    practice.clock("2026-05-06T09:00:00+01:00")
    pack = practice.post(
        f"/clients/{practice.client_id}/packages",
        physio_plan(practice.staff_id),
    )
    for start in ("2026-04-10T10:00:00+01:00", "2026-05-05T10:00:00+01:00"):
        practice.post(
            "/appointments",
            {
                "client_id": practice.client_id,
                "practitioner_id": practice.staff_id,
                "starts_at": start,
                "ends_at": start.replace("10:00", "11:00"),
                "status": "completed",
                "package_id": pack["id"],
            },
        )
    sent = practice.nights(date(2026, 5, 9), date(2026, 5, 13))
    assert {day: len(emails) for day, emails in sent.items()} == {
        "2026-05-09": 0,
        "2026-05-10": 0,
        "2026-05-11": 0,
        "2026-05-12": 2,
        "2026-05-13": 0,
    }
    recipients = sorted(e["to"] for e in sent["2026-05-12"])
    assert recipients == sorted([f"ada@{practice.org}.example", f"sam@{practice.org}.example"])
    for email in sent["2026-05-12"]:
        assert email["html"]
        assert email["text"]
        assert "Harbour Physio" in email["text"]
        assert email["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert practice.get(f"/packages/{pack['id']}")["status"] == "at_risk"


def test_tracker_end_date_task_and_auto_reset(practice: Practice) -> None:
    practice.clock("2026-03-01T09:00:00+00:00")
    tracker = practice.post(
        f"/clients/{practice.client_id}/trackers",
        {
            "sessions": 3,
            "begin_date": "2026-03-01",
            "end_date": "2026-03-14",
            "note": "Fortnightly review",
            "auto_reset": True,
            "task": {"assignee_id": practice.staff_id, "trigger": "first"},
        },
    )
    practice.nights(date(2026, 3, 13), date(2026, 3, 16))
    staff = practice.runner.headers(org=practice.org, role="staff", sub=practice.staff_id)
    tasks = practice.get("/tasks", headers=staff)["items"]
    assert [(t["reason"], t["period_begin"]) for t in tasks] == [("end_date", "2026-03-01")]
    got = practice.get(f"/trackers/{tracker['id']}")
    assert (got["period_begin"], got["period_end"], got["used"]) == ("2026-03-15", "2026-03-28", 0)


def test_a_pack_expires_and_renews_once(practice: Practice) -> None:
    template = practice.post(
        "/package-templates",
        {
            "name": "Monthly pack",
            "type": "fixed",
            "size": 4,
            "validity_days": 30,
            "auto_renew": True,
        },
    )
    pack = practice.post(
        f"/clients/{practice.client_id}/packages",
        {"template_id": template["id"], "start_date": "2026-04-01"},
    )
    practice.nights(date(2026, 4, 30), date(2026, 5, 2))
    packs = practice.get(f"/clients/{practice.client_id}/packages")["items"]
    assert len(packs) == 2
    renewed = next(p for p in packs if p["id"] != pack["id"])
    assert (renewed["start_date"], renewed["end_date"], renewed["renewed_from_id"]) == (
        "2026-05-01",
        "2026-05-30",
        pack["id"],
    )
    practice.nights(date(2026, 5, 2), date(2026, 5, 3))
    assert len(practice.get(f"/clients/{practice.client_id}/packages")["items"]) == 2


def test_the_nightly_twice_in_one_day_sends_nothing_new(practice: Practice) -> None:
    practice.post(
        f"/clients/{practice.client_id}/packages",
        REMINDED_AT_ONCE,
    )
    first = practice.nights(date(2026, 4, 2), date(2026, 4, 2))
    assert len(first["2026-04-02"]) == 1
    again = practice.nights(date(2026, 4, 2), date(2026, 4, 2))
    assert again["2026-04-02"] == []
