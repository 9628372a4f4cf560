"""Engagement templates and engagements over the API (SPEC §7, seed
engagement-progress-tracking): progress is current on every read, visible only to those
who may see it, and every status transition is kept in the history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

import pytest

from tests.integration import routes
from tests.integration.conftest import OTHER_ORG, HttpCall, claims, sent_emails
from tests.integration.people import seed_staff
from tests.integration.routes import at, client_with_login, put_org

OWNER = claims(role="owner", sub="user-owner")
ADMIN = claims(role="admin", sub="user-adam")
NORTH_ADMIN = claims(role="location_admin", sub="user-nora", locations="north")
SOUTH_ADMIN = claims(role="location_admin", sub="user-stu", locations="south")
COACH = claims(role="staff", sub="user-cora")
ASSIGNED_STAFF = claims(role="staff", sub="user-sam")
OTHER_STAFF = claims(role="staff", sub="user-zoe")
FOREIGN_ADMIN = claims(org=OTHER_ORG, role="admin", sub="user-alien")
# Call a route (e.g. "/engagements/{engagement_id}") with its path parameters as keywords.
call = partial(routes.send, caller=ADMIN)


def new_template(api: HttpCall, **fields: Any) -> dict[str, Any]:
    body = {"name": "Three-week coaching", "type": "one_to_one", "threshold_days": 21, **fields}
    response = call(api, "POST", "/engagement-templates", body=body)
    assert response["status"] == 201, response
    return response["json"]


def new_engagement(
    api: HttpCall,
    template_id: str,
    coachee_id: str,
    *,
    caller: dict[str, str] = ADMIN,
    **fields: Any,
) -> dict[str, Any]:
    body = {"template_id": template_id, "coachee_id": coachee_id, **fields}
    response = call(api, "POST", "/engagements", body=body, caller=caller)
    assert response["status"] == 201, response
    return response["json"]


def engagement(
    api: HttpCall, engagement_id: str, caller: dict[str, str] = ADMIN, **query: str
) -> dict[str, Any]:
    response = call(
        api,
        "GET",
        "/engagements/{engagement_id}",
        caller=caller,
        query=query or None,
        engagement_id=engagement_id,
    )
    assert response["status"] == 200, response
    return response["json"]


def patch(
    api: HttpCall,
    engagement_id: str,
    body: dict[str, Any],
    caller: dict[str, str] = ADMIN,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    return call(
        api,
        "PATCH",
        "/engagements/{engagement_id}",
        caller=caller,
        body=body,
        headers=headers,
        engagement_id=engagement_id,
    )


def book(
    api: HttpCall, client_id: str, engagement_id: str, start: str, **extra: Any
) -> dict[str, Any]:
    starts = datetime.fromisoformat(start)
    body = {
        "client_id": client_id,
        "practitioner_id": "user-cora",
        "starts_at": starts.isoformat(),
        "ends_at": starts.replace(hour=starts.hour + 1).isoformat(),
        "engagement_id": engagement_id,
        **extra,
    }
    response = api("POST", "/appointments", body=body, caller=ADMIN)
    assert response["status"] == 201, response
    return response["json"]


@pytest.fixture
def coaching(api: HttpCall) -> dict[str, str]:
    """An organization with two locations, a coachee in North (assigned to Sam, with a
    portal login) and another client, and two templates."""
    at("2026-02-20T09:00:00+00:00")
    seed_staff("user-sam", "user-zoe", "user-cora")
    put_org(api, "Summit Coaching", "UTC", caller=OWNER)
    cleo, _ = client_with_login(
        api, "Cleo", caller=ADMIN, location_id="north", assigned_practitioner_ids=["user-sam"]
    )
    otto = {"name": "Otto", "email": "otto@example.com"}
    other = api("POST", "/clients", caller=ADMIN, body=otto)["json"]
    three_weeks = new_template(api, notify_off_track=True)
    matching = new_template(api, name="Find a coach", type="coach_matching", threshold_days=14)
    return {
        "coachee": cleo,
        "other_client": other["id"],
        "three_weeks": three_weeks["id"],
        "matching": matching["id"],
    }


def coachee_token(coaching: dict[str, str]) -> dict[str, str]:
    return claims(role="client", sub="user-cleo", client_id=coaching["coachee"])


def launched(
    api: HttpCall, coaching: dict[str, str], when: str = "2026-03-01T09:00:00+00:00"
) -> str:
    """The seed's engagement: three weeks, coach Cora, activated on 1 March."""
    at(when)
    made = new_engagement(api, coaching["three_weeks"], coaching["coachee"], coach_id="user-cora")
    assert made["status"] == "draft"
    assert made["progress"] == "not_tracking"
    activated = patch(api, made["id"], {"status": "active"})
    assert activated["status"] == 200, activated
    assert activated["json"]["started_on"] == when[:10]
    return str(made["id"])


