"""The reports function in-process under moto (SPEC §5 report row, §7 engagements report):
rows, filters, visibility, pagination, CSV exports, and what it reads."""

from __future__ import annotations

import base64
import copy
import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from local import infra
from local.lambdas import LocalContext, load_handler
from momentum.store import dynamo
from tests.integration import routes
from tests.integration.conftest import (
    OTHER_ORG,
    REPORTS_SAMPLE,
    HttpCall,
    Report,
    claims,
    load_event,
    seed_caller,
)
from tests.integration.people import seed_staff
from tests.integration.routes import at, ok, put_org

OWNER = claims(role="owner", sub="user-owner")
ADMIN = claims(role="admin", sub="user-adam")
NORTH_ADMIN = claims(role="location_admin", sub="user-nora", locations="north")
SAM = claims(role="staff", sub="user-sam")
CORA = claims(role="staff", sub="user-cora")
ON_TRACK = {"enabled": True, "window_days": 30, "at_risk_below": 2, "off_track_below": 1}


@pytest.fixture
def dynamodb_requests(aws: infra.LocalAws) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Every DynamoDB operation with its parameters, in order."""
    calls: list[tuple[str, dict[str, Any]]] = []

    def record(event_name: str, params: dict[str, Any], **_: Any) -> None:
        calls.append((event_name.rsplit(".", maxsplit=1)[-1], copy.deepcopy(params)))

    dynamo.client().meta.events.register("before-parameter-build.dynamodb.*", record)
    yield calls
    dynamo.client().meta.events.unregister("before-parameter-build.dynamodb.*", record)


def call(
    api: HttpCall, method: str, route: str, *, caller: dict[str, str] = ADMIN, **kw: Any
) -> dict[str, Any]:
    """`routes.send` that must succeed: its JSON."""
    return ok(routes.send(api, method, route, caller=caller, **kw))


def client(api: HttpCall, name: str, **fields: Any) -> str:
    return str(call(api, "POST", "/clients", body={"name": name, **fields})["id"])


def package(api: HttpCall, client_id: str, **body: Any) -> str:
    made = call(api, "POST", "/clients/{client_id}/packages", body=body, client_id=client_id)
    return str(made["id"])


def book(
    api: HttpCall, client_id: str, start: str, practitioner: str = "user-tom", **extra: Any
) -> dict[str, Any]:
    """Booked by an admin with Tom (booking assigns the practitioner to the client)."""
    starts = datetime.fromisoformat(start)
    body = {
        "client_id": client_id,
        "practitioner_id": practitioner,
        "starts_at": starts.isoformat(),
        "ends_at": starts.replace(hour=starts.hour + 1).isoformat(),
        **extra,
    }
    return call(api, "POST", "/appointments", body=body)


@pytest.fixture
def practice(api: HttpCall) -> dict[str, str]:
    """Ada (North, Sam's) with an On track pack and a usage package; Ben (South) with an
    hours pack; Cy (North) whose packages are used up or expired; and another
    organization's client that must never show up."""
    at("2026-04-10T09:00:00+00:00")
    seed_staff("user-sam", "user-tom", "user-cora")  # the practitioners, team member, coach
    put_org(api, "Harbour", "Europe/London", caller=OWNER)
    ada = client(
        api, 'Ada "The Ace", Lovelace', location_id="north", assigned_practitioner_ids=["user-sam"]
    )
    ben = client(api, "Ben", location_id="south")
    cy = client(api, "Cy", location_id="north")
    ten = package(
        api,
        ada,
        type="fixed",
        size=10,
        start_date="2026-01-01",
        assigned_team_member_id="user-sam",
        on_track=ON_TRACK,
    )
    usage = package(api, ada, type="usage", start_date="2026-01-01")
    hours = package(
        api, ben, type="fixed", size=5, unit="hours", start_date="2026-01-01", on_track=ON_TRACK
    )
    used = package(api, cy, type="fixed", size=1, start_date="2026-01-01")
    package(api, cy, type="fixed", size=5, start_date="2026-01-01", end_date="2026-03-31")
    book(api, ada, "2026-04-02T09:00:00+00:00", package_id=ten, status="completed")
    book(api, ada, "2026-04-15T09:00:00+00:00", package_id=ten)  # next, in the package
    book(api, ada, "2026-04-12T08:00:00+00:00")  # Ada's next, in no package
    book(api, ben, "2026-03-01T09:00:00+00:00", package_id=hours, status="completed")
    book(api, cy, "2026-04-01T09:00:00+00:00", package_id=used, status="completed")
    foreign = api("POST", "/clients", body={"name": "Zed"}, caller=claims(org=OTHER_ORG))
    call(
        api,
        "POST",
        "/clients/{client_id}/packages",
        caller=claims(org=OTHER_ORG),
        body={"type": "usage"},
        client_id=foreign["json"]["id"],
    )
    return {"ada": ada, "ben": ben, "cy": cy, "ten": ten, "usage": usage, "hours": hours}


def rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    assert result["status"] == 200, result
    items: list[dict[str, Any]] = result["json"]["items"]
    return items


WORDS = {
    "on_track": "On track",
    "at_risk": "At risk",
    "off_track": "Off track",
    "not_tracking": "Not tracking",
    "one_to_one": "One-to-one",
    "active": "Active",
    "draft": "Draft",
}
PLACES = {"north": "North", "south": "South"}


def exported(result: dict[str, Any]) -> list[dict[str, str]]:
    """The rows of a CSV export: UTF-8 with a byte order mark (so Excel reads it as UTF-8),
    then a header row of column headings."""
    assert result["status"] == 200, result
    assert result["headers"]["content-type"] == "text/csv; charset=utf-8"
    text = result["json"]
    assert isinstance(text, str)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _local(instant: str | None) -> str:
    """A JSON timestamp as the export shows it: London's local date and time."""
    if instant is None:
        return ""
    at_utc = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    return at_utc.astimezone(ZoneInfo("Europe/London")).strftime("%Y-%m-%d %H:%M")


def on_track_cells(row: dict[str, Any], names: dict[str, str]) -> dict[str, str]:
    """A JSON row of the On track report as its CSV export writes it."""
    return {
        "Client": row["client_name"],
        "Client ID": row["client_id"],
        "Location": PLACES.get(row["location_id"] or "", ""),
        "Location ID": _text(row["location_id"]),
        "Package": row["package_name"],
        "Package ID": row["package_id"],
        "Team member": names.get(row["assigned_team_member_id"] or "", ""),
        "Team member ID": _text(row["assigned_team_member_id"]),
        "Last session": _text(row["last_session"]),
        "Days since": _text(row["days_since"]),
        "Next session": _local(row["next_session_at"]),
        "Status": WORDS[row["status"]],
        "Outstanding": _text(row["outstanding"]),
    }


def engagement_cells(row: dict[str, Any], names: dict[str, str]) -> dict[str, str]:
    """A JSON row of the engagements report as its CSV export writes it."""
    return {
        "Engagement": row["name"],
        "Engagement ID": row["engagement_id"],
        "Type": WORDS[row["type"]],
        "Status": WORDS[row["status"]],
        "Coachee": _text(row["coachee_name"]),
        "Coachee ID": row["coachee_id"],
        "Coach": names.get(row["coach_id"] or "", ""),
        "Coach ID": _text(row["coach_id"]),
        "Owner": names.get(row["owner_id"], ""),
        "Owner ID": row["owner_id"],
        "Location": PLACES.get(row["location_id"] or "", ""),
        "Location ID": _text(row["location_id"]),
        "Started on": _text(row["started_on"]),
        "Progress": WORDS[row["progress"]],
        "Off track since": _text(row["off_track_since"]),
    }


# -- the On track report --------------------------------------------------------------------------


def test_given_open_packages_when_reported_then_one_row_each_with_the_spec_columns(
    report: Report, practice: dict[str, str]
) -> None:
    result = rows(report("/reports/on-track"))
    by_package = {r["package_id"]: r for r in result}
    assert set(by_package) == {practice["ten"], practice["usage"], practice["hours"]}
    ten = by_package[practice["ten"]]
    assert ten == {
        "client_id": practice["ada"],
        "client_name": 'Ada "The Ace", Lovelace',
        "location_id": "north",
        "package_id": practice["ten"],
        "package_name": "Fixed package",
        "assigned_team_member_id": "user-sam",
        "last_session": "2026-04-02",
        "days_since": 8,
        "next_session": "2026-04-15",
        "next_session_at": "2026-04-15T09:00:00Z",
        "status": "at_risk",
        "outstanding": 9,
        "next_change": None,  # the client record's On track rows carry it
    }
    usage = by_package[practice["usage"]]
    # Nothing scheduled in the package: the client's next scheduled appointment.
    assert (usage["next_session_at"], usage["last_session"], usage["days_since"]) == (
        "2026-04-12T08:00:00Z",
        None,
        None,
    )
    assert (usage["status"], usage["outstanding"]) == ("not_tracking", "N/A")
    hours = by_package[practice["hours"]]
    assert (hours["status"], hours["outstanding"], hours["days_since"]) == ("off_track", 4.0, 40)


def test_given_a_change_then_the_report_read_right_after_shows_it(
    api: HttpCall, report: Report, practice: dict[str, str]
) -> None:
    book(
        api,
        practice["ada"],
        "2026-04-09T09:00:00+00:00",
        package_id=practice["ten"],
        status="completed",
    )
    (ten,) = [r for r in rows(report("/reports/on-track")) if r["package_id"] == practice["ten"]]
    assert (ten["status"], ten["outstanding"], ten["last_session"]) == ("on_track", 8, "2026-04-09")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "off_track"}, {"hours"}),
        ({"status": "at_risk"}, {"ten"}),
        ({"status": "not_tracking"}, {"usage"}),
        ({"assigned_team_member_id": "user-sam"}, {"ten"}),
        ({"location_id": "south"}, {"hours"}),
        ({"location_id": "north", "status": "at_risk"}, {"ten"}),
        ({"location_id": "east"}, set()),
    ],
)
def test_given_filters_then_only_matching_rows(
    report: Report, practice: dict[str, str], query: dict[str, str], expected: set[str]
) -> None:
    got = {r["package_id"] for r in rows(report("/reports/on-track", query=query))}
    assert got == {practice[name] for name in expected}


