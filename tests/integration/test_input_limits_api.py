"""Nothing a caller sends is a 500 (issue 10, SPEC §9): hostile JSON, dates outside the
supported range (1900-01-01..2200-12-31) in bodies, query parameters and derived dates,
addresses email cannot be sent to, control characters, unknown timezones. Each is a 4xx
problem+json naming what is wrong, and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from momentum.store import users as user_store
from momentum.store.users import UserRecord
from tests.integration.conftest import ORG, HttpCall, Report, claims

ADMIN = claims(role="admin", sub="user-adam")
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems", "BatchWriteItem"}
TEMPLATE = {"name": "90 days", "type": "fixed", "size": 10, "validity_days": 90}


def _route(method: str, template: str, **params: str) -> dict[str, Any]:
    return {
        "route": f"{method} {template}",
        "path_parameters": params,
        "caller": ADMIN,
    }


@pytest.fixture
def client_id(api: HttpCall) -> str:
    assert (
        api("PUT", "/org", body={"name": "Harbour", "timezone": "Europe/London"})["status"] == 200
    )
    # The admin books as the practitioner: a user of the organization (SPEC §9).
    user_store.create(
        UserRecord(
            org_id=ORG,
            id="user-adam",
            name="Adam",
            email="adam@harbour.example",
            role="admin",
            invited=True,
            version=1,
            created_at="2026-01-01T00:00:00Z",
            updated_at="2026-01-01T00:00:00Z",
        )
    )
    created = api("POST", "/clients", body={"name": "Ada"}, caller=ADMIN)
    assert created["status"] == 201, created
    return str(created["json"]["id"])


@pytest.fixture
def template_id(api: HttpCall, client_id: str) -> str:
    created = api("POST", "/package-templates", body=TEMPLATE, caller=ADMIN)
    assert created["status"] == 201, created
    return str(created["json"]["id"])


@pytest.fixture
def writes(dynamodb_calls: list[str]) -> list[str]:
    """The DynamoDB calls from here on (the fixtures' own writes cleared)."""
    dynamodb_calls.clear()
    return dynamodb_calls


def _refused(response: dict[str, Any], status: int, field: str | None = None) -> dict[str, Any]:
    assert response["status"] == status, response
    assert response["headers"]["content-type"] == "application/problem+json", response
    problem: dict[str, Any] = response["json"]
    assert problem["status"] == status
    if field is not None:
        assert field in [e["field"] for e in problem["errors"]], problem
    return problem


def _wrote(calls: list[str]) -> list[str]:
    return [c for c in calls if c in WRITES]


# -- hostile JSON ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ("[" * 100_000, 422, "more than 32 levels deep"),
        ('{"name": ' + "9" * 5_000 + "}", 422, "more than 18 digits"),
        ('{"name": "Ada", "notes": 1e999}', 422, "beyond 1e308"),
        ('{"name": NaN}', 422, "not a JSON number"),
        ('{"name": "' + "a" * 300_000 + '"}', 413, "at most 262144 bytes"),
    ],
    ids=["deep", "long-integer", "huge-float", "nan", "too-large"],
)
def test_hostile_json_is_a_4xx_problem_and_writes_nothing(
    api: HttpCall, client_id: str, writes: list[str], body: str, status: int, says: str
) -> None:
    problem = _refused(api("POST", "/clients", body=body, caller=ADMIN), status)
    assert says in problem["detail"]
    assert _wrote(writes) == []


def test_brackets_inside_strings_do_not_count_as_depth(api: HttpCall, client_id: str) -> None:
    created = api("POST", "/clients", body={"name": "Ada", "notes": "[{" * 5_000}, caller=ADMIN)
    assert created["status"] == 201, created