# -- the seed's stories ------------------------------------------------------------------------


def test_given_three_weeks_from_1_march_then_on_track_to_21_march_and_off_track_on_22nd(
    api: HttpCall, coaching: dict[str, str]
) -> None:
    engagement_id = launched(api, coaching)
    for day in ("2026-03-01", "2026-03-10", "2026-03-21"):
        at(f"{day}T23:59:00+00:00")
        seen = engagement(api, engagement_id)
        assert (seen["progress"], seen["off_track_since"]) == ("on_track", None), day
    at("2026-03-22T00:00:00+00:00")
    seen = engagement(api, engagement_id)
    assert seen["progress"] == "off_track"
    assert seen["off_track_since"] == "2026-03-22"
    at("2026-04-30T12:00:00+00:00")
    assert engagement(api, engagement_id)["off_track_since"] == "2026-03-22"


def test_given_an_off_track_engagement_when_a_session_is_scheduled_then_it_is_on_track_again(
    api: HttpCall, coaching: dict[str, str]
) -> None:
    engagement_id = launched(api, coaching)
    at("2026-03-22T10:00:00+00:00")
    assert engagement(api, engagement_id)["progress"] == "off_track"
    book(api, coaching["coachee"], engagement_id, "2026-03-25T10:00:00+00:00")
    back = engagement(api, engagement_id)
    assert (back["progress"], back["off_track_since"]) == ("on_track", None)
    # Once the session's day has passed it is the latest activity: 25 March + 21 days.
    at("2026-04-14T10:00:00+00:00")
    assert engagement(api, engagement_id)["progress"] == "on_track"
    at("2026-04-15T10:00:00+00:00")
    later = engagement(api, engagement_id)
    assert (later["progress"], later["off_track_since"]) == ("off_track", "2026-04-15")


def test_given_a_cancelled_session_then_its_date_still_counts_as_activity(
    api: HttpCall, coaching: dict[str, str]
) -> None:
    """Seed: "Scheduled / completed / cancelled session date" all count."""
    engagement_id = launched(api, coaching)
    at("2026-03-10T12:00:00+00:00")
    session = book(api, coaching["coachee"], engagement_id, "2026-03-10T09:00:00+00:00")
    cancelled = api(
        "PATCH",
        f"/appointments/{session['id']}",
        body={"status": "cancelled"},
        caller=ADMIN,
        route="PATCH /appointments/{appointment_id}",
        path_parameters={"appointment_id": session["id"]},
    )
    assert cancelled["status"] == 200, cancelled
    at("2026-03-30T12:00:00+00:00")
    assert engagement(api, engagement_id)["progress"] == "on_track"  # 10 March + 21 = 31 March
    at("2026-03-31T12:00:00+00:00")
    assert engagement(api, engagement_id)["off_track_since"] == "2026-03-31"


