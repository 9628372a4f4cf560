"""Every person id a caller sends must be a user of the organization with a fitting role
(SPEC §9; the rule: `momentum.domain.people`): practitioner, assigned practitioners, a
package's team member, a tracker task's assignee, an engagement's coach and owner.
Unknown ids, other organizations' users, wrong roles and inactive users are 422 naming the
field, and nothing is written. Staff book only themselves as practitioner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import pytest

from momentum.store import users as user_store
from tests.integration import routes
from tests.integration.conftest import OTHER_ORG, HttpCall, claims
from tests.integration.people import seed_user
from tests.integration.routes import at, ids_of, put_org
from tests.integration.routes import ok as created

ADMIN = claims(role="admin", sub="user-adam")
SAM = claims(role="staff", sub="user-sam")
NORTH_ADMIN = claims(role="location_admin", sub="user-nora", locations="north")

Ids = dict[str, str]
call = partial(routes.call, caller=ADMIN)


@pytest.fixture
def practice(api: HttpCall) -> Ids:
    """North and South; staff Sam and Zoe, admin Adam, Nora (North's admin), Stu (South's
    admin), inactive Ivy; a user of another organization; a North client assigned to Sam
    with a package, a tracker and a draft engagement."""
    at("2026-04-01T09:00:00+00:00")
    seed_user("user-sam", "staff")
    seed_user("user-zoe", "staff")
    seed_user("user-adam", "admin")
    seed_user("user-olga", "owner")
    seed_user("user-nora", "location_admin", locations=["north"])
    seed_user("user-stu", "location_admin", locations=["south"])
    seed_user("user-ivy", "admin", status="inactive")
    seed_user("user-alien", "staff", org=OTHER_ORG)
    put_org(api, "Harbour", "Europe/London")
    ids: Ids = {}

    def make(thing: str, route: str, body: dict[str, Any]) -> None:
        ids[thing] = created(call(api, "POST", route, params=ids_of(route, ids), body=body))["id"]

    make(
        "client",
        "/clients",
        {"name": "Ada", "location_id": "north", "assigned_practitioner_ids": ["user-sam"]},
    )
    make(
        "package",
        "/clients/{client_id}/packages",
        {"type": "usage", "assigned_team_member_id": "user-sam"},
    )
    tracker_task = {"assignee_id": "user-sam", "trigger": "count_reached"}
    make(
        "tracker",
        "/clients/{client_id}/trackers",
        {"sessions": 4, "begin_date": "2026-04-01", "task": tracker_task},
    )
    make(
        "template",
        "/engagement-templates",
        {"name": "Coaching", "type": "one_to_one", "threshold_days": 21},
    )
    make(
        "engagement", "/engagements", {"template_id": ids["template"], "coachee_id": ids["client"]}
    )
    ids["appointment"] = created(book(api, ids["client"], "user-sam"))["id"]
    return ids


def book(
    api: HttpCall, client_id: str, practitioner: str, caller: dict[str, str] = ADMIN
) -> dict[str, Any]:
    body = {
        "client_id": client_id,
        "practitioner_id": practitioner,
        "starts_at": "2026-04-02T10:00:00+01:00",
        "ends_at": "2026-04-02T11:00:00+01:00",
    }
    return call(api, "POST", "/appointments", caller=caller, body=body)


# -- one sender per field and route: (api, ids, person id) -> response ------------------------


@dataclass(frozen=True)
class Sender:
    name: str
    field: str  # as the 422's errors name it
    send: Callable[[HttpCall, Ids, str], dict[str, Any]]
    role_wrong: str  # a user of the organization whose role does not fit this field


def _sender(
    method: str, route: str, body: Callable[[Ids, str], dict[str, Any]]
) -> Callable[[HttpCall, Ids, str], dict[str, Any]]:
    """Sends `body(ids, person)` to `route`, its {thing_id} the practice's ids["thing"]."""

    def send(api: HttpCall, ids: Ids, person: str) -> dict[str, Any]:
        return call(api, method, route, params=ids_of(route, ids), body=body(ids, person))

    return send