# -- dates out of range ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_at", "field"),
    [
        ("0001-01-01T00:00+00:00", "body.starts_at"),
        ("9999-12-31T22:00-12:00", "body.starts_at"),
        ("1899-12-31T23:59:59Z", "body.starts_at"),
        ("2201-01-01T00:00:00Z", "body.starts_at"),
    ],
)
def test_appointment_times_out_of_range_are_422(
    api: HttpCall, client_id: str, writes: list[str], starts_at: str, field: str
) -> None:
    body = {"client_id": client_id, "starts_at": starts_at, "ends_at": starts_at}
    problem = _refused(api("POST", "/appointments", body=body, caller=ADMIN), 422, field)
    assert "1900-01-01 and 2200-12-31" in str(problem["errors"])
    assert _wrote(writes) == []


def test_a_timestamp_without_an_offset_says_so(api: HttpCall, client_id: str) -> None:
    body = {
        "client_id": client_id,
        "starts_at": "2026-05-01T09:00:00",
        "ends_at": "2026-05-01T10:00:00+01:00",
    }
    problem = _refused(api("POST", "/appointments", body=body, caller=ADMIN), 422)
    (error,) = problem["errors"]
    assert error["field"] == "body.starts_at"
    assert "UTC offset" in error["msg"]


def test_an_appointment_whose_local_date_leaves_the_range_is_422(
    api: HttpCall, client_id: str, writes: list[str]
) -> None:
    """2200-12-31T22:00Z is in range, but it is 2201-01-01 in Kiritimati (UTC+14)."""
    org = {"name": "Harbour", "timezone": "Pacific/Kiritimati"}
    assert api("PUT", "/org", body=org)["status"] == 200
    writes.clear()
    body = {
        "client_id": client_id,
        "starts_at": "2200-12-31T22:00:00Z",
        "ends_at": "2200-12-31T23:00:00Z",
    }
    problem = _refused(api("POST", "/appointments", body=body, caller=ADMIN), 422)
    assert problem["errors"][0]["field"] == "body.starts_at", problem
    assert "2201-01-01" in problem["detail"]
    assert _wrote(writes) == []
    # A day earlier it is in range in every zone.
    body |= {"starts_at": "2200-12-30T22:00:00Z", "ends_at": "2200-12-30T23:00:00Z"}
    booked = api("POST", "/appointments", body=body, caller=ADMIN)
    assert booked["status"] == 201, booked


@pytest.mark.parametrize(
    "body",
    [
        {"sessions": 3, "begin_date": "2026-01-01", "end_date": "9999-12-31"},
        {"sessions": 3, "begin_date": "2026-01-01", "end_date": "9999-12-30", "auto_reset": True},
        {"sessions": 3, "begin_date": "0001-01-01"},
        {"sessions": 3, "begin_date": "2026-01-01", "end_date": "2201-01-01"},
    ],
)
def test_tracker_dates_out_of_range_are_422(
    api: HttpCall, client_id: str, writes: list[str], body: dict[str, Any]
) -> None:
    response = api(
        "POST",
        f"/clients/{client_id}/trackers",
        body=body,
        **_route("POST", "/clients/{client_id}/trackers", client_id=client_id),
    )
    field = "body.begin_date" if body["begin_date"] < "1900" else "body.end_date"
    _refused(response, 422, field)
    assert _wrote(writes) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"end_date": "9999-12-31"}, "body.end_date"),
        ({"end_date": "9999-12-30", "auto_renew": True}, "body.end_date"),
        ({"start_date": "1899-12-31"}, "body.start_date"),
        (
            {"authorization": {"source": "insurer", "end_date": "9999-12-31"}},
            "body.authorization.end_date",
        ),
    ],
)
def test_package_dates_out_of_range_are_422(
    api: HttpCall, client_id: str, writes: list[str], body: dict[str, Any], field: str
) -> None:
    custom = {"type": "fixed", "name": "Ten", "size": 10, "start_date": "2026-01-01", **body}
    response = api(
        "POST",
        f"/clients/{client_id}/packages",
        body=custom,
        **_route("POST", "/clients/{client_id}/packages", client_id=client_id),
    )
    _refused(response, 422, field)
    assert _wrote(writes) == []


