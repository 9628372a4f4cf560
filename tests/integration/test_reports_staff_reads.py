"""The On track report for a staff member reads what their rows need (issue 15, target 4):
their assigned clients and those clients' packages, not the organization's — at most 2
items per row (the client's next session rides on the assignment item) — with exactly
the rows an administrator's report shows for those clients (SPEC §1, §2, §5), page after
page."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

from local import infra
from momentum.store import dynamo
from tests.integration.conftest import HttpCall, Report, claims
from tests.integration.people import seed_staff
from tests.integration.test_appointments_api import patch
from tests.integration.test_reports_api import ON_TRACK, at, book, call, client, package, rows

STAFF = ("user-sam", "user-tom", "user-cora")
SAM = claims(role="staff", sub="user-sam")


@pytest.fixture
def items_read(aws: infra.LocalAws) -> Iterator[dict[str, int]]:
    """Items DynamoDB read for our code (Query `ScannedCount`, GetItem, BatchGetItem), as
    tests/integration/test_nightly_reads.py counts them."""
    counts = {"items": 0, "calls": 0}

    def after(parsed: dict[str, Any], **_: Any) -> None:
        counts["calls"] += 1
        if "ScannedCount" in parsed:
            counts["items"] += int(parsed["ScannedCount"])
        elif "Item" in parsed:
            counts["items"] += 1
        elif "Responses" in parsed:
            counts["items"] += sum(len(v) for v in parsed["Responses"].values())

    dynamo.client().meta.events.register("after-call.dynamodb.*", after)
    yield counts
    dynamo.client().meta.events.unregister("after-call.dynamodb.*", after)


@pytest.fixture
def practice(api: HttpCall) -> dict[str, list[str]]:
    """30 clients shared by three practitioners (one has two, one none), each with an open
    On track package; most have their next session booked in it."""
    at("2026-04-10T09:00:00+00:00")
    seed_staff(*STAFF)
    api("PUT", "/org", caller=claims(role="owner", sub="user-owner"), body={"name": "Harbour"})
    by_staff: dict[str, list[str]] = {s: [] for s in STAFF}
    for n in range(30):
        assigned = [STAFF[n % 3]] + (["user-sam"] if n == 1 else [])
        someone = client(api, f"Client {n:02d}", assigned_practitioner_ids=assigned)
        if n == 29:
            continue  # a client with no package: no row
        made = package(
            api, someone, type="fixed", size=10, start_date="2026-01-01", on_track=ON_TRACK
        )
        if n % 5:
            book(api, someone, "2026-04-20T09:00:00+00:00", STAFF[n % 3], package_id=made)
        for s in assigned:
            by_staff[s].append(made)
    return by_staff


def test_given_a_staff_member_then_the_report_reads_at_most_2_items_per_row(
    report: Report, practice: dict[str, list[str]], items_read: dict[str, int]
) -> None:
    everyone = rows(report("/reports/on-track", query={"limit": "1000"}))
    items_read.update(items=0, calls=0)
    sam = rows(report("/reports/on-track", caller=SAM, query={"limit": "1000"}))
    assert sorted(r["package_id"] for r in sam) == sorted(practice["user-sam"])
    assert len(sam) == 11
    # The same rows an administrator sees for those clients, column for column.
    assert sorted(sam, key=lambda r: r["package_id"]) == sorted(
        (r for r in everyone if r["package_id"] in practice["user-sam"]),
        key=lambda r: r["package_id"],
    )
    # Sam's 11 clients: an assignment item and a package each, nothing else: the 2 whose
    # package has no next session of its own need the client's, which the assignment
    # item carries (it read their client records before: 24 items, 2.18 per row).
    assert items_read["items"] == 2 * len(sam)
    assert items_read["items"] / len(sam) <= 2
    # Before that: every package and client of the organization (29 + 29 items, 5.3 per row).


def _sams_view(report: Report) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Sam's rows, and an administrator's rows of the same packages, both by package."""
    sam = rows(report("/reports/on-track", caller=SAM, query={"limit": "1000"}))
    mine = {r["package_id"] for r in sam}
    everyone = rows(report("/reports/on-track", query={"limit": "1000"}))
    theirs = [r for r in everyone if r["package_id"] in mine]
    return sorted(sam, key=lambda r: r["package_id"]), sorted(theirs, key=lambda r: r["package_id"])