_new_client = _sender(
    "POST",
    "/clients",
    lambda ids, person: {
        "name": "Bo",
        "location_id": "north",
        "assigned_practitioner_ids": ["user-zoe", person],
    },
)
_patch_client = _sender(
    "PATCH",
    "/clients/{client_id}",
    lambda ids, person: {"assigned_practitioner_ids": ["user-sam", person]},
)
_patch_appointment = _sender(
    "PATCH", "/appointments/{appointment_id}", lambda ids, person: {"practitioner_id": person}
)
_new_package = _sender(
    "POST",
    "/clients/{client_id}/packages",
    lambda ids, person: {"type": "usage", "assigned_team_member_id": person},
)
_patch_package = _sender(
    "PATCH", "/packages/{package_id}", lambda ids, person: {"assigned_team_member_id": person}
)
_new_tracker = _sender(
    "POST",
    "/clients/{client_id}/trackers",
    lambda ids, person: {
        "sessions": 2,
        "begin_date": "2026-04-01",
        "task": {"assignee_id": person, "trigger": "count_reached"},
    },
)
_patch_tracker = _sender(
    "PATCH",
    "/trackers/{tracker_id}",
    lambda ids, person: {"task": {"assignee_id": person, "trigger": "count_reached"}},
)


def _new_engagement(field: str) -> Callable[[HttpCall, Ids, str], dict[str, Any]]:
    return _sender(
        "POST",
        "/engagements",
        lambda ids, person: {
            "template_id": ids["template"],
            "coachee_id": ids["client"],
            field: person,
        },
    )


def _patch_engagement(field: str) -> Callable[[HttpCall, Ids, str], dict[str, Any]]:
    return _sender("PATCH", "/engagements/{engagement_id}", lambda ids, person: {field: person})


# South's location admin may not practise on a North client; staff may not own engagements.
SENDERS = [
    Sender(
        "POST /appointments",
        "body.practitioner_id",
        lambda api, ids, person: book(api, ids["client"], person),
        "user-stu",
    ),
    Sender("PATCH /appointments", "body.practitioner_id", _patch_appointment, "user-stu"),
    Sender("POST /clients", "body.assigned_practitioner_ids.1", _new_client, "user-stu"),
    Sender("PATCH /clients", "body.assigned_practitioner_ids.1", _patch_client, "user-stu"),
    Sender("POST packages", "body.assigned_team_member_id", _new_package, "user-stu"),
    Sender("PATCH /packages", "body.assigned_team_member_id", _patch_package, "user-stu"),
    Sender("POST trackers", "body.task.assignee_id", _new_tracker, "user-stu"),
    Sender("PATCH /trackers", "body.task.assignee_id", _patch_tracker, "user-stu"),
    Sender("POST /engagements coach", "body.coach_id", _new_engagement("coach_id"), "user-stu"),
    Sender("PATCH /engagements coach", "body.coach_id", _patch_engagement("coach_id"), "user-stu"),
    Sender("POST /engagements owner", "body.owner_id", _new_engagement("owner_id"), "user-sam"),
    Sender("PATCH /engagements owner", "body.owner_id", _patch_engagement("owner_id"), "user-zoe"),
]


def _snapshot() -> list[dict[str, Any]]:
    """Every item of the table: what a refused request must leave exactly as it was."""
    from momentum.store import dynamo

    items = dynamo.client().scan(TableName=dynamo.table_name(), ConsistentRead=True)["Items"]
    return sorted(items, key=lambda i: (i["pk"]["S"], i["sk"]["S"]))


@pytest.mark.parametrize("sender", SENDERS, ids=lambda s: s.name)
@pytest.mark.parametrize(
    ("case", "person", "says"),
    [
        ("unknown id", "user-nobody", "no such user in your organization"),
        ("another organization's user", "user-alien", "no such user in your organization"),
        ("wrong role", None, "cannot be the"),
        ("inactive user", "user-ivy", "inactive"),
    ],
)
def test_a_person_id_that_does_not_fit_is_422_naming_the_field_and_changes_nothing(
    api: HttpCall, practice: Ids, sender: Sender, case: str, person: str | None, says: str
) -> None:
    before = _snapshot()
    response = sender.send(api, practice, person or sender.role_wrong)
    assert response["status"] == 422, (case, response)
    problem = response["json"]
    assert [e["field"] for e in problem["errors"]] == [sender.field], problem
    assert says in problem["errors"][0]["msg"], problem
    assert sender.field.removeprefix("body.") in problem["detail"]
    assert _snapshot() == before


@pytest.mark.parametrize("sender", SENDERS, ids=lambda s: s.name)
def test_a_fitting_person_is_accepted(api: HttpCall, practice: Ids, sender: Sender) -> None:
    """An owner or admin fits every field; North's location admin fits a North record."""
    for person in ("user-olga", "user-nora"):
        response = sender.send(api, practice, person)
        assert response["status"] in (200, 201), (person, response)


@pytest.mark.parametrize(
    "sender", [s for s in SENDERS if s.field != "body.owner_id"], ids=lambda s: s.name
)
def test_staff_fit_every_practising_field(api: HttpCall, practice: Ids, sender: Sender) -> None:
    response = sender.send(api, practice, "user-zoe")
    assert response["status"] in (200, 201), response