def test_given_roles_then_rows_follow_access_to_the_client_record(
    api: HttpCall, report: Report, practice: dict[str, str]
) -> None:
    sam = {r["package_id"] for r in rows(report("/reports/on-track", caller=SAM))}
    assert sam == {practice["ten"], practice["usage"]}
    north = {r["package_id"] for r in rows(report("/reports/on-track", caller=NORTH_ADMIN))}
    assert north == {practice["ten"], practice["usage"]}
    assert rows(report("/reports/on-track", caller=CORA)) == []
    south = report("/reports/on-track", caller=NORTH_ADMIN, query={"location_id": "south"})
    assert south["status"] == 403
    portal = claims(role="client", sub="user-ada", client_id=practice["ada"])
    for path in ("/reports/on-track", "/reports/engagements"):
        refused = report(path, caller=portal)
        assert refused["status"] == 403
        assert refused["headers"]["content-type"] == "application/problem+json"
    foreign = rows(report("/reports/on-track", caller=claims(org=OTHER_ORG, role="admin")))
    assert [r["client_name"] for r in foreign] == ["Zed"]


def test_given_csv_then_it_shows_the_json_rows_for_people(
    report: Report, practice: dict[str, str]
) -> None:
    as_json = rows(report("/reports/on-track"))
    export = report("/reports/on-track", query={"format": "csv"})
    assert (
        export["headers"]["content-disposition"] == 'attachment; filename="on-track-2026-04-10.csv"'
    )
    parsed = exported(export)
    assert parsed == [on_track_cells(r, {"user-sam": "Sam"}) for r in as_json]
    (ten,) = [r for r in parsed if r["Package ID"] == practice["ten"]]
    # Names beside ids, the status as the page says it, the next session in local time.
    assert (ten["Team member"], ten["Location"], ten["Status"]) == ("Sam", "North", "At risk")
    assert (ten["Last session"], ten["Next session"]) == ("2026-04-02", "2026-04-15 10:00")
    assert export["json"].splitlines()[0] == (
        "\ufeffClient,Client ID,Location,Location ID,Package,Package ID,Team member,"
        "Team member ID,Last session,Days since,Next session,Status,Outstanding"
    )
    assert '"Ada ""The Ace"", Lovelace"' in export["json"]  # quoted as RFC 4180 says


