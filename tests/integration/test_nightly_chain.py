"""The nightly chain in-process: nightly → evaluator → mailer, day by day (SPEC §5, §6, §8)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from momentum import clock
from tests.integration.conftest import HttpCall, claims, sent_emails
from tests.integration.packs import physio_plan_with_two_sessions
from tests.package_bodies import REMINDED_AT_ONCE

ADMIN = claims(role="admin", sub="user-adam")
OWNER = claims(role="owner", sub="user-olivia")

Nightly = Callable[[], dict[str, Any]]


def at(text: str) -> None:
    clock.install(clock.SettableClock(datetime.fromisoformat(text)))


def path(method: str, template: str, **params: str) -> dict[str, Any]:
    return {"route": f"{method} {template}", "path_parameters": params}


def each_night(first: str, last: str, nightly: Nightly) -> dict[str, list[dict[str, Any]]]:
    """Run the nightly at 00:30 London time each day; the emails each night sent."""
    day = datetime.fromisoformat(f"{first}T00:30:00+01:00")
    end = datetime.fromisoformat(f"{last}T00:30:00+01:00")
    seen = len(sent_emails())  # only what these nights send
    by_day: dict[str, list[dict[str, Any]]] = {}
    while day <= end:
        at(day.isoformat())
        nightly()
        emails = sent_emails()
        by_day[day.date().isoformat()] = emails[seen:]
        seen = len(emails)
        day += timedelta(days=1)
    return by_day


@pytest.fixture
def practice(api: HttpCall) -> dict[str, str]:
    at("2026-04-01T09:00:00+01:00")
    api("PUT", "/org", body={"name": "Harbour Physio", "timezone": "Europe/London"}, caller=OWNER)
    staff = api(
        "POST",
        "/users",
        caller=OWNER,
        body={"name": "Sam Rivers", "email": "sam@harbour.example", "role": "staff"},
    )
    assert staff["status"] == 201, staff
    staff_id = staff["json"]["id"]
    client = api(
        "POST",
        "/clients",
        caller=ADMIN,
        body={
            "name": "Ada Lovelace",
            "email": "ada@example.com",
            "assigned_practitioner_ids": [staff_id],
        },
    )["json"]
    return {"staff_id": staff_id, "client_id": client["id"]}


def test_the_seed_reminder_goes_out_two_days_into_the_at_risk_episode(
    api: HttpCall, practice: dict[str, str], nightly: Nightly
) -> None:
    """At risk from 10 May, reminder after 2 days → the reminder goes out on 12 May, to the
    team member and to the client; once per episode."""
    client_id, staff_id = practice["client_id"], practice["staff_id"]
    # Created the day its past sessions are recorded: created on 1 April with no sessions
    # it would have been off track from that day, an episode of its own.
    at("2026-05-06T09:00:00+01:00")
    package_id = physio_plan_with_two_sessions(api, ADMIN, client_id, staff_id, "+01:00")
    emails = each_night("2026-05-07", "2026-05-15", nightly)
    assert {day: len(sent) for day, sent in emails.items()} == {
        "2026-05-07": 0,
        "2026-05-08": 0,
        "2026-05-09": 0,
        "2026-05-10": 0,
        "2026-05-11": 0,
        "2026-05-12": 2,
        "2026-05-13": 0,
        "2026-05-14": 0,
        "2026-05-15": 0,
    }
    to = sorted(e["to"] for e in emails["2026-05-12"])
    assert any("sam@harbour.example" in t for t in to)
    assert any("ada@example.com" in t for t in to)
    staff_email = next(e for e in emails["2026-05-12"] if "sam@" in e["to"])
    assert "Ada Lovelace" in staff_email["subject"]
    assert staff_email["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    got = api(
        "GET",
        f"/packages/{package_id}",
        caller=ADMIN,
        **path("GET", "/packages/{package_id}", package_id=package_id),
    )["json"]
    assert got["status"] == "at_risk"


REMINDER_AFTER_2_DAYS = {
    "enabled": True,
    "window_days": 30,
    "at_risk_below": 2,
    "off_track_below": 1,
    "reminder_after_days": 2,
    "remind_team_member": True,
    "remind_client": True,
}


def _reminder_pack(api: HttpCall, practice: dict[str, str], start_date: str) -> dict[str, Any]:
    client_id = practice["client_id"]
    made = api(
        "POST",
        f"/clients/{client_id}/packages",
        caller=ADMIN,
        body={
            "type": "usage",
            "name": "Physio plan",
            "start_date": start_date,
            "assigned_team_member_id": practice["staff_id"],
            "on_track": REMINDER_AFTER_2_DAYS,
        },
        **path("POST", "/clients/{client_id}/packages", client_id=client_id),
    )
    assert made["status"] == 201, made
    pack: dict[str, Any] = made["json"]
    return pack


def _session(api: HttpCall, practice: dict[str, str], pack_id: str, on: str) -> str:
    made = api(
        "POST",
        "/appointments",
        caller=ADMIN,
        body={
            "client_id": practice["client_id"],
            "practitioner_id": practice["staff_id"],
            "starts_at": f"{on}T10:00:00+01:00",
            "ends_at": f"{on}T11:00:00+01:00",
            "status": "completed",
            "package_id": pack_id,
        },
    )
    assert made["status"] == 201, made
    return str(made["json"]["id"])


def _cancel(api: HttpCall, appointment_id: str) -> None:
    changed = api(
        "PATCH",
        f"/appointments/{appointment_id}",
        caller=ADMIN,
        body={"status": "cancelled"},
        **path("PATCH", "/appointments/{appointment_id}", appointment_id=appointment_id),
    )
    assert changed["status"] == 200, changed


def _reminder_days(emails: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    return {day: len(sent) for day, sent in emails.items() if sent}


def test_an_episode_started_by_a_cancelled_appointment_is_reminded_on_start_plus_2_days(
    api: HttpCall, practice: dict[str, str], nightly: Nightly
) -> None:
    """SPEC §5: the episode starts the day the status changed, whatever changed it. Two
    episodes in a row started by cancellations each get their reminder on start + 2 days
    (it came a day late, and the second episode got none)."""
    at("2026-04-20T09:00:00+01:00")
    pack = _reminder_pack(api, practice, "2026-04-01")  # first window until 30 April
    _session(api, practice, pack["id"], "2026-04-20")
    at("2026-04-27T12:00:00+01:00")
    later = _session(api, practice, pack["id"], "2026-04-27")
    assert _reminder_days(each_night("2026-04-28", "2026-05-10", nightly)) == {}

    at("2026-05-10T15:00:00+01:00")
    _cancel(api, later)  # one session left in the window: at risk from 10 May
    assert _reminder_days(each_night("2026-05-11", "2026-05-13", nightly)) == {"2026-05-12": 2}

    at("2026-05-14T12:00:00+01:00")
    again = _session(api, practice, pack["id"], "2026-05-14")  # on track again
    assert _reminder_days(each_night("2026-05-15", "2026-05-15", nightly)) == {}
    at("2026-05-16T12:00:00+01:00")
    _cancel(api, again)  # the next episode, from 16 May
    emails = each_night("2026-05-17", "2026-05-19", nightly)
    assert _reminder_days(emails) == {"2026-05-18": 2}
    staff_email = next(e for e in emails["2026-05-18"] if "sam@harbour.example" in e["to"])
    assert "since Saturday 16 May 2026" in staff_email["text"]
    assert any("ada@example.com" in e["to"] for e in emails["2026-05-18"])


def test_a_package_created_already_off_track_is_reminded_2_days_after_its_creation(
    api: HttpCall, practice: dict[str, str], nightly: Nightly
) -> None:
    """Created on 6 May with a start date in March and no sessions: off track from the day
    it is created, so the reminder goes out on 8 May (it used to come days late)."""
    at("2026-05-06T09:00:00+01:00")
    pack = _reminder_pack(api, practice, "2026-03-01")
    assert pack["status"] == "off_track"
    emails = each_night("2026-05-07", "2026-05-12", nightly)
    assert _reminder_days(emails) == {"2026-05-08": 2}
    assert any("sam@harbour.example" in e["to"] for e in emails["2026-05-08"])
    assert any("ada@example.com" in e["to"] for e in emails["2026-05-08"])


def test_running_the_nightly_twice_on_the_same_day_sends_nothing_new(
    api: HttpCall, practice: dict[str, str], nightly: Nightly
) -> None:
    client_id = practice["client_id"]
    api(
        "POST",
        f"/clients/{client_id}/packages",
        caller=ADMIN,
        body=REMINDED_AT_ONCE,
        **path("POST", "/clients/{client_id}/packages", client_id=client_id),
    )
    at("2026-04-02T00:30:00+01:00")
    nightly()
    first = len(sent_emails())
    assert first == 1
    nightly()
    assert len(sent_emails()) == first


def test_a_pack_expires_and_renews_exactly_once(
    api: HttpCall, practice: dict[str, str], nightly: Nightly
) -> None:
    client_id = practice["client_id"]
    template = api(
        "POST",
        "/package-templates",
        caller=ADMIN,
        body={
            "name": "Monthly pack",
            "type": "fixed",
            "size": 4,
            "validity_days": 30,
            "auto_renew": True,
        },
    )["json"]
    pack = api(
        "POST",
        f"/clients/{client_id}/packages",
        caller=ADMIN,
        body={"template_id": template["id"], "start_date": "2026-04-01"},
        **path("POST", "/clients/{client_id}/packages", client_id=client_id),
    )["json"]
    assert pack["end_date"] == "2026-04-30"
    each_night("2026-04-29", "2026-05-03", nightly)
    route = path("GET", "/clients/{client_id}/packages", client_id=client_id)
    packs = api("GET", f"/clients/{client_id}/packages", caller=ADMIN, **route)["json"]["items"]
    assert len(packs) == 2
    renewed = next(p for p in packs if p["id"] != pack["id"])
    assert renewed["renewed_from_id"] == pack["id"]
    assert (renewed["start_date"], renewed["end_date"]) == ("2026-05-01", "2026-05-30")
    assert next(p for p in packs if p["id"] == pack["id"])["lifecycle"] == "expired"
    nightly()
    assert (
        len(api("GET", f"/clients/{client_id}/packages", caller=ADMIN, **route)["json"]["items"])
        == 2
    )


def test_a_tracker_end_date_task_and_auto_reset(
    api: HttpCall, practice: dict[str, str], nightly: Nightly
) -> None:
    client_id, staff_id = practice["client_id"], practice["staff_id"]
    at("2026-03-01T09:00:00+00:00")
    tracker = api(
        "POST",
        f"/clients/{client_id}/trackers",
        caller=ADMIN,
        body={
            "sessions": 4,
            "begin_date": "2026-03-01",
            "end_date": "2026-03-14",
            "note": "Review",
            "task": {"assignee_id": staff_id, "trigger": "end_date"},
            "auto_reset": True,
        },
        **path("POST", "/clients/{client_id}/trackers", client_id=client_id),
    )["json"]
    staff = claims(role="staff", sub=staff_id)
    day = datetime.fromisoformat("2026-03-13T00:30:00+00:00")
    while day <= datetime.fromisoformat("2026-03-16T00:30:00+00:00"):
        at(day.isoformat())
        nightly()
        day += timedelta(days=1)
    tasks = api("GET", "/tasks", caller=staff)["json"]["items"]
    assert len(tasks) == 1
    assert tasks[0]["reason"] == "end_date"
    assert tasks[0]["period_begin"] == "2026-03-01"
    got = api(
        "GET",
        f"/trackers/{tracker['id']}",
        caller=ADMIN,
        **path("GET", "/trackers/{tracker_id}", tracker_id=tracker["id"]),
    )["json"]
    assert (got["period_begin"], got["period_end"]) == ("2026-03-15", "2026-03-28")
    nightly()
    assert len(api("GET", "/tasks", caller=staff)["json"]["items"]) == 1


def test_the_nightly_reads_only_what_is_due(
    api: HttpCall, practice: dict[str, str], nightly: Nightly, dynamodb_calls: list[str]
) -> None:
    client_id = practice["client_id"]
    api(
        "POST",
        f"/clients/{client_id}/packages",
        caller=ADMIN,
        body={
            "type": "usage",
            "start_date": "2026-04-01",
            "on_track": {
                "enabled": True,
                "window_days": 60,
                "at_risk_below": 1,
                "off_track_below": 0,
            },
        },
        **path("POST", "/clients/{client_id}/packages", client_id=client_id),
    )
    at("2026-04-02T00:30:00+01:00")
    dynamodb_calls.clear()
    summary = nightly()
    # Nothing can change before the first window ends: nothing is due, nothing is read.
    assert summary["NightlyFunction"]["items"] == 0
    assert set(dynamodb_calls) == {"Query"}