def test_several_refusals_are_reported_together(api: HttpCall, practice: Ids) -> None:
    body = {"name": "Bo", "assigned_practitioner_ids": ["user-ivy", "user-sam", "user-nobody"]}
    response = call(api, "POST", "/clients", body=body)
    assert response["status"] == 422
    assert [e["field"] for e in response["json"]["errors"]] == [
        "body.assigned_practitioner_ids.0",
        "body.assigned_practitioner_ids.2",
    ]


def test_people_already_on_a_record_stay_when_they_become_inactive(
    api: HttpCall, practice: Ids
) -> None:
    """Only ids a request adds are checked: a record naming someone who has since become
    inactive can still be edited, and its current people re-sent."""
    sam = user_store.get_user("org-test", "user-sam")
    assert sam is not None
    user_store.save_profile(sam, replace(sam, status="inactive"))
    kept = _patch_client(api, practice, "user-zoe")
    assert kept["status"] == 200, kept
    assert kept["json"]["assigned_practitioner_ids"] == ["user-sam", "user-zoe"]
    assert _patch_package(api, practice, "user-sam")["status"] == 200
    assert _patch_appointment(api, practice, "user-sam")["status"] == 200
    assert _patch_package(api, practice, "user-zoe")["status"] == 200
    back = _patch_package(api, practice, "user-sam")
    assert back["status"] == 422  # newly naming the inactive Sam again
    assert "inactive" in back["json"]["detail"]


def test_staff_book_only_themselves_as_practitioner(api: HttpCall, practice: Ids) -> None:
    before = call(api, "GET", "/appointments", query={"client_id": practice["client"]})["json"]
    colleague = book(api, practice["client"], "user-zoe", caller=SAM)
    assert colleague["status"] == 403, colleague
    assert "only with themselves as practitioner" in colleague["json"]["detail"]

    def sam_changes_the_appointment(**body: str) -> dict[str, Any]:
        params = {"appointment_id": practice["appointment"]}
        return call(
            api, "PATCH", "/appointments/{appointment_id}", caller=SAM, params=params, body=body
        )

    moved = sam_changes_the_appointment(practitioner_id="user-zoe")
    assert moved["status"] == 403, moved
    after = call(api, "GET", "/appointments", query={"client_id": practice["client"]})["json"]
    assert after == before
    client = created(
        call(api, "GET", "/clients/{client_id}", params={"client_id": practice["client"]})
    )
    assert client["assigned_practitioner_ids"] == ["user-sam"]  # Zoe was not given access
    # Themself, named or by default, and a status change re-sending the current practitioner.
    assert book(api, practice["client"], "user-sam", caller=SAM)["status"] == 201
    unchanged = sam_changes_the_appointment(practitioner_id="user-sam", notes="ok")
    assert unchanged["status"] == 200, unchanged


def test_an_admin_books_a_colleague_and_assigns_them(api: HttpCall, practice: Ids) -> None:
    assert book(api, practice["client"], "user-zoe")["status"] == 201
    client = created(
        call(api, "GET", "/clients/{client_id}", params={"client_id": practice["client"]})
    )
    assert client["assigned_practitioner_ids"] == ["user-sam", "user-zoe"]


def test_a_location_admin_names_people_of_their_location_only(api: HttpCall, practice: Ids) -> None:
    assert book(api, practice["client"], "user-nora", caller=NORTH_ADMIN)["status"] == 201
    south = book(api, practice["client"], "user-stu", caller=NORTH_ADMIN)
    assert south["status"] == 422
    assert "only on records of their locations" in south["json"]["errors"][0]["msg"]


def test_the_engagement_owner_defaults_to_the_caller_and_must_administer_its_location(
    api: HttpCall, practice: Ids
) -> None:
    made = created(
        call(
            api,
            "POST",
            "/engagements",
            caller=NORTH_ADMIN,
            body={"template_id": practice["template"], "coachee_id": practice["client"]},
        )
    )
    assert made["owner_id"] == "user-nora"
    moved = _patch_engagement("owner_id")(api, {**practice, "engagement": made["id"]}, "user-stu")
    assert moved["status"] == 422
    assert moved["json"]["errors"][0]["field"] == "body.owner_id"


def test_the_named_people_are_read_with_one_batch_get(
    api: HttpCall, practice: Ids, dynamodb_calls: list[str]
) -> None:
    body = {"name": "Bo", "assigned_practitioner_ids": ["user-sam", "user-zoe", "user-olga"]}
    dynamodb_calls.clear()
    assert call(api, "POST", "/clients", body=body)["status"] == 201
    assert dynamodb_calls.count("BatchGetItem") == 1
    assert "GetItem" not in dynamodb_calls
