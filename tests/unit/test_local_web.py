"""The local runner's web-app helpers (issue 12): the demo sign-in and the static pages.

Both are local-only: the sign-in mints exactly the token `python -m local token` would, and
the static files never shadow an API path."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from local import signin, tokens, webapp


@dataclass(frozen=True)
class Person:
    label: str
    role: str
    sub: str
    org: str = "org-a"
    client_id: str | None = None
    locations: tuple[str, ...] = ()


def _request(
    method: str, path: str, body: object | None = None, headers: dict[str, str] | None = None
) -> Request:
    data = None if body is None else json.dumps(body)
    return Request(
        EnvironBuilder(method=method, path=path, data=data, headers=headers).get_environ()
    )


@pytest.fixture(autouse=True)
def _people() -> None:
    signin.register(
        [
            Person("owner", "owner", "user-owner"),
            Person("location admin", "location_admin", "user-la", locations=("north", "south")),
            Person("client", "client", "client-1", client_id="cl_1"),
        ]
    )


def test_the_people_are_listed_with_their_claims() -> None:
    response = signin.route(_request("GET", "/_local/people"))
    assert response is not None
    assert response.status_code == 200
    people = json.loads(response.get_data())["items"]
    assert [p["user_id"] for p in people] == ["user-owner", "user-la", "client-1"]
    assert people[1]["locations"] == ["north", "south"]
    assert people[2]["client_id"] == "cl_1"


def test_signing_in_mints_the_token_the_command_line_prints() -> None:
    response = signin.route(_request("POST", "/_local/sign-in", {"user_id": "user-la"}))
    assert response is not None
    assert response.status_code == 200
    claims = tokens.verify(json.loads(response.get_data())["token"])
    assert claims["sub"] == "user-la"
    assert claims["custom:org_id"] == "org-a"
    assert claims["custom:role"] == "location_admin"
    assert claims["custom:location_ids"] == "north,south"
    client = signin.route(_request("POST", "/_local/sign-in", {"user_id": "client-1"}))
    assert client is not None
    assert tokens.verify(json.loads(client.get_data())["token"])["custom:client_id"] == "cl_1"


@pytest.mark.parametrize(
    ("body", "status"),
    [({"user_id": "nobody"}, 404), ({"user_id": 7}, 404), ({}, 422), ("not an object", 422)],
)
def test_an_unknown_person_or_a_bad_body_gets_no_token(body: object, status: int) -> None:
    response = signin.route(_request("POST", "/_local/sign-in", body))
    assert response is not None
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    assert "token" not in json.loads(response.get_data())


def test_other_local_routes_are_left_alone() -> None:
    assert signin.route(_request("POST", "/_local/clock", {"now": "x"})) is None
    assert signin.route(_request("GET", "/_local/sign-in")) is None


def test_pages_and_assets_are_served_and_api_paths_are_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>")
    (tmp_path / "assets" / "index-abc.js").write_text("console.log(1)")
    monkeypatch.setattr(webapp, "DIST", tmp_path)
    for path in ("/", "/app", "/app/on-track", "/app/clients/cl_1"):
        page = webapp.route(_request("GET", path))
        assert page is not None, path
        assert page.content_type.startswith("text/html")
        assert page.headers["Cache-Control"] == "no-cache"
    asset = webapp.route(_request("GET", "/assets/index-abc.js"))
    assert asset is not None
    assert "immutable" in asset.headers["Cache-Control"]
    (tmp_path.parent / "secret.txt").write_text("not for the browser")
    for escape in ("/assets/../index.html", "/assets/../../secret.txt"):
        refused = webapp.route(_request("GET", escape))
        assert refused is not None
        assert refused.status_code == 404, escape
    assert webapp.route(_request("GET", "/assets/nope.js")).status_code == 404  # type: ignore[union-attr]
    # The API's paths stay the API's, and writes are never the web app's.
    for method, path in [("GET", "/clients/cl_1"), ("GET", "/openapi.json"), ("POST", "/app/x")]:
        assert webapp.route(_request(method, path)) is None


def test_without_a_build_the_root_is_left_to_the_runner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webapp, "DIST", tmp_path / "missing")
    assert webapp.route(_request("GET", "/")) is None


def test_text_is_gzipped_for_browsers_that_accept_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As CloudFront compresses in AWS: the runner's pages weigh what they weigh there."""
    (tmp_path / "assets").mkdir()
    script = "console.log('momentum');\n" * 200
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>")
    (tmp_path / "assets" / "index-abc.js").write_text(script)
    (tmp_path / "assets" / "logo-abc.png").write_bytes(b"\x89PNG not text")
    monkeypatch.setattr(webapp, "DIST", tmp_path)
    gz = {"Accept-Encoding": "gzip, deflate, br"}
    asset = webapp.route(_request("GET", "/assets/index-abc.js", headers=gz))
    assert asset is not None
    assert asset.headers["Content-Encoding"] == "gzip"
    assert asset.headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(asset.get_data()).decode() == script
    assert len(asset.get_data()) < len(script) / 10
    page = webapp.route(_request("GET", "/app/on-track", headers=gz))
    assert page is not None
    assert page.headers["Content-Encoding"] == "gzip"
    # Images are not text; a client that does not ask for gzip gets the plain file.
    image = webapp.route(_request("GET", "/assets/logo-abc.png", headers=gz))
    assert image is not None
    assert "Content-Encoding" not in image.headers
    plain = webapp.route(_request("GET", "/assets/index-abc.js"))
    assert plain is not None
    assert "Content-Encoding" not in plain.headers
    assert plain.get_data(as_text=True) == script
