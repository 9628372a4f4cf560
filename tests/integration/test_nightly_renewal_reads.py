"""Renewals cost what the work needs (issue 15, target 3): packages renewed the same night
from one template read that template once per container (kept up to a minute, as the
organization settings are), and a template edited in this container renews as edited at
once (SPEC §4: a renewal is made from the template)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.integration.conftest import HttpCall, claims
from tests.integration.reads import Reads
from tests.integration.routes import at

ADMIN = claims(role="admin", sub="user-adam")
OWNER = claims(role="owner", sub="user-olivia")
RENEWAL_NIGHT = "2026-05-01T00:30:00+01:00"  # packs of 1-30 April renew on 1 May


def _packs(api: HttpCall, client_id: str) -> list[dict[str, Any]]:
    got = api(
        "GET",
        f"/clients/{client_id}/packages",
        caller=ADMIN,
        route="GET /clients/{client_id}/packages",
        path_parameters={"client_id": client_id},
    )
    assert got["status"] == 200, got
    return list(got["json"]["items"])


@pytest.fixture
def expiring(api: HttpCall, nightly: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Three clients, each with a pack from one auto-renewing template, all ending 30 April;
    every night before the renewal's has run."""
    at("2026-04-01T09:00:00+01:00")
    api("PUT", "/org", body={"name": "Harbour Physio", "timezone": "Europe/London"}, caller=OWNER)
    template = api(
        "POST",
        "/package-templates",
        caller=ADMIN,
        body={
            "name": "Monthly pack",
            "type": "fixed",
            "size": 4,
            "validity_days": 30,
            "auto_renew": True,
        },
    )
    assert template["status"] == 201, template
    clients = []
    for name in ("Ada Lovelace", "Bob Hope", "Cy Twombly"):
        made = api("POST", "/clients", caller=ADMIN, body={"name": name})
        assert made["status"] == 201, made
        client_id = str(made["json"]["id"])
        pack = api(
            "POST",
            f"/clients/{client_id}/packages",
            caller=ADMIN,
            body={"template_id": template["json"]["id"], "start_date": "2026-04-01"},
            route="POST /clients/{client_id}/packages",
            path_parameters={"client_id": client_id},
        )
        assert pack["status"] == 201, pack
        assert pack["json"]["end_date"] == "2026-04-30"
        clients.append(client_id)
    at("2026-04-30T00:30:00+01:00")
    nightly()
    return {"template": template["json"], "clients": clients}


def test_renewals_of_one_night_read_their_template_once(
    api: HttpCall,
    expiring: dict[str, Any],
    nightly: Callable[[], dict[str, Any]],
    counting: Callable[[], Reads],
) -> None:
    at(RENEWAL_NIGHT)
    reads = counting()
    nightly()
    for client_id in expiring["clients"]:
        assert len(_packs(api, client_id)) == 2  # renewed, once
    assert reads.kinds["PKGTPL"] == 1, reads.kinds


def test_a_template_edited_in_this_container_renews_as_edited(
    api: HttpCall,
    expiring: dict[str, Any],
    nightly: Callable[[], dict[str, Any]],
    counting: Callable[[], Reads],
) -> None:
    template = expiring["template"]
    # Read (and kept) by a renewal path first, then edited through the API.
    from momentum.store import package_templates

    assert package_templates.current("org-test", template["id"]) is not None
    edited = api(
        "PATCH",
        f"/package-templates/{template['id']}",
        caller=ADMIN,
        body={"name": "Monthly pack (May)"},
        route="PATCH /package-templates/{template_id}",
        path_parameters={"template_id": template["id"]},
    )
    assert edited["status"] == 200, edited
    at(RENEWAL_NIGHT)
    reads = counting()
    nightly()
    assert reads.kinds["PKGTPL"] == 1, reads.kinds
    for client_id in expiring["clients"]:
        names = sorted(p["name"] for p in _packs(api, client_id))
        assert names == ["Monthly pack", "Monthly pack (May)"], names
