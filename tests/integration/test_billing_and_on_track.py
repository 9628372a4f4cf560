"""Payments, invoices (packs made from invoice lines) and the client's On track rows."""

from __future__ import annotations

import pytest

from tests.integration.conftest import OTHER_ORG, HttpCall, claims
from tests.integration.routes import call, client_of_sam
from tests.integration.routes import route_of as path

ADMIN = claims(role="admin", sub="user-adam")
STAFF = claims(role="staff", sub="user-sam")
ON_TRACK = {"enabled": True, "window_days": 30, "at_risk_below": 2, "off_track_below": 1}


@pytest.fixture
def client_id(api: HttpCall) -> str:
    return client_of_sam(api, "2026-05-01T09:00:00+00:00", ADMIN)


def test_a_payment_blocks_deleting_the_client(api: HttpCall, client_id: str) -> None:
    route = path("POST", "/clients/{client_id}/payments", client_id=client_id)
    paid = api(
        "POST",
        f"/clients/{client_id}/payments",
        caller=ADMIN,
        body={"amount": "60.00", "currency": "GBP", "date": "2026-05-01", "reference": "card"},
        **route,
    )
    assert paid["status"] == 201, paid
    listed = call(
        api, "GET", "/clients/{client_id}/payments", caller=ADMIN, params={"client_id": client_id}
    )
    assert [p["amount"] for p in listed["json"]["items"]] == ["60.00"]
    refused = call(
        api, "DELETE", "/clients/{client_id}", caller=ADMIN, params={"client_id": client_id}
    )
    assert refused["status"] == 409
    assert "1 payment" in refused["json"]["detail"]
    for body in (
        {"amount": "-1", "currency": "GBP", "date": "2026-05-01"},
        {"amount": "10", "currency": "pounds", "date": "2026-05-01"},
    ):
        assert (
            api("POST", f"/clients/{client_id}/payments", caller=ADMIN, body=body, **route)[
                "status"
            ]
            == 422
        )


def test_an_invoice_line_with_a_template_creates_the_pack(api: HttpCall, client_id: str) -> None:
    template = api(
        "POST",
        "/package-templates",
        caller=ADMIN,
        body={"name": "5-pack", "type": "fixed", "size": 5, "validity_days": 90},
    )["json"]
    invoice = api(
        "POST",
        "/invoices",
        caller=ADMIN,
        body={
            "client_id": client_id,
            "date": "2026-05-01",
            "currency": "GBP",
            "lines": [
                {"kind": "new_pack", "template_id": template["id"], "amount": "250.00"},
                {"kind": "service", "description": "Assessment", "amount": "40.00"},
            ],
        },
    )
    assert invoice["status"] == 201, invoice
    assert invoice["json"]["total"] == "290.00"
    pack_id = invoice["json"]["lines"][0]["package_id"]
    packs = call(
        api,
        "GET",
        "/clients/{client_id}/packages",
        caller=ADMIN,
        query={"open": "true"},
        params={"client_id": client_id},
    )
    assert [p["id"] for p in packs["json"]["items"]] == [pack_id]
    use = api(
        "POST",
        "/invoices",
        caller=ADMIN,
        body={
            "client_id": client_id,
            "date": "2026-05-02",
            "currency": "GBP",
            "lines": [{"kind": "use_pack", "package_id": pack_id, "amount": "0"}],
        },
    )
    assert use["status"] == 201
    got = call(
        api, "GET", "/invoices/{invoice_id}", caller=ADMIN, params={"invoice_id": use["json"]["id"]}
    )
    assert got["json"]["lines"][0]["package_id"] == pack_id
    foreign = call(
        api,
        "GET",
        "/invoices/{invoice_id}",
        caller=claims(org=OTHER_ORG),
        params={"invoice_id": use["json"]["id"]},
    )
    assert foreign["status"] == 404
    assert len(api("GET", "/invoices", caller=ADMIN)["json"]["items"]) == 2


def test_client_on_track_rows_predict_the_next_change(api: HttpCall, client_id: str) -> None:
    pack = call(
        api,
        "POST",
        "/clients/{client_id}/packages",
        caller=ADMIN,
        body={"type": "usage", "start_date": "2026-03-01", "on_track": ON_TRACK},
        params={"client_id": client_id},
    )["json"]
    for start in ("2026-04-20T10:00:00+00:00", "2026-04-28T10:00:00+00:00"):
        api(
            "POST",
            "/appointments",
            caller=STAFF,
            body={
                "client_id": client_id,
                "starts_at": start,
                "ends_at": start.replace("10:00", "11:00"),
                "status": "completed",
                "package_id": pack["id"],
            },
        )
    rows = call(
        api, "GET", "/clients/{client_id}/on-track", caller=ADMIN, params={"client_id": client_id}
    )["json"]["items"]
    assert len(rows) == 1
    row = rows[0]
    assert row["status"] == "on_track"
    assert row["last_session"] == "2026-04-28"
    assert row["days_since"] == 3
    assert row["outstanding"] == "N/A"
    # The 20 April session leaves the 30-day window on 20 May: at risk from then.
    assert row["next_change"] == {"date": "2026-05-20", "status": "at_risk", "lifecycle": "open"}
