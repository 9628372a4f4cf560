"""A package story more than one test module tells: the seed's physio plan, reminded."""

from __future__ import annotations

from tests.integration.conftest import HttpCall
from tests.package_bodies import physio_plan


def physio_plan_with_two_sessions(
    api: HttpCall, caller: dict[str, str], client_id: str, staff_id: str, offset: str
) -> str:
    """A usage package (At risk below 2 sessions in 30 days, reminders after 2 days to the
    team member and the client) with completed sessions at 10:00 on 10 April and 5 May,
    local time at UTC `offset` (e.g. "+01:00"): At risk from 10 May, reminded on 12 May.
    Returns the package id."""
    pack = api(
        "POST",
        f"/clients/{client_id}/packages",
        caller=caller,
        body=physio_plan(staff_id),
        route="POST /clients/{client_id}/packages",
        path_parameters={"client_id": client_id},
    )
    assert pack["status"] == 201, pack
    package_id = str(pack["json"]["id"])
    for day in ("2026-04-10", "2026-05-05"):
        made = api(
            "POST",
            "/appointments",
            caller=caller,
            body={
                "client_id": client_id,
                "practitioner_id": staff_id,
                "starts_at": f"{day}T10:00:00{offset}",
                "ends_at": f"{day}T11:00:00{offset}",
                "status": "completed",
                "package_id": package_id,
            },
        )
        assert made["status"] == 201, made
    return package_id
