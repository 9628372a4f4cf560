"""The nightly run scales with what is due, not with everything stored (SPEC §8)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any

import boto3
import pytest
from moto.dynamodb.models import dynamodb_backends

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
    """`count` tracked packages: `due` of them due now, the rest due next year. Straight
    into moto's table: 5,000 items through BatchWriteItem would be most of this test."""
    table = dynamodb_backends[infra.ACCOUNT_ID][infra.REGION].get_table(dynamo.table_name())
    settings = OnTrackSettings(enabled=True, window_days=30, at_risk_below=1, off_track_below=0)
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
        table.put_item(dynamo.to_attributes(item))


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


def _old_format_tracker() -> tuple[str, str]:
    """A session tracker (a task at its end date) written before trackers carried their
    copy of the client's completed sessions (`client_completed` absent), due now, and its
    client with three completed sessions. Returns the tracker's key."""
    from momentum.domain.clients import ClientSummary
    from momentum.domain.tally import Tally
    from momentum.domain.trackers import TaskTrigger, Tracker, TrackerTask
    from momentum.store import clients as client_store
    from momentum.store import trackers as tracker_store

    client_id = f"cl_{1:026d}"
    completed = Tally[date]().add(date(2026, 5, 4)).add(date(2026, 5, 11)).add(date(2026, 5, 18))
    client = client_store.ClientRecord(
        "org-test", client_id, "Ada", summary=ClientSummary(client_id, completed), version=1
    )
    tracker = tracker_store.TrackerRecord(
        "org-test",
        Tracker(
            f"trk_{1:026d}_{1:026d}",
            client_id,
            6,
            date(2026, 5, 1),
            date(2026, 8, 31),
            task=TrackerTask("user-sam", TaskTrigger.END_DATE),
        ),
        version=1,
        state_version=1,
    )
    item = tracker_store.to_item(tracker)
    del item["client_completed"]
    item.update(due_fields(item["pk"], item["sk"], NOW))
    raw = boto3.client("dynamodb", region_name=infra.REGION)
    for stored in (client_store.to_item(client), item):
        raw.put_item(TableName="MomentumTable", Item=dynamo.to_attributes(stored))
    return str(item["pk"]), str(item["sk"])


def test_a_tracker_in_the_old_format_reads_its_client_once_and_then_only_itself(
    nightly: Callable[[], dict[str, Any]], items_read: dict[str, int]
) -> None:
    pk, sk = _old_format_tracker()
    clock.install(clock.SettableClock(NOW))
    items_read.update(items=0, calls=0)
    assert nightly()["NightlyFunction"]["items"] == 1
    # The tracker (from the due index) and, this once, its client.
    assert items_read["items"] == 2, items_read
    migrated = dynamo.get_item(pk, sk)
    assert migrated is not None
    assert migrated["client_completed"] == {"2026-05-04": 1, "2026-05-11": 1, "2026-05-18": 1}
    # Its next check reads the tracker alone: its copy is what it counts from.
    clock.install(clock.SettableClock(datetime.fromisoformat(str(migrated["due_at"]))))
    items_read.update(items=0, calls=0)
    assert nightly()["NightlyFunction"]["items"] == 1
    assert items_read["items"] == 1, items_read
