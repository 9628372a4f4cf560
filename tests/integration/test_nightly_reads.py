"""The nightly run scales with what is due, not with everything stored (SPEC §8)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import boto3
import pytest

from local import infra
from momentum import clock
from momentum.domain.on_track import OnTrackSettings
from momentum.domain.packages import Package, PackageKind, PackageSize
from momentum.store import dynamo
from momentum.store import packages as package_store
from momentum.store.due import due_fields

TRACKED = 5_000
DUE = 100
NOW = datetime(2026, 6, 1, 0, 30, tzinfo=UTC)


@pytest.fixture
def items_read(aws: infra.LocalAws) -> Iterator[dict[str, int]]:
    """Items DynamoDB returned to our code (Query/Scan `ScannedCount`, GetItem, batches)."""
    counts = {"items": 0, "calls": 0}

    def after(http_response: Any, parsed: dict[str, Any], model: Any, **_: Any) -> None:
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


def _seed(count: int, due: int) -> None:
    """`count` tracked packages: `due` of them due now, the rest due next year."""
    raw = boto3.client("dynamodb", region_name=infra.REGION)
    settings = OnTrackSettings(enabled=True, window_days=30, at_risk_below=1, off_track_below=0)
    requests = []
    for n in range(count):
        client_id = f"cl_{n:026d}"
        record = package_store.PackageRecord(
            org_id="org-test",
            package=Package(
                id=f"pkg_{n:026d}_{n:026d}",
                client_id=client_id,
                size=PackageSize(PackageKind.USAGE),
                start_date=date(2026, 1, 1),
            ),
            name="Plan",
            template_settings=settings,
            version=1,
            state_version=1,
        )
        when = NOW if n < due else datetime(2027, 6, 1, tzinfo=UTC)
        item = package_store.to_item(record)
        item.update(due_fields(item["pk"], item["sk"], when))
        requests.append({"PutRequest": {"Item": dynamo.to_attributes(item)}})
    for start in range(0, len(requests), 25):
        raw.batch_write_item(RequestItems={"MomentumTable": requests[start : start + 25]})


def test_with_5000_tracked_and_100_due_the_chain_reads_at_most_105_items(
    nightly: Callable[[], dict[str, Any]], items_read: dict[str, int]
) -> None:
    _seed(TRACKED, DUE)
    clock.install(clock.SettableClock(NOW))
    items_read.update(items=0, calls=0)
    summary = nightly()
    assert summary["NightlyFunction"]["items"] == DUE
    assert summary["queues"]["EvaluatorQueue"] == DUE // 10
    # 100 items from the due index (whole, so the evaluator reads none again), plus the
    # organization's settings once; never a not-due item.
    assert items_read["items"] <= DUE * 1.05, items_read
    # And the run moved every due item to its next check: a second run reads nothing.
    items_read.update(items=0, calls=0)
    assert nightly()["NightlyFunction"]["items"] == 0
    assert items_read["items"] == 0
