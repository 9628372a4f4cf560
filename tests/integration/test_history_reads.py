"""Reads that don't grow with history (issue 15, target 1): booking, reading or changing one
appointment reads the same few items (≤ 6) whether the client has had a year of weekly
sessions or five, and whether it is their oldest appointment, one from the middle, today's
or the last one booked ahead. bench/bench_history.py reports the same figures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest

from local import infra
from momentum import clock
from momentum.store import dynamo
from tests.integration import routes
from tests.integration.conftest import ORG, HttpCall, claims
from tests.integration.history import (
    TIMEZONE,
    History,
    measure,
    old_full_block_reads,
    seed_history,
)
from tests.integration.people import seed_staff

NOW = datetime.fromisoformat("2026-04-01T12:00:00+00:00")
STAFF = claims(role="staff", sub="user-sam")
ADMIN = claims(role="admin", sub="user-adam")
MOST_ITEMS = 6


@pytest.fixture
def items_read(aws: infra.LocalAws) -> Iterator[dict[str, Any]]:
    """The DynamoDB calls our code makes and the items DynamoDB read for them (Query
    `ScannedCount`, a GetItem that found its item, each item of a BatchGetItem)."""
    counts: dict[str, Any] = {"items": 0, "calls": []}

    def before(event_name: str, **_: Any) -> None:
        counts["calls"].append(event_name.rsplit(".", maxsplit=1)[-1])

    def after(parsed: dict[str, Any], **_: Any) -> None:
        if "ScannedCount" in parsed:
            counts["items"] += int(parsed["ScannedCount"])
        elif "Item" in parsed:
            counts["items"] += 1
        elif "Responses" in parsed and isinstance(parsed["Responses"], dict):
            counts["items"] += sum(len(v) for v in parsed["Responses"].values())

    dynamo.client().meta.events.register("before-call.dynamodb.*", before)
    dynamo.client().meta.events.register("after-call.dynamodb.*", after)
    yield counts
    dynamo.client().meta.events.unregister("before-call.dynamodb.*", before)
    dynamo.client().meta.events.unregister("after-call.dynamodb.*", after)


def _caller(api: HttpCall) -> Callable[..., dict[str, Any]]:
    def call(method: str, template: str, params: dict[str, str], body: Any) -> dict[str, Any]:
        caller = STAFF if template.startswith("/appointments") else ADMIN
        return routes.call(api, method, template, caller=caller, params=params, body=body)

    return call


def _counted(
    items_read: dict[str, Any],
) -> Callable[[Callable[[], dict[str, Any]]], tuple[dict[str, Any], list[str], int]]:
    def run(request: Callable[[], dict[str, Any]]) -> tuple[dict[str, Any], list[str], int]:
        items_read["items"] = 0
        items_read["calls"] = []
        response = request()
        return response, list(items_read["calls"]), int(items_read["items"])

    return run


@pytest.fixture
def histories(api: HttpCall) -> dict[int, History]:
    """Two clients of one practice: one with a year of weekly sessions, one with five."""
    clock.install(clock.SettableClock(NOW))
    api("PUT", "/org", body={"name": "Harbour", "timezone": TIMEZONE})
    seed_staff("user-sam")
    call = _caller(api)
    return {
        years: seed_history(
            call, org_id=ORG, name=f"Client {years}y", years=years, now=NOW, staff_id="user-sam"
        )
        for years in (1, 5)
    }


def test_one_appointment_reads_the_same_few_items_after_one_year_or_five(
    api: HttpCall, histories: dict[int, History], items_read: dict[str, Any]
) -> None:
    # The baseline, against the same data: the old load (one Query from the appointment to
    # the end of the client's state) read every appointment booked after it.
    one, five = histories[1], histories[5]
    state = 4  # the client, its package, tracker and engagement
    assert old_full_block_reads(ORG, one.client_id, one.oldest) == len(one.appointments) + state
    assert old_full_block_reads(ORG, five.client_id, five.oldest) == 272 + state
    assert old_full_block_reads(ORG, five.client_id, five.newest) == 1 + state

    measured = {
        years: measure(_caller(api), _counted(items_read), history)
        for years, history in histories.items()
    }
    for rows in measured.values():
        # A booking, then 5 operations on 4 appointments (the future one not completed).
        assert len(rows) == 20
        for row in rows:
            expected: tuple[str, ...]
            assert row.status in (200, 201, 204), row
            assert row.items <= MOST_ITEMS, row
            if row.operation == "book":
                expected = ("Query", "TransactWriteItems")  # the client's tracked state
            elif row.operation == "GET":
                # It and its client; the client's trackers when it shows their banners.
                expected = ("BatchGetItem",) if row.which == "newest" else ("BatchGetItem", "Query")
            else:
                # It by its key, the client's tracked state, one transaction.
                expected = ("GetItem", "Query", "TransactWriteItems")
            assert row.calls == expected, row
    # The same calls and items, whatever the history.
    assert [(r.which, r.operation, r.calls, r.items) for r in measured[1]] == [
        (r.which, r.operation, r.calls, r.items) for r in measured[5]
    ]
