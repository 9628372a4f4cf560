"""Checking the person ids a request sends (the rule: `momentum.domain.people`).

A use case lists what the request names (`Named`: where in the request, which id, which
part), reads those users once (`read_members`: one BatchGetItem for the whole request) and
checks them against the record's location (`check_named`), all refusals in one 422.
Use cases that retry a transaction read once, before the loop, and check inside it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from momentum.domain.access import Principal
from momentum.domain.errors import FieldError, Forbidden, InvalidInput
from momentum.domain.people import Member, Part, may_name_practitioner, refusal
from momentum.store import users as user_store

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Named:
    """One person id the request sends: where it is (`loc`), and the part it names."""

    loc: Loc
    user_id: str
    part: Part


def read_members(principal: Principal, named: Iterable[Named]) -> dict[str, Member]:
    """The named users of the caller's organization, by id, in one BatchGetItem (ids of
    other organizations are simply not found).

    The caller naming themself is not read again: every request checks the caller's own
    user record (active, with the role and locations the token carries), so the token's
    claims are that record — and naming oneself works exactly like leaving the default."""
    wanted = {n.user_id for n in named} - {principal.user_id}
    records = user_store.get_users(principal.org_id, wanted) if wanted else {}
    members = {
        r.id: Member(id=r.id, role=r.role, active=r.active, location_ids=frozenset(r.location_ids))
        for r in records.values()
    }
    if any(n.user_id == principal.user_id for n in named):
        members[principal.user_id] = Member(
            id=principal.user_id,
            role=principal.role.value,
            active=True,
            location_ids=principal.location_ids,
        )
    return members


def check_named(
    members: Mapping[str, Member], named: Iterable[Named], *, location_id: str | None
) -> None:
    """Refuse (422, every refused field named) unless each id fits its part."""
    errors = [
        FieldError(n.loc, reason)
        for n in named
        if (reason := refusal(n.part, members.get(n.user_id), location_id=location_id))
    ]
    if len(errors) == 1:
        where = ".".join(str(p) for p in errors[0].loc if p != "body")
        raise InvalidInput(f"{where}: {errors[0].msg}.", errors=errors)
    if errors:
        raise InvalidInput(
            f"{len(errors)} of the people named here cannot be assigned; see errors.",
            errors=errors,
        )


def ensure_named(principal: Principal, named: Iterable[Named], *, location_id: str | None) -> None:
    """Read and check in one go (for use cases that know the location up front)."""
    wanted = list(named)
    if wanted:
        check_named(read_members(principal, wanted), wanted, location_id=location_id)


def ensure_may_name_practitioner(principal: Principal, practitioner_id: str) -> None:
    if not may_name_practitioner(principal, practitioner_id):
        raise Forbidden(
            "Staff book appointments only with themselves as practitioner; "
            "an administrator assigns colleagues to a client."
        )


def newly_named(
    loc: Loc, ids: Iterable[str], part: Part, *, already: Iterable[str] = ()
) -> list[Named]:
    """The ids of a list field the request adds (those already on the record are kept as
    they are, even if that person has since become inactive)."""
    kept = set(already)
    return [Named((*loc, i), u, part) for i, u in enumerate(ids) if u not in kept]
