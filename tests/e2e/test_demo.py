"""`make run`'s runner: demo data seeded through the real use cases, tokens printed."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import REPO, Runner, start_runner

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


ID_PREFIXES = {
    "cl_": "/clients/{}",
    "tpl_": "/package-templates/{}",
    "etpl_": "/engagement-templates/{}",
    "user-": "/users/{}",
}
ID = re.compile(r"^(cl_|tpl_|etpl_|user-)[A-Za-z0-9_-]+$")


def _example_ids(node: object) -> set[str]:
    """Every id-looking string in the document's examples (and anywhere below them)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("example", "examples"):
                found |= _strings(value)
            else:
                found |= _example_ids(value)
    elif isinstance(node, list):
        for item in node:
            found |= _example_ids(item)
    return found


def _strings(node: object) -> set[str]:
    if isinstance(node, str):
        path_id = node.rsplit("/", 1)[-1]  # a Location example names one too
        return {path_id} if ID.match(path_id) else set()
    if isinstance(node, dict):
        return set().union(*(_strings(v) for v in node.values())) if node else set()
    if isinstance(node, list):
        return set().union(*(_strings(v) for v in node)) if node else set()
    return set()


def test_the_first_nightly_run_sends_a_reminder_and_an_off_track_notice(
    demo: tuple[Runner, str],
) -> None:
    """Right after `make run` (this test runs first in the module): the demo's story."""
    runner, _ = demo
    owner = runner.headers(org="org-harbour", role="owner", sub="user-olivia")
    progress = {
        e["progress"] for e in runner.get("/engagements?limit=100", headers=owner).json()["items"]
    }
    assert progress == {"on_track", "off_track", "not_tracking"}
    templates = runner.get("/engagement-templates", headers=owner).json()["items"]
    assert {t["type"] for t in templates} == {"one_to_one", "on_demand", "coach_matching"}
    assert runner.get("/_local/emails").json() == []
    assert runner.post("/_local/nightly").status_code == 200
    sent = {(e["to"], e["subject"]) for e in runner.get("/_local/emails").json()}
    assert ("alan@example.com", "Let's get your sessions back on track") in sent  # reminder
    assert ("zoe@harbour.example", "Alan Turing is off track on Monthly coaching (4/month)") in sent
    assert ("zoe@harbour.example", "Coaching with Margaret Hamilton is off track") in sent
    assert ("adam@harbour.example", "1 coaching engagement went off track") in sent  # digest


def test_the_ids_of_the_examples_and_readme_exist_in_the_demo(demo: tuple[Runner, str]) -> None:
    runner, _ = demo
    owner = runner.headers(org="org-harbour", role="owner", sub="user-olivia")
    document = runner.get("/openapi.json").json()
    readme = (REPO / "README.md").read_text()
    ids = _example_ids(document) | {
        word.strip("`.,()") for word in readme.split() if ID.match(word.strip("`.,()"))
    }
    assert {"user-sam", "cl_Q1E2JZS00T5C4RS9AXADT762MV"} <= ids  # the walk finds them
    missing = []
    for record_id in sorted(ids):
        prefix = next(p for p in ID_PREFIXES if record_id.startswith(p))
        answer = runner.get(ID_PREFIXES[prefix].format(record_id), headers=owner)
        if answer.status_code != 200:
            missing.append(f"{record_id}: {answer.status_code}")
    assert missing == []


def test_every_printed_person_is_a_user_and_the_banner_moves_the_clock_forward(
    demo: tuple[Runner, str],
) -> None:
    runner, _ = demo
    owner = runner.headers(org="org-harbour", role="owner", sub="user-olivia")
    for sub in ("user-olivia", "user-adam", "user-lena", "user-sam", "user-zoe"):
        assert runner.get(f"/users/{sub}", headers=owner).status_code == 200, sub
    other = runner.headers(org="org-elsewhere", role="owner", sub="user-otto")
    assert runner.get("/users/user-otto", headers=other).status_code == 200
    printed = Path(runner.process.log_path).read_text()  # type: ignore[attr-defined]
    for step in ("clients", "packages and appointments", "engagement templates and engagements"):
        assert f"  {step}\n" in printed
    example = re.search(r'"now": "([^"]+)"', printed)
    assert example, printed
    clock = datetime.fromisoformat(runner.get("/_local/clock").json()["now"])
    assert datetime.fromisoformat(example.group(1)) > clock


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
