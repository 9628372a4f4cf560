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


@dataclass
class Runner:
    base_url: str
    process: subprocess.Popen[str]

    def token(self, **claims: Any) -> str:
        return tokens.issue(**claims)

    def headers(self, **claims: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(**claims)}"}

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
        env={**os.environ, "POWERTOOLS_LOG_LEVEL": "WARNING"},
    )
    process.log_path = log.name  # type: ignore[attr-defined]
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
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
    raise RuntimeError("the local runner did not answer within 60 s")


@pytest.fixture(scope="session")
def runner() -> Iterator[Runner]:
    process, base = start_runner("--empty")
    yield Runner(base_url=base, process=process)
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
