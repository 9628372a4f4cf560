"""Three attributes keep the names items were stored under before the API's ids all ended
`_id` (docs/data-model.md, "Stored names that differ from the API"): the store writes and
reads the stored name, so items written before the rename still read back whole."""

from __future__ import annotations

from datetime import date

from momentum.domain.packages import Package, PackageKind, PackageSize
from momentum.domain.trackers import TaskTrigger, Tracker, TrackerTask
from momentum.store import clients, packages, trackers


def test_a_clients_practitioners_are_stored_as_assigned_practitioners() -> None:
    record = clients.ClientRecord(
        org_id="o", id="cl-1", name="Ada", assigned_practitioner_ids=("user-sam", "user-zoe")
    )
    item = clients.to_item(record)
    assert item["assigned_practitioners"] == ["user-sam", "user-zoe"]
    assert "assigned_practitioner_ids" not in item
    assert clients.from_item(item).assigned_practitioner_ids == ("user-sam", "user-zoe")


def test_a_trackers_task_assignee_is_stored_as_assignee() -> None:
    tracker = Tracker(
        id="trk-1",
        client_id="cl-1",
        sessions=6,
        begin_date=date(2026, 3, 1),
        task=TrackerTask("user-sam", TaskTrigger.COUNT_REACHED),
    )
    item = trackers.to_item(trackers.TrackerRecord(org_id="o", tracker=tracker))
    assert item["task"] == {"assignee": "user-sam", "trigger": "count_reached"}
    task = trackers.from_item(item).tracker.task
    assert task == TrackerTask("user-sam", TaskTrigger.COUNT_REACHED)


def test_a_renewed_packages_predecessor_is_stored_as_renewed_from() -> None:
    package = Package(
        id="pk-2",
        client_id="cl-1",
        size=PackageSize(PackageKind.FIXED, 10),
        start_date=date(2026, 3, 1),
    )
    record = packages.PackageRecord(org_id="o", package=package, name="Ten", renewed_from_id="pk-1")
    item = packages.to_item(record)
    assert item["renewed_from"] == "pk-1"
    assert "renewed_from_id" not in item
    assert packages.from_item(item).renewed_from_id == "pk-1"
