"""A staff member's On track rows: only their assigned clients' packages are read (their
assignment items, then each client's packages), not the organization's. Name, location and
the client's scheduled instants (the row's next session when its package has none) come
with the assignment, which exists exactly while the client is assigned to them (SPEC §1,
§2); the client record is read only for an assignment written before it carried them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from momentum.domain.access import Principal
from momentum.domain.clients import ClientSummary
from momentum.domain.errors import BadRequest
from momentum.logic.reports.common import INVALID_CURSOR
from momentum.logic.reports.on_track_rows import Ask
from momentum.store import clients as client_store
from momentum.store import packages as package_store
from momentum.store.clients import Assignment, ClientRecord
from momentum.store.packages import PackageRecord

Clients = Iterator[tuple[Assignment, list[PackageRecord], bool]]
Found = list[tuple[PackageRecord, Assignment]]


def staff_on_track(
    ask: Ask, position: Mapping[str, Any] | None
) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
    """The caller's rows from the cursor's position on, and the position of the next page
    (None: this is the last)."""
    found, next_position = _packages(ask, position)
    return _rows(ask, found), next_position


def _packages(ask: Ask, position: Mapping[str, Any] | None) -> tuple[Found, dict[str, str] | None]:
    """The packages of the page, each with its client's assignment: until the page is full
    or the read budget is spent."""
    found: Found = []
    read = 0
    clients = _assigned_clients(ask.principal, position, lambda: ask.limit - len(found))
    for assigned, packages, last in clients:
        read += 1 + len(packages)
        keep = ask.candidate if ask.in_place(assigned.location_id) else _elsewhere
        taken, stop_at = _take(packages, keep, ask.limit - len(found))
        found += [(record, assigned) for record in taken]
        if stop_at is not None:
            # The page is full: the next one goes on after this package, or after this
            # client when it was their last ("").
            return found, None if last and not stop_at else _position(assigned, stop_at)
        if read >= ask.budget and not last:
            return found, _position(assigned)
    return found, None


def _take(
    packages: Sequence[PackageRecord], keep: Callable[[PackageRecord], bool], room: int
) -> tuple[list[PackageRecord], str | None]:
    """The client's packages `keep` accepts, up to `room`; and, when they fill the page,
    the package to go on after ("" when it was the client's last), else None."""
    taken: list[PackageRecord] = []
    for index, record in enumerate(packages):
        if keep(record):
            taken.append(record)
        if len(taken) >= room:
            return taken, record.id if index < len(packages) - 1 else ""
    return taken, None


def _elsewhere(record: PackageRecord) -> bool:
    """For a client outside the location filter: no package of theirs is a row."""
    return False


def _position(assigned: Assignment, package_id: str = "") -> dict[str, str]:
    return {"client_id": assigned.client_id, "client": assigned.name_key, "package_id": package_id}


def _rows(ask: Ask, found: Found) -> list[dict[str, Any]]:
    """The rows of the packages found; the client records read (in one BatchGetItem) only
    where a row needs the client's next session and the assignment has no copy of it."""
    org_id = ask.principal.org_id
    needed = {
        a.client_id
        for r, a in found
        if a.scheduled is None and r.package_summary().next_scheduled(ask.now) is None
    }
    clients = client_store.get_many(org_id, sorted(needed))
    rows = []
    for record, assigned in found:
        client = clients.get(assigned.client_id)
        if client is None:
            if assigned.client_id in needed:
                continue  # deleted since its assignment was read
            summary = None
            if assigned.scheduled is not None:
                summary = ClientSummary(assigned.client_id, scheduled=assigned.scheduled)
            client = ClientRecord(
                org_id,
                assigned.client_id,
                assigned.name,
                location_id=assigned.location_id,
                summary=summary,
            )
        elif not ask.sees(client):
            continue
        rows.append(ask.row(record, client))
    return rows


def _assigned_clients(
    principal: Principal, position: Mapping[str, Any] | None, wanted: Callable[[], int]
) -> Clients:
    """The caller's assigned clients by name, each with its packages (one Query each), from
    the cursor's position on; the flag says whether it is the last client."""
    org_id, staff_id = principal.org_id, principal.user_id
    after: tuple[str, str] | None = None
    if position is not None:
        client_id, name_key, package_id = _resume_point(position)
        if package_id:
            # The page ended inside this client: go on with its packages, if it is still
            # assigned to the caller (a forged cursor names no one else's client).
            resumed = client_store.assignment(org_id, client_id, staff_id)
            if resumed is not None:
                packages = package_store.report_list(org_id, client_id, after=package_id)
                yield resumed, packages, False
        after = (client_id, name_key)
    while True:
        page, more = client_store.assigned_page(
            org_id, staff_id, limit=min(max(wanted(), 5), 100), after=after
        )
        for index, assigned in enumerate(page):
            packages = package_store.report_list(org_id, assigned.client_id)
            yield assigned, packages, not more and index == len(page) - 1
            after = (assigned.client_id, assigned.name_key)
        if not more:
            return


def _resume_point(position: Mapping[str, Any]) -> tuple[str, str, str]:
    """(client id, its name key, the package to go on after: "" for none) of a cursor."""
    client_id, name_key, package_id = (
        position.get("client_id"),
        position.get("client"),
        position.get("package_id"),
    )
    if not (isinstance(client_id, str) and isinstance(name_key, str) and client_id):
        raise BadRequest(INVALID_CURSOR)
    return client_id, name_key, package_id if isinstance(package_id, str) else ""
