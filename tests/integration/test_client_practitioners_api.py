"""GET /clients/{client_id}/practitioners (SPEC §2, seed clients-help: a client "can get
contact information on their assigned practitioners"): the contact cards of the client's
active assigned practitioners, by name, for whoever may see the client."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from tests.integration import routes
from tests.integration.conftest import OTHER_ORG, HttpCall, claims
from tests.integration.routes import at, client_with_login

OWNER = claims(role="owner", sub="user-owner")
OTHER_OWNER = claims(org=OTHER_ORG, role="owner", sub="user-other-owner")
ROUTE = "/clients/{client_id}/practitioners"
_call = partial(routes.call, caller=OWNER)


def _ok(response: dict[str, Any], status: int = 200) -> dict[str, Any]:
    assert response["status"] == status, response
    return dict(response["json"])


def _read(api: HttpCall, client_id: str, caller: dict[str, str], **query: str) -> dict[str, Any]:
    params = {"client_id": client_id}
    return _call(api, "GET", ROUTE, caller=caller, params=params, query=query or None)


def _user(api: HttpCall, name: str, **fields: Any) -> str:
    body = {"name": name, "email": f"{name.partition(' ')[0].lower()}@example.com", "role": "staff"}
    return str(_ok(api("POST", "/users", body={**body, **fields}, caller=OWNER), 201)["id"])


def _client(api: HttpCall, name: str, practitioners: list[str]) -> tuple[str, dict[str, str]]:
    """A client with a portal login, and their token."""
    return client_with_login(api, name, caller=OWNER, assigned_practitioner_ids=practitioners)


@pytest.fixture
def practice(api: HttpCall) -> dict[str, Any]:
    """Ada is assigned Zoe, Sam (with a phone) and Ina, who has since left (inactive); Bob
    only Sam; Cy nobody. Tom is staff assigned to none of them."""
    at("2026-05-04T09:00:00+01:00")
    _ok(api("PUT", "/org", body={"name": "Harbour", "timezone": "Europe/London"}, caller=OWNER))
    sam = _user(api, "Sam Carter", phone="+44 20 7946 0001")
    zoe = _user(api, "zoe Adams")  # lower case: the order is by name, whatever the case
    ina = _user(api, "Ina Left")
    tom = _user(api, "Tom Other")
    ada, ada_token = _client(api, "Ada", [sam, zoe, ina])
    bob, bob_token = _client(api, "Bob", [sam])
    cy, cy_token = _client(api, "Cy", [])
    _ok(
        _call(
            api, "PATCH", "/users/{user_id}", params={"user_id": ina}, body={"status": "inactive"}
        )
    )
    return {
        "sam": sam,
        "zoe": zoe,
        "ina": ina,
        "sam_token": claims(role="staff", sub=sam),
        "tom_token": claims(role="staff", sub=tom),
        "ada": ada,
        "ada_token": ada_token,
        "bob": bob,
        "bob_token": bob_token,
        "cy": cy,
        "cy_token": cy_token,
    }


def test_a_client_reads_their_active_practitioners_contact_details_by_name(
    api: HttpCall, practice: dict[str, Any]
) -> None:
    page = _ok(_read(api, practice["ada"], practice["ada_token"]))
    assert page["items"] == [
        {"id": practice["sam"], "name": "Sam Carter", "email": "sam@example.com",
         "phone": "+44 20 7946 0001"},
        {"id": practice["zoe"], "name": "zoe Adams", "email": "zoe@example.com", "phone": None},
    ]  # fmt: skip
    assert page.get("next_cursor") is None
    # Ina, inactive, is left out; and no card says anything but how to reach the person.
    assert all(set(card) == {"id", "name", "email", "phone"} for card in page["items"])


def test_another_clients_practitioners_are_a_404_to_a_client(
    api: HttpCall, practice: dict[str, Any]
) -> None:
    response = _read(api, practice["ada"], practice["bob_token"])
    assert response["status"] == 404, response
    assert "Sam" not in str(response["json"])
    own = _ok(_read(api, practice["bob"], practice["bob_token"]))
    assert [card["id"] for card in own["items"]] == [practice["sam"]]


def test_staff_who_may_see_the_client_read_them_and_other_staff_may_not(
    api: HttpCall, practice: dict[str, Any]
) -> None:
    by_sam = _ok(_read(api, practice["ada"], practice["sam_token"]))
    assert [card["name"] for card in by_sam["items"]] == ["Sam Carter", "zoe Adams"]
    by_owner = _ok(_read(api, practice["ada"], OWNER))
    assert by_owner == by_sam
    refused = _read(api, practice["ada"], practice["tom_token"])
    assert refused["status"] == 403, refused


def test_another_organizations_client_is_a_404(api: HttpCall, practice: dict[str, Any]) -> None:
    response = _read(api, practice["ada"], OTHER_OWNER)
    assert response["status"] == 404, response


def test_a_client_without_practitioners_gets_an_empty_page_without_reading_users(
    api: HttpCall, practice: dict[str, Any], dynamodb_calls: list[str]
) -> None:
    dynamodb_calls.clear()
    page = _ok(_read(api, practice["cy"], practice["cy_token"]))
    assert page["items"] == []
    assert page.get("next_cursor") is None
    assert dynamodb_calls == ["GetItem"]


def test_a_client_whose_login_was_removed_is_refused(
    api: HttpCall, practice: dict[str, Any]
) -> None:
    _ok(_call(api, "DELETE", "/clients/{client_id}/login", params={"client_id": practice["ada"]}))
    response = _read(api, practice["ada"], practice["ada_token"])
    assert response["status"] == 403, response


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_the_list_pages_with_limit_and_next_cursor(
    api: HttpCall, practice: dict[str, Any], limit: int
) -> None:
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(5):
        query = {"limit": str(limit)} | ({"cursor": cursor} if cursor else {})
        page = _ok(_read(api, practice["ada"], practice["ada_token"], **query))
        assert len(page["items"]) <= limit
        seen += [card["name"] for card in page["items"]]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    assert seen == ["Sam Carter", "zoe Adams"]


def test_a_cursor_is_bound_to_its_clients_list(api: HttpCall, practice: dict[str, Any]) -> None:
    first = _ok(_read(api, practice["ada"], OWNER, limit="1"))
    assert first["next_cursor"]
    replayed = _read(api, practice["bob"], OWNER, limit="1", cursor=first["next_cursor"])
    assert replayed["status"] == 400, replayed
    assert _read(api, practice["ada"], OWNER, limit="101")["status"] == 422


def test_the_practitioners_are_read_in_one_batch(
    api: HttpCall, practice: dict[str, Any], dynamodb_calls: list[str]
) -> None:
    _read(api, practice["ada"], practice["ada_token"])  # a warm container
    dynamodb_calls.clear()
    _ok(_read(api, practice["ada"], practice["ada_token"]))
    # The client, then all three of their practitioners at once.
    assert dynamodb_calls == ["GetItem", "BatchGetItem"]