def test_given_a_client_session_outside_the_package_then_staff_rows_follow_it(
    api: HttpCall, report: Report, practice: dict[str, list[str]], items_read: dict[str, int]
) -> None:
    # Client 00 (Sam's) has a package with no session booked: the row shows the client's.
    first = next(r for r in _sams_view(report)[0] if r["client_name"] == "Client 00")
    assert first["next_session_at"] is None
    booked = book(api, first["client_id"], "2026-04-15T09:00:00+00:00", "user-sam")
    assert booked.get("package_id") is None  # the client's session, not the package's
    sam, admin = _sams_view(report)
    assert sam == admin
    row = next(r for r in sam if r["client_id"] == first["client_id"])
    assert row["next_session_at"] is not None
    assert row["next_session_at"].startswith("2026-04-15")
    # Cancelled: the next session goes with it, in Sam's report as in everyone's.
    admin_claims = claims(role="owner", sub="user-owner")
    assert patch(api, booked["id"], {"status": "cancelled"}, caller=admin_claims)["status"] == 200
    sam, admin = _sams_view(report)
    assert sam == admin
    assert next(r for r in sam if r["client_id"] == first["client_id"])["next_session_at"] is None
    items_read.update(items=0, calls=0)
    rows(report("/reports/on-track", caller=SAM, query={"limit": "1000"}))
    assert items_read["items"] == 2 * len(sam)


def test_given_assignments_without_the_copy_then_their_clients_are_read(
    report: Report, practice: dict[str, list[str]], items_read: dict[str, int]
) -> None:
    """Assignment items written before they carried the scheduled instants: the rows are
    the same, from the client records where a row needs the client's next session — which
    is also how the report read before (the baseline of BENCHMARKS.md, same run)."""
    before, _ = _sams_view(report)
    for row in before:
        dynamo.client().update_item(
            TableName=dynamo.table_name(),
            Key={
                "pk": {"S": f"ORG#{SAM['custom:org_id']}#CL#{row['client_id']}"},
                "sk": {"S": "U#ASSIGN#user-sam"},
            },
            UpdateExpression="REMOVE scheduled",
        )
    items_read.update(items=0, calls=0)
    sam = rows(report("/reports/on-track", caller=SAM, query={"limit": "1000"}))
    assert sorted(sam, key=lambda r: r["package_id"]) == before
    # Client 00 and Client 15: packages with no next session of their own (24 items).
    assert items_read["items"] == 2 * len(sam) + 2


def test_given_staff_pages_then_every_row_comes_once_and_only_their_own(
    api: HttpCall, report: Report, practice: dict[str, list[str]]
) -> None:
    # A client of Sam's with several packages, so that a page ends inside a client.
    ada = client(api, "Ada", assigned_practitioner_ids=["user-sam"])
    extra = [package(api, ada, type="usage") for _ in range(4)]
    whole = rows(report("/reports/on-track", caller=SAM, query={"limit": "1000"}))
    assert sorted(r["package_id"] for r in whole) == sorted(practice["user-sam"] + extra)
    paged: list[str] = []
    cursor = None
    while True:
        query = {"limit": "3", **({"cursor": cursor} if cursor else {})}
        page = report("/reports/on-track", caller=SAM, query=query)
        items = rows(page)
        assert len(items) <= 3
        paged += [r["package_id"] for r in items]
        cursor = page["json"].get("next_cursor")
        if not cursor:
            break
    assert paged == [r["package_id"] for r in whole]
    # A forged cursor naming a client of Tom's resumes nothing of it.
    tom_first = rows(report("/reports/on-track", caller=claims(role="staff", sub="user-tom")))[0]
    forged = {
        "s": "on-track|None|None|None",
        "p": {"client_id": tom_first["client_id"], "client": "", "package_id": "pkg_0"},
    }
    text = base64.urlsafe_b64encode(json.dumps(forged).encode()).decode().rstrip("=")
    got = rows(report("/reports/on-track", caller=SAM, query={"cursor": text, "limit": "1000"}))
    assert {r["package_id"] for r in got} <= set(practice["user-sam"] + extra)
    # Unassigned: the client's rows leave Sam's report at once.
    call(
        api,
        "PATCH",
        "/clients/{client_id}",
        body={"assigned_practitioner_ids": ["user-tom"]},
        client_id=ada,
    )
    after = rows(report("/reports/on-track", caller=SAM, query={"limit": "1000"}))
    assert sorted(r["package_id"] for r in after) == sorted(practice["user-sam"])