def test_given_a_name_that_looks_like_a_formula_then_the_csv_cell_is_text(
    api: HttpCall, report: Report, practice: dict[str, str]
) -> None:
    sly = client(api, '=HYPERLINK("http://evil")', location_id="north")
    package(api, sly, type="usage")
    parsed = exported(report("/reports/on-track", query={"format": "csv", "location_id": "north"}))
    assert '\'=HYPERLINK("http://evil")' in [r["Client"] for r in parsed]


def test_given_many_rows_when_paging_then_every_row_comes_once_in_order(
    api: HttpCall, report: Report, practice: dict[str, str]
) -> None:
    made = {practice["ten"], practice["usage"], practice["hours"]}
    for name in ("Dee", "Eve", "Fay"):
        someone = client(api, name, location_id="south")
        made |= {package(api, someone, type="usage") for _ in range(12)}
    everything = rows(report("/reports/on-track", query={"limit": "1000"}))
    assert {r["package_id"] for r in everything} == made
    paged: list[str] = []
    cursor = None
    pages = 0
    while True:
        query = {"limit": "7", **({"cursor": cursor} if cursor else {})}
        page = report("/reports/on-track", query=query)
        items = rows(page)
        assert len(items) <= 7
        paged += [r["package_id"] for r in items]
        pages += 1
        cursor = page["json"].get("next_cursor")
        if not cursor:
            break
    assert paged == [r["package_id"] for r in everything]
    assert pages == 6  # 39 rows: 5 full pages and a last one
    # The CSV export pages the same way, its cursor in a header.
    first = report("/reports/on-track", query={"format": "csv", "limit": "30"})
    second = report(
        "/reports/on-track",
        query={"format": "csv", "limit": "30", "cursor": first["headers"]["x-next-cursor"]},
    )
    both = [*exported(first), *exported(second)]
    assert "x-next-cursor" not in second["headers"]
    assert [r["Package ID"] for r in both] == paged
    # A cursor names its filters, and a forged one is refused.
    first_cursor = first["headers"]["x-next-cursor"]
    other = report("/reports/on-track", query={"status": "off_track", "cursor": first_cursor})
    assert other["status"] == 400
    wrong_id = {"s": "on-track|None|None|None", "p": {"package_id": "cl_x"}}
    forged_id = base64.urlsafe_b64encode(json.dumps(wrong_id).encode()).decode().rstrip("=")
    for forged in ("not-a-cursor", forged_id):
        refused = report("/reports/on-track", query={"cursor": forged})
        assert refused["status"] == 400, refused
        assert refused["headers"]["content-type"] == "application/problem+json"