@pytest.mark.parametrize(
    ("start", "status"),
    [
        ("9999-12-01", 422),  # out of range itself
        ("2200-12-01", 422),  # in range, but + 90 days of validity ends in 2201
        ("2200-10-04", 422),  # ends 2201-01-01: one day too far
        ("2200-10-03", 201),  # ends 2200-12-31: the last supported day
    ],
)
def test_a_template_package_must_end_in_range_too(
    api: HttpCall,
    client_id: str,
    template_id: str,
    dynamodb_calls: list[str],
    start: str,
    status: int,
) -> None:
    dynamodb_calls.clear()
    response = api(
        "POST",
        f"/clients/{client_id}/packages",
        body={"template_id": template_id, "start_date": start},
        **_route("POST", "/clients/{client_id}/packages", client_id=client_id),
    )
    if status == 201:
        assert response["status"] == 201, response
        assert response["json"]["end_date"] == "2200-12-31"
        return
    _refused(response, 422, "body.start_date")
    assert _wrote(dynamodb_calls) == []


def test_a_package_patch_out_of_range_is_422(
    api: HttpCall, client_id: str, dynamodb_calls: list[str]
) -> None:
    created = api(
        "POST",
        f"/clients/{client_id}/packages",
        body={"type": "fixed", "name": "Ten", "size": 10, "start_date": "2026-01-01"},
        **_route("POST", "/clients/{client_id}/packages", client_id=client_id),
    )
    assert created["status"] == 201, created
    package_id = created["json"]["id"]
    dynamodb_calls.clear()
    response = api(
        "PATCH",
        f"/packages/{package_id}",
        body={"end_date": "9999-12-31"},
        **_route("PATCH", "/packages/{package_id}", package_id=package_id),
    )
    _refused(response, 422, "body.end_date")
    assert _wrote(dynamodb_calls) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "0001-01-01", "to": "9999-12-31"}, "query.from"),
        ({"from": "0001-01-01T00:00:00Z"}, "query.from"),
        ({"to": "9999-12-31T22:00:00-12:00"}, "query.to"),
        ({"from": "2026-05-01T09:00:00"}, "query.from"),
    ],
)
def test_appointment_list_bounds_out_of_range_are_422(
    api: HttpCall, client_id: str, query: dict[str, str], field: str
) -> None:
    _refused(api("GET", "/appointments", query=query, caller=ADMIN), 422, field)


def test_appointment_list_bounds_at_the_range_edges_are_read(api: HttpCall, client_id: str) -> None:
    query = {
        "client_id": client_id,
        "from": "1900-01-01T00:00:00Z",
        "to": "2200-12-31T23:59:59Z",
    }
    listed = api("GET", "/appointments", query=query, caller=ADMIN)
    assert listed["status"] == 200, listed


def test_payment_and_invoice_dates_out_of_range_are_422(
    api: HttpCall, client_id: str, writes: list[str]
) -> None:
    payment = {"amount": "60.00", "currency": "GBP", "date": "0001-01-01"}
    response = api(
        "POST",
        f"/clients/{client_id}/payments",
        body=payment,
        **_route("POST", "/clients/{client_id}/payments", client_id=client_id),
    )
    _refused(response, 422, "body.date")
    invoice = {
        "client_id": client_id,
        "date": "9999-12-31",
        "currency": "GBP",
        "lines": [{"kind": "service", "amount": "10.00"}],
    }
    _refused(api("POST", "/invoices", body=invoice, caller=ADMIN), 422, "body.date")
    assert _wrote(writes) == []


def test_a_bad_date_names_the_expected_format(api: HttpCall, client_id: str) -> None:
    response = api(
        "POST",
        f"/clients/{client_id}/trackers",
        body={"sessions": 3, "begin_date": "01/05/2026"},
        **_route("POST", "/clients/{client_id}/trackers", client_id=client_id),
    )
    problem = _refused(response, 422, "body.begin_date")
    assert "YYYY-MM-DD" in problem["errors"][0]["msg"]


