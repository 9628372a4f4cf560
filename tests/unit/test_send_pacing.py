"""The mailer's pace (momentum/notify/pacing.py): never more than `per_second` sends in any
second, and no waiting when sends are already slower than that."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from hypothesis import given
from hypothesis import strategies as st

from momentum.notify.pacing import SendPacer


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def paced(per_second: float) -> tuple[SendPacer, FakeTime]:
    time = FakeTime()
    return SendPacer(per_second, monotonic=time.monotonic, sleep=time.sleep), time


@given(
    per_second=st.integers(min_value=1, max_value=50),
    gaps=st.lists(st.floats(min_value=0, max_value=0.5), min_size=1, max_size=60),
)
def test_no_window_of_one_second_holds_more_sends_than_the_rate(
    per_second: int, gaps: list[float]
) -> None:
    pacer, time = paced(per_second)
    sends: list[float] = []
    for gap in gaps:
        time.now += gap  # the work between two sends (lease write, render...)
        pacer.wait()
        sends.append(time.now)
    for i, start in enumerate(sends):
        in_window = [t for t in sends[i:] if t < start + 1.0 - 1e-9]
        assert len(in_window) <= per_second


def test_sends_slower_than_the_rate_never_wait() -> None:
    pacer, time = paced(7)
    for _ in range(5):
        pacer.wait()
        time.now += 0.5
    assert time.slept == []


def test_a_burst_is_spread_at_the_rate() -> None:
    pacer, time = paced(7)
    for _ in range(8):
        pacer.wait()
    assert len(time.slept) == 7
    assert time.now == pytest.approx(1000.0 + 7 / 7)


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        SendPacer(0)


def test_the_ses_adapter_waits_for_its_pacer_before_each_send(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from momentum.notify import ses

    calls: list[str] = []

    class Client:
        def send_email(self, **kwargs: object) -> dict[str, str]:
            calls.append("send")
            return {"MessageId": "m-1"}

    class Pacer:
        def wait(self) -> None:
            calls.append("wait")

    monkeypatch.setattr(ses, "client", Client)
    sender = ses.SesSender(sender="a@example.com", configuration_set="", pacer=Pacer())  # type: ignore[arg-type]
    message = EmailMessage()
    message["Subject"] = "Hello"
    message.set_content("Hi")
    assert sender.send(message, to="b@example.com", tags={}) == "m-1"
    assert sender.send(message, to="b@example.com", tags={}) == "m-1"
    assert calls == ["wait", "send", "wait", "send"]
