"""SPEC §7: one digest per administrator per run, however many of their engagements cross
— beyond a Query page (100), a transaction (100 writes) and, as references, the size of an
SQS message — and still exactly once when the digest step dies half way and is retried."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from momentum import clock
from momentum.domain.engagements import OffTrackDigest
from momentum.logic import evaluators
from momentum.logic import nightly as nightly_logic
from momentum.notify.intents import intent_id
from momentum.store import due, dynamo, outbox
from tests.integration.conftest import ORG, HttpCall, claims, sent_emails

OWNER = claims(role="owner", sub="user-olivia")
Nightly = Callable[[], dict[str, Any]]
ENGAGEMENTS = 150
CROSSING = "2026-03-22T00:30:00+00:00"  # 21 days after activation on 1 March


def at(text: str) -> None:
    clock.install(clock.SettableClock(datetime.fromisoformat(text)))


Practice = Callable[[int], str]


@pytest.fixture
def owner_of(api: HttpCall) -> Practice:
    """An administrator owning `n` three-week engagements activated on 1 March: all cross
    into Off track on 22 March, in the same run. Each coachee has an address. Returns the
    administrator's id."""

    def make(n: int) -> str:
        at("2026-03-01T09:00:00+00:00")
        org = {"name": "Summit Coaching", "timezone": "UTC"}
        assert api("PUT", "/org", body=org, caller=OWNER)["status"] == 200
        admin = api(
            "POST",
            "/users",
            caller=OWNER,
            body={"name": "Ann Admin", "email": "ann@summit.example", "role": "admin"},
        )
        assert admin["status"] == 201, admin
        template = api(
            "POST",
            "/engagement-templates",
            caller=OWNER,
            body={
                "name": "Three weeks",
                "type": "one_to_one",
                "threshold_days": 21,
                "notify_off_track": True,
            },
        )
        assert template["status"] == 201, template
        for number in range(n):
            client = api(
                "POST",
                "/clients",
                caller=OWNER,
                body={
                    "name": f"Coachee {number:03d}",
                    "email": f"coachee{number:03d}@example.com",
                },
            )
            assert client["status"] == 201, client
            made = api(
                "POST",
                "/engagements",
                caller=OWNER,
                body={
                    "template_id": template["json"]["id"],
                    "coachee_id": client["json"]["id"],
                    "owner_id": admin["json"]["id"],
                    "status": "active",
                },
            )
            assert made["status"] == 201, made
        return str(admin["json"]["id"])

    return make


def _digests() -> list[dict[str, Any]]:
    return [e for e in sent_emails() if e["to"] == "ann@summit.example"]


def _assert_one_digest_listing_all(count: int) -> None:
    """Exactly one digest, naming every coachee; one email to each coachee; nothing else."""
    (digest,) = _digests()
    for n in range(count):
        assert f"Coachee {n:03d}" in digest["text"]
        assert f"Coachee {n:03d}" in digest["html"]
    assert digest["subject"] == f"{count} coaching engagements went off track"
    to_coachees = sorted(e["to"] for e in sent_emails() if e["to"].startswith("coachee"))
    assert to_coachees == [f"coachee{n:03d}@example.com" for n in range(count)]
    assert len(sent_emails()) == count + 1


def _pending_notices(count: int) -> list[dict[str, Any]]:
    notices = dynamo.query_all(f"ORG#{ORG}", sk_prefix="NOTICE#", consistent=True)
    assert len(notices) == count
    return [n for n in notices if not n.get("done")]


def test_150_engagements_crossing_for_one_owner_give_one_digest_listing_them_all(
    owner_of: Practice, nightly: Nightly
) -> None:
    owner_of(ENGAGEMENTS)
    at(CROSSING)
    summary = nightly()
    assert summary["NightlyFunction"]["items"] == ENGAGEMENTS
    assert summary["NightlyFunction"]["messages"] == 1  # all of the owner's in one message
    _assert_one_digest_listing_all(ENGAGEMENTS)
    assert _pending_notices(ENGAGEMENTS) == []
    # The same day again, and the next hour's run: nothing more.
    nightly()
    at("2026-03-22T01:30:00+00:00")
    nightly()
    assert len(sent_emails()) == ENGAGEMENTS + 1


