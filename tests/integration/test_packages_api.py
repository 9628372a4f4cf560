"""Package templates and client packages over the API (SPEC §4, §5 settings)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.conftest import OTHER_ORG, HttpCall, claims
from tests.integration.people import seed_user
from tests.integration.routes import call, client_of_sam, route_of

ADMIN = claims(role="admin", sub="user-adam")
STAFF = claims(role="staff", sub="user-sam")
TEN_PACK = {
    "name": "10-session pack",
    "type": "fixed",
    "size": 10,
    "validity_days": 30,
    "on_track": {"enabled": True, "window_days": 30, "at_risk_below": 2, "off_track_below": 1},
}


@pytest.fixture
def client_id(api: HttpCall) -> str:
    return client_of_sam(api, None, ADMIN)


def _template(api: HttpCall, body: dict[str, Any] = TEN_PACK) -> dict[str, Any]:
    response = api("POST", "/package-templates", body=body, caller=ADMIN)
    assert response["status"] == 201, response
    return response["json"]


def _package(
    api: HttpCall, client_id: str, body: dict[str, Any], caller: dict[str, str] = ADMIN
) -> dict[str, Any]:
    return call(
        api,
        "POST",
        "/clients/{client_id}/packages",
        body=body,
        caller=caller,
        params={"client_id": client_id},
    )


def test_given_a_template_when_a_package_is_made_then_its_settings_are_copied(
    api: HttpCall, client_id: str
) -> None:
    template = _template(api)
    created = _package(api, client_id, {"template_id": template["id"], "start_date": "2026-05-01"})
    assert created["status"] == 201, created
    package = created["json"]
    assert package["end_date"] == "2026-05-30"
    assert package["outstanding"] == 10
    assert package["open"] is True
    assert package["status"] == "on_track"  # first window: never at risk yet
    assert package["on_track"]["window_days"] == 30
    # A later template edit does not change the package.
    api(
        "PATCH",
        f"/package-templates/{template['id']}",
        body={
            "on_track": {
                "enabled": True,
                "window_days": 7,
                "at_risk_below": 3,
                "off_track_below": 1,
            }
        },
        caller=ADMIN,
        **route_of("PATCH", "/package-templates/{template_id}", template_id=template["id"]),
    )
    again = call(
        api, "GET", "/packages/{package_id}", caller=ADMIN, params={"package_id": package["id"]}
    )
    assert again["json"]["on_track"]["window_days"] == 30


def test_usage_package_outstanding_is_na(api: HttpCall, client_id: str) -> None:
    package = _package(api, client_id, {"type": "usage", "name": "Pay as you go"})["json"]
    assert package["outstanding"] == "N/A"
    assert package["status"] == "not_tracking"


@pytest.mark.parametrize(
    ("on_track", "field"),
    [
        (
            {"enabled": True, "at_risk_below": 2, "off_track_below": 2},
            "body.on_track.off_track_below",
        ),
        ({"enabled": True, "window_days": 0}, "body.on_track.window_days"),
        ({"enabled": True, "window_days": 366}, "body.on_track.window_days"),
    ],
)
def test_invalid_on_track_settings_are_422(
    api: HttpCall, client_id: str, on_track: dict[str, Any], field: str
) -> None:
    response = api(
        "POST", "/package-templates", body={**TEN_PACK, "on_track": on_track}, caller=ADMIN
    )
    assert response["status"] == 422
    assert field in [e["field"] for e in response["json"]["errors"]]


def test_only_owners_and_admins_change_thresholds(api: HttpCall, client_id: str) -> None:
    package = _package(api, client_id, {"type": "fixed", "size": 5}, caller=STAFF)
    assert package["status"] == 201
    package_id = package["json"]["id"]
    route = route_of("PATCH", "/packages/{package_id}", package_id=package_id)
    override = {
        "on_track": {"enabled": True, "window_days": 14, "at_risk_below": 1, "off_track_below": 0}
    }
    assert (
        api("PATCH", f"/packages/{package_id}", body=override, caller=STAFF, **route)["status"]
        == 403
    )
    changed = api("PATCH", f"/packages/{package_id}", body=override, caller=ADMIN, **route)
    assert changed["status"] == 200
    assert changed["json"]["on_track_override"]["window_days"] == 14
    assert api("POST", "/package-templates", body=TEN_PACK, caller=STAFF)["status"] == 403


def test_open_filter_and_end_date_is_the_last_valid_day(api: HttpCall, client_id: str) -> None:
    from datetime import UTC, datetime

    from momentum import clock

    ending = _package(
        api,
        client_id,
        {"type": "fixed", "size": 5, "start_date": "2026-05-01", "end_date": "2026-05-31"},
    )["json"]
    route = route_of("GET", "/clients/{client_id}/packages", client_id=client_id)
    clock.install(clock.SettableClock(datetime(2026, 5, 31, 22, 30, tzinfo=UTC)))  # 23:30 London
    listed = api(
        "GET", f"/clients/{client_id}/packages", caller=ADMIN, query={"open": "true"}, **route
    )
    assert [p["id"] for p in listed["json"]["items"]] == [ending["id"]]
    clock.install(clock.SettableClock(datetime(2026, 5, 31, 23, 30, tzinfo=UTC)))  # 1 June London
    listed = api(
        "GET", f"/clients/{client_id}/packages", caller=ADMIN, query={"open": "true"}, **route
    )
    assert listed["json"]["items"] == []
    everything = api("GET", f"/clients/{client_id}/packages", caller=ADMIN, **route)
    assert everything["json"]["items"][0]["lifecycle"] == "expired"


def test_foreign_package_ids_are_404(api: HttpCall, client_id: str) -> None:
    package_id = _package(api, client_id, {"type": "usage"})["json"]["id"]
    foreign = claims(org=OTHER_ORG, role="owner")
    route = route_of("GET", "/packages/{package_id}", package_id=package_id)
    assert api("GET", f"/packages/{package_id}", caller=foreign, **route)["status"] == 404
    bogus = "pkg_nope"
    assert (
        call(api, "GET", "/packages/{package_id}", caller=ADMIN, params={"package_id": bogus})[
            "status"
        ]
        == 404
    )


def test_one_preferred_package_per_client(api: HttpCall, client_id: str) -> None:
    first = _package(api, client_id, {"type": "usage", "preferred": True})["json"]
    second = _package(api, client_id, {"type": "usage", "preferred": True})["json"]
    route = route_of("GET", "/clients/{client_id}/packages", client_id=client_id)
    listed = {
        p["id"]: p["preferred"]
        for p in api("GET", f"/clients/{client_id}/packages", caller=ADMIN, **route)["json"][
            "items"
        ]
    }
    assert listed == {first["id"]: False, second["id"]: True}


def test_reading_a_package_is_one_dynamodb_call(
    api: HttpCall, client_id: str, dynamodb_calls: list[str]
) -> None:
    package_id = _package(api, client_id, {"type": "usage"})["json"]["id"]
    route = route_of("GET", "/packages/{package_id}", package_id=package_id)
    dynamodb_calls.clear()
    api("GET", f"/packages/{package_id}", caller=ADMIN, **route)
    assert dynamodb_calls == ["BatchGetItem"]


def test_a_location_admin_changes_thresholds_of_their_locations_packages_only(
    api: HttpCall,
) -> None:
    """SPEC §1 with §5 (domain.access.may_change_on_track_settings): a location admin may do
    what an admin may for the clients of their locations, On track thresholds included;
    template thresholds are organization-wide (owners and admins only)."""
    locations = [{"id": "north", "name": "North"}, {"id": "south", "name": "South"}]
    api("PUT", "/org", body={"name": "Harbour", "locations": locations})
    seed_user("user-nora", "location_admin", locations=["north"])
    nora = claims(role="location_admin", sub="user-nora", locations="north")
    override = {
        "on_track": {"enabled": True, "window_days": 14, "at_risk_below": 1, "off_track_below": 0}
    }
    north = api("POST", "/clients", body={"name": "Ned", "location_id": "north"}, caller=ADMIN)
    made = _package(api, north["json"]["id"], {"type": "fixed", "size": 5, **override}, nora)
    assert made["status"] == 201, made
    assert made["json"]["on_track_override"]["window_days"] == 14
    package_id = made["json"]["id"]
    route = route_of("PATCH", "/packages/{package_id}", package_id=package_id)
    changed = api(
        "PATCH",
        f"/packages/{package_id}",
        body={"on_track": {**override["on_track"], "window_days": 21}},
        caller=nora,
        **route,
    )
    assert changed["status"] == 200, changed
    assert changed["json"]["on_track_override"]["window_days"] == 21
    south = api("POST", "/clients", body={"name": "Sue", "location_id": "south"}, caller=ADMIN)
    elsewhere = _package(api, south["json"]["id"], {"type": "fixed", "size": 5, **override}, nora)
    assert elsewhere["status"] == 403
    assert api("POST", "/package-templates", body=TEN_PACK, caller=nora)["status"] == 403
