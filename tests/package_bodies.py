"""Package bodies (POST /clients/{client_id}/packages) that more than one story is told
with, as plain data: the in-process tests and the e2e ones (over HTTP) share them."""

from __future__ import annotations

from typing import Any

# A usage package from 1 January, At risk below 1 session in 30 days, its client reminded
# the night it gets there: without sessions it is Off track, and its client emailed, at once.
REMINDED_AT_ONCE: dict[str, Any] = {
    "type": "usage",
    "start_date": "2026-01-01",
    "on_track": {
        "enabled": True,
        "window_days": 30,
        "at_risk_below": 1,
        "off_track_below": 0,
        "reminder_after_days": 0,
        "remind_client": True,
    },
}


def physio_plan(staff_id: str) -> dict[str, Any]:
    """A usage package from 1 March assigned to `staff_id`: At risk below 2 sessions in 30
    days, Off track below 1, the team member and the client reminded after 2 days."""
    return {
        "type": "usage",
        "name": "Physio plan",
        "start_date": "2026-03-01",
        "assigned_team_member_id": staff_id,
        "on_track": {
            "enabled": True,
            "window_days": 30,
            "at_risk_below": 2,
            "off_track_below": 1,
            "reminder_after_days": 2,
            "remind_team_member": True,
            "remind_client": True,
        },
    }