def test_when_the_owners_engagements_outgrow_a_message_they_travel_as_references(
    owner_of: Practice, nightly: Nightly, monkeypatch: pytest.MonkeyPatch
) -> None:
    """250 real engagement items would not fit 200 kB: here 12 do not fit 5 kB. The owner's
    engagements still go in one message, as keys the evaluator reads: one digest."""
    owner_of(12)
    monkeypatch.setattr(nightly_logic, "MAX_MESSAGE_BYTES", 5_000)
    read: list[dict[str, Any]] = []
    real_resolve = due.resolve

    def resolve(entry: dict[str, Any]) -> dict[str, Any] | None:
        if entry.get(due.REFERENCE):
            read.append(entry)
        return real_resolve(entry)

    monkeypatch.setattr(due, "resolve", resolve)
    at(CROSSING)
    summary = nightly()
    assert summary["NightlyFunction"]["messages"] == 1
    assert len(read) == 12
    _assert_one_digest_listing_all(12)


def test_a_digest_step_that_dies_half_way_is_finished_by_its_retry_exactly_once(
    owner_of: Practice, nightly: Nightly, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The step's writes come in chunks (100 a transaction; 5 here): it writes the intents
    and the digest, marks the first chunk of notices done, then dies. SQS retries the
    message: the retry finds everything written and sends nothing twice."""
    owner_of(12)
    monkeypatch.setattr(evaluators.notices, "WRITES_PER_TRANSACTION", 5)
    real = dynamo.transact_write
    marks = {"n": 0}

    def dies_after_the_first_marks(operations: Any) -> None:
        if any("done = :yes" in str(op) for op in operations):
            marks["n"] += 1
            if marks["n"] == 2:
                raise RuntimeError("injected: the evaluator dies marking notices done")
        real(operations)

    monkeypatch.setattr(dynamo, "transact_write", dies_after_the_first_marks)
    at(CROSSING)
    summary = nightly()  # the chain redelivers the failed message, as SQS would
    assert summary["queues"]["EvaluatorQueue"] == 2
    assert marks["n"] == 2 + 2  # 5 done, then death; the retry marks the 7 left (5 + 2)
    _assert_one_digest_listing_all(12)
    assert _pending_notices(12) == []
    at((datetime.fromisoformat(CROSSING) + timedelta(hours=1)).isoformat())
    nightly()
    assert len(sent_emails()) == 12 + 1


def test_a_crossing_found_after_the_digest_went_out_gets_its_own_digest_listing_only_it(
    owner_of: Practice, nightly: Nightly
) -> None:
    """A notice written after the day's digest (e.g. a later run the same day) is listed by
    a second digest; no engagement is ever in two digests or in none."""
    admin = owner_of(3)
    at(CROSSING)
    nightly()
    late = {
        "pk": f"ORG#{ORG}",
        "sk": f"NOTICE#2026-03-22#{admin}#eng_late",
        "type": "off_track_notice",
        "org_id": ORG,
        "run_date": "2026-03-22",
        "engagement_id": "eng_late",
        "off_track_since": "2026-03-22",
        "coachee_id": "cl_gone",
        "coach_id": None,
        "owner_id": admin,
    }
    dynamo.put_item(late)
    now = clock.current().now()
    for _ in range(2):  # a retry of the step changes nothing
        evaluators.send_off_track_notices(ORG, date(2026, 3, 22), {admin}, now)
    nightly()
    assert len(_digests()) == 2
    assert _digests()[1]["subject"] == "1 coaching engagement went off track"
    key = OffTrackDigest(admin, date(2026, 3, 22), ()).key
    listed = []
    for number in ("1", "2", "3"):
        found = outbox.get(ORG, intent_id(key, number))
        listed.append([] if found is None else found[0].data["engagements"])
    assert len(listed[0]) == 3
    assert "eng_late" not in {e["engagement_id"] for e in listed[0]}
    assert [e["engagement_id"] for e in listed[1]] == ["eng_late"]
    assert listed[2] == []