def test_given_coach_matching_then_discovery_calls_and_coach_selection_are_its_activity(
    api: HttpCall, coaching: dict[str, str]
) -> None:
    at("2026-03-01T09:00:00+00:00")
    made = new_engagement(api, coaching["matching"], coaching["coachee"], status="matching")
    engagement_id = made["id"]
    assert (made["status"], made["coach_id"], made["progress"]) == ("matching", None, "on_track")
    assert made["tracking"] == {"threshold_days": 14, "notify_off_track": False}
    at("2026-03-12T09:00:00+00:00")
    book(
        api,
        coaching["coachee"],
        engagement_id,
        "2026-03-10T09:00:00+00:00",
        kind="discovery_call",
        status="completed",
    )
    # A session is not activity while matching: only discovery calls are.
    book(api, coaching["coachee"], engagement_id, "2026-03-20T09:00:00+00:00")
    at("2026-03-23T12:00:00+00:00")
    assert engagement(api, engagement_id)["progress"] == "on_track"
    at("2026-03-24T12:00:00+00:00")
    off = engagement(api, engagement_id)
    assert (off["progress"], off["off_track_since"]) == ("off_track", "2026-03-24")

    at("2026-03-25T12:00:00+00:00")
    selected = patch(api, engagement_id, {"coach_id": "user-cora"})
    assert selected["status"] == 200, selected
    body = selected["json"]
    assert (body["status"], body["coach_id"], body["coach_selected_on"]) == (
        "active",
        "user-cora",
        "2026-03-25",
    )
    assert (body["progress"], body["off_track_since"]) == ("on_track", None)
    at("2026-04-08T12:00:00+00:00")
    assert engagement(api, engagement_id)["off_track_since"] == "2026-04-08"
    history = engagement(api, engagement_id, include="history")["history"]
    assert [(h["from_status"], h["to_status"], h["cause"], h["date"]) for h in history] == [
        (None, "draft", "created", "2026-03-01"),
        ("draft", "matching", "launched", "2026-03-01"),
        ("matching", "active", "coach_selected", "2026-03-25"),
    ]


def test_given_a_staff_member_who_is_not_the_coach_then_they_see_the_engagement_as_not_tracking(
    api: HttpCall, coaching: dict[str, str]
) -> None:
    engagement_id = launched(api, coaching)
    at("2026-03-25T12:00:00+00:00")
    for caller in (ADMIN, OWNER, NORTH_ADMIN, COACH):
        seen = engagement(api, engagement_id, caller)
        assert (seen["progress"], seen["off_track_since"]) == ("off_track", "2026-03-22")
    for caller in (ASSIGNED_STAFF, coachee_token(coaching)):
        seen = engagement(api, engagement_id, caller)
        assert (seen["progress"], seen["off_track_since"]) == ("not_tracking", None)
    listed = call(
        api, "GET", "/engagements", caller=ASSIGNED_STAFF, query={"progress": "off_track"}
    )
    assert listed["json"]["items"] == []
    listed = call(
        api, "GET", "/engagements", caller=ASSIGNED_STAFF, query={"progress": "not_tracking"}
    )
    assert [e["id"] for e in listed["json"]["items"]] == [engagement_id]


def test_given_the_template_changes_after_launch_then_launched_engagements_keep_their_copy(
    api: HttpCall, coaching: dict[str, str]
) -> None:
    engagement_id = launched(api, coaching)
    at("2026-03-02T09:00:00+00:00")
    draft = new_engagement(api, coaching["three_weeks"], coaching["coachee"])
    changed = call(
        api,
        "PATCH",
        "/engagement-templates/{template_id}",
        body={"threshold_days": 7},
        template_id=coaching["three_weeks"],
    )
    assert changed["status"] == 200, changed
    assert changed["json"]["threshold_days"] == 7
    assert engagement(api, engagement_id)["tracking"]["threshold_days"] == 21
    started = patch(api, draft["id"], {"status": "active"})["json"]
    assert started["tracking"] == {"threshold_days": 7, "notify_off_track": True}
    at("2026-03-09T09:00:00+00:00")
    assert engagement(api, draft["id"])["off_track_since"] == "2026-03-09"
    assert engagement(api, engagement_id)["progress"] == "on_track"


