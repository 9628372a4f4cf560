"""Logic's unit tests run the use cases on the in-memory repositories
(`momentum.store.memory`), installed at the seam every use case reaches them through
(`momentum.adapters`). No sockets (tests/unit/conftest.py): a use case that reached past the
seam to DynamoDB would fail here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest

from momentum import adapters, clock
from momentum.domain.access import Principal, Role
from momentum.logic import callers
from momentum.store import memory
from momentum.store.memory import MemoryTable
from momentum.store.users import UserRecord

ORG = "org-1"
NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


@contextmanager
def installed() -> Iterator[MemoryTable]:
    """A new, empty in-memory table behind the seam (and a clock standing still at NOW)."""
    table = MemoryTable()
    adapters.install_repositories(memory.repositories(table))
    clock.install(clock.SettableClock(NOW))
    callers.reset()
    try:
        yield table
    finally:
        callers.reset()
        clock.install(clock.SystemClock())
        adapters.install_repositories(None)


@pytest.fixture
def table() -> Iterator[MemoryTable]:
    with installed() as fresh:
        yield fresh


def caller(role: Role = Role.OWNER, user_id: str = "u-owner", **fields: Any) -> Principal:
    return Principal(org_id=ORG, user_id=user_id, role=role, **fields)


def add_user(
    table: MemoryTable, user_id: str, role: Role = Role.STAFF, **fields: Any
) -> UserRecord:
    """A stored user (version 1 unless given)."""
    record = UserRecord(
        org_id=ORG,
        id=user_id,
        name=fields.pop("name", user_id),
        email=fields.pop("email", f"{user_id}@example.com"),
        role=role.value,
        version=fields.pop("version", 1),
        created_at="2026-01-01T00:00:00Z",
        updated_at="2026-01-01T00:00:00Z",
        **fields,
    )
    table.users[(ORG, user_id)] = record
    return record
