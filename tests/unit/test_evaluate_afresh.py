"""The nightly evaluators' one write (`logic.evaluators.common.evaluate_afresh`): an item
that changed since it was read is evaluated afresh, one deleted meanwhile is left alone,
and one that keeps changing fails the message (which SQS then retries)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import pytest

from momentum.domain.errors import ChangedMeanwhile, ServiceUnavailable
from momentum.logic import writes
from momentum.logic.evaluators import common
from momentum.logic.evaluators.common import Work
from momentum.notify.intents import EmailIntent, EmailKind, Recipient
from momentum.store import transactions
from momentum.store.transactions import Op

RUN_AT = datetime(2026, 4, 2, 0, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Item:
    id: str
    version: int
    state_version: int


@dataclass
class Table:
    """What the evaluation wrote, and how often its commit is to find the item changed."""

    changes_left: int = 0
    commits: list[tuple[list[Op], int]] = field(default_factory=list)
    handed_over: list[list[EmailIntent]] = field(default_factory=list)


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> Table:
    state = Table()

    def commit(ops: Sequence[Op], *, required: int) -> None:
        if state.changes_left:
            state.changes_left -= 1
            raise ChangedMeanwhile("the item changed")
        state.commits.append((list(ops), required))

    def hand_over(intents: Sequence[EmailIntent]) -> None:
        state.handed_over.append(list(intents))

    monkeypatch.setattr(transactions, "commit_with_side_effects", commit)
    monkeypatch.setattr(common, "hand_over", hand_over)
    monkeypatch.setattr(writes, "pause", lambda attempt: None)
    return state


def _intent(item: Item) -> EmailIntent:
    return EmailIntent(
        "org", f"em-{item.version}", EmailKind.ON_TRACK_REMINDER, Recipient("p", "p@x.io", "P")
    )


def _work(item: Item, run_at: datetime) -> Work:
    assert run_at == RUN_AT
    return Work(
        required=[{"write": item.version}],
        optional=[{"side effect": item.version}],
        intents=[_intent(item)],
    )


def test_an_item_that_changed_meanwhile_is_evaluated_afresh_once_written(table: Table) -> None:
    table.changes_left = 1
    read = Item("pkg_1", version=3, state_version=7)
    reloads: list[Item] = []

    def reload(item: Item) -> Item:
        reloads.append(item)
        return replace(item, version=4)

    common.evaluate_afresh("package", read, reload, _work, RUN_AT)
    assert reloads == [read]
    assert table.commits == [([{"write": 4}, {"side effect": 4}], 1)]
    assert table.handed_over == [[_intent(replace(read, version=4))]]


def test_an_item_deleted_meanwhile_is_left_alone(table: Table) -> None:
    table.changes_left = 1
    common.evaluate_afresh("tracker", Item("trk_1", 1, 1), lambda item: None, _work, RUN_AT)
    assert table.commits == [([], 0)]
    assert table.handed_over == [[]]


def test_an_item_that_keeps_changing_fails_the_message(table: Table) -> None:
    table.changes_left = writes.ATTEMPTS
    with pytest.raises(ServiceUnavailable, match="engagement eng_1"):
        common.evaluate_afresh("engagement", Item("eng_1", 1, 1), lambda item: item, _work, RUN_AT)
    assert table.commits == []
    assert table.handed_over == []