def test_given_a_template_without_a_threshold_then_its_engagements_are_not_tracking(
    api: HttpCall, coaching: dict[str, str]
) -> None:
    untracked = new_template(api, name="Open-ended", threshold_days=None)
    made = new_engagement(api, untracked["id"], coaching["coachee"], status="active")
    at("2026-12-01T09:00:00+00:00")
    assert engagement(api, made["id"])["progress"] == "not_tracking"


def test_given_engagement_transitions_then_the_history_keeps_each_with_date_and_cause(
    api: HttpCall, coaching: dict[str, str]
) -> None:
    engagement_id = launched(api, coaching)
    at("2026-04-02T09:00:00+00:00")
    done = patch(api, engagement_id, {"status": "completed"})
    assert done["status"] == 200, done
    assert done["json"]["progress"] == "not_tracking"
    history = engagement(api, engagement_id, include="history")["history"]
    assert [(h["from_status"], h["to_status"], h["date"], h["cause"]) for h in history] == [
        (None, "draft", "2026-03-01", "created"),
        ("draft", "active", "2026-03-01", "launched"),
        ("active", "completed", "2026-04-02", "changed"),
    ]
    assert {h["actor_id"] for h in history} == {"user-adam"}
    assert engagement(api, engagement_id).get("history") is None


def test_given_illegal_transitions_then_409_and_nothing_changes(
    api: HttpCall, coaching: dict[str, str]
) -> None:
    at("2026-03-01T09:00:00+00:00")
    one = new_engagement(api, coaching["three_weeks"], coaching["coachee"])
    assert patch(api, one["id"], {"status": "completed"})["status"] == 409
    assert patch(api, one["id"], {"status": "matching"})["status"] == 409
    matching = new_engagement(api, coaching["matching"], coaching["coachee"], status="matching")
    refused = patch(api, matching["id"], {"status": "active"})
    assert refused["status"] == 409
    assert "coach" in refused["json"]["detail"]
    assert patch(api, one["id"], {"status": "cancelled"})["status"] == 200
    assert patch(api, one["id"], {"status": "active"})["status"] == 409
    assert patch(api, one["id"], {"coach_id": "user-cora"})["status"] == 409
    assert engagement(api, one["id"])["status"] == "cancelled"


# -- lists ---------------------------------------------------------------------------------------


def test_given_many_engagements_when_listing_by_progress_then_pages_hold_exactly_the_matches(
    api: HttpCall, coaching: dict[str, str]
) -> None:
    at("2026-03-01T09:00:00+00:00")
    off = [
        new_engagement(api, coaching["three_weeks"], coaching["coachee"], status="active")["id"]
        for _ in range(5)
    ]
    drafts = [
        new_engagement(api, coaching["three_weeks"], coaching["other_client"])["id"]
        for _ in range(3)
    ]
    at("2026-03-25T09:00:00+00:00")
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        query = {"progress": "off_track", "limit": "2", **({"cursor": cursor} if cursor else {})}
        page = call(api, "GET", "/engagements", query=query)
        assert page["status"] == 200, page
        seen += [e["id"] for e in page["json"]["items"]]
        assert all(e["progress"] == "off_track" for e in page["json"]["items"])
        pages += 1
        cursor = page["json"].get("next_cursor")
        if not cursor:
            break
    assert seen == off
    assert pages == 3
    not_tracking = call(api, "GET", "/engagements", query={"progress": "not_tracking"})
    assert [e["id"] for e in not_tracking["json"]["items"]] == drafts
    everything = call(api, "GET", "/engagements", query={"limit": "100"})
    assert len(everything["json"]["items"]) == 8
    # A cursor is bound to its list and filters.
    first = call(api, "GET", "/engagements", query={"progress": "off_track", "limit": "2"})
    replayed = call(
        api,
        "GET",
        "/engagements",
        query={"progress": "on_track", "cursor": first["json"]["next_cursor"]},
    )
    assert replayed["status"] == 400


