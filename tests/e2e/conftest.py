"""The local runner over real HTTP: started once per test worker as `python -m local serve`."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from local import tokens
from local.runtime import free_port

REPO = Path(__file__).resolve().parents[2]


def ensure_user(
    base_url: str, org: str, sub: str, role: str, locations: list[str] | None = None
) -> dict[str, Any]:
    """Make the token's person a user of its organization, unless they are one already
    (the runner's local-only `POST /_local/users`; a stored record is left as it is, so a
    demotion or deactivation made through the API stands). The API refuses a staff token
    whose sub has no user record."""
    response = requests.post(
        base_url + "/_local/users",
        json={"org": org, "sub": sub, "role": role, "locations": locations or []},
        timeout=30,
    )
    assert response.status_code in (200, 201), response.text
    user: dict[str, Any] = response.json()
    return user


@dataclass
class Runner:
    base_url: str
    process: subprocess.Popen[str]

    def token(self, *, user_record: bool = True, **claims: Any) -> str:
        """A token with these claims (local.tokens.issue's); for a staff role, its person
        is made a user of the organization first unless `user_record=False`."""
        if user_record and claims.get("role") != "client":
            role, org = str(claims["role"]), str(claims["org"])
            sub = str(claims.get("sub") or f"{role}-{org}")  # tokens.issue's default
            ensure_user(self.base_url, org, sub, role, list(claims.get("locations") or []))
        return tokens.issue(**claims)

    def headers(self, *, user_record: bool = True, **claims: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user_record=user_record, **claims)}"}

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return requests.request(method, self.base_url + path, timeout=60, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return requests.get(self.base_url + path, timeout=30, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return requests.post(self.base_url + path, timeout=60, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return requests.put(self.base_url + path, timeout=30, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        return requests.patch(self.base_url + path, timeout=30, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return requests.delete(self.base_url + path, timeout=30, **kwargs)


def start_runner(*args: str) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    # A file, not a pipe: a pipe nobody reads fills up and blocks the runner.
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - lives as long as the runner
        mode="w+", prefix="momentum-runner-", suffix=".log", delete=False
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "local", "serve", "--port", str(port), *args],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        # The tests' stories each set their own dates, earlier or later than the last.
        env={**os.environ, "POWERTOOLS_LOG_LEVEL": "WARNING", "MOMENTUM_CLOCK_BACKWARDS": "allow"},
    )
    process.log_path = log.name  # type: ignore[attr-defined]
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240  # a loaded 2-core machine seeds slowly
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = Path(log.name).read_text()
            raise RuntimeError(f"the local runner exited early:\n{output}")
        try:
            if requests.get(base + "/_local/clock", timeout=10).status_code == 200:
                return process, base
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the local runner did not answer within 240 s")


@pytest.fixture(scope="session")
def runner() -> Iterator[Runner]:
    process, base = start_runner("--empty")
    yield Runner(base_url=base, process=process)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
