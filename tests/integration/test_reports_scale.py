"""Reports at scale: 2,000 packages and 2,000 engagements. Only the organization's own index
partitions are read (never a Scan, never another tenant's items), paging gives every row
once, and the CSV export round-trips to the same rows as the JSON (SPEC §5, §7, §9)."""

from __future__ import annotations

from datetime import date
from typing import Any

from moto.dynamodb.models import dynamodb_backends

from local import infra
from momentum.domain.engagements import (
    Engagement,
    EngagementStatus,
    EngagementTracking,
    EngagementType,
)
from momentum.domain.on_track import OnTrackSettings
from momentum.domain.packages import Package, PackageKind, PackageSize
from momentum.store import clients as client_store
from momentum.store import dynamo
from momentum.store import engagements as engagement_store
from momentum.store import packages as package_store
from tests.integration.conftest import HttpCall, Report, claims
from tests.integration.test_reports_api import (
    at,
    engagement_cells,
    exported,
    on_track_cells,
)

ROWS = 2_000
ORG = "org-test"
ADMIN = claims(role="admin", sub="user-adam")


def _insert(items: list[dict[str, Any]]) -> None:
    # Straight into moto's table: seeding 6,000 items over HTTP would dominate the suite.
    table = dynamodb_backends[infra.ACCOUNT_ID][infra.REGION].get_table("MomentumTable")
    for item in items:
        table.put_item(dynamo.to_attributes(item))


def _seed(org: str, count: int) -> None:
    settings = OnTrackSettings(enabled=True, window_days=30, at_risk_below=1, off_track_below=0)
    items: list[dict[str, Any]] = []
    for n in range(count):
        client_id = f"cl_{n:026d}"
        items.append(
            client_store.to_item(
                client_store.ClientRecord(org, client_id, f"Client {n:04d}", version=1)
            )
        )
        package = Package(
            id=f"pkg_{n:026d}_{n:026d}",
            client_id=client_id,
            size=PackageSize(PackageKind.FIXED, 10),
            start_date=date(2026, 1, 1),
        )
        items.append(
            package_store.to_item(
                package_store.PackageRecord(
                    org, package, name=f"Pack {n}", template_settings=settings, version=1
                )
            )
        )
        engagement = Engagement(
            id=f"eng_{n:026d}_{n:026d}",
            type=EngagementType.ONE_TO_ONE,
            status=EngagementStatus.ACTIVE,
            coachee_id=client_id,
            owner_id="user-adam",
            coach_id="user-sam",
            tracking=EngagementTracking(21, True),
            started_on=date(2026, 3, 1),
        )
        items.append(
            engagement_store.to_item(
                engagement_store.EngagementRecord(
                    org, engagement, name=f"Coaching {n}", version=1, created_at=f"{n:06d}"
                )
            )
        )
    _insert(items)


def _all_pages(report: Report, path: str, query: dict[str, str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = report(path, query={**query, **({"cursor": cursor} if cursor else {})})
        assert page["status"] == 200, page
        rows += page["json"]["items"]
        cursor = page["json"].get("next_cursor")
        if not cursor:
            return rows


def _all_csv(report: Report, path: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    cursor = None
    while True:
        query = {"format": "csv", "limit": "1000", **({"cursor": cursor} if cursor else {})}
        page = report(path, query=query)
        assert page["status"] == 200, page
        rows += exported(page)
        cursor = page["headers"].get("x-next-cursor")
        if not cursor:
            return rows


def test_reports_over_2000_packages_and_engagements(
    api: HttpCall, report: Report, dynamodb_calls: list[str]
) -> None:
    at("2026-05-01T09:00:00+01:00")
    api("PUT", "/org", body={"name": "Harbour", "timezone": "Europe/London"})
    _seed(ORG, ROWS)
    _seed("org-other", 200)  # another tenant: never read
    requests: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        requests.append(params)

    dynamo.client().meta.events.register("before-parameter-build.dynamodb.*", record)
    try:
        on_track = _all_pages(report, "/reports/on-track", {"limit": "1000"})
        engagements = _all_pages(report, "/reports/engagements", {"limit": "1000"})
        on_track_csv = _all_csv(report, "/reports/on-track")
        engagements_csv = _all_csv(report, "/reports/engagements")
    finally:
        dynamo.client().meta.events.unregister("before-parameter-build.dynamodb.*", record)

    assert len(on_track) == len({r["package_id"] for r in on_track}) == ROWS
    assert len(engagements) == len({r["engagement_id"] for r in engagements}) == ROWS
    assert on_track_csv == [on_track_cells(r, {}) for r in on_track]
    names = {"user-adam": "user-adam"}  # the caller's record; Sam has none here
    assert engagements_csv == [engagement_cells(r, names) for r in engagements]
    assert "Scan" not in dynamodb_calls
    for params in requests:
        keys = str(params)
        assert "org-other" not in keys
        if "KeyConditionExpression" in params:
            partition = params["ExpressionAttributeValues"][":pk"]["S"]
            assert partition in (f"ORG#{ORG}#PKGS", f"ORG#{ORG}#ENGS")
