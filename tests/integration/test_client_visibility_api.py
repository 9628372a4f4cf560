"""A client token sees only what SPEC lets a client see (§1, §5, §6, §9):

- a package's status history follows the status itself: its On track entries only when
  the package is `client_visible`, its lifecycle always;
- an engagement's history: its status, never its On/Off track entries;
- trackers and tasks are staff tools: 403 on every one of their routes, and no tracker
  banners on the client's appointments;
- another client's id in a list filter is refused (404, as every other client's id),
  never answered with the caller's own records."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

import pytest

from tests.integration import routes
from tests.integration.conftest import HttpCall, claims
from tests.integration.people import seed_staff
from tests.integration.routes import at, client_with_login, ok

ADMIN = claims(role="admin", sub="user-adam")
STAFF = claims(role="staff", sub="user-sam")
ON_TRACK = {"enabled": True, "window_days": 30, "at_risk_below": 2, "off_track_below": 1}
call = partial(routes.call, caller=ADMIN)


def new_client(api: HttpCall, name: str) -> tuple[str, dict[str, str]]:
    """A client assigned to Sam, with a portal login; and their token."""
    return client_with_login(api, name, caller=ADMIN, assigned_practitioner_ids=["user-sam"])


def book(api: HttpCall, client_id: str, start: str, **extra: Any) -> dict[str, Any]:
    starts = datetime.fromisoformat(start)
    body = {
        "client_id": client_id,
        "starts_at": starts.isoformat(),
        "ends_at": starts.replace(hour=starts.hour + 1).isoformat(),
        **extra,
    }
    return ok(call(api, "POST", "/appointments", caller=STAFF, body=body))


@pytest.fixture
def practice(api: HttpCall) -> dict[str, Any]:
    at("2026-04-01T09:00:00+00:00")
    seed_staff("user-sam")
    ok(call(api, "PUT", "/org", body={"name": "Harbour", "timezone": "Europe/London"}))
    ada, ada_token = new_client(api, "ada")
    bob, bob_token = new_client(api, "bob")
    return {"ada": ada, "ada_token": ada_token, "bob": bob, "bob_token": bob_token}


def _package_with_history(api: HttpCall, client_id: str, *, client_visible: bool) -> str:
    """A 3-session package whose On track status moves (off → at risk → on track) and
    which is then used up (no longer tracked): progress and lifecycle entries, all
    written by bookings."""
    package = ok(
        call(
            api,
            "POST",
            "/clients/{client_id}/packages",
            params={"client_id": client_id},
            body={
                "type": "fixed",
                "size": 3,
                "start_date": "2026-01-01",
                "on_track": {**ON_TRACK, "client_visible": client_visible},
            },
        )
    )
    for day in ("20", "25", "28"):
        start = f"2026-03-{day}T10:00:00+00:00"
        book(api, client_id, start, package_id=package["id"], status="completed")
    return str(package["id"])


def _package(
    api: HttpCall, package_id: str, caller: dict[str, str], **query: str
) -> dict[str, Any]:
    params = {"package_id": package_id}
    return call(
        api, "GET", "/packages/{package_id}", caller=caller, params=params, query=query or None
    )


def _history(api: HttpCall, package_id: str, caller: dict[str, str]) -> list[tuple[str, str]]:
    got = ok(_package(api, package_id, caller, include="history"))
    return sorted((h["field"], h["to_status"]) for h in got["history"])


ALL = sorted(
    [
        ("progress", "at_risk"),
        ("progress", "on_track"),
        ("progress", "not_tracking"),
        ("lifecycle", "used_up"),
    ]
)


def test_a_client_sees_no_on_track_history_of_a_package_that_is_not_client_visible(
    api: HttpCall, practice: dict[str, Any]
) -> None:
    hidden = _package_with_history(api, practice["ada"], client_visible=False)
    assert _history(api, hidden, ADMIN) == ALL
    assert _history(api, hidden, STAFF) == ALL
    assert _history(api, hidden, practice["ada_token"]) == [("lifecycle", "used_up")]
    package = ok(_package(api, hidden, practice["ada_token"]))
    assert package["status"] is None  # the same rule as the status itself


def test_a_client_sees_the_on_track_history_of_a_client_visible_package(
    api: HttpCall, practice: dict[str, Any]
) -> None:
    shown = _package_with_history(api, practice["ada"], client_visible=True)
    assert _history(api, shown, practice["ada_token"]) == ALL
    package = ok(_package(api, shown, practice["ada_token"]))
    assert package["status"] == "not_tracking"  # used up: no longer tracked


def test_another_clients_package_history_is_404(api: HttpCall, practice: dict[str, Any]) -> None:
    package_id = _package_with_history(api, practice["ada"], client_visible=True)
    response = _package(api, package_id, practice["bob_token"], include="history")
    assert response["status"] == 404


def test_a_coachee_sees_the_engagement_status_history_but_not_its_progress(
    api: HttpCall, practice: dict[str, Any]
) -> None:
    template = ok(
        call(
            api,
            "POST",
            "/engagement-templates",
            body={"name": "Coaching", "type": "one_to_one", "threshold_days": 21},
        )
    )
    engagement = ok(
        call(
            api,
            "POST",
            "/engagements",
            body={"template_id": template["id"], "coachee_id": practice["ada"], "status": "active"},
        )
    )
    at("2026-04-30T09:00:00+00:00")  # off track since 22 April; a booking puts it back
    book(api, practice["ada"], "2026-05-02T10:00:00+00:00", engagement_id=engagement["id"])

    def history(caller: dict[str, str]) -> list[str]:
        got = ok(
            call(
                api,
                "GET",
                "/engagements/{engagement_id}",
                caller=caller,
                params={"engagement_id": engagement["id"]},
                query={"include": "history"},
            )
        )
        return [h["field"] for h in got["history"]]

    assert "progress" in history(ADMIN)
    assert set(history(practice["ada_token"])) == {"status"}


# -- trackers and tasks: staff tools ---------------------------------------------------------------


def _tracker_and_task(api: HttpCall, client_id: str) -> tuple[str, str]:
    tracker = ok(
        call(
            api,
            "POST",
            "/clients/{client_id}/trackers",
            caller=STAFF,
            params={"client_id": client_id},
            body={
                "sessions": 1,
                "begin_date": "2026-03-01",
                "note": "Review",
                "task": {"assignee_id": "user-sam", "trigger": "count_reached"},
            },
        )
    )
    book(api, client_id, "2026-03-31T10:00:00+00:00", status="completed")
    tasks = ok(call(api, "GET", "/tasks", caller=STAFF))["items"]
    assert len(tasks) == 1
    return str(tracker["id"]), str(tasks[0]["id"])


@pytest.mark.parametrize("whose", ["own", "another client's"])
def test_a_client_token_gets_403_on_every_tracker_and_task_route(
    api: HttpCall, practice: dict[str, Any], whose: str
) -> None:
    client_id = practice["ada"] if whose == "own" else practice["bob"]
    tracker_id, task_id = _tracker_and_task(api, client_id)
    me = practice["ada_token"]
    tracker = {"tracker_id": tracker_id}
    routes = [
        ("GET", "/clients/{client_id}/trackers", {"client_id": client_id}, None),
        (
            "POST",
            "/clients/{client_id}/trackers",
            {"client_id": client_id},
            {"sessions": 1, "begin_date": "2026-04-01"},
        ),
        ("GET", "/trackers/{tracker_id}", tracker, None),
        ("PATCH", "/trackers/{tracker_id}", tracker, {"note": "mine now"}),
        ("DELETE", "/trackers/{tracker_id}", tracker, None),
        ("GET", "/tasks", {}, None),
        ("PATCH", "/tasks/{task_id}", {"task_id": task_id}, {"done": True}),
    ]
    for method, route, params, body in routes:
        response = call(api, method, route, caller=me, params=params, body=body)
        assert response["status"] == 403, (method, route, response)
        assert "Review" not in str(response["json"])
    # Nothing changed: the tracker is there, unchanged, and the task still open.
    still = ok(call(api, "GET", "/trackers/{tracker_id}", caller=STAFF, params=tracker))
    assert (still["note"], still["version"]) == ("Review", 1)
    assert [t["done"] for t in ok(call(api, "GET", "/tasks", caller=STAFF))["items"]] == [False]


def test_a_client_sees_no_tracker_banners_on_their_appointments(
    api: HttpCall, practice: dict[str, Any]
) -> None:
    _tracker_and_task(api, practice["ada"])
    appointment = book(api, practice["ada"], "2026-03-30T10:00:00+00:00", status="completed")
    assert appointment["trackers"]  # staff see the banner
    params = {"appointment_id": appointment["id"]}
    mine = ok(
        call(
            api,
            "GET",
            "/appointments/{appointment_id}",
            caller=practice["ada_token"],
            params=params,
        )
    )
    assert mine["trackers"] == []
    staff = ok(call(api, "GET", "/appointments/{appointment_id}", caller=STAFF, params=params))
    assert staff["trackers"][0]["note"] == "Review"


# -- another client's records ------------------------------------------------------------------


@pytest.mark.parametrize("route", ["/appointments", "/invoices"])
def test_a_client_asking_for_another_clients_list_is_refused(
    api: HttpCall, practice: dict[str, Any], route: str
) -> None:
    book(api, practice["ada"], "2026-04-02T10:00:00+00:00")
    book(api, practice["bob"], "2026-04-03T10:00:00+00:00")
    invoice = {
        "date": "2026-04-01",
        "currency": "GBP",
        "lines": [{"kind": "service", "description": "Session", "amount": "50.00"}],
    }
    for client_id in (practice["ada"], practice["bob"]):
        ok(call(api, "POST", "/invoices", body={"client_id": client_id, **invoice}))
    me = practice["ada_token"]
    other = call(api, "GET", route, caller=me, query={"client_id": practice["bob"]})
    assert other["status"] == 404, other
    assert other["json"]["detail"] == "No such client."
    for query in ({"client_id": practice["ada"]}, None):
        own = ok(call(api, "GET", route, caller=me, query=query))
        assert {r["client_id"] for r in own["items"]} == {practice["ada"]}