@pytest.mark.parametrize(
    "query",
    [
        {"off_track_since_from": "0001-01-01"},
        {"off_track_since_to": "9999-12-31"},
        {"off_track_since_from": "2201-01-01"},
    ],
)
def test_report_date_filters_out_of_range_are_422(
    report: Report, client_id: str, query: dict[str, str]
) -> None:
    field = f"query.{next(iter(query))}"
    _refused(report("/reports/engagements", query=query), 422, field)


# -- email addresses and text ------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    ["a(b@x.example", "a..b@x.example", "a@b", "ada@x.test", "ü@x.example", "a b@x.example"],
)
def test_addresses_email_cannot_go_to_are_422(
    api: HttpCall, client_id: str, writes: list[str], email: str
) -> None:
    response = api("POST", "/clients", body={"name": "Ada", "email": email}, caller=ADMIN)
    problem = _refused(response, 422, "body.email")
    assert problem["errors"][0]["msg"].startswith("is not an email address")
    login = api(
        "PUT",
        f"/clients/{client_id}/login",
        body={"email": email},
        **_route("PUT", "/clients/{client_id}/login", client_id=client_id),
    )
    _refused(login, 422, "body.email")
    user = {"name": "Sam", "email": email, "role": "staff"}
    _refused(api("POST", "/users", body=user, caller=claims()), 422, "body.email")
    assert _wrote(writes) == []


def test_a_valid_address_is_stored_with_its_domain_lower_cased(
    api: HttpCall, client_id: str
) -> None:
    created = api(
        "POST", "/clients", body={"name": "Ada", "email": " Ada@Example.COM "}, caller=ADMIN
    )
    assert created["status"] == 201, created
    assert created["json"]["email"] == "Ada@example.com"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "A\u0000b"}, "body.name"),
        ({"name": "Ada\r\nBcc: x@y.example"}, "body.name"),
        ({"name": "Ada", "notes": "fine\nbut\u0000not"}, "body.notes"),
        ({"name": "Ada", "notes": "\ud800"}, "body.notes"),
    ],
)
def test_control_characters_are_422(
    api: HttpCall, client_id: str, writes: list[str], body: dict[str, Any], field: str
) -> None:
    problem = _refused(api("POST", "/clients", body=body, caller=ADMIN), 422, field)
    assert "control characters" in problem["errors"][0]["msg"]
    assert _wrote(writes) == []


def test_notes_keep_line_breaks_and_tabs(api: HttpCall, client_id: str) -> None:
    notes = "Line one\r\nline two\tindented"
    created = api("POST", "/clients", body={"name": "Ada", "notes": notes}, caller=ADMIN)
    assert created["status"] == 201, created
    assert created["json"]["notes"] == notes


def test_control_characters_in_organization_and_location_names_are_422(
    api: HttpCall, client_id: str
) -> None:
    org = {"name": "Harbour\u0000", "timezone": "UTC"}
    _refused(api("PUT", "/org", body=org), 422, "body.name")
    org = {"name": "Harbour", "locations": [{"id": "north", "name": "North\nclinic"}]}
    _refused(api("PUT", "/org", body=org), 422, "body.locations.0.name")


# -- timezones ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "timezone",
    ["localtime", "Factory", "../etc", "", "/etc/passwd", "Europe/../../etc/passwd",
     "Europe/London\u0000", "europe/london", "Mars/Olympus_Mons", "posixrules"],
)  # fmt: skip
def test_an_unknown_timezone_is_422_and_the_organization_keeps_its_own(
    api: HttpCall, client_id: str, timezone: str
) -> None:
    response = api("PUT", "/org", body={"name": "Harbour", "timezone": timezone})
    _refused(response, 422, "body.timezone")
    assert api("GET", "/org")["json"]["timezone"] == "Europe/London"


@pytest.mark.parametrize("timezone", ["UTC", "Pacific/Auckland", "America/Argentina/Salta"])
def test_iana_timezones_are_accepted(api: HttpCall, client_id: str, timezone: str) -> None:
    response = api("PUT", "/org", body={"name": "Harbour", "timezone": timezone})
    assert response["status"] == 200, response
    assert response["json"]["timezone"] == timezone
