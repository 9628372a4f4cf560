"""SPEC §4 over the API: once a subscription's allowance for a period is used, an appointment
dated in that period into it is a 409, the open-packages list leaves it out until the next
period begins, and the preferred package does not take it. The period is the one holding
the appointment's date in the organization's timezone."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any

import pytest

from tests.integration import routes
from tests.integration.conftest import HttpCall, claims
from tests.integration.routes import at, ok

ADMIN = claims(role="admin", sub="user-adam")
OWNER = claims(role="owner", sub="user-olivia")
# New York is 4 hours behind UTC in May: 23:30 local on 10 May is 03:30 UTC on 11 May.
NEW_YORK = "America/New_York"
call = partial(routes.call, caller=ADMIN)


@pytest.fixture
def practice(api: HttpCall) -> dict[str, str]:
    at("2026-05-04T09:00:00-04:00")
    api("PUT", "/org", body={"name": "Hudson Physio", "timezone": NEW_YORK}, caller=OWNER)
    sam = {"name": "Sam Rivers", "email": "sam@hudson.example", "role": "staff"}
    staff_id = str(ok(api("POST", "/users", caller=OWNER, body=sam), 201)["id"])
    ada = {"name": "Ada", "assigned_practitioner_ids": [staff_id]}
    client_id = str(ok(api("POST", "/clients", caller=ADMIN, body=ada), 201)["id"])
    # Weekly, one session a week, periods Monday 4 May - Sunday 10 May, 11 - 17 May...
    weekly = {
        "type": "subscription",
        "size": 1,
        "period": "week",
        "start_date": "2026-05-04",
        "preferred": True,
    }
    pack = call(api, "POST", "/clients/{client_id}/packages", body=weekly, params=_of(client_id))
    return {"client_id": client_id, "staff_id": staff_id, "pack_id": str(ok(pack, 201)["id"])}


def _of(client_id: str) -> dict[str, str]:
    return {"client_id": client_id}


def book(
    api: HttpCall,
    practice: dict[str, str],
    starts_at: str,
    *,
    status: str = "scheduled",
    package: bool = True,
) -> dict[str, Any]:
    start = datetime.fromisoformat(starts_at)
    body: dict[str, Any] = {
        "client_id": practice["client_id"],
        "practitioner_id": practice["staff_id"],
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(minutes=50)).isoformat(),
        "status": status,
    }
    if package:
        body["package_id"] = practice["pack_id"]
    return api("POST", "/appointments", caller=ADMIN, body=body)


def open_packages(api: HttpCall, practice: dict[str, str]) -> list[str]:
    params = _of(practice["client_id"])
    listed = call(
        api, "GET", "/clients/{client_id}/packages", query={"open": "true"}, params=params
    )
    return [p["id"] for p in ok(listed, 200)["items"]]


def _a_session_used_this_week(api: HttpCall, practice: dict[str, str]) -> None:
    """On Wednesday 6 May, the week's one session is used (completed on Tuesday)."""
    at("2026-05-06T12:00:00-04:00")
    assert book(api, practice, "2026-05-05T10:00:00-04:00", status="completed")["status"] == 201


def test_a_used_weekly_allowance_refuses_the_period_and_reopens_with_the_next(
    api: HttpCall, practice: dict[str, str]
) -> None:
    at("2026-05-06T12:00:00-04:00")
    assert open_packages(api, practice) == [practice["pack_id"]]
    done = book(api, practice, "2026-05-05T10:00:00-04:00", status="completed")
    assert done["status"] == 201, done

    # Sunday 10 May 23:30 in New York is Monday 11 May in UTC: still this week's period.
    refused = book(api, practice, "2026-05-11T03:30:00+00:00")
    assert refused["status"] == 409, refused
    assert refused["headers"]["content-type"].startswith("application/problem+json")
    detail = refused["json"]["detail"]
    assert "allowance of 1 sessions per week is used up for 2026-05-04 to 2026-05-10" in detail
    assert "from 2026-05-11" in detail
    # Monday 11 May 00:30 in New York: the next period has its session.
    taken = book(api, practice, "2026-05-11T00:30:00-04:00")
    assert taken["status"] == 201, taken
    assert taken["json"]["package_id"] == practice["pack_id"]

    # Not offered for the rest of this period, though it is still an open (running) package.
    assert open_packages(api, practice) == []
    pack_id = practice["pack_id"]
    got = call(api, "GET", "/packages/{package_id}", params={"package_id": pack_id})["json"]
    assert (got["lifecycle"], got["open"], got["outstanding"]) == ("open", False, 0)
    at("2026-05-10T23:59:00-04:00")
    assert open_packages(api, practice) == []
    at("2026-05-11T00:01:00-04:00")  # 04:01 UTC: the new week has begun in New York
    assert open_packages(api, practice) == [pack_id]


def test_the_preferred_package_does_not_take_an_appointment_its_period_has_no_room_for(
    api: HttpCall, practice: dict[str, str]
) -> None:
    _a_session_used_this_week(api, practice)
    this_week = book(api, practice, "2026-05-08T10:00:00-04:00", package=False)
    assert this_week["status"] == 201, this_week
    assert this_week["json"]["package_id"] is None
    next_week = book(api, practice, "2026-05-12T10:00:00-04:00", package=False)
    assert next_week["status"] == 201, next_week
    assert next_week["json"]["package_id"] == practice["pack_id"]


def test_moving_an_appointment_into_a_used_period_of_the_package_is_refused(
    api: HttpCall, practice: dict[str, str]
) -> None:
    _a_session_used_this_week(api, practice)
    loose = book(api, practice, "2026-05-09T10:00:00-04:00", package=False)
    assert loose["json"]["package_id"] is None  # the preferred package had no room
    appointment_id = loose["json"]["id"]
    moved = call(
        api,
        "PATCH",
        "/appointments/{appointment_id}",
        body={"package_id": practice["pack_id"]},
        params={"appointment_id": appointment_id},
    )
    assert moved["status"] == 409, moved
    assert "is used up for 2026-05-04 to 2026-05-10" in moved["json"]["detail"]
