"""`make run`'s runner: demo data seeded through the real use cases, tokens printed."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import Runner, start_runner

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def demo() -> Iterator[tuple[Runner, str]]:
    process, base = start_runner()
    yield Runner(base_url=base, process=process), base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def test_the_demo_practice_is_there_and_the_printed_tokens_work(demo: tuple[Runner, str]) -> None:
    runner, base = demo
    owner = runner.headers(org="org-harbour", role="owner", sub="user-olivia")
    clients = runner.get("/clients?limit=100", headers=owner).json()["items"]
    assert len(clients) == 12
    assert {c["status"] for c in clients} == {"active", "prospect", "inactive"}
    org = runner.get("/org", headers=owner).json()
    assert org["name"] == "Harbour Physio & Coaching"
    report = runner.get("/clients/" + clients[0]["id"] + "/packages", headers=owner)
    assert report.status_code == 200
    other = runner.headers(org="org-elsewhere", role="owner", sub="user-otto")
    assert len(runner.get("/clients", headers=other).json()["items"]) == 1
    nightly = runner.post("/_local/nightly")
    assert nightly.status_code == 200
    assert runner.get("/docs").status_code == 200
    # The banner lists the demo users with tokens the runner accepts.
    deadline = time.monotonic() + 10
    printed = ""
    while time.monotonic() < deadline and "Demo users" not in printed:
        printed = Path(runner.process.log_path).read_text()  # type: ignore[attr-defined]
        time.sleep(0.2)
    tokens = re.findall(r"(eyJ[\w-]+\.[\w-]+\.[\w-]+)", printed)
    assert len(tokens) >= 6
    for token in tokens:
        answer = requests.get(
            base + "/org", headers={"Authorization": f"Bearer {token}"}, timeout=30
        )
        assert answer.status_code == 200, answer.text
