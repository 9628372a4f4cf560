"""What a use case may ask of the repositories it writes through, as typed protocols.

Two families satisfy them: the DynamoDB modules (`momentum.store.users`, `.organizations`,
`.preferences`, `.transactions` — modules satisfy a protocol) and the in-memory fakes of
`momentum.store.memory` that logic's unit tests run on. `momentum.adapters` hands a use case
one or the other, and mypy checks both against these protocols there; one contract test
(tests/integration/test_repository_contract.py) holds both to the same behaviour.

They live beside the store, not in `logic/`, because the composition root that names them
(`momentum.adapters`) sits below `logic/` and may only import downwards.

Operations (`Op`) are opaque: a repository prepares them and the same family's
`Transactions` writes them, all or nothing; a use case only gathers and hands them on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from momentum.domain.organizations import Organization
from momentum.store.clients import ClientRecord
from momentum.store.preferences import PreferencesRecord
from momentum.store.transactions import Op
from momentum.store.users import UserRecord


class UserRepository(Protocol):
    """Staff user records (the user id is their login's subject)."""

    def get_user(self, org_id: str, user_id: str) -> UserRecord | None:
        """The user of *this* organization (another organization's id misses alike)."""
        ...

    def get_users(self, org_id: str, user_ids: Iterable[str]) -> dict[str, UserRecord]:
        """Several users of one organization by id; missing ids are left out."""
        ...

    def create(self, record: UserRecord) -> None:
        """Store a new user; `ChangedMeanwhile` when the id is taken (nothing changed)."""
        ...

    def save_op(self, before: UserRecord, after: UserRecord) -> Op:
        """The changed profile as version `before.version + 1`, landing only while the
        stored user is still at `before.version`."""
        ...

    def list_rows(
        self, org_id: str, *, limit: int, cursor: str | None, scope: str, now: datetime
    ) -> tuple[list[dict[str, Any]], str | None]:
        """A page of list rows by name (case-insensitive, then id) and the next page's
        cursor (None: the last); a cursor of another list or organization is a 400."""
        ...


class OrganizationRepository(Protocol):
    """The organization's record: name, timezone, locations."""

    def settings(self, org_id: str) -> Organization:
        """The organization as kept in this process (defaults when not configured yet)."""
        ...

    def get(self, org_id: str) -> Organization | None: ...

    def stored_version(self, org_id: str) -> int:
        """The stored version (0: not stored yet)."""
        ...

    def save_op(self, org: Organization, *, expected_version: int) -> Op:
        """The organization as version `expected_version + 1`, landing only while the
        stored version is still `expected_version` (0: not stored yet)."""
        ...

    def forget_cached(self, org_id: str | None = None) -> None:
        """Drop the kept copy (`settings` reads afresh); None: every organization."""
        ...


class PreferenceRepository(Protocol):
    """The kinds of email a person turned off, and the addresses mail must not go to."""

    def get_preferences(self, org_id: str, person_id: str) -> tuple[frozenset[str], int]:
        """The kinds turned off and the record's version (0: never changed)."""
        ...

    def replace_op(
        self,
        org_id: str,
        person_id: str,
        off: frozenset[str],
        *,
        expected_version: int,
        now: datetime,
    ) -> Op:
        """Replace the kinds turned off as version `expected_version + 1`, landing only
        while the stored version (0: never changed) is still `expected_version`."""
        ...

    def save_preferences(
        self,
        org_id: str,
        person_id: str,
        off: frozenset[str],
        *,
        expected_version: int | None,
        now: datetime,
    ) -> int:
        """Replace the kinds turned off now (conditionally with `expected_version`, else
        `ChangedMeanwhile`); the new version."""
        ...

    def with_user(self, org_id: str, user_id: str) -> tuple[UserRecord | None, PreferencesRecord]:
        """A user's record and their preferences, read together."""
        ...

    def with_client(
        self, org_id: str, client_id: str
    ) -> tuple[ClientRecord | None, PreferencesRecord]:
        """A client's record and their preferences, read together."""
        ...

    def kinds_off(self, org_id: str, person_id: str) -> frozenset[str]: ...

    def turn_off(self, org_id: str, person_id: str, kind: str) -> None:
        """Add one kind to those turned off (idempotent; the version is left alone)."""
        ...

    def turn_off_versioned(self, org_id: str, person_id: str, kind: str, now: datetime) -> None:
        """As `turn_off`, counted as a change (the version moves on)."""
        ...

    def is_suppressed(self, org_id: str, address: str) -> bool: ...

    def suppress(self, org_id: str, address: str, reason: str, now: datetime) -> None:
        """Mail to this address (any case) is not sent again."""
        ...


class Transactions(Protocol):
    """Writing prepared operations of the same family, all or nothing: a failed version
    condition raises `ChangedMeanwhile` and nothing is written."""

    def commit(self, ops: Sequence[Op]) -> None: ...

    def commit_one(self, ops: Sequence[Op]) -> None:
        """As `commit`; a lone write may be sent more cheaply."""
        ...


@dataclass(frozen=True)
class Repositories:
    """One family of repositories, as `momentum.adapters` hands them to use cases."""

    users: UserRepository
    organizations: OrganizationRepository
    preferences: PreferenceRepository
    transactions: Transactions