def test_given_a_coachee_token_then_the_list_holds_only_their_engagements(
    api: HttpCall, coaching: dict[str, str]
) -> None:
    mine = launched(api, coaching)
    new_engagement(api, coaching["three_weeks"], coaching["other_client"], status="active")
    listed = call(api, "GET", "/engagements", caller=coachee_token(coaching))
    assert listed["status"] == 200, listed
    assert [(e["id"], e["progress"]) for e in listed["json"]["items"]] == [(mine, "not_tracking")]
    coach_list = call(api, "GET", "/engagements", caller=COACH)
    assert [e["id"] for e in coach_list["json"]["items"]] == [mine]
    assert call(api, "GET", "/engagements", caller=OTHER_STAFF)["json"]["items"] == []


# -- roles, tenancy, validation, concurrency, idempotency -----------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (OWNER, (200, 201, 200, 200)),
        (ADMIN, (200, 201, 200, 200)),
        (NORTH_ADMIN, (200, 403, 200, 403)),
        (COACH, (200, 403, 200, 403)),
        (OTHER_STAFF, (200, 403, 200, 403)),
        ("coachee", (403, 403, 403, 403)),
    ],
    ids=["owner", "admin", "location_admin", "coach", "staff", "client"],
)
def test_role_table_for_engagement_templates(
    api: HttpCall, coaching: dict[str, str], who: Any, expected: tuple[int, ...]
) -> None:
    caller = coachee_token(coaching) if who == "coachee" else who
    one = {"template_id": coaching["three_weeks"]}
    template = "/engagement-templates/{template_id}"
    new = {"name": "X", "type": "on_demand"}
    got = (
        call(api, "GET", "/engagement-templates", caller=caller)["status"],
        call(api, "POST", "/engagement-templates", caller=caller, body=new)["status"],
        call(api, "GET", template, caller=caller, **one)["status"],
        call(api, "PATCH", template, caller=caller, body={"name": "Renamed"}, **one)["status"],
    )
    assert got == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        # (GET list, POST, GET one, PATCH one)
        (OWNER, (1, 201, 200, 200)),
        (ADMIN, (1, 201, 200, 200)),
        (NORTH_ADMIN, (1, 201, 200, 200)),
        (SOUTH_ADMIN, (0, 403, 403, 403)),
        (COACH, (1, 403, 200, 403)),
        (ASSIGNED_STAFF, (1, 403, 200, 403)),
        (OTHER_STAFF, (0, 403, 403, 403)),
        ("coachee", (1, 403, 200, 403)),
        ("other client", (0, 403, 404, 404)),
    ],
    ids=[
        "owner",
        "admin",
        "location_admin_of_its_location",
        "location_admin_elsewhere",
        "coach",
        "staff_assigned_to_the_coachee",
        "other_staff",
        "coachee",
        "other_client",
    ],
)
def test_role_table_for_engagements(
    api: HttpCall, coaching: dict[str, str], who: Any, expected: tuple[int, ...]
) -> None:
    engagement_id = launched(api, coaching)
    if who == "coachee":
        caller = coachee_token(coaching)
    elif who == "other client":
        call(api, "PUT", "/clients/{client_id}/login", body={}, client_id=coaching["other_client"])
        caller = claims(role="client", sub="user-otto", client_id=coaching["other_client"])
    else:
        caller = who
    listed = call(api, "GET", "/engagements", caller=caller)
    assert listed["status"] == 200, listed
    new = {"template_id": coaching["three_weeks"], "coachee_id": coaching["coachee"]}
    created = call(api, "POST", "/engagements", caller=caller, body=new)
    read = call(
        api, "GET", "/engagements/{engagement_id}", caller=caller, engagement_id=engagement_id
    )
    got = (
        len(listed["json"]["items"]),
        created["status"],
        read["status"],
        patch(api, engagement_id, {"name": "Renamed"}, caller=caller)["status"],
    )
    assert got == expected


