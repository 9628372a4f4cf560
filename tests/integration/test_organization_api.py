"""GET/PUT /org through the API handler, in-process under moto."""

from __future__ import annotations

from typing import Any

from tests.integration.conftest import OTHER_ORG, HttpCall, claims

HARBOUR = {
    "name": "Harbour Physio",
    "timezone": "Europe/London",
    "locations": [{"id": "north", "name": "North clinic"}],
}


def test_given_a_new_organization_when_read_then_defaults_with_etag(api: HttpCall) -> None:
    response = api("GET", "/org")
    assert response["status"] == 200
    assert response["json"] == {
        "id": "org-test",
        "name": "",
        "timezone": "UTC",
        "locations": [],
        "version": 0,
    }
    assert response["headers"]["etag"] == '"0"'


def test_given_an_owner_when_replacing_the_org_then_it_reads_back(api: HttpCall) -> None:
    put = api("PUT", "/org", body=HARBOUR)
    assert put["status"] == 200, put
    assert put["json"]["version"] == 1
    assert put["headers"]["etag"] == '"1"'
    got = api("GET", "/org")
    assert got["json"]["name"] == "Harbour Physio"
    assert got["json"]["timezone"] == "Europe/London"
    assert got["json"]["locations"] == [{"id": "north", "name": "North clinic"}]


def test_given_a_stale_if_match_when_replacing_then_412_and_nothing_changes(
    api: HttpCall,
) -> None:
    api("PUT", "/org", body=HARBOUR)
    first = api("PUT", "/org", body={**HARBOUR, "name": "First"}, headers={"if-match": '"1"'})
    assert first["status"] == 200
    stale = api("PUT", "/org", body={**HARBOUR, "name": "Second"}, headers={"if-match": '"1"'})
    assert stale["status"] == 412
    assert stale["headers"]["content-type"] == "application/problem+json"
    assert api("GET", "/org")["json"]["name"] == "First"


def test_given_if_match_zero_when_the_org_is_new_then_it_is_created(api: HttpCall) -> None:
    created = api("PUT", "/org", body=HARBOUR, headers={"if-match": '"0"'})
    assert created["status"] == 200
    again = api("PUT", "/org", body=HARBOUR, headers={"if-match": '"0"'})
    assert again["status"] == 412


def test_given_staff_when_replacing_the_org_then_403(api: HttpCall) -> None:
    response = api("PUT", "/org", body=HARBOUR, caller=claims(role="staff", sub="user-staff"))
    assert response["status"] == 403
    assert response["json"]["status"] == 403
    assert api("GET", "/org")["json"]["name"] == ""


def test_given_an_unknown_timezone_then_422_with_the_field(api: HttpCall) -> None:
    response = api("PUT", "/org", body={**HARBOUR, "timezone": "Mars/Olympus"})
    assert response["status"] == 422
    assert response["headers"]["content-type"] == "application/problem+json"
    assert [e["field"] for e in response["json"]["errors"]] == ["body.timezone"]


def test_given_duplicate_location_ids_then_422(api: HttpCall) -> None:
    body: dict[str, Any] = {
        **HARBOUR,
        "locations": [{"id": "north", "name": "A"}, {"id": "north", "name": "B"}],
    }
    response = api("PUT", "/org", body=body)
    assert response["status"] == 422
    assert response["json"]["errors"][0]["field"] == "body.locations.1.id"


def test_given_a_malformed_body_then_422_problem_never_500(api: HttpCall) -> None:
    for body in ["{not json", "[]", '{"name": ""}', '{"name": "x", "surprise": 1}', "null"]:
        response = api("PUT", "/org", body=body)
        assert response["status"] == 422, (body, response)
        assert response["headers"]["content-type"] == "application/problem+json"
        assert "errors" in response["json"]


def test_given_no_claims_then_401_problem(api: HttpCall) -> None:
    response = api("GET", "/org", anonymous=True)
    assert response["status"] == 401
    assert response["headers"]["content-type"] == "application/problem+json"


def test_given_a_token_without_role_then_401(api: HttpCall) -> None:
    response = api("GET", "/org", caller={"sub": "x", "custom:org_id": "org-test"})
    assert response["status"] == 401


def test_given_an_unknown_route_then_404_problem(api: HttpCall) -> None:
    response = api("GET", "/nowhere", route="$default")
    assert response["status"] == 404
    assert response["headers"]["content-type"] == "application/problem+json"


def test_given_two_organizations_then_each_sees_only_its_own(api: HttpCall) -> None:
    api("PUT", "/org", body=HARBOUR)
    other = api("GET", "/org", caller=claims(org=OTHER_ORG))
    assert other["json"]["name"] == ""
    assert other["json"]["id"] == OTHER_ORG


def test_reading_the_org_is_one_dynamodb_call(api: HttpCall, dynamodb_calls: list[str]) -> None:
    api("GET", "/org")
    assert dynamodb_calls == ["GetItem"]


def test_openapi_document_is_served_without_a_token(api: HttpCall) -> None:
    response = api("GET", "/openapi.json", anonymous=True)
    assert response["status"] == 200
    document = response["json"]
    assert document["openapi"].startswith("3.1")
    assert {"get", "put"} <= set(document["paths"]["/org"])
