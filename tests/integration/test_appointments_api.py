"""Appointments over the API: counts and statuses change in the same request (SPEC §3-§5)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from momentum import clock
from tests.integration.conftest import OTHER_ORG, HttpCall, claims
from tests.integration.people import seed_staff, seed_user

ADMIN = claims(role="admin", sub="user-adam")
STAFF = claims(role="staff", sub="user-sam")
OTHER_STAFF = claims(role="staff", sub="user-zoe")
ON_TRACK = {"enabled": True, "window_days": 30, "at_risk_below": 2, "off_track_below": 1}


def at(text: str) -> None:
    clock.install(clock.SettableClock(datetime.fromisoformat(text)))


def path(method: str, template: str, **params: str) -> dict[str, Any]:
    return {"route": f"{method} {template}", "path_parameters": params}


@pytest.fixture
def practice(api: HttpCall) -> dict[str, str]:
    at("2026-04-01T09:00:00+00:00")
    api("PUT", "/org", body={"name": "Harbour", "timezone": "Europe/London"})
    seed_staff("user-sam", "user-zoe")
    seed_user("user-adam", "admin")
    client = api(
        "POST",
        "/clients",
        body={"name": "Ada", "email": "ada@example.com", "assigned_practitioner_ids": ["user-sam"]},
        caller=ADMIN,
    )["json"]
    return {"client_id": client["id"]}


def book(
    api: HttpCall, client_id: str, start: str, *, caller: dict[str, str] = STAFF, **extra: Any
) -> dict[str, Any]:
    starts = datetime.fromisoformat(start)
    body = {
        "client_id": client_id,
        "practitioner_id": caller["sub"],
        "starts_at": starts.isoformat(),
        "ends_at": starts.replace(hour=starts.hour + 1).isoformat(),
        **extra,
    }
    return api("POST", "/appointments", body=body, caller=caller)


def patch(
    api: HttpCall,
    appointment_id: str,
    body: dict[str, Any],
    caller: dict[str, str] = STAFF,
    **kw: Any,
) -> dict[str, Any]:
    return api(
        "PATCH",
        f"/appointments/{appointment_id}",
        body=body,
        caller=caller,
        **path("PATCH", "/appointments/{appointment_id}", appointment_id=appointment_id),
        **kw,
    )


def package(api: HttpCall, package_id: str) -> dict[str, Any]:
    return api(
        "GET",
        f"/packages/{package_id}",
        caller=ADMIN,
        **path("GET", "/packages/{package_id}", package_id=package_id),
    )["json"]


def client(api: HttpCall, client_id: str) -> dict[str, Any]:
    return api(
        "GET",
        f"/clients/{client_id}",
        caller=ADMIN,
        **path("GET", "/clients/{client_id}", client_id=client_id),
    )["json"]


def new_package(api: HttpCall, client_id: str, body: dict[str, Any]) -> dict[str, Any]:
    response = api(
        "POST",
        f"/clients/{client_id}/packages",
        body=body,
        caller=ADMIN,
        **path("POST", "/clients/{client_id}/packages", client_id=client_id),
    )
    assert response["status"] == 201, response
    return response["json"]


def test_the_on_track_example_two_then_one_then_none(
    api: HttpCall, practice: dict[str, str]
) -> None:
    """Seed: window 30, at risk below 2, off track below 1 — 2 sessions On track, 1 At
    risk, 0 Off track; a completion changes the status in the same request."""
    client_id = practice["client_id"]
    pack = new_package(
        api, client_id, {"type": "usage", "start_date": "2026-01-01", "on_track": ON_TRACK}
    )
    first = book(
        api, client_id, "2026-03-20T10:00:00+00:00", package_id=pack["id"], status="completed"
    )
    second = book(
        api, client_id, "2026-03-25T10:00:00+00:00", package_id=pack["id"], status="completed"
    )
    assert first["status"] == second["status"] == 201, (first, second)
    assert package(api, pack["id"])["status"] == "on_track"
    patch(api, second["json"]["id"], {"status": "cancelled"})
    assert package(api, pack["id"])["status"] == "at_risk"
    patch(api, first["json"]["id"], {"status": "missed"})
    assert package(api, pack["id"])["status"] == "off_track"
    patch(api, first["json"]["id"], {"status": "completed"})
    assert package(api, pack["id"])["status"] == "at_risk"


def test_a_pack_created_from_an_appointment_and_used_up(
    api: HttpCall, practice: dict[str, str]
) -> None:
    client_id = practice["client_id"]
    template = api(
        "POST",
        "/package-templates",
        body={"name": "3-pack", "type": "fixed", "size": 3, "validity_days": 60},
        caller=ADMIN,
    )["json"]
    first = book(
        api, client_id, "2026-04-01T08:00:00+00:00", template_id=template["id"], status="completed"
    )
    assert first["status"] == 201, first
    pack_id = first["json"]["package_id"]
    assert pack_id
    pack = package(api, pack_id)
    assert pack["outstanding"] == 2
    assert pack["template_id"] == template["id"]
    for day in ("2026-04-01T11:00:00+00:00", "2026-04-01T13:00:00+00:00"):
        made = book(api, client_id, day, package_id=pack_id, status="completed")
        assert made["status"] == 201, made
    used = package(api, pack_id)
    assert used["outstanding"] == 0
    assert used["lifecycle"] == "used_up"
    fourth = book(api, client_id, "2026-04-02T10:00:00+00:00", package_id=pack_id)
    assert fourth["status"] == 409
    assert "used up" in fourth["json"]["detail"]


def test_preferred_package_takes_appointments_without_a_package(
    api: HttpCall, practice: dict[str, str]
) -> None:
    client_id = practice["client_id"]
    preferred = new_package(api, client_id, {"type": "fixed", "size": 5, "preferred": True})
    made = book(api, client_id, "2026-04-03T10:00:00+00:00")
    assert made["json"]["package_id"] == preferred["id"]


def test_a_prospect_becomes_active_on_the_first_completed_appointment(
    api: HttpCall, practice: dict[str, str]
) -> None:
    prospect = api(
        "POST",
        "/clients",
        body={"name": "Pat", "status": "prospect", "assigned_practitioner_ids": ["user-sam"]},
        caller=ADMIN,
    )["json"]["id"]
    made = book(api, prospect, "2026-04-01T08:00:00+00:00")
    assert client(api, prospect)["status"] == "prospect"
    patch(api, made["json"]["id"], {"status": "completed"})
    assert client(api, prospect)["status"] == "active"


def test_a_client_with_appointments_cannot_be_deleted(
    api: HttpCall, practice: dict[str, str]
) -> None:
    client_id = practice["client_id"]
    book(api, client_id, "2026-04-02T10:00:00+00:00")
    response = api(
        "DELETE",
        f"/clients/{client_id}",
        caller=ADMIN,
        **path("DELETE", "/clients/{client_id}", client_id=client_id),
    )
    assert response["status"] == 409
    assert "1 appointment" in response["json"]["detail"]
    assert "inactive" in response["json"]["detail"]


def test_future_appointments_cannot_be_completed(api: HttpCall, practice: dict[str, str]) -> None:
    made = book(api, practice["client_id"], "2026-04-10T10:00:00+00:00")
    response = patch(api, made["json"]["id"], {"status": "completed"})
    assert response["status"] == 409
    assert (
        book(api, practice["client_id"], "2026-04-10T10:00:00+00:00", status="completed")["status"]
        == 409
    )


def test_inactive_clients_cannot_be_booked(api: HttpCall, practice: dict[str, str]) -> None:
    client_id = practice["client_id"]
    api(
        "PATCH",
        f"/clients/{client_id}",
        body={"status": "inactive"},
        caller=ADMIN,
        **path("PATCH", "/clients/{client_id}", client_id=client_id),
    )
    response = book(api, client_id, "2026-04-02T10:00:00+00:00")
    assert response["status"] == 409
    assert "inactive" in response["json"]["detail"]


def test_staff_book_only_their_clients_and_admins_assign_practitioners(
    api: HttpCall, practice: dict[str, str]
) -> None:
    client_id = practice["client_id"]
    assert book(api, client_id, "2026-04-02T10:00:00+00:00", caller=OTHER_STAFF)["status"] == 403
    by_admin = book(
        api, client_id, "2026-04-02T12:00:00+00:00", caller=ADMIN, practitioner_id="user-zoe"
    )
    assert by_admin["status"] == 201
    assert "user-zoe" in client(api, client_id)["assigned_practitioner_ids"]
    assert book(api, client_id, "2026-04-03T10:00:00+00:00", caller=OTHER_STAFF)["status"] == 201


def test_the_local_date_decides_the_day(api: HttpCall, practice: dict[str, str]) -> None:
    at("2026-03-29T12:00:00+00:00")
    # 23:30 in London on the DST change day is still 29 March locally.
    made = book(api, practice["client_id"], "2026-03-29T22:30:00+00:00")
    assert made["json"]["date"] == "2026-03-29"


def test_other_organizations_get_404_and_change_nothing(
    api: HttpCall, practice: dict[str, str]
) -> None:
    made = book(api, practice["client_id"], "2026-04-02T10:00:00+00:00")["json"]
    foreign = claims(org=OTHER_ORG, role="owner")
    route = path("GET", "/appointments/{appointment_id}", appointment_id=made["id"])
    assert api("GET", f"/appointments/{made['id']}", caller=foreign, **route)["status"] == 404
    assert patch(api, made["id"], {"status": "cancelled"}, caller=foreign)["status"] == 404
    assert (
        api("GET", f"/appointments/{made['id']}", caller=STAFF, **route)["json"]["status"]
        == "scheduled"
    )
    stranger = book(api, practice["client_id"], "2026-04-02T10:00:00+00:00", caller=foreign)
    assert stranger["status"] == 404


def test_stale_if_match_is_412(api: HttpCall, practice: dict[str, str]) -> None:
    made = book(api, practice["client_id"], "2026-04-01T06:00:00+00:00")
    etag = made["headers"]["etag"]
    assert (
        patch(api, made["json"]["id"], {"notes": "a"}, headers={"if-match": etag})["status"] == 200
    )
    assert (
        patch(api, made["json"]["id"], {"notes": "b"}, headers={"if-match": etag})["status"] == 412
    )


def test_moving_between_packages_updates_both(api: HttpCall, practice: dict[str, str]) -> None:
    client_id = practice["client_id"]
    one = new_package(api, client_id, {"type": "fixed", "size": 5})
    two = new_package(api, client_id, {"type": "fixed", "size": 5})
    made = book(
        api, client_id, "2026-04-01T06:00:00+00:00", package_id=one["id"], status="completed"
    )
    assert package(api, one["id"])["outstanding"] == 4
    patch(api, made["json"]["id"], {"package_id": two["id"]})
    assert package(api, one["id"])["outstanding"] == 5
    assert package(api, two["id"])["outstanding"] == 4
    api(
        "DELETE",
        f"/appointments/{made['json']['id']}",
        caller=STAFF,
        **path("DELETE", "/appointments/{appointment_id}", appointment_id=made["json"]["id"]),
    )
    assert package(api, two["id"])["outstanding"] == 5


def test_bad_appointment_bodies_are_422(api: HttpCall, practice: dict[str, str]) -> None:
    client_id = practice["client_id"]
    bad = [
        {
            "client_id": client_id,
            "starts_at": "2026-04-02T10:00:00",
            "ends_at": "2026-04-02T11:00:00",
        },
        {
            "client_id": client_id,
            "starts_at": "2026-04-02T11:00:00+00:00",
            "ends_at": "2026-04-02T10:00:00+00:00",
        },
        {"client_id": client_id, "starts_at": "soon", "ends_at": "later"},
        {
            "client_id": "cl_bogus",
            "starts_at": "2026-04-02T10:00:00+00:00",
            "ends_at": "2026-04-02T11:00:00+00:00",
        },
    ]
    for body in bad:
        response = api("POST", "/appointments", body=body, caller=STAFF)
        assert response["status"] in (404, 422), (body, response)
        assert response["headers"]["content-type"] == "application/problem+json"


def test_creating_costs_one_query_and_completing_one_more_read_by_key(
    api: HttpCall, practice: dict[str, str], dynamodb_calls: list[str]
) -> None:
    """Booking reads the client's tracked state (one Query); changing an appointment also
    reads the appointment by its key (GetItem), never the appointments booked after it
    (issue 15: tests/integration/test_history_reads.py pins the items); reading one is
    one BatchGetItem of it and its client (a Query of the trackers only when the client
    has some and the appointment shows their banners)."""
    client_id = practice["client_id"]
    pack = new_package(api, client_id, {"type": "fixed", "size": 5, "on_track": ON_TRACK})
    book(api, client_id, "2026-04-01T06:00:00+00:00", package_id=pack["id"])  # warms caches
    dynamodb_calls.clear()
    made = book(api, client_id, "2026-04-01T07:00:00+00:00", package_id=pack["id"])
    assert dynamodb_calls == ["Query", "TransactWriteItems"]
    dynamodb_calls.clear()
    patch(api, made["json"]["id"], {"status": "completed"})
    assert dynamodb_calls == ["GetItem", "Query", "TransactWriteItems"]
    dynamodb_calls.clear()
    api(
        "GET",
        f"/appointments/{made['json']['id']}",
        caller=STAFF,
        **path("GET", "/appointments/{appointment_id}", appointment_id=made["json"]["id"]),
    )
    assert dynamodb_calls == ["BatchGetItem"]
    assert "Scan" not in dynamodb_calls


def test_package_status_history_records_each_transition_and_its_cause(
    api: HttpCall, practice: dict[str, str]
) -> None:
    client_id = practice["client_id"]
    pack = new_package(
        api, client_id, {"type": "usage", "start_date": "2026-01-01", "on_track": ON_TRACK}
    )
    one = book(
        api, client_id, "2026-03-20T10:00:00+00:00", package_id=pack["id"], status="completed"
    )
    book(api, client_id, "2026-03-25T10:00:00+00:00", package_id=pack["id"], status="completed")
    patch(api, one["json"]["id"], {"status": "cancelled"})
    got = api(
        "GET",
        f"/packages/{pack['id']}",
        caller=ADMIN,
        query={"include": "history"},
        **path("GET", "/packages/{package_id}", package_id=pack["id"]),
    )["json"]
    progress = [
        (h["from_status"], h["to_status"], h["cause"])
        for h in got["history"]
        if h["field"] == "progress"
    ]
    assert progress == [
        ("off_track", "at_risk", "appointment"),
        ("at_risk", "on_track", "appointment"),
        ("on_track", "at_risk", "appointment"),
    ]
