"""Emails that lead somewhere, through the chain (nightly → evaluator → mailer → moto SES):
each links to the web app page where its reader acts (MOMENTUM_APP_BASE_URL), writes dates
on the organization's calendar — here Auckland, where the nightly runs while it is still
the day before in UTC — and says why it was sent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from local import infra
from momentum import adapters
from tests.integration.conftest import HttpCall, claims, sent_emails
from tests.integration.packs import physio_plan_with_two_sessions
from tests.integration.routes import at, call, ok

APP = "https://app.example"
OWNER = claims(role="owner", sub="user-olivia")
ADMIN = claims(role="admin", sub="user-adam")
Nightly = Callable[[], dict[str, Any]]


@pytest.fixture(autouse=True)
def _app_base_url(aws: infra.LocalAws, monkeypatch: pytest.MonkeyPatch) -> None:
    """The mailer's setting, as template.yaml gives it (WebAppUrl or the distribution's)."""
    monkeypatch.setenv("MOMENTUM_APP_BASE_URL", APP + "/")
    adapters.reset()  # settings are read once per process


def _org(api: HttpCall, name: str) -> None:
    body = {"name": name, "timezone": "Pacific/Auckland"}
    assert api("PUT", "/org", body=body, caller=OWNER)["status"] == 200


def _user(api: HttpCall, name: str, email: str, role: str) -> str:
    body = {"name": name, "email": email, "role": role}
    return str(ok(api("POST", "/users", caller=OWNER, body=body), 201)["id"])


def _client(api: HttpCall, name: str, email: str) -> str:
    body = {"name": name, "email": email}
    return str(ok(api("POST", "/clients", caller=ADMIN, body=body), 201)["id"])


def _to(address: str, emails: list[dict[str, Any]]) -> dict[str, Any]:
    (found,) = [e for e in emails if e["to"] == address]
    return found


def test_package_reminders_link_to_the_clients_record_and_the_portal_with_local_dates(
    api: HttpCall, nightly: Nightly
) -> None:
    """At risk from 10 May (Auckland), reminded two days later: the run at 00:30 on
    12 May in Auckland is 11 May in UTC. The last session, 10:00 on 5 May in Auckland, was
    on 4 May in UTC. The emails say the Auckland days."""
    at("2026-04-01T09:00:00+13:00")
    _org(api, "Harbour Physio")
    staff_id = _user(api, "Sam Rivers", "sam@harbour.example", "staff")
    client_id = _client(api, "Ada Lovelace", "ada@example.com")
    at("2026-05-06T09:00:00+12:00")
    physio_plan_with_two_sessions(api, ADMIN, client_id, staff_id, "+12:00")
    at("2026-05-11T12:30:00+00:00")  # 00:30 on Tuesday 12 May in Auckland
    nightly()
    emails = sent_emails()
    assert len(emails) == 2, [e["to"] for e in emails]

    staff = _to("sam@harbour.example", emails)
    record = f"{APP}/app/clients/{client_id}"
    assert f'href="{record}"' in staff["html"]
    assert f"Open Ada Lovelace's record: {record}" in staff["text"]
    for part in (staff["html"], staff["text"]):
        assert "since Sunday 10 May 2026" in part
        assert "last session was on Tuesday 5 May 2026" in part
        assert "Monday 4 May" not in part  # the UTC day of that session
    assert (
        "You're receiving this because you're the team member assigned to Ada Lovelace's "
        "Physio plan, and it has been 7 days since their last session."
    ) in staff["text"]
    assert "/unsubscribe?token=" in staff["headers"]["List-Unsubscribe"]

    client = _to("ada@example.com", emails)
    assert f'href="{APP}/app/portal"' in client["html"]
    assert f"See your sessions and how to book: {APP}/app/portal" in client["text"]
    assert "/app/clients/" not in client["text"] + client["html"]
    assert "it has been 7 days since your last session" in client["text"]


def test_off_track_engagements_link_to_the_engagement_the_report_and_the_portal(
    api: HttpCall, nightly: Nightly
) -> None:
    """A three-week engagement activated on 1 March crosses on 22 March in Auckland, in
    the run at 00:30 there, which is still Saturday 21 March in UTC."""
    at("2026-03-01T09:00:00+13:00")
    _org(api, "Summit Coaching")
    admin_id = _user(api, "Ann Admin", "ann@summit.example", "admin")
    coach_id = _user(api, "Cora Coach", "cora@summit.example", "staff")
    coachee_id = _client(api, "Cleo <Coachee>", "cleo@example.com")
    three_weeks = {
        "name": "Three weeks",
        "type": "one_to_one",
        "threshold_days": 21,
        "notify_off_track": True,
    }
    template = ok(api("POST", "/engagement-templates", caller=OWNER, body=three_weeks), 201)
    body = {
        "template_id": template["id"],
        "coachee_id": coachee_id,
        "coach_id": coach_id,
        "owner_id": admin_id,
        "status": "active",
    }
    made = ok(api("POST", "/engagements", caller=OWNER, body=body), 201)
    engagement = f"{APP}/app/engagements/{made['id']}"

    at("2026-03-21T11:30:00+00:00")  # 00:30 on Sunday 22 March in Auckland
    nightly()
    emails = sent_emails()
    assert sorted(e["to"] for e in emails) == [
        "ann@summit.example",
        "cleo@example.com",
        "cora@summit.example",
    ]

    digest = _to("ann@summit.example", emails)
    assert f'<a href="{engagement}">Cleo &lt;Coachee&gt;</a>' in digest["html"]
    report = (
        f"{APP}/app/engagements/report?progress=off_track&since_from=2026-03-22&since_to=2026-03-22"
    )
    assert f"See them in the engagements report: {report}" in digest["text"]
    assert f'href="{report.replace("&", "&amp;")}"' in digest["html"]
    assert "went off track on Sunday 22 March 2026" in digest["text"]
    assert "Saturday 21 March" not in digest["text"]
    assert "because you own these engagements" in digest["text"]

    coach = _to("cora@summit.example", emails)
    assert f"Open the engagement: {engagement}" in coach["text"]
    assert f'href="{engagement}"' in coach["html"]
    assert "off track since Sunday 22 March 2026" in coach["text"]
    assert "because you're Cleo <Coachee>'s coach" in coach["text"]

    coachee = _to("cleo@example.com", emails)
    assert f"Open your portal: {APP}/app/portal" in coachee["text"]
    assert "/app/engagements" not in coachee["text"] + coachee["html"]
    assert "because you're being coached by Cora Coach through Summit Coaching" in (coachee["text"])


def test_the_welcome_email_links_to_sign_in_then_the_portal(
    api: HttpCall, nightly: Nightly
) -> None:
    at("2026-03-01T09:00:00+13:00")
    _org(api, "Harbour Physio")
    client_id = _client(api, "Ada Lovelace", "ada@example.com")
    params = {"client_id": client_id}
    sent = call(api, "POST", "/clients/{client_id}/welcome-email", caller=ADMIN, params=params)
    assert sent["status"] in (200, 202), sent
    nightly()  # drains the mail queue
    welcome = _to("ada@example.com", sent_emails())
    sign_in = f"{APP}/app/sign-in?next=%2Fapp%2Fportal"
    assert f"Sign in to your portal: {sign_in}" in welcome["text"]
    assert f'href="{sign_in}"' in welcome["html"]
    assert "because Harbour Physio added you as a client" in welcome["text"]
