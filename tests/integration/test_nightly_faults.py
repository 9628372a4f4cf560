"""Failures half way: every due email is still sent exactly once (SPEC §8)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from typing import Any

import pytest

from momentum import adapters, clock
from momentum.logic.evaluators import common as evaluator_common
from momentum.notify.ses import SesSender
from tests.integration.conftest import HttpCall, claims, sent_emails
from tests.package_bodies import REMINDED_AT_ONCE

ADMIN = claims(role="admin", sub="user-adam")
Nightly = Callable[[], dict[str, Any]]
CLIENTS = 6


def at(text: str) -> None:
    clock.install(clock.SettableClock(datetime.fromisoformat(text)))


@pytest.fixture
def reminders_due(api: HttpCall) -> None:
    """Six clients whose packages are off track, each reminding the client at once."""
    at("2026-04-01T09:00:00+01:00")
    api("PUT", "/org", body={"name": "Harbour", "timezone": "Europe/London"})
    for n in range(CLIENTS):
        client_id = api(
            "POST",
            "/clients",
            caller=ADMIN,
            body={"name": f"Client {n}", "email": f"c{n}@example.com"},
        )["json"]["id"]
        response = api(
            "POST",
            f"/clients/{client_id}/packages",
            caller=ADMIN,
            route="POST /clients/{client_id}/packages",
            path_parameters={"client_id": client_id},
            body=REMINDED_AT_ONCE,
        )
        assert response["status"] == 201
    at("2026-04-02T00:30:00+01:00")


def _recipients() -> list[str]:
    return sorted(e["to"] for e in sent_emails())


def test_a_crash_after_some_items_and_a_retry_send_each_email_once(
    reminders_due: None, nightly: Nightly, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = evaluator_common.hand_over
    calls = {"n": 0}

    def crash_on_the_third(intents: list[Any]) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            # The evaluator dies after committing this item, before handing its email over.
            raise RuntimeError("injected crash")
        real(intents)

    monkeypatch.setattr(evaluator_common, "hand_over", crash_on_the_third)
    nightly()  # the failed message is redelivered by the chain, as SQS would
    monkeypatch.setattr(evaluator_common, "hand_over", real)
    at("2026-04-02T01:30:00+01:00")
    nightly()  # the next hourly run sweeps up the intent whose hand-over died
    assert _recipients() == sorted(f"c{n}@example.com" for n in range(CLIENTS))
    nightly()
    assert len(sent_emails()) == CLIENTS


class FlakySes:
    """SES failing every other send (throttling)."""

    def __init__(self) -> None:
        self.real = SesSender(sender="noreply@momentum.local", configuration_set="")
        self.attempts = 0

    def send(self, message: EmailMessage, *, to: str, tags: dict[str, str]) -> str:
        self.attempts += 1
        if self.attempts % 2 == 1:
            raise ConnectionError("injected: SES throttled")
        return self.real.send(message, to=to, tags=tags)


def test_ses_failing_half_the_sends_ends_with_every_email_sent_once(
    reminders_due: None, nightly: Nightly
) -> None:
    flaky = FlakySes()
    adapters.install_email_sender(flaky)
    try:
        nightly()
    finally:
        adapters.install_email_sender(None)
    assert flaky.attempts >= CLIENTS * 2 - 1
    assert _recipients() == sorted(f"c{n}@example.com" for n in range(CLIENTS))
    nightly()
    assert len(sent_emails()) == CLIENTS


def test_a_message_delivered_twice_changes_nothing_twice(
    reminders_due: None, nightly: Nightly
) -> None:
    from momentum.logic import evaluation
    from momentum.store import due

    items = []
    for shard in due.all_shards():
        page, _ = due.query_due(shard, clock.current().now())
        items += page
    assert len(items) == CLIENTS
    evaluation.evaluate_items(items, clock.current().now())
    evaluation.evaluate_items(items, clock.current().now())  # the same message again
    nightly()
    assert len(sent_emails()) == CLIENTS