def test_given_an_admin_of_another_organization_then_every_engagement_route_is_404(
    api: HttpCall, coaching: dict[str, str]
) -> None:
    engagement_id = launched(api, coaching)
    template_id = coaching["three_weeks"]
    responses = [
        call(
            api,
            "GET",
            "/engagements/{engagement_id}",
            caller=FOREIGN_ADMIN,
            engagement_id=engagement_id,
        ),
        call(
            api,
            "GET",
            "/engagements/{engagement_id}",
            caller=FOREIGN_ADMIN,
            query={"include": "history"},
            engagement_id=engagement_id,
        ),
        patch(api, engagement_id, {"status": "completed"}, caller=FOREIGN_ADMIN),
        call(
            api,
            "GET",
            "/engagement-templates/{template_id}",
            caller=FOREIGN_ADMIN,
            template_id=template_id,
        ),
        call(
            api,
            "PATCH",
            "/engagement-templates/{template_id}",
            caller=FOREIGN_ADMIN,
            body={"threshold_days": 1},
            template_id=template_id,
        ),
        call(
            api,
            "POST",
            "/engagements",
            caller=FOREIGN_ADMIN,
            body={"template_id": template_id, "coachee_id": coaching["coachee"]},
        ),
    ]
    assert [r["status"] for r in responses] == [404] * len(responses)
    assert all(r["headers"]["content-type"] == "application/problem+json" for r in responses)
    for route in ("/engagements", "/engagement-templates"):
        listed = call(api, "GET", route, caller=FOREIGN_ADMIN)
        assert (listed["status"], listed["json"]["items"]) == (200, [])
    unchanged = engagement(api, engagement_id)
    assert (unchanged["status"], unchanged["version"]) == ("active", 2)
    assert engagement(api, engagement_id)["tracking"]["threshold_days"] == 21
    malformed = call(
        api, "GET", "/engagements/{engagement_id}", caller=ADMIN, engagement_id="eng_nonsense"
    )
    assert malformed["status"] == 404


def test_given_bad_bodies_then_422_with_field_paths(
    api: HttpCall, coaching: dict[str, str]
) -> None:
    template_id = coaching["three_weeks"]
    cases = [
        ("POST", "/engagement-templates", {"name": "X", "type": "group"}, "body.type"),
        (
            "POST",
            "/engagement-templates",
            {"name": "X", "type": "one_to_one", "threshold_days": 0},
            "body.threshold_days",
        ),
        ("POST", "/engagement-templates", {"type": "one_to_one"}, "body.name"),
        (
            "POST",
            "/engagement-templates",
            {"name": "X", "type": "one_to_one", "colour": "red"},
            "body.colour",
        ),
        ("POST", "/engagements", {"template_id": template_id}, "body.coachee_id"),
        (
            "POST",
            "/engagements",
            {"template_id": template_id, "coachee_id": coaching["coachee"], "status": "completed"},
            "body.status",
        ),
        (
            "POST",
            "/engagements",
            {"template_id": "../etc", "coachee_id": coaching["coachee"]},
            "body.template_id",
        ),
        (
            "POST",
            "/engagements",
            {
                "template_id": template_id,
                "coachee_id": coaching["coachee"],
                "location_id": "atlantis",
            },
            "body.location_id",
        ),
    ]
    for method, route, body, field in cases:
        response = call(api, method, route, body=body)
        assert response["status"] == 422, (body, response)
        assert response["headers"]["content-type"] == "application/problem+json"
        assert field in [e["field"] for e in response["json"]["errors"]], (body, response)
    made = new_engagement(api, template_id, coaching["coachee"])
    for body, field in (
        ({"status": "paused"}, "body.status"),
        ({"status": None}, "body.status"),
        ({"coach_id": None}, "body.coach_id"),
        ({"name": ""}, "body.name"),
    ):
        response = patch(api, made["id"], body)
        assert response["status"] == 422, (body, response)
        assert field in [e["field"] for e in response["json"]["errors"]], (body, response)
    patched = call(
        api,
        "PATCH",
        "/engagement-templates/{template_id}",
        body={"threshold_days": -3},
        template_id=template_id,
    )
    assert patched["status"] == 422
    assert patched["json"]["errors"][0]["field"] == "body.threshold_days"
    broken = api("POST", "/engagements", body="{not json", caller=ADMIN)
    assert broken["status"] == 422


