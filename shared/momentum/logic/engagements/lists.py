"""The Engagements page and the reports over it: what a caller may see, oldest first,
read from the organization's list a page at a time."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from momentum import ids
from momentum.domain.access import Principal
from momentum.domain.errors import BadRequest
from momentum.domain.progress import Progress
from momentum.logic.access import ensure_portal_client
from momentum.logic.engagements.common import now, today_for
from momentum.logic.engagements.views import Seen, seen_by
from momentum.logic.engagements.visibility import may_see, needs_coachee
from momentum.store import clients as client_store
from momentum.store import engagements as engagement_store
from momentum.store.clients import ClientRecord
from momentum.store.cursors import decode_cursor, encode_cursor
from momentum.store.engagements import EngagementRecord, ListPosition

# At most this many engagements are read to answer one list or report page; a page that
# reaches it ends early with a cursor (filters can make matching rows sparse).
READ_BUDGET = 5000

Position = ListPosition  # (created_at, engagement id, coachee id): the list order


def _seen_on_page(
    principal: Principal, records: Sequence[EngagementRecord], today: date
) -> list[Seen | None]:
    """Each record as the caller sees it, or None where they may not see it; reads the
    coachees' client records (one BatchGetItem) only where visibility depends on them."""
    needed = [r.engagement.coachee_id for r in records if needs_coachee(principal, r.engagement)]
    clients = client_store.get_many(principal.org_id, needed)
    return [
        seen_by(principal, r, today)
        if may_see(principal, r.engagement, clients.get(r.engagement.coachee_id))
        else None
        for r in records
    ]


def scan_visible(
    principal: Principal,
    *,
    today: date,
    keep: Callable[[Seen], bool],
    limit: int,
    after: Position | None,
    budget: int = READ_BUDGET,
) -> tuple[list[Seen], Position | None]:
    """The next `limit` engagements of the organization's list (oldest first) that the
    caller may see and `keep` accepts, after `after`; and the position to continue from
    (None at the end). Reads only the organization's list, plus the coachees' client
    records where visibility depends on them."""
    rows: list[Seen] = []
    read = 0
    position = after
    while True:
        page_size = min(max(limit - len(rows), 25), 200)
        records, more = engagement_store.list_page(
            principal.org_id, after=position, limit=page_size
        )
        for index, (record, seen) in enumerate(
            zip(records, _seen_on_page(principal, records, today), strict=True)
        ):
            read += 1
            position = ListPosition.of(record)
            if seen is not None and keep(seen):
                rows.append(seen)
            if len(rows) >= limit or read >= budget:
                at_end = not more and index == len(records) - 1
                return rows, None if at_end else position
        if not more:
            return rows, None


def position_of(raw: object) -> Position | None:
    """A list position read back from a cursor; anything malformed → None (400 upstream)."""
    if not isinstance(raw, Mapping):
        return None
    created_at, engagement_id = raw.get("c"), raw.get("i")
    if not isinstance(created_at, str) or not isinstance(engagement_id, str):
        return None
    coachee_id = ids.owner_client(engagement_id, "eng")
    if coachee_id is None or len(created_at) > 40:
        return None
    return ListPosition(created_at, engagement_id, coachee_id)


def position_dict(position: Position) -> dict[str, str]:
    return {"c": position.created_at, "i": position.engagement_id}


def _own_page(
    principal: Principal,
    client: ClientRecord,
    *,
    today: date,
    keep: Callable[[Seen], bool],
    limit: int,
    after: Position | None,
) -> tuple[list[Seen], Position | None]:
    """A coachee's page of their own engagements (one Query on their partition)."""
    mine = [
        seen_by(principal, r, today)
        for r in engagement_store.list_for_client(principal.org_id, client.id)
        if after is None or (r.created_at, r.id) > (after.created_at, after.engagement_id)
    ]
    matching = [s for s in mine if keep(s)]
    page = matching[:limit]
    more = len(matching) > limit
    return page, ListPosition.of(page[-1].record) if more else None


def list_engagements(
    principal: Principal, *, progress: str | None, limit: int, cursor: str | None
) -> tuple[list[Seen], str | None, date]:
    """The Engagements page: what the caller may see, oldest first, with the On/Off track
    column as they see it; `progress` filters on that column."""
    at = now()
    scope = f"engagements|{progress}"
    raw = decode_cursor(cursor, org_id=principal.org_id, scope=scope, now=at)
    after = position_of(raw) if raw is not None else None
    if raw is not None and after is None:
        raise BadRequest("The cursor belongs to another list.")
    today, _ = today_for(principal.org_id)
    wanted = None if progress is None else Progress(progress)

    def keep(seen: Seen) -> bool:
        return wanted is None or seen.progress.status is wanted

    client = ensure_portal_client(principal)
    if client is not None:
        page, last = _own_page(principal, client, today=today, keep=keep, limit=limit, after=after)
    else:
        page, last = scan_visible(principal, today=today, keep=keep, limit=limit, after=after)
    next_cursor = (
        None
        if last is None
        else encode_cursor(position_dict(last), org_id=principal.org_id, scope=scope, now=at)
    )
    return page, next_cursor, today
