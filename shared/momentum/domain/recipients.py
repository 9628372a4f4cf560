"""Who may be emailed (SPEC §7 notifications, §8 unsubscribe).

A person gets an email only with an address, while active *or* invited (invited coachees
and coaches still get it when inactive; an inactive internal record never does), and only
if they have not turned that kind of email off.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeIs


class EmailKind(StrEnum):
    """The kinds of email a person can turn off one by one (`/me/preferences`)."""

    ON_TRACK_REMINDER = "on_track_reminder"
    ENGAGEMENT_OFF_TRACK = "engagement_off_track"


@dataclass(frozen=True, slots=True)
class Person:
    """A client/coachee or a user, as far as email goes."""

    id: str
    email: str | None
    active: bool
    invited: bool = False
    opted_out: frozenset[EmailKind] = frozenset()


def reachable(person: Person | None) -> TypeIs[Person]:
    """True when `person` may get email at all: an address, and active or invited (their
    opt-outs by kind aside)."""
    return person is not None and bool(person.email) and (person.active or person.invited)


def may_email(person: Person | None, kind: EmailKind) -> bool:
    """True when `person` should get an email of `kind`."""
    if not reachable(person):
        return False
    return kind not in person.opted_out