def test_given_a_stale_if_match_then_412_and_no_lost_update(
    api: HttpCall, coaching: dict[str, str]
) -> None:
    made = call(
        api,
        "POST",
        "/engagements",
        body={"template_id": coaching["three_weeks"], "coachee_id": coaching["coachee"]},
    )
    etag = made["headers"]["etag"]
    first = patch(api, made["json"]["id"], {"name": "A"}, headers={"if-match": etag})
    assert first["status"] == 200
    assert first["headers"]["etag"] != etag
    stale = patch(api, made["json"]["id"], {"name": "B"}, headers={"if-match": etag})
    assert stale["status"] == 412
    assert engagement(api, made["json"]["id"])["name"] == "A"

    template_id = coaching["three_weeks"]
    route = "/engagement-templates/{template_id}"
    read = call(api, "GET", route, template_id=template_id)
    tag = read["headers"]["etag"]
    ok = call(
        api, "PATCH", route, body={"name": "T1"}, headers={"if-match": tag}, template_id=template_id
    )
    assert ok["status"] == 200
    again = call(
        api, "PATCH", route, body={"name": "T2"}, headers={"if-match": tag}, template_id=template_id
    )
    assert again["status"] == 412
    assert call(api, "GET", route, template_id=template_id)["json"]["name"] == "T1"


def test_given_a_booking_between_read_and_patch_then_both_land(
    api: HttpCall, coaching: dict[str, str]
) -> None:
    """The booking moves the summary (state_version), not the ETag: a PATCH with the
    earlier ETag still applies, and the booked session is not lost."""
    engagement_id = launched(api, coaching)
    at("2026-03-22T09:00:00+00:00")
    etag = call(api, "GET", "/engagements/{engagement_id}", engagement_id=engagement_id)["headers"][
        "etag"
    ]
    book(api, coaching["coachee"], engagement_id, "2026-03-28T09:00:00+00:00")
    renamed = patch(api, engagement_id, {"name": "Renamed"}, headers={"if-match": etag})
    assert renamed["status"] == 200, renamed
    assert (renamed["json"]["name"], renamed["json"]["progress"]) == ("Renamed", "on_track")


def test_given_an_idempotency_key_then_a_replayed_post_creates_nothing_new(
    api: HttpCall, coaching: dict[str, str]
) -> None:
    body = {"template_id": coaching["three_weeks"], "coachee_id": coaching["coachee"]}
    key = {"idempotency-key": "engagement-create-1"}
    first = call(api, "POST", "/engagements", body=body, headers=key)
    second = call(api, "POST", "/engagements", body=body, headers=key)
    assert first["status"] == second["status"] == 201
    assert first["json"]["id"] == second["json"]["id"]
    assert len(call(api, "GET", "/engagements")["json"]["items"]) == 1
    other = call(api, "POST", "/engagements", body={**body, "name": "Other"}, headers=key)
    assert other["status"] == 422

    tpl = {"name": "Pack", "type": "on_demand", "threshold_days": 10}
    tkey = {"idempotency-key": "template-create-1"}
    one = call(api, "POST", "/engagement-templates", body=tpl, headers=tkey)
    two = call(api, "POST", "/engagement-templates", body=tpl, headers=tkey)
    assert one["status"] == two["status"] == 201
    assert one["json"]["id"] == two["json"]["id"]


def test_given_an_engagement_read_then_it_costs_one_get_item(
    api: HttpCall, coaching: dict[str, str], dynamodb_calls: list[str]
) -> None:
    engagement_id = launched(api, coaching)
    engagement(api, engagement_id)  # warms the organization cache
    dynamodb_calls.clear()
    engagement(api, engagement_id)
    assert dynamodb_calls == ["GetItem"]
    dynamodb_calls.clear()
    engagement(api, engagement_id, include="history")
    assert dynamodb_calls == ["GetItem", "Query"]


