"""Items that don't grow forever (issue #15, target 2), through the API: a client with one
year of weekly sessions and one with five, both stored in the format before trimming (every
date in every summary, each tracker carrying the client's whole tally). Their next write
trims them; from then on recording a completed session writes items of the same size, and
costs the same write units, whatever the history — and every count the rules show is
still the whole history's. Bytes and write units (bench/bench_summary_size.py's rules),
never seconds."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from momentum import clock
from momentum.domain.appointments import AppointmentFacts, AppointmentStatus
from momentum.domain.clients import ClientSummary
from momentum.domain.engagements import EngagementSummary, EngagementType
from momentum.domain.packages import PackageSummary
from momentum.domain.tally import TRIM_KEY
from momentum.store import dynamo
from momentum.store.keys import client_pk
from tests.integration.conftest import ORG, HttpCall, claims
from tests.integration.people import seed_staff

BENCH = Path(__file__).resolve().parents[2] / "bench"
ADMIN = claims(role="admin", sub="user-adam")
STAFF = claims(role="staff", sub="user-sam")
START = date(2021, 1, 4)  # a Monday


@pytest.fixture(scope="module")
def sizes() -> Iterator[Any]:
    sys.path.insert(0, str(BENCH))
    try:
        import bench_summary_size

        yield bench_summary_size
    finally:
        sys.path.remove(str(BENCH))


def at(day: date, hour: int = 12) -> None:
    clock.install(
        clock.SettableClock(datetime.combine(day, datetime.min.time(), UTC).replace(hour=hour))
    )


def route(method: str, template: str, **params: str) -> dict[str, Any]:
    return {"route": f"{method} {template}", "path_parameters": params}


def made(response: dict[str, Any]) -> str:
    assert response["status"] < 300, response
    return str(response["json"]["id"])


@dataclass(frozen=True)
class Practice:
    client: str
    package: str
    engagement: str
    trackers: tuple[str, str]  # every 4 weeks; every session since the first


def practice(api: HttpCall, name: str) -> Practice:
    at(START - timedelta(days=3))
    client = made(api("POST", "/clients", caller=ADMIN,
                      body={"name": name, "assigned_practitioner_ids": ["user-sam"]}))  # fmt: skip
    on_track = {"enabled": True, "window_days": 30, "at_risk_below": 2, "off_track_below": 1}
    package = made(api(
        "POST", f"/clients/{client}/packages", caller=ADMIN,
        body={"type": "subscription", "size": 5, "period": "month",
              "start_date": START.isoformat(), "preferred": True, "on_track": on_track},
        **route("POST", "/clients/{client_id}/packages", client_id=client),
    ))  # fmt: skip
    trackers = tuple(
        made(api("POST", f"/clients/{client}/trackers", caller=STAFF, body=body,
                 **route("POST", "/clients/{client_id}/trackers", client_id=client)))
        for body in (
            {"sessions": 4, "begin_date": START.isoformat(), "auto_reset": True,
             "end_date": (START + timedelta(days=27)).isoformat()},
            {"sessions": 1000, "begin_date": START.isoformat()},
        )
    )  # fmt: skip
    coaching = {"name": "Coaching", "type": "one_to_one", "threshold_days": 21}
    template = made(api("POST", "/engagement-templates", caller=ADMIN, body=coaching))
    engagement = made(api("POST", "/engagements", caller=ADMIN,
                          body={"template_id": template, "coachee_id": client,
                                "coach_id": "user-sam"}))  # fmt: skip
    activated = api(
        "PATCH", f"/engagements/{engagement}", caller=ADMIN, body={"status": "active"},
        **route("PATCH", "/engagements/{engagement_id}", engagement_id=engagement),
    )  # fmt: skip
    assert activated["status"] == 200, activated
    return Practice(client, package, engagement, (trackers[0], trackers[1]))


def weekly(p: Practice, weeks: int) -> list[AppointmentFacts]:
    return [
        AppointmentFacts(
            id=f"apt-{i}",
            client_id=p.client,
            practitioner_id="user-sam",
            date=day,
            starts_at=datetime.combine(day, datetime.min.time(), UTC).replace(hour=10),
            duration_minutes=50,
            status=AppointmentStatus.COMPLETED,
            package_id=p.package,
            engagement_id=p.engagement,
        )
        for i, day in enumerate(START + timedelta(weeks=w) for w in range(weeks))
    ]


def store_old_format(p: Practice, history: list[AppointmentFacts], evaluated: date) -> None:
    """The items as written before issue #15: whole tallies everywhere (and the nightly's
    states caught up to `evaluated`)."""
    pk = client_pk(ORG, p.client)
    client = ClientSummary.rebuild(p.client, history)
    wholes: dict[str, dict[str, Any]] = {
        "S#CLIENT": {"summary": client.to_dict()},
        f"S#PKG#{p.package}": {"summary": PackageSummary.rebuild(p.package, history).to_dict()},
        f"S#ENG#{p.engagement}": {
            "summary": EngagementSummary.rebuild(
                p.engagement, EngagementType.ONE_TO_ONE, history
            ).to_dict()
        },
        **{f"S#TRK#{t}": {"client_completed": client.completed.to_dict()} for t in p.trackers},
    }
    for sk, fields in wholes.items():
        item = dynamo.get_item(pk, sk)
        assert item is not None, sk
        if "state" in item and sk != "S#CLIENT":
            item["state"] = {**item["state"], "evaluated_on": evaluated.isoformat()}
        dynamo.put_item({**item, **fields})


def record_session(api: HttpCall, p: Practice, day: date) -> None:
    at(day)
    body = {
        "client_id": p.client,
        "practitioner_id": "user-sam",
        "starts_at": f"{day.isoformat()}T10:00:00+00:00",
        "ends_at": f"{day.isoformat()}T10:50:00+00:00",
        "status": "completed",
        "package_id": p.package,
        "engagement_id": p.engagement,
    }
    response = api("POST", "/appointments", caller=STAFF, body=body)
    assert response["status"] == 201, response


@dataclass(frozen=True)
class Measured:
    item_bytes: dict[str, int]
    wcu: int
    summary: dict[str, Any]
    used_since_first: int


def measured_write(
    api: HttpCall, sizes: Any, monkeypatch: pytest.MonkeyPatch, p: Practice, day: date
) -> Measured:
    """Sizes after, and write units of, one "record a completed session"."""
    pk = client_pk(ORG, p.client)
    before = {(i["pk"], i["sk"]): i for i in dynamo.query_all(pk, consistent=True)}
    sent: list[list[dict[str, Any]]] = []
    original = dynamo.transact_write
    monkeypatch.setattr(
        dynamo, "transact_write", lambda ops: (sent.append(list(ops)), original(ops))[1]
    )
    record_session(api, p, day)
    monkeypatch.setattr(dynamo, "transact_write", original)
    after = {(i["pk"], i["sk"]): i for i in dynamo.query_all(pk, consistent=True)}
    assert len(sent) == 1
    wcu = 0
    for op in sent[0]:
        ((_, body),) = op.items()
        key = body.get("Key") or body.get("Item")
        where = (key["pk"]["S"], key["sk"]["S"])
        biggest = max(sizes.item_size(before.get(where, {})), sizes.item_size(after.get(where, {})))
        wcu += 2 * sizes.write_units(biggest)
    kept = {
        sk: sizes.item_size(item)
        for (_, sk), item in after.items()
        if sk.startswith(("S#CLIENT", "S#PKG#", "S#ENG#", "S#TRK#"))
    }
    tracker = api("GET", f"/trackers/{p.trackers[1]}", caller=STAFF,
                  **route("GET", "/trackers/{tracker_id}", tracker_id=p.trackers[1]))  # fmt: skip
    assert tracker["status"] == 200, tracker
    return Measured(
        {sk.split("#")[1]: n for sk, n in kept.items() if not sk.startswith("S#TRK#")}
        | {f"tracker {i}": kept[f"S#TRK#{t}"] for i, t in enumerate(p.trackers)},
        wcu,
        after[(pk, "S#CLIENT")]["summary"],
        int(tracker["json"]["used"]),
    )


def after_years(api: HttpCall, sizes: Any, monkeypatch: pytest.MonkeyPatch, years: int) -> Measured:
    p = practice(api, f"Ada {years}")
    weeks = 52 * years
    store_old_format(p, weekly(p, weeks), START + timedelta(weeks=weeks) - timedelta(days=1))
    record_session(api, p, START + timedelta(weeks=weeks))  # trims the old items
    return measured_write(api, sizes, monkeypatch, p, START + timedelta(weeks=weeks + 1))


def test_recording_a_session_writes_the_same_after_five_years_as_after_one(
    api: HttpCall, sizes: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    api("PUT", "/org", body={"name": "Harbour", "timezone": "Europe/London"})
    seed_staff("user-sam")
    one, five = (after_years(api, sizes, monkeypatch, years) for years in (1, 5))
    # The old items were trimmed on their next write...
    assert TRIM_KEY in five.summary["completed"]
    assert five.summary["completed"][TRIM_KEY]["count"] > 0
    # ...and still count every session: the tracker since the first one sees them all.
    assert (one.used_since_first, five.used_since_first) == (52 + 2, 260 + 2)
    # Flat: the same write units, and no item more than a few dates larger (the package's
    # 365-day window is full after one year; what it keeps before it is its few newest).
    assert five.wcu == one.wcu
    assert five.item_bytes.keys() == one.item_bytes.keys()
    for kind, size in five.item_bytes.items():
        assert size <= one.item_bytes[kind] * 1.10, (kind, size, one.item_bytes[kind])
    # Five years of whole tallies: the client alone was ~3.9 KB, each tracker ~3.8 KB.
    assert five.item_bytes["CLIENT"] < 1024
    assert five.item_bytes["tracker 1"] < 1024
