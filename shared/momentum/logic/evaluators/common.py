"""What every evaluator shares: the one write (the item's new state with its side effects,
through `optimistic_write`), and the hand-over of new intents to the mailer (the people
an evaluation emails: momentum.logic.recipients)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from momentum import adapters
from momentum.domain.dates import today_in
from momentum.logic.history import history_op
from momentum.logic.mail import pointer
from momentum.logic.organizations import organization_settings
from momentum.logic.writes import Decision, optimistic_write
from momentum.notify.intents import EmailIntent
from momentum.observability import logger
from momentum.store import outbox, transactions
from momentum.store.transactions import Op


@dataclass
class Work:
    """What one evaluation writes: required item updates, and side effects that may already
    exist (a retry found them done) and are then left out."""

    required: list[Op] = field(default_factory=list)
    optional: list[Op] = field(default_factory=list)
    intents: list[EmailIntent] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Current[R]:
    """The due item as last read; None: deleted since, nothing left to evaluate."""

    record: R | None


class Tracked(Protocol):
    """A tracked record (package, tracker, engagement) as the nightly evaluates it."""

    @property
    def id(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def state_version(self) -> int: ...


class WriteOp[T](Protocol):
    """A repository's conditional write of a tracked record."""

    def __call__(self, record: T, *, expected_version: int, expected_state_version: int) -> Op: ...


def state_change[T: Tracked](write_op: WriteOp[T], read: T, evaluated: T) -> list[Op]:
    """The evaluated record, written only if neither its edits (`version`) nor its state
    (`state_version`) moved since it was read."""
    return [
        write_op(
            evaluated, expected_version=read.version, expected_state_version=read.state_version
        )
    ]


def evaluate_afresh[T: Tracked](
    kind: str,
    record: T,
    reload: Callable[[T], T | None],
    work: Callable[[T, datetime], Work],
    run_at: datetime,
) -> None:
    """Evaluate `record` and write the outcome on condition that the item is still as read;
    when it changed meanwhile (a booking), `reload` it and evaluate again (the one retry
    policy; an item that keeps changing fails the message, which is retried). Side effects
    an earlier attempt made are left out. Then hand the new intents to the mailer."""
    required = 0

    def fresh() -> _Current[T]:
        return _Current(reload(record))

    def decide(state: _Current[T]) -> Decision[Work]:
        nonlocal required
        # Deleted meanwhile: nothing left to do.
        done = Work() if state.record is None else work(state.record, run_at)
        required = len(done.required)
        return Decision(done, [*done.required, *done.optional])

    def commit(ops: Sequence[Op]) -> None:
        transactions.commit_with_side_effects(ops, required=required)

    thing = f"{kind} {record.id}"
    done = optimistic_write(
        thing=thing, load=fresh, decide=decide, loaded=_Current(record), commit=commit
    )
    hand_over(done.intents)


def commit_side_effects(ops: Sequence[Op]) -> None:
    """Side effects alone (no item state): those an earlier attempt made are left out."""
    transactions.commit_with_side_effects(ops, required=0)


def intent_ops(intents: Sequence[EmailIntent], now: datetime) -> list[Op]:
    return [outbox.new_intent_op(i, now) for i in intents]


def hand_over(intents: Sequence[EmailIntent]) -> None:
    """Queue the new intents; if this fails they are still pending in the due index and the
    next sweep sends them."""
    if not intents:
        return
    try:
        adapters.mail_queue().send([pointer(i.org_id, i.intent_id) for i in intents])
    except Exception:  # the sweep is the safety net
        logger.exception("could not hand intents to the mailer; the sweep will")


def history(
    kind: str, org_id: str, item_id: str, field: str, was: str, now: str, today: date
) -> Op:
    """A transition the nightly saw; its id is fixed so a retried run records it once."""
    return history_op(
        org_id, kind, item_id, was, now, today, "nightly", field=field, entry_id=f"{field}-{now}"
    )


def today(org_id: str, run_at: datetime) -> tuple[date, str]:
    """The run's day in the organization, and its timezone."""
    tz = organization_settings(org_id).timezone
    return today_in(tz, run_at), tz