def test_given_a_history_entry_op_then_it_commits_with_the_change_and_history_for_reads_it(
    api: HttpCall, coaching: dict[str, str]
) -> None:
    """The helper the appointment path and the nightly evaluator add to their
    transactions; `history_for` reads it as GET /packages/{id}?include=history does."""
    from datetime import date

    from momentum.domain.access import Principal, Role
    from momentum.logic.history import PROGRESS, history_op
    from momentum.logic.packages import get_package, package_history
    from momentum.store import dynamo

    def history_for(caller: Principal, package_id: str) -> list[dict[str, Any]]:
        return package_history(caller, get_package(caller, package_id))

    package = call(
        api,
        "POST",
        "/clients/{client_id}/packages",
        body={"type": "usage"},
        client_id=coaching["coachee"],
    )["json"]
    op = history_op(
        "org-test", "package", package["id"], "on_track", "at_risk", date(2026, 3, 5), "nightly",
        field=PROGRESS,
    )  # fmt: skip
    dynamo.transact_write([op])
    admin = Principal("org-test", "user-adam", Role.ADMIN)
    entries = history_for(admin, package["id"])
    assert [(e["from_status"], e["to_status"], e["cause"]) for e in entries] == [
        ("on_track", "at_risk", "nightly")
    ]
    client = Principal("org-test", "user-cleo", Role.CLIENT, client_id=coaching["coachee"])
    assert history_for(client, package["id"]) == []  # On track not client-visible
    foreign = Principal(OTHER_ORG, "user-alien", Role.ADMIN)
    from momentum.domain.errors import NotFound

    with pytest.raises(NotFound):
        history_for(foreign, package["id"])


def test_given_an_activated_engagement_then_the_nightly_run_on_22_march_emails_the_coachee_once(
    api: HttpCall, coaching: dict[str, str], nightly: Callable[[], dict[str, Any]]
) -> None:
    """The writes here put the engagement in the due index for its crossing day, so the
    nightly chain (not this module's) finds it exactly then."""
    launched(api, coaching)
    at("2026-03-21T02:00:00+00:00")
    nightly()
    assert sent_emails() == []
    at("2026-03-22T02:00:00+00:00")
    nightly()
    nightly()
    to_coachee = [m for m in sent_emails() if "cleo@example.com" in m["to"]]
    assert len(to_coachee) == 1, sent_emails()


def test_given_the_crossing_night_was_missed_then_a_later_run_records_it_dated_the_crossing(
    api: HttpCall, coaching: dict[str, str], nightly: Callable[[], dict[str, Any]]
) -> None:
    """SPEC §8: a run brings every item up to date for the new day, also after a night the
    schedule missed; the history says when it went Off track, not when it was noticed."""
    engagement_id = launched(api, coaching)
    at("2026-03-25T02:00:00+00:00")  # no run on 22, 23 or 24 March
    nightly()
    nightly()  # a retried run records nothing twice
    history = engagement(api, engagement_id, include="history")["history"]
    progress = [
        (h["from_status"], h["to_status"], h["date"], h["cause"])
        for h in history
        if h["field"] == "progress"
    ]
    assert progress == [("on_track", "off_track", "2026-03-22", "nightly")], history
    to_coachee = [m for m in sent_emails() if "cleo@example.com" in m["to"]]
    assert len(to_coachee) == 1, sent_emails()


def test_given_the_nightly_runs_on_the_crossing_day_then_the_history_is_dated_that_day(
    api: HttpCall, coaching: dict[str, str], nightly: Callable[[], dict[str, Any]]
) -> None:
    engagement_id = launched(api, coaching)
    at("2026-03-22T02:00:00+00:00")
    nightly()
    at("2026-03-23T02:00:00+00:00")
    nightly()
    history = engagement(api, engagement_id, include="history")["history"]
    progress = [(h["to_status"], h["date"]) for h in history if h["field"] == "progress"]
    assert progress == [("off_track", "2026-03-22")], history
