"""`page_of`: the keyset pages of the short per-client lists (packages, trackers, payments,
On track rows), with the same signed, list-bound cursors as every other list (SPEC §9)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from momentum import signing
from momentum.domain.errors import BadRequest
from momentum.store.cursors import page_of

NOW = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
FAST = settings(max_examples=150, deadline=None)


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(signing, "signing_secret", lambda: "unit-test-secret")


def key(row: tuple[str, str]) -> tuple[str, ...]:
    return row


def walk(
    rows: list[tuple[str, str]], limit: int, *, descending: bool = False
) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    cursor: str | None = None
    for _ in range(len(rows) + 2):
        page, cursor = page_of(
            rows,
            key,
            limit=limit,
            cursor=cursor,
            org_id="o1",
            scope="list",
            now=NOW,
            descending=descending,
        )
        assert len(page) <= limit
        seen += page
        if cursor is None:
            return seen
    raise AssertionError("the pages never ended")


rows_strategy = st.lists(
    st.tuples(
        st.sampled_from(["2026-05-01", "2026-05-02", "2026-06-01"]), st.text("abc", max_size=3)
    ),
    unique=True,
    max_size=20,
)


@FAST
@given(rows_strategy, st.integers(1, 7), st.booleans())
def test_walking_the_pages_reads_every_row_once_in_order(
    rows: list[tuple[str, str]], limit: int, descending: bool
) -> None:
    ordered = sorted(rows, reverse=descending)
    assert walk(ordered, limit, descending=descending) == ordered


@FAST
@given(rows_strategy, rows_strategy, st.integers(1, 5))
def test_rows_written_between_pages_are_neither_repeated_nor_skipped_behind_the_cursor(
    rows: list[tuple[str, str]], added: list[tuple[str, str]], limit: int
) -> None:
    ordered = sorted(rows)
    first, cursor = page_of(ordered, key, limit=limit, cursor=None, org_id="o1", scope="l", now=NOW)
    if cursor is None:
        return  # the first page was the whole list
    grown = sorted(set(ordered) | set(added))
    rest: list[tuple[str, str]] = []
    while cursor is not None:
        page, cursor = page_of(
            grown, key, limit=limit, cursor=cursor, org_id="o1", scope="l", now=NOW
        )
        rest += page
    assert rest == [row for row in grown if row > first[-1]]
    assert not set(first) & set(rest)


def test_the_last_page_has_no_cursor_and_an_exact_fit_needs_no_extra_page() -> None:
    rows = [("a", "1"), ("b", "2")]
    assert page_of(rows, key, limit=2, cursor=None, org_id="o", scope="s", now=NOW) == (rows, None)
    page, cursor = page_of(rows, key, limit=1, cursor=None, org_id="o", scope="s", now=NOW)
    assert (page, cursor is not None) == ([("a", "1")], True)


def test_a_cursor_of_another_list_or_organization_or_a_tampered_one_is_a_400() -> None:
    rows = [("a", "1"), ("b", "2"), ("c", "3")]
    _, cursor = page_of(rows, key, limit=1, cursor=None, org_id="o", scope="packages|c1", now=NOW)
    assert cursor is not None
    for org_id, scope, text in (
        ("o", "packages|c2", cursor),
        ("other", "packages|c1", cursor),
        ("o", "packages|c1", cursor[:-2] + "xx"),
    ):
        with pytest.raises(BadRequest):
            page_of(rows, key, limit=1, cursor=text, org_id=org_id, scope=scope, now=NOW)
