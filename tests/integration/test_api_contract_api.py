"""What the API contract promises a web client (issue 11), in-process: JSON bodies only
(415), no unknown query parameters (400 naming them), validation messages written for
people, and an administrator's task list."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import HttpCall, Report, claims
from tests.integration.people import seed_staff
from tests.integration.routes import at, call, ok

OWNER = claims(role="owner", sub="user-owner")
ADMIN = claims(role="admin", sub="user-adam")
SAM = claims(role="staff", sub="user-sam")
TOM = claims(role="staff", sub="user-tom")


def _problem(response: dict[str, Any], status: int) -> dict[str, Any]:
    assert response["status"] == status, response
    assert response["headers"]["content-type"] == "application/problem+json"
    body: dict[str, Any] = response["json"]
    return body


# -- 415: a body is JSON ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        "application/x-www-form-urlencoded",  # what `curl -d` sends
        "text/plain;charset=UTF-8",  # what fetch() sends for a string body
        "multipart/form-data; boundary=x",
        "",
    ],
)
def test_a_body_not_sent_as_json_is_a_415(api: HttpCall, content_type: str) -> None:
    response = api(
        "POST", "/clients", body='{"name": "Ada"}', headers={"content-type": content_type}
    )
    problem = _problem(response, 415)
    assert "application/json" in problem["detail"]


def test_json_with_a_charset_is_json(api: HttpCall) -> None:
    response = api(
        "POST",
        "/clients",
        body='{"name": "Ada"}',
        headers={"content-type": "application/json; charset=utf-8"},
    )
    assert response["status"] == 201, response


def test_a_route_without_a_body_does_not_care_about_content_type(api: HttpCall) -> None:
    response = api("GET", "/org", headers={"content-type": "text/plain"})
    assert response["status"] == 200, response


# -- 400: unknown query parameters ------------------------------------------------------------


def test_an_unknown_query_parameter_is_a_400_naming_it(api: HttpCall) -> None:
    problem = _problem(api("GET", "/clients", query={"stauts": "active"}), 400)
    assert "`stauts`" in problem["detail"]
    assert "`status`" in problem["detail"]  # what it takes instead
    two = _problem(api("GET", "/org", query={"a": "1", "b": "2"}), 400)
    assert "parameters `a`, `b`" in two["detail"]


def test_known_query_parameters_pass(api: HttpCall) -> None:
    response = api("GET", "/clients", query={"status": "active", "limit": "5"})
    assert response["status"] == 200, response


def test_an_unknown_path_is_a_404_whatever_its_query(api: HttpCall) -> None:
    response = api("GET", "/nowhere", query={"x": "1"}, route="$default")
    _problem(response, 404)


# -- 422: messages for people -----------------------------------------------------------------


def _errors(response: dict[str, Any]) -> dict[str, str]:
    problem = _problem(response, 422)
    return {e["field"]: e["msg"] for e in problem["errors"]}


def test_validation_messages_say_what_the_field_takes(api: HttpCall) -> None:
    errors = _errors(api("POST", "/clients", body={"nme": "Ada", "status": "sleeping", "phone": 7}))
    assert errors == {
        "body.name": "is required",
        "body.nme": "is not a field this request takes (check its spelling)",
        "body.status": "must be one of 'active', 'inactive' or 'prospect'",
        "body.phone": "must be text (a JSON string)",
    }
    limits = _errors(api("GET", "/clients", query={"limit": "0", "location_id": "no way"}))
    assert limits == {
        "query.limit": "must be at least 1",
        "query.location_id": "must be an id: 1 to 100 letters, digits, `-` or `_`",
    }
    one = _problem(api("POST", "/clients", body={}), 422)
    assert one["detail"] == "`body.name` is required."


def test_a_missing_body_says_so(api: HttpCall) -> None:
    errors = _errors(api("POST", "/clients"))
    assert errors == {"body": "is required"}


# -- GET /tasks -------------------------------------------------------------------------------


def _tasks(api: HttpCall, caller: dict[str, str], **query: str) -> list[str]:
    response = api("GET", "/tasks", caller=caller, query=query or None)
    assert response["status"] == 200, response
    return [f"{t['assignee_id']}:{t['client_name']}" for t in response["json"]["items"]]


def test_an_owner_sees_every_open_task_of_the_organization_and_staff_their_own(
    api: HttpCall,
) -> None:
    at("2026-03-01T09:00:00+00:00")
    api("PUT", "/org", body={"name": "Harbour", "timezone": "Europe/London"})
    seed_staff("user-sam", "user-tom")
    task_ids = {}
    for name, assignee, caller in (("Ada", "user-sam", SAM), ("Ben", "user-tom", TOM)):
        client_id = api(
            "POST", "/clients", body={"name": name, "assigned_practitioner_ids": [assignee]}
        )["json"]["id"]
        params = {"client_id": client_id}
        task = {"assignee_id": assignee, "trigger": "count_reached"}
        tracker = {"sessions": 1, "begin_date": "2026-03-01", "task": task}
        route = "/clients/{client_id}/trackers"
        ok(call(api, "POST", route, caller=caller, params=params, body=tracker), 201)
        session = {
            "client_id": client_id,
            "starts_at": "2026-03-01T08:00:00+00:00",
            "ends_at": "2026-03-01T08:30:00+00:00",
            "status": "completed",
        }
        ok(api("POST", "/appointments", caller=caller, body=session), 201)
    for caller in (OWNER, ADMIN):
        assert sorted(_tasks(api, caller)) == ["user-sam:Ada", "user-tom:Ben"]
    assert _tasks(api, OWNER, assignee_id="user-tom") == ["user-tom:Ben"]
    assert _tasks(api, SAM) == ["user-sam:Ada"]
    assert _problem(api("GET", "/tasks", caller=SAM, query={"assignee_id": "user-tom"}), 403)
    # Marked done, a task leaves the open list and joins the done one.
    listed = api("GET", "/tasks", caller=SAM)["json"]["items"]
    task_ids["sam"] = listed[0]["id"]
    params = {"task_id": task_ids["sam"]}
    done = call(api, "PATCH", "/tasks/{task_id}", caller=SAM, params=params, body={"done": True})
    assert done["status"] == 200, done
    assert _tasks(api, OWNER) == ["user-tom:Ben"]
    assert _tasks(api, OWNER, done="true") == ["user-sam:Ada"]
    assert _tasks(api, SAM) == ["user-sam:Ada"]  # staff: their own, open or done


# -- renamed fields: the old names are refused, not ignored -------------------------------------


def test_the_old_names_of_renamed_fields_are_refused(api: HttpCall, report: Report) -> None:
    """`assigned_practitioners` became `assigned_practitioner_ids`, a tracker's `task.assignee`
    `task.assignee_id`, the On track report's `team_member_id` filter
    `assigned_team_member_id`: a request still sending an old name is told so, and nothing is
    written (it would otherwise drop the people it names without a word)."""
    at("2026-03-01T09:00:00+00:00")
    api("PUT", "/org", body={"name": "Harbour", "timezone": "Europe/London"})
    seed_staff("user-sam")
    old = _errors(
        api("POST", "/clients", body={"name": "Ada", "assigned_practitioners": ["user-sam"]})
    )
    assert old == {
        "body.assigned_practitioners": "is not a field this request takes (check its spelling)"
    }
    assert api("GET", "/clients")["json"]["items"] == []
    created = api(
        "POST", "/clients", body={"name": "Ada", "assigned_practitioner_ids": ["user-sam"]}
    )
    assert created["status"] == 201, created
    client_id = created["json"]["id"]
    assert created["json"]["assigned_practitioner_ids"] == ["user-sam"]
    assert "assigned_practitioners" not in created["json"]

    ids = {"client_id": client_id}
    body = {"assigned_practitioners": []}
    patched = call(api, "PATCH", "/clients/{client_id}", caller=OWNER, params=ids, body=body)
    assert set(_errors(patched)) == {"body.assigned_practitioners"}

    def new_tracker(task: dict[str, str]) -> dict[str, Any]:
        body = {"sessions": 2, "begin_date": "2026-03-01", "task": task}
        return call(
            api, "POST", "/clients/{client_id}/trackers", caller=OWNER, params=ids, body=body
        )

    refused = new_tracker({"assignee": "user-sam", "trigger": "count_reached"})
    assert _errors(refused) == {
        "body.task.assignee": "is not a field this request takes (check its spelling)",
        "body.task.assignee_id": "is required",
    }
    made = new_tracker({"assignee_id": "user-sam", "trigger": "count_reached"})
    assert made["status"] == 201, made
    assert made["json"]["task"] == {"assignee_id": "user-sam", "trigger": "count_reached"}
    tracker_id = made["json"]["id"]
    kept = call(
        api,
        "PATCH",
        "/trackers/{tracker_id}",
        caller=OWNER,
        params={"tracker_id": tracker_id},
        body={
            "task": {"assignee": "user-sam", "assignee_id": "user-sam", "trigger": "count_reached"}
        },
    )
    assert set(_errors(kept)) == {"body.task.assignee"}

    old_filter = _problem(report("/reports/on-track", query={"team_member_id": "user-sam"}), 400)
    assert "`team_member_id`" in old_filter["detail"]
    assert "`assigned_team_member_id`" in old_filter["detail"]  # what it takes instead