def test_given_a_report_then_it_reads_only_the_organizations_own_index_partitions(
    report: Report, practice: dict[str, str], dynamodb_requests: list[tuple[str, dict[str, Any]]]
) -> None:
    dynamodb_requests.clear()
    rows(report("/reports/on-track", query={"limit": "2"}))
    assert report("/reports/on-track", query={"format": "csv"})["status"] == 200
    rows(report("/reports/engagements"))
    operations = [op for op, _ in dynamodb_requests]
    assert "Scan" not in operations
    assert set(operations) <= {"Query", "BatchGetItem", "GetItem"}
    for op, params in dynamodb_requests:
        if op == "Query":
            assert params["IndexName"] == "gsi1"
            partition = params["ExpressionAttributeValues"][":pk"]["S"]
            assert partition in ("ORG#org-test#PKGS", "ORG#org-test#ENGS"), partition
            start = params.get("ExclusiveStartKey")
            if start:
                assert start["gsi1pk"]["S"] == partition
                assert start["pk"]["S"].startswith("ORG#org-test#CL#")
        elif op == "BatchGetItem":
            (keys,) = [t["Keys"] for t in params["RequestItems"].values()]
            assert all(k["pk"]["S"].startswith("ORG#org-test#CL#") for k in keys)
            assert {k["sk"]["S"] for k in keys} == {"S#CLIENT"}
        else:
            assert params["Key"]["pk"]["S"] == "ORG#org-test"  # the organization's settings


def test_given_the_sample_event_then_the_reports_function_answers_with_an_empty_csv(
    aws: infra.LocalAws,
) -> None:
    handler = load_handler(infra.handler_of(infra.load_template(), "ReportsFunction"))
    event = load_event(REPORTS_SAMPLE)
    seed_caller(event["requestContext"]["authorizer"]["jwt"]["claims"])  # the sample's caller
    response = handler(event, LocalContext(function_name="ReportsFunction"))
    assert response["statusCode"] == 200, response
    headers = {k.lower(): v for k, v in response["headers"].items()}
    assert headers["content-type"].startswith("text/csv")
    assert response["body"].splitlines() == [
        "\ufeffClient,Client ID,Location,Location ID,Package,Package ID,Team member,"
        "Team member ID,Last session,Days since,Next session,Status,Outstanding"
    ]


# -- the engagements report ----------------------------------------------------------------------


