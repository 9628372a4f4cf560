"""Engagement off-track emails through the local runner (SPEC §7, §8): three emails on the
day it crosses, one digest per administrator, and who may (not) be emailed."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import Runner
from tests.e2e.fresh_org import FreshOrg

pytestmark = pytest.mark.e2e


class Coaching(FreshOrg):
    def __init__(self, runner: Runner) -> None:
        super().__init__(runner, "2026-03-01T09:00:00+00:00")
        self.send("PUT", "/org", {"name": "Bright Coaching", "timezone": "Europe/London"})
        self.admin_id = self.user("Ann Admin", "admin")
        self.coach_id = self.user("Cole Coach", "staff")
        template = self.send(
            "POST",
            "/engagement-templates",
            {
                "name": "Three weeks",
                "type": "one_to_one",
                "threshold_days": 21,
                "notify_off_track": True,
            },
        )
        self.template_id = template["id"]

    def address(self, name: str) -> str:
        return f"{name.split(maxsplit=1)[0].lower()}@{self.org}.example"

    def send(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self.runner.request(method, path, json=body, headers=self.owner)
        assert response.status_code in (200, 201), (method, path, response.text)
        return response.json()

    def user(self, name: str, role: str) -> str:
        body = {"name": name, "email": self.address(name), "role": role}
        return str(self.send("POST", "/users", body)["id"])

    def coachee(self, name: str, **fields: Any) -> str:
        body = {"name": name, "email": self.address(name), **fields}
        return str(self.send("POST", "/clients", body)["id"])

    def engage(self, coachee_id: str) -> str:
        body = {
            "template_id": self.template_id,
            "coachee_id": coachee_id,
            "coach_id": self.coach_id,
            "owner_id": self.admin_id,
            "status": "active",
        }
        return str(self.send("POST", "/engagements", body)["id"])

    def night(self, day: str) -> list[dict[str, Any]]:
        self.runner.delete("/_local/emails")
        self.clock(f"{day}T00:30:00+00:00")
        assert self.runner.post("/_local/nightly").status_code == 200
        return [e for e in self.runner.get("/_local/emails").json() if self.org in e["to"]]


@pytest.fixture
def coaching(runner: Runner) -> Coaching:
    return Coaching(runner)


def test_the_day_it_goes_off_track_coachee_coach_and_owner_are_emailed(coaching: Coaching) -> None:
    coaching.engage(coaching.coachee("Dana Doe"))
    assert coaching.night("2026-03-21") == []
    crossing = coaching.night("2026-03-22")
    assert sorted(e["to"] for e in crossing) == sorted(
        [
            coaching.address("Dana Doe"),
            coaching.address("Cole Coach"),
            coaching.address("Ann Admin"),
        ]
    )
    assert coaching.night("2026-03-23") == []


def test_five_engagements_of_one_admin_give_that_admin_one_digest(coaching: Coaching) -> None:
    names = ["Eve One", "Fay Two", "Gus Three", "Hal Four", "Ivy Five"]
    for name in names:
        coaching.engage(coaching.coachee(name))
    crossing = coaching.night("2026-03-22")
    to_admin = [e for e in crossing if e["to"] == coaching.address("Ann Admin")]
    assert len(to_admin) == 1
    for name in names:
        assert name in to_admin[0]["text"]
        assert name in to_admin[0]["html"]
    assert len([e for e in crossing if e["to"] == coaching.address("Cole Coach")]) == 5
    assert len(crossing) == 11


def test_an_inactive_internal_coachee_gets_nothing_and_an_invited_one_does(
    coaching: Coaching,
) -> None:
    internal = coaching.coachee("Ike Internal")
    invited = coaching.coachee("Ina Invited")
    coaching.send("PUT", f"/clients/{invited}/login", {})
    coaching.engage(internal)
    coaching.engage(invited)
    for client_id in (internal, invited):
        coaching.send("PATCH", f"/clients/{client_id}", {"status": "inactive"})
    crossing = coaching.night("2026-03-22")
    recipients = [e["to"] for e in crossing]
    assert coaching.address("Ike Internal") not in recipients
    assert coaching.address("Ina Invited") in recipients


def test_the_owner_unsubscribes_from_digests_with_a_multipart_one_click_post(
    coaching: Coaching,
) -> None:
    """RFC 8058: a mail provider may POST `List-Unsubscribe=One-Click` as multipart/form-data
    (the runner passes it base64-encoded, as API Gateway does); later digests stop."""
    coaching.engage(coaching.coachee("Jo First"))
    (digest,) = [
        e for e in coaching.night("2026-03-22") if e["to"] == coaching.address("Ann Admin")
    ]
    assert digest["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = urlsplit(digest["headers"]["List-Unsubscribe"].strip("<>"))
    response = coaching.runner.post(
        f"{link.path}?{link.query}", files={"List-Unsubscribe": (None, "One-Click")}
    )
    assert response.status_code == 200, response.text
    assert response.request.headers["Content-Type"].startswith("multipart/form-data")
    coaching.clock("2026-03-05T09:00:00+00:00")
    coaching.engage(coaching.coachee("Kim Second"))
    crossing = coaching.night("2026-03-26")
    assert coaching.address("Ann Admin") not in [e["to"] for e in crossing]
    assert coaching.address("Kim Second") in [e["to"] for e in crossing]
