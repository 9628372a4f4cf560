"""Clients (SPEC §2): status rules, deletion, availability, the client summary."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from momentum.domain.clients import (
    Availability,
    ClientStatus,
    ClientSummary,
    TimeRange,
    ensure_can_book,
    ensure_can_delete,
    ensure_can_send_welcome,
    ensure_portal_access,
    parse_availability,
    status_after_appointment,
)
from momentum.domain.errors import Conflict, Forbidden, InvalidInput

from .builders import CANCELLED, MISSED, SCHEDULED, appt, client_summary, d


class TestStatus:
    def test_inactive_clients_cannot_be_booked_with_a_clear_409(self) -> None:
        ensure_can_book(ClientStatus.ACTIVE)
        ensure_can_book(ClientStatus.PROSPECT)
        with pytest.raises(Conflict, match="inactive"):
            ensure_can_book(ClientStatus.INACTIVE)

    def test_inactive_clients_or_clients_without_login_cannot_use_the_portal(self) -> None:
        ensure_portal_access(ClientStatus.ACTIVE, has_login=True)
        ensure_portal_access(ClientStatus.PROSPECT, has_login=True)
        with pytest.raises(Forbidden, match="inactive"):
            ensure_portal_access(ClientStatus.INACTIVE, has_login=True)
        with pytest.raises(Forbidden, match="login"):
            ensure_portal_access(ClientStatus.ACTIVE, has_login=False)

    @pytest.mark.parametrize(
        ("status", "appointment", "expected"),
        [
            (ClientStatus.PROSPECT, appt("a1", "2024-05-01"), ClientStatus.ACTIVE),
            (ClientStatus.PROSPECT, appt("a1", "2024-05-01", SCHEDULED), ClientStatus.PROSPECT),
            (ClientStatus.PROSPECT, appt("a1", "2024-05-01", MISSED), ClientStatus.PROSPECT),
            (ClientStatus.PROSPECT, None, ClientStatus.PROSPECT),
            (ClientStatus.INACTIVE, appt("a1", "2024-05-01"), ClientStatus.INACTIVE),
        ],
    )
    def test_a_prospect_becomes_active_when_their_first_appointment_is_completed(
        self, status: ClientStatus, appointment: Any, expected: ClientStatus
    ) -> None:
        assert status_after_appointment(status, appointment) is expected

    def test_welcome_email_only_for_active_clients(self) -> None:
        ensure_can_send_welcome(ClientStatus.ACTIVE)
        with pytest.raises(Conflict, match="prospect"):
            ensure_can_send_welcome(ClientStatus.PROSPECT)

    @pytest.mark.parametrize(
        ("appointments", "payments", "message"),
        [
            (
                3,
                1,
                "3 appointments and 1 payment are linked to this client; "
                "mark the client inactive instead",
            ),
            (1, 0, "1 appointment and 0 payments are linked"),
            (0, 2, "0 appointments and 2 payments are linked"),
        ],
    )
    def test_delete_is_refused_while_anything_is_linked(
        self, appointments: int, payments: int, message: str
    ) -> None:
        with pytest.raises(Conflict) as caught:
            ensure_can_delete(appointments=appointments, payments=payments)
        assert message in caught.value.detail

    def test_delete_is_allowed_with_nothing_linked(self) -> None:
        ensure_can_delete(appointments=0, payments=0)


class TestAvailability:
    def test_valid_ranges_in_any_accepted_shape_are_sorted(self) -> None:
        availability = parse_availability(
            {
                "tuesday": ["13:00-17:00", {"start": "09:00", "end": "12:00"}],
                "monday": [("08:00", "24:00")],
                "sunday": [],
            }
        )
        assert availability == Availability(
            (
                ("monday", (TimeRange(480, 1440),)),
                ("tuesday", (TimeRange(540, 720), TimeRange(780, 1020))),
            )
        )
        assert availability.to_dict()["monday"] == [{"start": "08:00", "end": "24:00"}]
        assert str(TimeRange(540, 720)) == "09:00-12:00"

    def test_ranges_that_touch_do_not_overlap(self) -> None:
        parse_availability({"friday": ["09:00-12:00", "12:00-13:00"]})

    @pytest.mark.parametrize(
        ("raw", "locs"),
        [
            ({"monday": ["12:00-09:00"]}, [("monday", 0, "end")]),
            ({"monday": ["09:00-09:00"]}, [("monday", 0, "end")]),
            ({"monday": ["9:00-12:00"]}, [("monday", 0, "start")]),
            ({"monday": ["24:00-24:00"]}, [("monday", 0, "start")]),
            ({"monday": ["09:00-25:00"]}, [("monday", 0, "end")]),
            ({"monday": ["nonsense"]}, [("monday", 0, "start"), ("monday", 0, "end")]),
            ({"monday": [{"start": 9, "end": "10:00"}]}, [("monday", 0, "start")]),
            ({"funday": ["09:00-10:00"]}, [("funday",)]),
            ({"monday": "09:00-10:00"}, [("monday",)]),
            ({"monday": ["09:00-12:00", "11:00-13:00"]}, [("monday", 1)]),
            # 12-13 sits inside 09-17 though it does not touch 10-11: still an overlap.
            (
                {"monday": ["09:00-17:00", "10:00-11:00", "12:00-13:00"]},
                [("monday", 1), ("monday", 2)],
            ),
        ],
    )
    def test_bad_ranges_are_422_with_field_paths(
        self, raw: dict[str, Any], locs: list[tuple[Any, ...]]
    ) -> None:
        with pytest.raises(InvalidInput) as caught:
            parse_availability(raw)
        assert [e.loc for e in caught.value.errors] == [
            ("body", "availability", *loc) for loc in locs
        ]


class TestSummary:
    def test_counts_completed_per_date_scheduled_starts_and_linked_appointments(self) -> None:
        summary = client_summary(
            [
                appt("a1", "2024-05-01", package_id=None),
                appt("a2", "2024-05-01", package_id="p1"),
                appt("a3", "2024-05-02", CANCELLED),
                appt("a4", "2024-05-20", SCHEDULED),
                appt("a5", "2024-05-21", client_id="c2"),
            ]
        )
        assert summary.completed.to_dict() == {"2024-05-01": 2}
        assert summary.appointments == 4
        assert summary.has_completed
        assert summary.next_scheduled(datetime(2024, 5, 3, tzinfo=UTC)) == datetime(
            2024, 5, 20, 10, tzinfo=UTC
        )

    def test_delete_and_change_are_folded_exactly(self) -> None:
        first = appt("a1", "2024-05-01")
        summary = ClientSummary("c1").apply_change(None, first)
        moved = appt("a1", "2024-05-03", client_id="c2")
        assert summary.apply_change(first, moved) == ClientSummary("c1")
        assert summary.apply_change(first, None) == ClientSummary("c1")
        assert not ClientSummary("c1").has_completed

    def test_round_trips_through_a_plain_dict(self) -> None:
        summary = client_summary([appt("a1", "2024-05-01"), appt("a4", "2024-05-20", SCHEDULED)])
        raw = summary.to_dict()
        raw["appointments"] = Decimal(raw["appointments"])
        assert ClientSummary.from_dict(raw) == summary
        assert ClientSummary.from_dict({"client_id": "c9"}) == ClientSummary("c9")
        assert d("2024-05-01") in list(summary.completed)