@pytest.fixture
def coaching(api: HttpCall, practice: dict[str, str]) -> dict[str, str]:
    """Three-week engagements launched 1 March (off track since 22 March), 8 March (off
    since 29 March), one with a session scheduled (on track), and a draft."""
    template = call(
        api,
        "POST",
        "/engagement-templates",
        body={"name": "Three weeks", "type": "one_to_one", "threshold_days": 21},
    )["id"]

    def launch(day: str, coachee: str, **extra: Any) -> str:
        at(f"{day}T09:00:00+00:00")
        body = {"template_id": template, "coachee_id": coachee, **extra}
        return str(call(api, "POST", "/engagements", body=body)["id"])

    first = launch("2026-03-01", practice["ada"], status="active", coach_id="user-cora")
    second = launch("2026-03-08", practice["ben"], status="active")
    scheduled = launch("2026-03-08", practice["cy"], status="active")
    draft = launch("2026-03-09", practice["ada"])
    at("2026-04-10T09:00:00+00:00")
    book(api, practice["cy"], "2026-04-20T09:00:00+00:00", engagement_id=scheduled)
    return {"first": first, "second": second, "scheduled": scheduled, "draft": draft}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["first", "second", "scheduled", "draft"]),
        ({"progress": "off_track"}, ["first", "second"]),
        ({"progress": "on_track"}, ["scheduled"]),
        ({"progress": "not_tracking"}, ["draft"]),
        ({"off_track_since_from": "2026-03-25"}, ["second"]),
        ({"off_track_since_to": "2026-03-25"}, ["first"]),
        (
            {"off_track_since_from": "2026-03-22", "off_track_since_to": "2026-03-29"},
            ["first", "second"],
        ),
        ({"off_track_since_from": "2026-03-23", "off_track_since_to": "2026-03-28"}, []),
        ({"progress": "on_track", "off_track_since_from": "2026-03-01"}, []),
    ],
)
def test_given_engagements_then_the_report_filters_by_progress_and_off_track_since(
    report: Report, coaching: dict[str, str], query: dict[str, str], expected: list[str]
) -> None:
    got = [r["engagement_id"] for r in rows(report("/reports/engagements", query=query))]
    assert got == [coaching[name] for name in expected]


def test_given_the_engagements_report_then_rows_carry_progress_as_the_caller_may_see_it(
    report: Report, coaching: dict[str, str], practice: dict[str, str]
) -> None:
    by_id = {r["engagement_id"]: r for r in rows(report("/reports/engagements"))}
    first = by_id[coaching["first"]]
    assert {k: first[k] for k in ("progress", "off_track_since", "coachee_name", "started_on")} == {
        "progress": "off_track",
        "off_track_since": "2026-03-22",
        "coachee_name": 'Ada "The Ace", Lovelace',
        "started_on": "2026-03-01",
    }
    # Cora coaches the first one; Sam is assigned to its coachee but is not its coach.
    cora = rows(report("/reports/engagements", caller=CORA))
    assert [(r["engagement_id"], r["progress"]) for r in cora] == [(coaching["first"], "off_track")]
    sam = rows(report("/reports/engagements", caller=SAM))
    assert [(r["engagement_id"], r["progress"], r["off_track_since"]) for r in sam] == [
        (coaching["first"], "not_tracking", None),
        (coaching["draft"], "not_tracking", None),
    ]
    assert rows(report("/reports/engagements", caller=SAM, query={"progress": "off_track"})) == []


def test_given_the_engagements_report_as_csv_then_it_shows_the_json_rows_for_people(
    report: Report, coaching: dict[str, str]
) -> None:
    query = {"progress": "off_track"}
    as_json = rows(report("/reports/engagements", query=query))
    export = report("/reports/engagements", query={**query, "format": "csv"})
    assert (
        export["headers"]["content-disposition"]
        == 'attachment; filename="engagements-2026-04-10.csv"'
    )
    parsed = exported(export)
    names = {"user-cora": "Cora", "user-adam": "user-adam"}
    assert parsed == [engagement_cells(r, names) for r in as_json]
    assert [r["Off track since"] for r in parsed] == ["2026-03-22", "2026-03-29"]
    first = parsed[0]
    assert (first["Coach"], first["Progress"], first["Type"]) == ("Cora", "Off track", "One-to-one")


def test_given_bad_report_parameters_then_422_with_field_paths(
    report: Report, practice: dict[str, str]
) -> None:
    cases = [
        (
            "/reports/engagements",
            {"off_track_since_from": "2026-04-02", "off_track_since_to": "2026-04-01"},
            "query.off_track_since_to",
        ),
        (
            "/reports/engagements",
            {"off_track_since_from": "yesterday"},
            "query.off_track_since_from",
        ),
        ("/reports/engagements", {"progress": "at_risk"}, "query.progress"),
        ("/reports/on-track", {"status": "late"}, "query.status"),
        ("/reports/on-track", {"format": "xlsx"}, "query.format"),
        ("/reports/on-track", {"limit": "0"}, "query.limit"),
    ]
    for path, query, field in cases:
        response = report(path, query=query)
        assert response["status"] == 422, (query, response)
        assert field in [e["field"] for e in response["json"]["errors"]], (query, response)
