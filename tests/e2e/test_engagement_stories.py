"""The seed's engagement stories through the local runner over HTTP (seed:
engagement-progress-tracking, SPEC §7): the clock is moved with POST /_local/clock, and
the engagements page and report read the same progress."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.e2e.conftest import Runner

pytestmark = pytest.mark.e2e


def _org() -> str:
    return f"org-{uuid.uuid4().hex[:8]}"


def set_clock(runner: Runner, now: str) -> None:
    response = runner.post("/_local/clock", json={"now": now})
    assert response.status_code == 200, response.text


class Team:
    """One organization's callers."""

    def __init__(self, runner: Runner, org: str) -> None:
        self.runner = runner
        self.admin = runner.headers(org=org, role="admin", sub="u-adam")
        self.coach = runner.headers(org=org, role="staff", sub="u-cora")
        self.staff = runner.headers(org=org, role="staff", sub="u-sam")

    def ok(self, response: Any, status: int = 200) -> dict[str, Any]:
        assert response.status_code == status, response.text
        body: dict[str, Any] = response.json()
        return body

    def post(
        self, path: str, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """POST as the admin (or with `headers`), expecting 201 Created."""
        return self.ok(self.runner.post(path, json=body, headers=headers or self.admin), 201)

    def engagement(
        self, engagement_id: str, headers: dict[str, str] | None = None
    ) -> dict[str, Any]:
        return self.ok(
            self.runner.get(f"/engagements/{engagement_id}", headers=headers or self.admin)
        )

    def book(self, client_id: str, engagement_id: str, start: str, **extra: Any) -> dict[str, Any]:
        starts = datetime.fromisoformat(start)
        body = {
            "client_id": client_id,
            "practitioner_id": "u-cora",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(),
            "engagement_id": engagement_id,
            **extra,
        }
        return self.post("/appointments", body)


def setup(runner: Runner) -> tuple[Team, str]:
    """An organization in London with one coachee assigned to Sam."""
    set_clock(runner, "2026-02-25T09:00:00+00:00")
    org = _org()
    team = Team(runner, org)
    owner = runner.headers(org=org, role="owner", sub="u-owner")
    body = {"name": "Summit", "timezone": "Europe/London", "locations": []}
    team.ok(runner.put("/org", json=body, headers={**owner, "If-Match": '"0"'}))
    cleo = {"name": "Cleo", "email": "cleo@example.com", "assigned_practitioner_ids": ["u-sam"]}
    coachee = team.post("/clients", cleo)
    return team, str(coachee["id"])


def test_given_three_weeks_from_1_march_then_off_track_22_march_until_a_session_is_booked(
    runner: Runner,
) -> None:
    team, coachee = setup(runner)
    three_weeks = {
        "name": "Three weeks",
        "type": "one_to_one",
        "threshold_days": 21,
        "notify_off_track": True,
    }
    key = {"Idempotency-Key": f"tpl-{uuid.uuid4()}"}
    template = team.post("/engagement-templates", three_weeks, {**team.admin, **key})
    set_clock(runner, "2026-03-01T10:00:00+00:00")
    made = team.post(
        "/engagements", {"template_id": template["id"], "coachee_id": coachee, "coach_id": "u-cora"}
    )
    activated = runner.patch(
        f"/engagements/{made['id']}",
        json={"status": "active"},
        headers={**team.admin, "If-Match": f'"{made["version"]}"'},
    )
    engagement_id = team.ok(activated)["id"]
    assert activated.json()["started_on"] == "2026-03-01"

    set_clock(runner, "2026-03-21T23:30:00+00:00")  # 21 March in London (GMT)
    assert team.engagement(engagement_id)["progress"] == "on_track"
    set_clock(runner, "2026-03-22T00:30:00+00:00")
    off = team.engagement(engagement_id)
    assert (off["progress"], off["off_track_since"]) == ("off_track", "2026-03-22")
    # The coach sees it; a staff member who is not the coach sees `-`.
    assert team.engagement(engagement_id, team.coach)["progress"] == "off_track"
    seen_by_staff = team.engagement(engagement_id, team.staff)
    assert (seen_by_staff["progress"], seen_by_staff["off_track_since"]) == ("not_tracking", None)
    page = team.ok(runner.get("/engagements?progress=off_track", headers=team.admin))
    assert [e["id"] for e in page["items"]] == [engagement_id]

    report = runner.get(
        "/reports/engagements?off_track_since_from=2026-03-22&format=csv", headers=team.admin
    )
    assert report.status_code == 200, report.text
    assert 'filename="engagements-2026-03-22.csv"' in report.headers["Content-Disposition"]
    assert report.text.startswith("\ufeff")  # UTF-8 with a byte order mark, for Excel
    (row,) = list(csv.DictReader(io.StringIO(report.text.removeprefix("\ufeff"), newline="")))
    assert (row["Engagement ID"], row["Progress"], row["Off track since"]) == (
        engagement_id,
        "Off track",
        "2026-03-22",
    )

    team.book(coachee, engagement_id, "2026-03-25T10:00:00+00:00")
    back = team.engagement(engagement_id)
    assert (back["progress"], back["off_track_since"]) == ("on_track", None)
    on_report = team.ok(runner.get("/reports/engagements?progress=on_track", headers=team.admin))
    assert [r["engagement_id"] for r in on_report["items"]] == [engagement_id]
    history = team.ok(
        runner.get(f"/engagements/{engagement_id}?include=history", headers=team.admin)
    )["history"]
    assert [(h["field"], h["from_status"], h["to_status"], h["date"]) for h in history] == [
        ("status", None, "draft", "2026-03-01"),
        ("status", "draft", "active", "2026-03-01"),
        # The booking brought it back On track: recorded by the appointment write.
        ("progress", "off_track", "on_track", "2026-03-22"),
    ]


def test_given_coach_matching_then_discovery_calls_and_the_coach_selection_keep_it_on_track(
    runner: Runner,
) -> None:
    team, coachee = setup(runner)
    template = team.post(
        "/engagement-templates",
        {"name": "Find a coach", "type": "coach_matching", "threshold_days": 14},
    )
    set_clock(runner, "2026-03-01T10:00:00+00:00")
    made = team.post(
        "/engagements", {"template_id": template["id"], "coachee_id": coachee, "status": "matching"}
    )
    engagement_id = made["id"]
    set_clock(runner, "2026-03-14T10:00:00+00:00")
    assert team.engagement(engagement_id)["progress"] == "on_track"
    set_clock(runner, "2026-03-15T10:00:00+00:00")
    assert team.engagement(engagement_id)["off_track_since"] == "2026-03-15"
    # A discovery call scheduled ahead brings it back.
    team.book(coachee, engagement_id, "2026-03-18T10:00:00+00:00", kind="discovery_call")
    assert team.engagement(engagement_id)["progress"] == "on_track"
    set_clock(runner, "2026-04-01T10:00:00+00:00")
    assert team.engagement(engagement_id)["off_track_since"] == "2026-04-01"  # 18 March + 14
    selected = team.ok(
        runner.patch(
            f"/engagements/{engagement_id}", json={"coach_id": "u-cora"}, headers=team.admin
        )
    )
    assert (selected["status"], selected["progress"], selected["coach_selected_on"]) == (
        "active",
        "on_track",
        "2026-04-01",
    )
    set_clock(runner, "2026-04-15T10:00:00+00:00")
    assert team.engagement(engagement_id, team.coach)["off_track_since"] == "2026-04-15"


def test_given_an_admin_of_another_organization_then_every_engagement_route_is_404(
    runner: Runner,
) -> None:
    team, coachee = setup(runner)
    template = team.post(
        "/engagement-templates", {"name": "T", "type": "on_demand", "threshold_days": 7}
    )
    made = team.post("/engagements", {"template_id": template["id"], "coachee_id": coachee})
    stranger = runner.headers(org=_org(), role="admin", sub="u-alien")
    responses = [
        runner.get(f"/engagements/{made['id']}", headers=stranger),
        runner.patch(f"/engagements/{made['id']}", json={"status": "active"}, headers=stranger),
        runner.get(f"/engagement-templates/{template['id']}", headers=stranger),
        runner.patch(
            f"/engagement-templates/{template['id']}", json={"name": "X"}, headers=stranger
        ),
        runner.post(
            "/engagements",
            json={"template_id": template["id"], "coachee_id": coachee},
            headers=stranger,
        ),
    ]
    assert [r.status_code for r in responses] == [404] * len(responses)
    assert {r.headers["Content-Type"] for r in responses} == {"application/problem+json"}
    assert team.engagement(made["id"])["status"] == "draft"
    assert runner.get("/engagements", headers=stranger).json()["items"] == []
    assert runner.get("/reports/engagements", headers=stranger).json()["items"] == []


def test_given_the_on_track_report_over_http_then_the_csv_matches_the_json(
    runner: Runner,
) -> None:
    team, coachee = setup(runner)
    set_clock(runner, "2026-04-10T09:00:00+00:00")
    on_track = {"enabled": True, "window_days": 30, "at_risk_below": 2, "off_track_below": 1}
    pack = team.post(
        f"/clients/{coachee}/packages",
        {"type": "fixed", "size": 10, "start_date": "2026-01-01", "on_track": on_track},
    )
    body = {
        "client_id": coachee,
        "practitioner_id": "u-sam",
        "starts_at": "2026-04-02T09:00:00+00:00",
        "ends_at": "2026-04-02T10:00:00+00:00",
        "package_id": pack["id"],
        "status": "completed",
    }
    team.post("/appointments", body)
    as_json = team.ok(runner.get("/reports/on-track", headers=team.staff))["items"]
    assert [(r["package_id"], r["status"], r["outstanding"], r["days_since"]) for r in as_json] == [
        (pack["id"], "at_risk", 9, 8)
    ]
    exported = runner.get("/reports/on-track?format=csv", headers=team.staff)
    assert exported.status_code == 200
    assert exported.headers["Content-Type"].startswith("text/csv")
    assert 'filename="on-track-2026-04-10.csv"' in exported.headers["Content-Disposition"]
    parsed = list(csv.DictReader(io.StringIO(exported.text.removeprefix("\ufeff"), newline="")))
    # The same rows, for people: headings, status words, names beside ids.
    assert [(r["Package ID"], r["Status"], r["Outstanding"], r["Days since"]) for r in parsed] == [
        (pack["id"], "At risk", "9", "8")
    ]
    assert [r["Client ID"] for r in parsed] == [r["client_id"] for r in as_json]
    assert runner.get("/reports/on-track", headers=team.coach).json()["items"] == []
