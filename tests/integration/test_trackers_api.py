"""Session trackers and tasks over the API (SPEC §6)."""

from __future__ import annotations

import concurrent.futures
from datetime import date, datetime
from typing import Any

import pytest

from tests.integration.conftest import OTHER_ORG, HttpCall, claims
from tests.integration.routes import at, call, client_of_sam
from tests.integration.routes import route_of as path

ADMIN = claims(role="admin", sub="user-adam")
STAFF = claims(role="staff", sub="user-sam")


@pytest.fixture
def client_id(api: HttpCall) -> str:
    return client_of_sam(api, "2026-03-01T09:00:00+00:00", ADMIN)


def add_tracker(api: HttpCall, client_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return call(
        api,
        "POST",
        "/clients/{client_id}/trackers",
        body=body,
        caller=STAFF,
        params={"client_id": client_id},
    )


def complete(api: HttpCall, client_id: str, start: str) -> dict[str, Any]:
    starts = datetime.fromisoformat(start)
    response = api(
        "POST",
        "/appointments",
        body={
            "client_id": client_id,
            "practitioner_id": "user-sam",
            "starts_at": starts.isoformat(),
            "ends_at": starts.replace(hour=starts.hour + 1).isoformat(),
            "status": "completed",
        },
        caller=STAFF,
    )
    assert response["status"] == 201, response
    return response["json"]


def tasks(api: HttpCall, caller: dict[str, str] = STAFF) -> list[dict[str, Any]]:
    return list(api("GET", "/tasks", caller=caller)["json"]["items"])


def test_given_a_count_reached_tracker_the_completing_request_creates_the_task(
    api: HttpCall, client_id: str
) -> None:
    tracker = add_tracker(
        api,
        client_id,
        {
            "sessions": 2,
            "begin_date": "2026-03-01",
            "end_date": "2026-03-14",
            "note": "Review <b>",
            "task": {"assignee_id": "user-sam", "trigger": "count_reached"},
        },
    )["json"]
    at("2026-03-05T12:00:00+00:00")
    complete(api, client_id, "2026-03-02T10:00:00+00:00")
    assert tasks(api) == []
    made = complete(api, client_id, "2026-03-04T10:00:00+00:00")
    assert made["trackers"][0]["remaining"] == 0
    listed = tasks(api)
    assert len(listed) == 1
    assert listed[0]["reason"] == "count_reached"
    assert listed[0]["note"] == "Review <b>"
    assert listed[0]["client_name"] == "Ada"
    # A third completion in the same period does not make a second task.
    complete(api, client_id, "2026-03-05T08:00:00+00:00")
    assert len(tasks(api)) == 1
    got = call(
        api, "GET", "/trackers/{tracker_id}", caller=STAFF, params={"tracker_id": tracker["id"]}
    )["json"]
    assert (got["used"], got["remaining"]) == (3, 0)
    done = call(
        api,
        "PATCH",
        "/tasks/{task_id}",
        body={"done": True},
        caller=STAFF,
        params={"task_id": listed[0]["id"]},
    )
    assert done["json"]["done"] is True
    assert api("GET", "/tasks", caller=STAFF, query={"done": "false"})["json"]["items"] == []


def test_trackers_show_only_on_past_or_today_appointments(api: HttpCall, client_id: str) -> None:
    add_tracker(api, client_id, {"sessions": 5, "begin_date": "2026-03-01"})
    past = complete(api, client_id, "2026-03-01T07:00:00+00:00")
    assert len(past["trackers"]) == 1
    future = api(
        "POST",
        "/appointments",
        caller=STAFF,
        body={
            "client_id": client_id,
            "starts_at": "2026-03-09T10:00:00+00:00",
            "ends_at": "2026-03-09T11:00:00+00:00",
        },
    )["json"]
    assert future["trackers"] == []


def test_the_ninth_tracker_is_refused_even_when_created_concurrently(
    api: HttpCall, client_id: str
) -> None:
    # Lambda runs one request per container at a time, so the race is between containers:
    # here, threads calling the use case directly (the resolver's state is per container).
    from momentum.domain.access import Principal, Role
    from momentum.domain.errors import Conflict
    from momentum.logic import trackers

    staff = Principal(org_id="org-test", user_id="user-sam", role=Role.STAFF)
    body = {"sessions": 1, "begin_date": date(2026, 3, 1)}

    def create(_: int) -> str:
        try:
            trackers.create_tracker(staff, client_id, body)
        except Conflict:
            return "refused"
        return "created"

    with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(create, range(12)))
    assert results.count("created") == 8
    assert results.count("refused") == 4
    listed = call(
        api, "GET", "/clients/{client_id}/trackers", caller=STAFF, params={"client_id": client_id}
    )["json"]["items"]
    assert len(listed) == 8


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sessions": 0, "begin_date": "2026-03-01"}, "body.sessions"),
        ({"sessions": 1, "begin_date": "2026-03-05", "end_date": "2026-03-01"}, "body.end_date"),
        ({"sessions": 1, "begin_date": "2026-03-01", "auto_reset": True}, "body.auto_reset"),
        ({"sessions": 1, "begin_date": "2026-03-01", "color": "blue"}, "body.color"),
        (
            {
                "sessions": 1,
                "begin_date": "2026-03-01",
                "task": {"assignee_id": "user-sam", "trigger": "end_date"},
            },
            "body.task.trigger",
        ),
    ],
)
def test_invalid_trackers_are_422(
    api: HttpCall, client_id: str, body: dict[str, Any], field: str
) -> None:
    response = add_tracker(api, client_id, body)
    assert response["status"] == 422
    assert field in [e["field"] for e in response["json"]["errors"]]


def test_other_organizations_and_clients_cannot_reach_trackers(
    api: HttpCall, client_id: str
) -> None:
    tracker = add_tracker(api, client_id, {"sessions": 3, "begin_date": "2026-03-01"})["json"]
    route = path("GET", "/trackers/{tracker_id}", tracker_id=tracker["id"])
    assert (
        api("GET", f"/trackers/{tracker['id']}", caller=claims(org=OTHER_ORG), **route)["status"]
        == 404
    )
    stranger = claims(role="staff", sub="user-zoe")
    assert api("GET", f"/trackers/{tracker['id']}", caller=stranger, **route)["status"] == 403
    delete = path("DELETE", "/trackers/{tracker_id}", tracker_id=tracker["id"])
    assert (
        api("DELETE", f"/trackers/{tracker['id']}", caller=claims(org=OTHER_ORG), **delete)[
            "status"
        ]
        == 404
    )
    assert api("DELETE", f"/trackers/{tracker['id']}", caller=STAFF, **delete)["status"] == 204
    assert api("GET", f"/trackers/{tracker['id']}", caller=STAFF, **route)["status"] == 404


def test_reading_a_tracker_is_one_dynamodb_call(
    api: HttpCall, client_id: str, dynamodb_calls: list[str]
) -> None:
    tracker = add_tracker(api, client_id, {"sessions": 3, "begin_date": "2026-03-01"})["json"]
    route = path("GET", "/trackers/{tracker_id}", tracker_id=tracker["id"])
    api("GET", f"/trackers/{tracker['id']}", caller=STAFF, **route)
    dynamodb_calls.clear()
    api("GET", f"/trackers/{tracker['id']}", caller=STAFF, **route)
    assert dynamodb_calls == ["BatchGetItem"]
