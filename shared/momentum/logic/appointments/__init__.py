"""Appointment use cases (SPEC §3). Every write updates the appointment and every summary,
status and due date it affects (client, packages, engagements, trackers, and the tasks a
completion triggers) in ONE transaction, after reading the client's tracked state with ONE
strongly consistent Query (and, to change one, the appointment by its key): reads that
never grow with the client's history.

- `booking`: create, change, delete: load → decide → one transaction (`optimistic_write`);
- `folds`: what one change does to each record it touches, per aggregate;
- `reads`: one appointment (with tracker banners), lists, the caller's view;
- `access`: who may book, see and list."""

from __future__ import annotations

from momentum.logic.appointments.booking import (
    CHANGEABLE,
    create_appointment,
    delete_appointment,
    update_appointment,
)
from momentum.logic.appointments.reads import (
    appointment_view,
    get_appointment,
    list_appointments,
    timezone_of,
)
from momentum.store.appointments import AppointmentRecord

__all__ = [
    "CHANGEABLE",
    "AppointmentRecord",
    "appointment_view",
    "create_appointment",
    "delete_appointment",
    "get_appointment",
    "list_appointments",
    "timezone_of",
    "update_appointment",
]
