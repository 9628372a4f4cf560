"""In-memory repositories: the fakes logic's unit tests run on, satisfying the same
protocols as the DynamoDB modules (`momentum.store.repositories`; mypy checks it below) and
held to the same behaviour by one contract test run against both
(tests/integration/test_repository_contract.py).

Records live in dicts of one `MemoryTable`. A prepared operation is a small `_Write` (where,
under which version condition, what it stores) wrapped in the opaque `Op`; `commit` checks
every condition first and applies all or none, so `optimistic_write`'s retries and 412s
behave as against the table. `MemoryTable.interfere` lets a test put another writer (or an
overlapping transaction) between a use case's read and its commit.

Never imported by a deployed function. It sits in the store layer rather than under tests/
so that `make lint`'s mypy --strict (which checks the `momentum` package) holds it to the
protocols on every change."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from momentum.domain.errors import BadRequest, ChangedMeanwhile
from momentum.domain.organizations import Organization
from momentum.store import users as user_rows
from momentum.store.clients import ClientRecord
from momentum.store.preferences import PreferencesRecord
from momentum.store.repositories import Repositories
from momentum.store.transactions import Op
from momentum.store.users import UserRecord

_OP_KEY = "Memory"  # an Op of this family is {"Memory": _Write}
type PersonKey = tuple[str, str]  # (organization, person or address)
type Step = Callable[[], None]


@dataclass
class MemoryTable:
    """Everything the in-memory repositories hold, and what a test arranged around it."""

    users: dict[PersonKey, UserRecord] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)
    preferences: dict[PersonKey, PreferencesRecord] = field(default_factory=dict)
    clients: dict[PersonKey, ClientRecord] = field(default_factory=dict)
    suppressed: dict[PersonKey, str] = field(default_factory=dict)  # address → reason
    # Run one each before the next commits (another writer landing first, or a step that
    # raises, e.g. WriteConflict for an overlapping transaction).
    pending: list[Step] = field(default_factory=list)
    commits: list[tuple[Op, ...]] = field(default_factory=list)  # those that landed

    def interfere(self, *steps: Step) -> None:
        """Before each of the next commits, run the next of these steps."""
        self.pending.extend(steps)


@dataclass(frozen=True)
class _Write[K, T]:
    """One prepared write: `rows[key]` becomes `change(current)` if `holds(current)`."""

    table: MemoryTable
    rows: dict[K, T]
    key: K
    holds: Callable[[T | None], bool]
    change: Callable[[T | None], T]

    def op(self) -> Op:
        return {_OP_KEY: self}

    def can_land(self) -> bool:
        return self.holds(self.rows.get(self.key))

    def land(self) -> None:
        self.rows[self.key] = self.change(self.rows.get(self.key))


# -- users -------------------------------------------------------------------------------------


class MemoryUsers:
    def __init__(self, table: MemoryTable) -> None:
        self.table = table

    def get_user(self, org_id: str, user_id: str) -> UserRecord | None:
        return self.table.users.get((org_id, user_id))

    def get_users(self, org_id: str, user_ids: Iterable[str]) -> dict[str, UserRecord]:
        found = (self.get_user(org_id, u) for u in dict.fromkeys(user_ids) if u)
        return {record.id: record for record in found if record is not None}

    def create(self, record: UserRecord) -> None:
        key = (record.org_id, record.id)
        if key in self.table.users:
            raise ChangedMeanwhile("The user id is taken.")
        self.table.users[key] = record

    def save_op(self, before: UserRecord, after: UserRecord) -> Op:
        def holds(current: UserRecord | None) -> bool:
            return current is not None and current.version == before.version

        def change(current: UserRecord | None) -> UserRecord:
            # A profile write: what the login and the record's history hold stays.
            kept = current or after
            return replace(
                after,
                login_username=kept.login_username,
                created_at=kept.created_at,
                version=before.version + 1,
            )

        key = (after.org_id, after.id)
        return _Write(self.table, self.table.users, key, holds, change).op()

    def list_rows(
        self, org_id: str, *, limit: int, cursor: str | None, scope: str, now: datetime
    ) -> tuple[list[dict[str, Any]], str | None]:
        after = _decode_cursor(cursor, org_id=org_id, scope=scope)
        listed = sorted(
            (r for (org, _), r in self.table.users.items() if org == org_id),
            key=user_rows.list_order,
        )
        rest = [r for r in listed if after is None or user_rows.list_order(r) > after]
        page = rest[:limit]
        more = len(rest) > limit
        next_cursor = (
            _encode_cursor(user_rows.list_order(page[-1]), org_id=org_id, scope=scope)
            if more and page
            else None
        )
        return [user_rows.list_row(r) for r in page], next_cursor


def _encode_cursor(after: str, *, org_id: str, scope: str) -> str:
    text = json.dumps({"o": org_id, "s": scope, "after": after})
    return base64.urlsafe_b64encode(text.encode()).decode()


def _decode_cursor(cursor: str | None, *, org_id: str, scope: str) -> str | None:
    """Bound to its list and organization as the table's signed cursors are (unsigned:
    nobody but a test ever holds one)."""
    if not cursor:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error):
        raise BadRequest("The cursor is invalid; start again from the first page.") from None
    if (
        not isinstance(payload, dict)
        or payload.get("o") != org_id
        or payload.get("s") != scope
        or not isinstance(payload.get("after"), str)
    ):
        raise BadRequest("The cursor belongs to another list.")
    after: str = payload["after"]
    return after


# -- the organization --------------------------------------------------------------------------


class MemoryOrganizations:
    """Keeps what `settings` read until `forget_cached`, as a container does for a minute
    (never expiring here, so a use case that forgets to forget is caught)."""

    def __init__(self, table: MemoryTable) -> None:
        self.table = table
        self._kept: dict[str, Organization] = {}

    def settings(self, org_id: str) -> Organization:
        if org_id not in self._kept:
            self._kept[org_id] = self.get(org_id) or Organization(id=org_id, name="")
        return self._kept[org_id]

    def get(self, org_id: str) -> Organization | None:
        return self.table.organizations.get(org_id)

    def stored_version(self, org_id: str) -> int:
        current = self.get(org_id)
        return current.version if current else 0

    def save_op(self, org: Organization, *, expected_version: int) -> Op:
        def holds(current: Organization | None) -> bool:
            return (current.version if current else 0) == expected_version

        saved = replace(org, version=expected_version + 1)
        organizations = self.table.organizations
        return _Write(self.table, organizations, org.id, holds, lambda _: saved).op()

    def forget_cached(self, org_id: str | None = None) -> None:
        if org_id is None:
            self._kept.clear()
        else:
            self._kept.pop(org_id, None)


# -- preferences and suppressed addresses ------------------------------------------------------


class MemoryPreferences:
    def __init__(self, table: MemoryTable) -> None:
        self.table = table

    def _stored(self, org_id: str, person_id: str) -> PreferencesRecord:
        return self.table.preferences.get((org_id, person_id)) or PreferencesRecord()

    def get_preferences(self, org_id: str, person_id: str) -> tuple[frozenset[str], int]:
        stored = self._stored(org_id, person_id)
        return stored.off, stored.version

    def replace_op(
        self,
        org_id: str,
        person_id: str,
        off: frozenset[str],
        *,
        expected_version: int,
        now: datetime,
    ) -> Op:
        def holds(current: PreferencesRecord | None) -> bool:
            return (current or PreferencesRecord()).version == expected_version

        saved = PreferencesRecord(off=frozenset(off), version=expected_version + 1)
        rows, key = self.table.preferences, (org_id, person_id)
        return _Write(self.table, rows, key, holds, lambda _: saved).op()

    def save_preferences(
        self,
        org_id: str,
        person_id: str,
        off: frozenset[str],
        *,
        expected_version: int | None,
        now: datetime,
    ) -> int:
        stored = self._stored(org_id, person_id)
        if expected_version is not None and stored.version != expected_version:
            raise ChangedMeanwhile("The preferences changed meanwhile.")
        saved = PreferencesRecord(off=frozenset(off), version=stored.version + 1)
        self.table.preferences[(org_id, person_id)] = saved
        return saved.version

    def with_user(self, org_id: str, user_id: str) -> tuple[UserRecord | None, PreferencesRecord]:
        return self.table.users.get((org_id, user_id)), self._stored(org_id, user_id)

    def with_client(
        self, org_id: str, client_id: str
    ) -> tuple[ClientRecord | None, PreferencesRecord]:
        return self.table.clients.get((org_id, client_id)), self._stored(org_id, client_id)

    def kinds_off(self, org_id: str, person_id: str) -> frozenset[str]:
        return self._stored(org_id, person_id).off

    def turn_off(self, org_id: str, person_id: str, kind: str) -> None:
        stored = self._stored(org_id, person_id)
        self.table.preferences[(org_id, person_id)] = replace(stored, off=stored.off | {kind})

    def turn_off_versioned(self, org_id: str, person_id: str, kind: str, now: datetime) -> None:
        stored = self._stored(org_id, person_id)
        self.table.preferences[(org_id, person_id)] = PreferencesRecord(
            off=stored.off | {kind}, version=stored.version + 1
        )

    def is_suppressed(self, org_id: str, address: str) -> bool:
        return (org_id, address.lower()) in self.table.suppressed

    def suppress(self, org_id: str, address: str, reason: str, now: datetime) -> None:
        self.table.suppressed[(org_id, address.lower())] = reason


# -- writing prepared operations ---------------------------------------------------------------


class MemoryTransactions:
    def __init__(self, table: MemoryTable) -> None:
        self.table = table

    def commit(self, ops: Sequence[Op]) -> None:
        """All or nothing: every condition is checked before anything is applied."""
        if not ops:
            return
        if self.table.pending:
            self.table.pending.pop(0)()
        writes = [self._write_of(op) for op in ops]
        if not all(write.can_land() for write in writes):
            raise ChangedMeanwhile("A condition of the transaction did not hold.")
        for write in writes:
            write.land()
        self.table.commits.append(tuple(ops))

    def commit_one(self, ops: Sequence[Op]) -> None:
        self.commit(ops)

    def _write_of(self, op: Op) -> _Write[Any, Any]:
        write = op.get(_OP_KEY)
        if not isinstance(write, _Write) or write.table is not self.table:
            raise TypeError("Not an operation prepared by this table's repositories.")
        return write


def repositories(table: MemoryTable) -> Repositories:
    """The in-memory repositories over `table`, ready to install
    (`momentum.adapters.install_repositories`); mypy holds each to its protocol here."""
    return Repositories(
        users=MemoryUsers(table),
        organizations=MemoryOrganizations(table),
        preferences=MemoryPreferences(table),
        transactions=MemoryTransactions(table),
    )
