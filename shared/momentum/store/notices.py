"""Off-track notices: an engagement's crossing waiting for its emails, `pk = ORG#<org>`,
`sk = NOTICE#<run date>#<owner>#<engagement>`.

A notice is written with the engagement's new state and sits in the due index until the
digest step has planned its emails and marks it done: if that step never ran (a crash),
the sweep finds the notice and runs it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from momentum.domain.effects import EngagementOffTrack
from momentum.store import due, dynamo
from momentum.store.keys import org_pk
from momentum.store.transactions import Op

PREFIX = "NOTICE#"


@dataclass(frozen=True, slots=True)
class NoticeRecord:
    """One stored notice: the crossing, the run date it is listed under, and whether the
    digest step is done with it."""

    org_id: str
    run_date: date
    notice: EngagementOffTrack
    done: bool = False


def _owner_prefix(run_date: date, owner_id: str) -> str:
    return f"{PREFIX}{run_date.isoformat()}#{owner_id}#"


def _key(org_id: str, run_date: date, notice: EngagementOffTrack) -> tuple[str, str]:
    return org_pk(org_id), _owner_prefix(run_date, notice.owner_id) + notice.engagement_id


def new_op(org_id: str, notice: EngagementOffTrack, run_date: date, now: datetime) -> Op:
    """The notice, due now, written unless it exists (an earlier attempt wrote it)."""
    pk, sk = _key(org_id, run_date, notice)
    item = {
        "pk": pk,
        "sk": sk,
        "type": due.DueType.OFF_TRACK_NOTICE.value,
        "org_id": org_id,
        "run_date": run_date.isoformat(),
        "engagement_id": notice.engagement_id,
        "off_track_since": notice.off_track_since.isoformat(),
        "coachee_id": notice.coachee_id,
        "coach_id": notice.coach_id,
        "owner_id": notice.owner_id,
        **due.due_fields(pk, sk, now),
    }
    return dynamo.put_op(item, condition="attribute_not_exists(pk)")


def from_item(item: dict[str, Any]) -> NoticeRecord:
    return NoticeRecord(
        org_id=str(item["org_id"]),
        run_date=date.fromisoformat(str(item["run_date"])),
        notice=EngagementOffTrack(
            engagement_id=str(item["engagement_id"]),
            off_track_since=date.fromisoformat(str(item["off_track_since"])),
            coachee_id=str(item["coachee_id"]),
            coach_id=item.get("coach_id"),
            owner_id=str(item["owner_id"]),
        ),
        done=bool(item.get("done")),
    )


def pending(org_id: str, run_date: date, owner_id: str) -> list[NoticeRecord]:
    """The owner's notices of a run date that the digest step is not done with (one
    consistent Query)."""
    items = dynamo.query_all(
        org_pk(org_id), sk_prefix=_owner_prefix(run_date, owner_id), consistent=True
    )
    return [from_item(i) for i in items if not i.get("done")]


def done_op(record: NoticeRecord) -> Op:
    """Mark the notice done, which takes it out of the due index (it must still exist)."""
    pk, sk = _key(record.org_id, record.run_date, record.notice)
    return dynamo.update_op(
        pk,
        sk,
        update="SET done = :yes REMOVE due_shard, due_at",
        condition="attribute_exists(pk)",
        values={":yes": True},
    )
