"""Who is calling, as their record says now (SPEC §9): the token names the person, their
record decides what they may do.

Every HTTP request's principal goes through `current` (via `momentum.api.resolver.principal`):

- a staff token (`owner`, `admin`, `location_admin`, `staff`) is its user record: no record
  in the token's organization → 401; an inactive user → 403; otherwise the role and
  locations are the record's, whatever the token says (a demoted admin is staff);
- a client token is its client item: the portal rules of `logic.access.check_client`
  (no such client → 404, no portal login or inactive → 403).

The record is read at most once a minute per container: a cache keyed by (organization,
user), expiring by the clock port. A person demoted, deactivated or whose portal login was
removed loses their rights within `CACHE_SECONDS` everywhere, and at once in the container
that made the change (the use cases call `forget_user` / `forget_client`). Routes that read
the caller's record anyway (the users routes, preferences, the client-owned reads) check
that fresh read too, and `remember_user` keeps it for the next request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from momentum import clock, config
from momentum.domain.access import Principal, Role
from momentum.domain.errors import DomainError, Forbidden, Unauthenticated
from momentum.logic.access import check_client
from momentum.store import clients as client_store
from momentum.store import users as user_store
from momentum.store.clients import ClientRecord
from momentum.store.users import UserRecord

CACHE_SECONDS = 60
_TTL = timedelta(seconds=CACHE_SECONDS)
_MAX_ENTRIES = 4096  # one container serves a bounded set of people; never grow without limit
NO_USER = "Your sign-in does not belong to a user of this organization."
INACTIVE_USER = "Your user account is inactive; ask an administrator to reactivate it."


@dataclass(frozen=True, slots=True)
class _Entry:
    """What one read of the caller's record decided: their principal, or the refusal."""

    read_at: datetime
    client_id: str | None
    principal: Principal | None
    refusal: tuple[type[DomainError], str] | None = None

    def fresh(self, now: datetime) -> bool:
        # A clock set back (local runner, tests) must not make an old read look new.
        return self.read_at <= now < self.read_at + _TTL

    def resolve(self) -> Principal:
        if self.principal is not None:
            return self.principal
        kind, detail = self.refusal or (Unauthenticated, NO_USER)
        raise kind(detail)


_cache: dict[tuple[str, str], _Entry] = {}


# -- the rules (pure) ------------------------------------------------------------------------


def principal_of_user(claimed: Principal, record: UserRecord | None) -> Principal:
    """The staff caller as their user record says: 401 without one, 403 when inactive."""
    if record is None:
        raise Unauthenticated(NO_USER)
    if not record.active:
        raise Forbidden(INACTIVE_USER)
    try:
        role = Role(record.role)
    except ValueError:
        raise Unauthenticated(NO_USER) from None
    if role is Role.CLIENT:
        raise Unauthenticated(NO_USER)
    return Principal(
        org_id=claimed.org_id,
        user_id=claimed.user_id,
        role=role,
        location_ids=frozenset(record.location_ids),
    )


def principal_of_client(claimed: Principal, record: ClientRecord | None) -> Principal:
    """The portal caller, if their client item still lets them in (the portal rules)."""
    check_client(claimed, record, str(claimed.client_id))
    return claimed


# -- the cache -------------------------------------------------------------------------------


def current(claimed: Principal) -> Principal:
    """The caller as their record says (read at most CACHE_SECONDS ago in this container);
    raises the refusal (401/403/404) for a caller the record no longer lets in."""
    now = clock.current().now()
    key = (claimed.org_id, claimed.user_id)
    entry = _cache.get(key)
    if entry is None or not entry.fresh(now) or entry.client_id != claimed.client_id:
        entry = _decide(claimed, _read(claimed), now)
        _keep(key, entry)
    return entry.resolve()


def _read(claimed: Principal) -> UserRecord | ClientRecord | None:
    if claimed.role is Role.CLIENT:
        return client_store.get(claimed.org_id, str(claimed.client_id))
    return user_store.get_user(claimed.org_id, claimed.user_id)


def _decide(claimed: Principal, record: UserRecord | ClientRecord | None, now: datetime) -> _Entry:
    try:
        if claimed.role is Role.CLIENT:
            client = record if isinstance(record, ClientRecord) else None
            principal = principal_of_client(claimed, client)
        else:
            user = record if isinstance(record, UserRecord) else None
            principal = principal_of_user(claimed, user)
    except DomainError as refused:
        return _Entry(now, claimed.client_id, None, (type(refused), refused.detail))
    return _Entry(now, claimed.client_id, principal)


def _keep(key: tuple[str, str], entry: _Entry) -> None:
    if len(_cache) >= _MAX_ENTRIES and key not in _cache:
        now = entry.read_at
        for stale in [k for k, e in _cache.items() if not e.fresh(now)]:
            del _cache[stale]
        if len(_cache) >= _MAX_ENTRIES:
            _cache.clear()
    _cache[key] = entry


def remember(claimed: Principal, record: UserRecord | ClientRecord | None) -> Principal:
    """Decide on a record the request read fresh anyway (and keep it for the next one):
    the caller as it says, or its refusal raised."""
    entry = _decide(claimed, record, clock.current().now())
    _keep((claimed.org_id, claimed.user_id), entry)
    return entry.resolve()


def forget_user(org_id: str, user_id: str) -> None:
    """The user's record changed here: the next request reads it again."""
    _cache.pop((org_id, user_id), None)


def forget_client(org_id: str, client_id: str) -> None:
    """The client's portal access changed here: their callers are read again."""
    for key in [k for k, e in _cache.items() if k[0] == org_id and e.client_id == client_id]:
        del _cache[key]


def is_cached(org_id: str, user_id: str) -> bool:
    """Is a read of this caller kept that is still fresh (tests warm the cache with it)?"""
    entry = _cache.get((org_id, user_id))
    return entry is not None and entry.fresh(clock.current().now())


@config.on_reset
def reset() -> None:
    """Forget every caller (tests and the local runner, when the tables are new)."""
    _cache.clear()
