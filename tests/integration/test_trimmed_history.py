"""When a write reaches past what a trimmed summary keeps (issue #15): the summary is rebuilt
from the client's appointments (`momentum.logic.summaries`), and every answer is the one
the whole history gives — never a guess, never a 500.

Each story stores years of history as the code before trimming wrote it (appointment items
and whole tallies), lets one write trim it, then reaches back past the trim."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from momentum import clock, ids
from momentum.domain.appointments import AppointmentStatus
from momentum.domain.clients import ClientSummary
from momentum.domain.packages import PackageSummary
from momentum.domain.tally import TRIM_KEY
from momentum.logic import summaries
from momentum.store import appointments as appointment_store
from momentum.store import dynamo
from momentum.store.appointments import AppointmentRecord
from momentum.store.keys import client_pk
from tests.integration.conftest import ORG, HttpCall, claims
from tests.integration.people import seed_staff

ADMIN = claims(role="admin", sub="user-adam")
STAFF = claims(role="staff", sub="user-sam")
TZ = "Europe/London"
START = date(2021, 1, 4)  # a Monday


def at(day: date) -> None:
    clock.install(
        clock.SettableClock(datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=12))
    )


def route(method: str, template: str, **params: str) -> dict[str, Any]:
    return {"route": f"{method} {template}", "path_parameters": params}


def ok(response: dict[str, Any]) -> dict[str, Any]:
    assert response["status"] < 300, response
    return dict(response["json"])


def client_with_package(api: HttpCall, package: dict[str, Any]) -> tuple[str, str]:
    at(START - timedelta(days=3))
    api("PUT", "/org", body={"name": "Harbour", "timezone": TZ})
    seed_staff("user-sam")
    client = ok(
        api(
            "POST",
            "/clients",
            caller=ADMIN,
            body={"name": "Ada", "assigned_practitioner_ids": ["user-sam"]},
        )
    )["id"]
    made = ok(
        api(
            "POST",
            f"/clients/{client}/packages",
            caller=ADMIN,
            body={"start_date": START.isoformat(), "preferred": True, **package},
            **route("POST", "/clients/{client_id}/packages", client_id=client),
        )
    )
    return str(client), str(made["id"])


def store_weekly_history(client: str, package: str, weeks: int) -> list[AppointmentRecord]:
    """`weeks` completed Monday sessions from START, stored as the code before trimming
    wrote them: the appointment items, and whole tallies in the summaries."""
    records = []
    for week in range(weeks):
        starts = datetime.combine(START + timedelta(weeks=week), datetime.min.time(), UTC)
        record = AppointmentRecord(
            ORG,
            ids.new_owned_id("apt", client),
            client,
            "user-sam",
            starts + timedelta(hours=10),
            starts + timedelta(hours=10, minutes=50),
            status=AppointmentStatus.COMPLETED,
            package_id=package,
            version=1,
            created_at="2021-01-01T00:00:00Z",
            updated_at="2021-01-01T00:00:00Z",
        )
        dynamo.put_item(appointment_store.to_item(record, TZ))
        records.append(record)
    facts = [r.facts(TZ) for r in records]
    pk = client_pk(ORG, client)
    summary = ClientSummary.rebuild(client, facts)
    item = dynamo.get_item(pk, "S#CLIENT")
    assert item is not None
    dynamo.put_item({**item, "summary": summary.to_dict()})
    item = dynamo.get_item(pk, f"S#PKG#{package}")
    assert item is not None
    dynamo.put_item({**item, "summary": PackageSummary.rebuild(package, facts).to_dict()})
    return records


def record_completed(api: HttpCall, client: str, day: date, **fields: Any) -> dict[str, Any]:
    return api(
        "POST",
        "/appointments",
        caller=STAFF,
        body={
            "client_id": client,
            "practitioner_id": "user-sam",
            "status": "completed",
            "starts_at": f"{day}T10:00:00+00:00",
            "ends_at": f"{day}T10:50:00+00:00",
            **fields,
        },
    )


def package_view(api: HttpCall, package: str) -> dict[str, Any]:
    return ok(
        api(
            "GET",
            f"/packages/{package}",
            caller=ADMIN,
            **route("GET", "/packages/{package_id}", package_id=package),
        )
    )


def stored_summary(client: str, sk: str) -> dict[str, Any]:
    item = dynamo.get_item(client_pk(ORG, client), sk)
    assert item is not None
    return dict(item["summary"])


def test_a_session_recorded_late_into_a_trimmed_subscription_period_is_judged_on_it(
    api: HttpCall,
) -> None:
    client, package = client_with_package(
        api, {"type": "subscription", "size": 5, "period": "month"}
    )
    store_weekly_history(client, package, 104)
    today = START + timedelta(weeks=104)
    at(today)
    ok(record_completed(api, client, today))  # trims the package to its last year
    kept = stored_summary(client, f"S#PKG#{package}")["completed"]
    assert kept[TRIM_KEY]["below"] > "2021-03-04"
    # 4 January to 3 February 2021 held five sessions (4, 11, 18, 25 Jan, 1 Feb): full.
    full = record_completed(api, client, date(2021, 1, 20), package_id=package)
    assert full["status"] == 409, full
    assert "2021-01-04 to 2021-02-03" in full["json"]["detail"]
    # 4 February to 3 March held four (8, 15, 22 Feb, 1 Mar): one more fits.
    ok(record_completed(api, client, date(2021, 2, 10), package_id=package))
    view = package_view(api, package)
    assert view["used_sessions"] == 104 + 2


def test_cancelling_more_old_sessions_than_a_package_keeps_still_shows_the_last_one(
    api: HttpCall,
) -> None:
    client, package = client_with_package(api, {"type": "usage"})
    records = store_weekly_history(client, package, 20)  # all of 2021's first 20 weeks
    at(date(2023, 6, 1))
    for cancelled in range(8):  # the newest first, past the few kept before the window
        newest = records[-1 - cancelled]
        ok(
            api(
                "PATCH",
                f"/appointments/{newest.id}",
                caller=STAFF,
                body={"status": "cancelled"},
                **route("PATCH", "/appointments/{appointment_id}", appointment_id=newest.id),
            )
        )
        view = package_view(api, package)
        assert view["last_session"] == (START + timedelta(weeks=18 - cancelled)).isoformat()
        assert view["used_sessions"] == 19 - cancelled
    assert TRIM_KEY in stored_summary(client, f"S#PKG#{package}")["completed"]


def test_a_tracker_begun_before_what_its_client_keeps_counts_every_session_since(
    api: HttpCall,
) -> None:
    client, package = client_with_package(api, {"type": "usage"})
    store_weekly_history(client, package, 30)
    today = START + timedelta(weeks=30)
    at(today)
    ok(record_completed(api, client, today))  # trims the client to its last quarter
    kept = stored_summary(client, "S#CLIENT")["completed"]
    assert kept[TRIM_KEY]["below"] > (START + timedelta(weeks=5)).isoformat()
    begin = START + timedelta(weeks=5)
    tracker = ok(
        api(
            "POST",
            f"/clients/{client}/trackers",
            caller=STAFF,
            body={"sessions": 100, "begin_date": begin.isoformat()},
            **route("POST", "/clients/{client_id}/trackers", client_id=client),
        )
    )
    assert tracker["used"] == 30 - 5 + 1
    # The client's summary now keeps what the tracker counts: later writes count on.
    assert stored_summary(client, "S#CLIENT")["completed"][TRIM_KEY]["below"] <= begin.isoformat()
    at(today + timedelta(weeks=1))
    ok(record_completed(api, client, today + timedelta(weeks=1)))
    read = ok(
        api(
            "GET",
            f"/trackers/{tracker['id']}",
            caller=STAFF,
            **route("GET", "/trackers/{tracker_id}", tracker_id=tracker["id"]),
        )
    )
    assert read["used"] == 30 - 5 + 2
    # Moved to begin earlier still: counted again from the appointments.
    moved = ok(
        api(
            "PATCH",
            f"/trackers/{tracker['id']}",
            caller=STAFF,
            body={"begin_date": (START + timedelta(weeks=2)).isoformat()},
            **route("PATCH", "/trackers/{tracker_id}", tracker_id=tracker["id"]),
        )
    )
    assert moved["used"] == 30 - 2 + 2


def test_a_session_recorded_while_such_a_tracker_is_created_is_counted_by_both(
    api: HttpCall, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The widened summary is stored only on the summary it was built from: a session that
    lands meanwhile makes the create decide again, from the client as it is then."""
    client, package = client_with_package(api, {"type": "usage"})
    store_weekly_history(client, package, 30)
    today = START + timedelta(weeks=30)
    at(today)
    ok(record_completed(api, client, today))
    widen = summaries.client_counting
    calls: list[int] = []

    def meanwhile(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:  # between the create's read and its write
            ok(record_completed(api, client, today, starts_at=f"{today}T15:00:00+00:00",
                                ends_at=f"{today}T15:50:00+00:00"))  # fmt: skip
        return widen(*args)

    monkeypatch.setattr(summaries, "client_counting", meanwhile)
    begin = START + timedelta(weeks=5)
    tracker = ok(
        api("POST", f"/clients/{client}/trackers", caller=STAFF,
            body={"sessions": 100, "begin_date": begin.isoformat()},
            **route("POST", "/clients/{client_id}/trackers", client_id=client))
    )  # fmt: skip
    assert len(calls) == 2  # decided again after the session landed
    assert tracker["used"] == 30 - 5 + 2
    read = ok(api("GET", f"/clients/{client}", caller=ADMIN,
                  **route("GET", "/clients/{client_id}", client_id=client)))  # fmt: skip
    assert read["id"] == client
    assert ClientSummary.from_dict(stored_summary(client, "S#CLIENT")).completed.total() == 32
