"""What one appointment change does to its client (logic/appointments/folds.py): pure folds
over the state a write loaded, before any operation is prepared."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from momentum.domain.appointments import AppointmentStatus
from momentum.domain.clients import ClientStatus
from momentum.logic.appointments.folds import Facts, fold_client
from momentum.store.clients import ClientRecord
from tests.unit.domain.builders import COMPLETED, SCHEDULED, appt, d

CLIENT = ClientRecord(org_id="o1", id="c1", name="Ida", assigned_practitioner_ids=("u-other",))


def test_a_completed_appointment_counts_activates_a_prospect_and_assigns_its_practitioner() -> None:
    prospect = replace(CLIENT, status=ClientStatus.PROSPECT)
    folded = fold_client(prospect, Facts(None, appt("a1", "2024-05-10", COMPLETED)))
    assert folded.status is ClientStatus.ACTIVE
    assert folded.assigned_practitioner_ids == ("u-other", "u-practitioner")
    assert folded.client_summary().completed.between(d("2024-05-10"), d("2024-05-10")) == 1
    assert folded.client_summary().appointments == 1


def test_a_scheduled_one_leaves_a_prospect_a_prospect_and_assigns_no_one_twice() -> None:
    prospect = replace(CLIENT, status=ClientStatus.PROSPECT)
    booked = fold_client(prospect, Facts(None, appt("a1", "2024-05-10", SCHEDULED)))
    again = fold_client(booked, Facts(None, appt("a2", "2024-05-11", SCHEDULED)))
    assert again.status is ClientStatus.PROSPECT
    assert again.assigned_practitioner_ids == ("u-other", "u-practitioner")
    assert again.client_summary().appointments == 2


@given(
    st.sampled_from(list(AppointmentStatus)),
    st.dates(min_value=d("2020-01-01"), max_value=d("2030-12-31")),
)
def test_deleting_what_was_booked_gives_the_summary_back(
    status: AppointmentStatus, day: date
) -> None:
    facts = appt("a1", day, status)
    booked = fold_client(CLIENT, Facts(None, facts))
    deleted = fold_client(booked, Facts(facts, None))
    assert deleted.client_summary() == CLIENT.client_summary()
    assert deleted.status is booked.status


def test_the_packages_a_change_touches_are_the_one_it_left_and_the_one_it_joined() -> None:
    before = appt("a1", "2024-05-10", package_id="p2")
    moved = Facts(before, replace(before, package_id="p1"))
    assert moved.ids(lambda f: f.package_id) == ["p1", "p2"]
    assert Facts(before, before).ids(lambda f: f.package_id) == ["p2"]
    assert Facts(None, replace(before, package_id=None)).ids(lambda f: f.package_id) == []
