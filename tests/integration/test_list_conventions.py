"""SPEC §9: every list is paginated. Walk the OpenAPI document the API serves: every GET
whose answer is a list takes `limit` and `cursor` and answers a page with `next_cursor`;
none answers a bare JSON array. Then walk the per-client lists page by page."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from tests.integration import routes
from tests.integration.conftest import HttpCall, claims
from tests.integration.routes import at

ADMIN = claims(role="admin", sub="user-adam")
OWNER = claims(role="owner", sub="user-olivia")
call = partial(routes.call, caller=ADMIN)


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _json_shapes(document: dict[str, Any], operation: dict[str, Any]) -> list[dict[str, Any]]:
    """The JSON schemas a 200 may answer with (each member of an anyOf: a report answers
    its page, or CSV text)."""
    content = operation.get("responses", {}).get("200", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    if schema is None:
        return []
    members = schema.get("anyOf") or schema.get("oneOf") or [schema]
    return [_resolve(document, member) for member in members]


def _list_operations(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    lists: dict[str, list[dict[str, Any]]] = {}
    for path, operations in document["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        shapes = _json_shapes(document, operation)
        if any(
            shape.get("type") == "array"
            or _resolve(document, shape.get("properties", {}).get("items", {})).get("type")
            == "array"
            for shape in shapes
        ):
            lists[path] = shapes
    return lists


def test_every_list_operation_takes_limit_and_cursor_and_answers_next_cursor(
    api: HttpCall,
) -> None:
    document = api("GET", "/openapi.json", anonymous=True)["json"]
    lists = _list_operations(document)
    # The walk finds the lists (a document with no list at all would pass vacuously).
    assert {
        "/clients",
        "/clients/{client_id}/packages",
        "/clients/{client_id}/payments",
        "/clients/{client_id}/trackers",
        "/clients/{client_id}/on-track",
        "/clients/{client_id}/practitioners",
        "/appointments",
        "/reports/on-track",
        "/reports/engagements",
    } <= set(lists)
    problems = []
    for path, shapes in sorted(lists.items()):
        operation = document["paths"][path]["get"]
        query = {p["name"]: p for p in operation.get("parameters", []) if p.get("in") == "query"}
        for name in ("limit", "cursor"):
            if name not in query:
                problems.append(f"GET {path}: no `{name}` query parameter")
        limit = query.get("limit", {}).get("schema", {})
        limit_types = [limit, *limit.get("anyOf", [])]
        if query and not any(s.get("type") == "integer" and "maximum" in s for s in limit_types):
            problems.append(f"GET {path}: `limit` is not a bounded integer")
        for shape in shapes:
            if shape.get("type") == "array":
                problems.append(f"GET {path}: answers a bare array, not a page")
            elif shape.get("type") == "string":
                continue  # a report's CSV export: its cursor travels in `X-Next-Cursor`
            elif "next_cursor" not in shape.get("properties", {}):
                problems.append(f"GET {path}: its page has no `next_cursor`")
    assert problems == []


# --- the per-client lists, page by page ------------------------------------------------------


def _client_list(api: HttpCall, client_id: str, list_name: str, **kw: Any) -> dict[str, Any]:
    """GET or POST (`body=`) one of the client's lists, e.g. "packages"."""
    method = "GET" if kw.get("body") is None else "POST"
    params = {"client_id": client_id}
    return call(api, method, f"/clients/{{client_id}}/{list_name}", params=params, **kw)


@pytest.fixture
def client_with_three_of_each(api: HttpCall) -> str:
    at("2026-05-04T09:00:00+01:00")
    api("PUT", "/org", body={"name": "Harbour", "timezone": "Europe/London"}, caller=OWNER)
    client = api("POST", "/clients", caller=ADMIN, body={"name": "Ada"})
    assert client["status"] == 201, client
    client_id = str(client["json"]["id"])
    for index, start in enumerate(("2026-05-01", "2026-03-01", "2026-04-01")):
        for list_name, body in (
            ("packages", {"type": "usage", "name": f"Pack {index}", "start_date": start}),
            ("payments", {"amount": "10.00", "currency": "GBP", "date": start}),
            ("trackers", {"sessions": 4, "begin_date": start, "note": f"Tracker {index}"}),
        ):
            made = _client_list(api, client_id, list_name, body=body)
            assert made["status"] == 201, (list_name, made)
    return client_id


def _walk(api: HttpCall, client_id: str, list_name: str, limit: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(10):
        query = {"limit": str(limit)} | ({"cursor": cursor} if cursor else {})
        page = _client_list(api, client_id, list_name, query=query)
        assert page["status"] == 200, page
        assert len(page["json"]["items"]) <= limit
        items += page["json"]["items"]
        cursor = page["json"].get("next_cursor")
        if not cursor:
            return items
    raise AssertionError(f"{list_name}: the pages never ended")


@pytest.mark.parametrize(
    ("list_name", "field", "expected"),
    [
        ("packages", "start_date", ["2026-03-01", "2026-04-01", "2026-05-01"]),
        ("on-track", "package_name", ["Pack 1", "Pack 2", "Pack 0"]),
        ("payments", "date", ["2026-05-01", "2026-04-01", "2026-03-01"]),  # newest first
        ("trackers", "note", ["Tracker 0", "Tracker 1", "Tracker 2"]),  # as created
    ],
)
def test_each_client_list_pages_with_limit_and_next_cursor(
    api: HttpCall, client_with_three_of_each: str, list_name: str, field: str, expected: list[str]
) -> None:
    client_id = client_with_three_of_each
    for limit in (1, 2, 3):
        assert [item[field] for item in _walk(api, client_id, list_name, limit)] == expected
    whole = _walk(api, client_id, list_name, 50)
    assert len(whole) == 3


def test_a_cursor_is_bound_to_its_list(api: HttpCall, client_with_three_of_each: str) -> None:
    client_id = client_with_three_of_each
    first = _client_list(api, client_id, "packages", query={"limit": "1"})["json"]
    cursor = first["next_cursor"]
    assert cursor
    replayed = _client_list(api, client_id, "payments", query={"limit": "1", "cursor": cursor})
    assert replayed["status"] == 400, replayed
    too_big = _client_list(api, client_id, "trackers", query={"limit": "1000"})
    assert too_big["status"] == 422, too_big
