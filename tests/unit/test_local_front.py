"""The local runner's HTTP front (issue 11), without a server: CORS as API Gateway answers it
(template.yaml's CorsConfiguration), a clock that only moves forward, `GET /` before the web
app is built, and one log line per request."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client

from local import server, webapp
from local.cors import Cors
from local.infra import load_template
from local.runtime import HttpResult

ORIGIN = "http://localhost:5173"


class FakeRuntime:
    """What the front needs of the runtime: its template, the clock and the functions."""

    def __init__(self) -> None:
        self.template = load_template()
        self.clock = datetime(2026, 5, 12, 9, 0, tzinfo=UTC)
        self.calls: list[str] = []

    def now(self) -> datetime:
        return self.clock

    def set_clock(self, now: datetime) -> datetime:
        self.clock = now
        return now

    def handle_http(self, *, method: str, path: str, **_: Any) -> HttpResult:
        self.calls.append(f"{method} {path}")
        return HttpResult(200, {"Content-Type": "application/json", "ETag": '"1"'}, b"{}")


@pytest.fixture
def runtime() -> FakeRuntime:
    return FakeRuntime()


@pytest.fixture
def client(runtime: FakeRuntime, monkeypatch: pytest.MonkeyPatch) -> Client:
    monkeypatch.delenv("MOMENTUM_CLOCK_BACKWARDS", raising=False)
    return Client(server.LocalApp(runtime, log=False))  # type: ignore[arg-type]


def test_the_origins_and_headers_are_the_templates() -> None:
    cors = Cors.from_template(load_template())
    assert {"http://localhost:5173", "http://127.0.0.1:5173"} <= cors.origins
    assert {"etag", "location", "retry-after", "content-disposition"} <= set(cors.expose)
    assert {"authorization", "content-type", "idempotency-key", "if-match"} == set(cors.headers)


def test_a_preflight_is_answered_before_any_function_or_token(
    client: Client, runtime: FakeRuntime
) -> None:
    response = client.options(
        "/clients",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "PATCH" in response.headers["Access-Control-Allow-Methods"]
    assert "if-match" in response.headers["Access-Control-Allow-Headers"]
    assert response.headers["Access-Control-Max-Age"] == "600"
    assert runtime.calls == []


def test_an_origin_the_template_does_not_list_gets_no_cors_headers(client: Client) -> None:
    preflight = client.options(
        "/clients",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 204
    assert "Access-Control-Allow-Origin" not in preflight.headers
    answer = client.get("/org", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in answer.headers


def test_answers_to_an_allowed_origin_expose_what_a_browser_app_reads(client: Client) -> None:
    answer = client.get("/org", headers={"Origin": ORIGIN})
    assert answer.headers["Access-Control-Allow-Origin"] == ORIGIN
    exposed = answer.headers["Access-Control-Expose-Headers"].split(",")
    assert {"etag", "location", "retry-after", "content-disposition"} <= set(exposed)
    assert "Origin" in answer.headers["Vary"]


def test_the_clock_moves_forward_only(client: Client, runtime: FakeRuntime) -> None:
    later = client.post("/_local/clock", json={"now": "2026-05-13T00:30:00+01:00"})
    assert later.status_code == 200
    earlier = client.post("/_local/clock", json={"now": "2026-05-01T00:00:00Z"})
    assert earlier.status_code == 409
    detail = json.loads(earlier.get_data())["detail"]
    assert "only moves forward" in detail
    assert runtime.clock == datetime.fromisoformat("2026-05-13T00:30:00+01:00")


def test_tests_may_let_the_clock_go_back(
    runtime: FakeRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOMENTUM_CLOCK_BACKWARDS", "allow")
    client = Client(server.LocalApp(runtime, log=False))  # type: ignore[arg-type]
    assert client.post("/_local/clock", json={"now": "2026-01-01T00:00:00Z"}).status_code == 200


def test_the_root_says_what_this_is_until_the_web_app_is_built(
    client: Client, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(webapp, "DIST", tmp_path)  # no index.html
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    text = page.get_data(as_text=True)
    assert 'href="/docs"' in text
    assert "Momentum" in text
    (tmp_path / "index.html").write_text("<!doctype html><title>app</title>")
    assert client.get("/").get_data(as_text=True) == "<!doctype html><title>app</title>"


def test_one_line_per_request(runtime: FakeRuntime, capsys: pytest.CaptureFixture[str]) -> None:
    client = Client(server.LocalApp(runtime))  # type: ignore[arg-type]
    client.get("/org?x=1")
    (line,) = capsys.readouterr().out.splitlines()
    method, path, status, ms, unit = line.split()
    assert (method, path, status, unit) == ("GET", "/org?x=1", "200", "ms")
    assert ms.isdigit()
