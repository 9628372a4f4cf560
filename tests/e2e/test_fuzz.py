"""Schemathesis against the local runner's /openapi.json: every operation, positive and
negative data, as the owner of a fresh organization with real records behind the path ids;
then every operation without credentials.

`MOMENTUM_FUZZ_EXAMPLES` sets the examples per operation (default 8, for `make test`);
`make fuzz` runs 200. The examples are drawn from a fixed seed, so that a run is repeatable
(CI sees what a developer sees); `MOMENTUM_FUZZ_SEED=random` (or another number) explores
other ones.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.failures import FailureGroup

from local.infra import http_routes, load_template
from tests.e2e.access_matrix import (
    NOW,
    PATH_IDS,
    TODAY,
    World,
    drain_output,
    new_org,
    settle,
)
from tests.e2e.conftest import Runner

pytestmark = [pytest.mark.e2e, pytest.mark.fuzz]

EXAMPLES = int(os.environ.get("MOMENTUM_FUZZ_EXAMPLES", "8"))
_SEED = os.environ.get("MOMENTUM_FUZZ_SEED", "20260615")
SEED = None if _SEED == "random" else int(_SEED)
ADMIN_CHECKS = [
    not_a_server_error,
    negative_data_rejection,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ANONYMOUS_CHECKS = [ignored_auth, not_a_server_error]
RECORD_ID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# -- shapes a caller may send that once were 500s (issue 10) --------------------------------
# Dates at and past the supported range (1900-01-01..2200-12-31) and at Python's own
# limits, mixed into every `format: date` / `date-time` field and parameter; the rest are
# near today (so positive cases get past validation) or anywhere in years 1..9999.
EDGE_DATES = [
    "0001-01-01", "1899-12-31", "1900-01-01", "2200-12-31", "2201-01-01",
    "9999-12-01", "9999-12-30", "9999-12-31",
]  # fmt: skip
EDGE_TIMESTAMPS = [
    "0001-01-01T00:00+00:00", "9999-12-31T22:00-12:00", "9999-12-31T23:59:59+14:00",
    "1899-12-31T23:59:59Z", "1900-01-01T00:00:00Z", "2200-12-31T23:59:59Z",
    "2200-12-31T22:00:00-12:00", "2201-01-01T00:00:00Z", "2026-05-01T09:00:00",
]  # fmt: skip
_OFFSETS = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
_NEAR = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))
schemathesis.openapi.format(
    "date", st.one_of(st.sampled_from(EDGE_DATES), _NEAR.map(str), st.dates().map(str))
)
schemathesis.openapi.format(
    "date-time",
    st.one_of(
        st.sampled_from(EDGE_TIMESTAMPS),
        st.builds(
            lambda day, at, tz: datetime.combine(day, at, tzinfo=tz).isoformat(),
            _NEAR | st.dates(),
            st.times(),
            _OFFSETS,
        ),
    ),
)
# Values swapped into a body field (or for the whole body) now and then: nesting past the
# depth limit, integers past the digit limit, control characters, addresses email cannot go
# to, dates out of range. (The 100,000 `[` and 5,000-digit shapes cannot be built here:
# json.dumps refuses them too. test_every_operation_with_a_body_refuses_hostile_json sends
# them raw.)
DEEP = 40
HOSTILE_VALUES: list[Any] = [
    json.loads("[" * DEEP + "]" * DEEP),
    int("9" * 1_000),
    -(10**19),
    "A\u0000B",
    "Ada\r\nBcc: someone@example.com",
    "\ud800",
    "a(b@x.example",
    "a..b@x.example",
    *EDGE_DATES[:1],
    *EDGE_TIMESTAMPS[:2],
]


def _hostile(data: Any) -> st.SearchStrategy[Any]:
    """`data` with one top-level field (or the whole body) replaced by a hostile value."""
    values = st.sampled_from(HOSTILE_VALUES)
    if not isinstance(data, dict) or not data:
        return values
    return st.tuples(st.sampled_from(sorted(data)), values).map(
        lambda swap: {**data, swap[0]: swap[1]}
    )


def _sometimes_hostile(data: Any) -> st.SearchStrategy[Any]:
    # About one body in six: enough to find the class, while most cases still test the
    # rules. (Not 0 or 7: Hypothesis favours the ends of a range.)
    return st.integers(min_value=0, max_value=7).flatmap(
        lambda roll: _hostile(data) if roll == 3 else st.just(data)
    )


# Which seeded record a generated id may be swapped for (by field or parameter name).
REAL_IDS = {
    **PATH_IDS,  # the path parameters' records; then the ids a body names
    "coachee_id": "client_id",
    "practitioner_id": "staff_id",
    "coach_id": "staff_id",
    "assignee_id": "staff_id",
    "assigned_team_member_id": "staff_id",
    "owner_id": "admin_id",
}


def _config(examples: int, *, generate_credentials: bool) -> schemathesis.Config:
    """Positive and negative data, no shrinking (the report shows the failing request as
    sent), no stateful phase. `generate_credentials`: Hypothesis makes up (and leaves out)
    the bearer token; off when the test sends a real one, which would otherwise make a
    case "negative" by a header that the real one then replaces."""
    seed = {} if SEED is None else {"seed": SEED}
    return schemathesis.Config.from_dict(
        {
            **seed,
            "generation": {
                "mode": "all",
                "max-examples": examples,
                "no-shrink": True,
                "database": "none",
                "with-security-parameters": generate_credentials,
            },
            "phases": {"stateful": {"enabled": False}},
        }
    )


def _world(runner: Runner) -> World:
    """A fresh organization with a record of every kind, and a task whose tracker has no
    end date (the common case)."""
    drain_output(runner)
    assert runner.post("/_local/clock", json={"now": NOW.isoformat()}).status_code == 200
    world = World(runner.base_url, f"{new_org()}-fuzz").build()
    world.ok(
        "POST",
        f"/clients/{world.other_client_id}/trackers",
        201,
        json={
            "sessions": 1,
            "begin_date": (TODAY - timedelta(days=3)).isoformat(),
            "task": {"assignee_id": world.staff_id, "trigger": "count_reached"},
        },
    )
    starts = NOW - timedelta(hours=3)
    world.ok(
        "POST",
        "/appointments",
        201,
        json={
            "client_id": world.other_client_id,
            "practitioner_id": world.staff_id,
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(),
            "status": "completed",
        },
    )
    return world


@pytest.fixture(scope="module")
def seeded(runner: Runner) -> Iterator[World]:
    """The organization the fuzzing writes all over."""
    world = _world(runner)
    SEEDED["world"] = world
    yield world
    SEEDED.clear()
    settle(runner)
    world.session.close()


@pytest.fixture(scope="module")
def untouched(runner: Runner) -> Iterator[World]:
    """One that only the deterministic reads see."""
    world = _world(runner)
    yield world
    settle(runner)
    world.session.close()


def _real_value(world: World, name: str, value: Any, operation_path: str) -> Any:
    """The seeded record's id for a field named `name`, or None to keep the value."""
    if not isinstance(value, str) or not RECORD_ID.match(value):
        return None  # a negative value stays negative
    if name == "template_id":
        engagement = "/engagement" in operation_path
        return world.engagement_template_id if engagement else world.template_id
    if name == "location_id":
        return "north"
    key = REAL_IDS.get(name)
    return world.ids[key] if key else None


def _swap_ids(world: World, data: Any, path: str) -> Any:
    """`data` with every id-named field that holds a valid id replaced by a seeded one."""
    if isinstance(data, dict):
        swapped = {}
        for name, value in data.items():
            real = _real_value(world, name, value, path)
            swapped[name] = real if real is not None else _swap_ids(world, value, path)
        return swapped
    if isinstance(data, list):
        return [_swap_ids(world, item, path) for item in data]
    return data


def _document() -> dict[str, Any]:
    """/openapi.json as the API function answers it, asked in-process as `python -m local
    openapi` does (test_the_runner_serves_this_document checks it equals the runner's):
    schemathesis needs the document at collection time, before the session's runner starts,
    and without a deployment's settings."""
    from local.openapi import document

    parsed: dict[str, Any] = json.loads(document())
    return parsed


DOCUMENT = _document()
as_owner = schemathesis.openapi.from_dict(
    DOCUMENT, config=_config(EXAMPLES, generate_credentials=False)
)
anonymously = schemathesis.openapi.from_dict(
    DOCUMENT, config=_config(max(2, EXAMPLES // 4), generate_credentials=True)
)
SEEDED: dict[str, World] = {}  # the module's organization, once `seeded` has built it


@as_owner.hook("flatmap_path_parameters")
def _real_path_ids(context: Any, data: dict[str, Any]) -> Any:
    return _either(context, data)


@as_owner.hook("flatmap_query")
def _real_query_ids(context: Any, data: dict[str, Any]) -> Any:
    return _either(context, data)


@as_owner.hook("flatmap_body")
def _real_body_ids(context: Any, data: Any) -> Any:
    return _either(context, data).flatmap(_sometimes_hostile)


def _either(context: Any, data: Any) -> Any:
    """Half the generated cases name seeded records (ids in the path, query and body), so
    that requests get past the lookups; the rest keep what Hypothesis made."""
    world = SEEDED.get("world")
    if world is None or not isinstance(data, dict | list) or not data:
        return st.just(data)
    path = context.operation.path if context.operation else ""
    return st.sampled_from([_swap_ids(world, data, path), data])


@pytest.fixture(scope="module")
def anonymous_run(runner: Runner) -> str:
    drain_output(runner)
    return runner.base_url


@as_owner.parametrize()
@FUZZ_SETTINGS
def test_every_operation_as_the_owner(case: schemathesis.Case, seeded: World) -> None:
    case.call_and_validate(
        base_url=seeded.base_url, headers=seeded.headers("owner"), checks=ADMIN_CHECKS
    )


@anonymously.parametrize()
@FUZZ_SETTINGS
def test_every_operation_without_credentials(case: schemathesis.Case, anonymous_run: str) -> None:
    case.call_and_validate(base_url=anonymous_run, checks=ANONYMOUS_CHECKS)


READ_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_every_read_of_the_seeded_records_conforms(untouched: World) -> None:
    """Not left to chance: every GET, once with seeded records in its path and in every id
    filter of its query (a staff member's tasks, a client's appointments...), and the
    exports once more as CSV."""
    failures: list[str] = []
    for path, methods in DOCUMENT["paths"].items():
        if "get" not in methods:
            continue
        operation = as_owner[path]["GET"]
        ids = untouched.path_ids(path)
        real = {p.name: _real_value(untouched, p.name, "x", path) for p in operation.query}
        query = {name: value for name, value in real.items() if value is not None}
        if path == "/unsubscribe":
            query["token"] = "not-a-signed-token"
        variants = [query, {**query, "format": "csv"}] if path.startswith("/reports") else [query]
        for variant in variants:
            case = operation.Case(
                path_parameters={p.name: ids[p.name] for p in operation.path_parameters},
                query=variant,
            )
            try:
                case.call_and_validate(
                    base_url=untouched.base_url,
                    headers=untouched.headers("owner"),
                    checks=READ_CHECKS,
                )
            except FailureGroup as error:
                failures.append(f"GET {path} {variant}: {str(error)[:600]}")
    assert not failures, "\n\n".join(failures)


def test_the_runner_serves_this_document(runner: Runner) -> None:
    assert runner.get("/openapi.json").json() == DOCUMENT


def test_the_document_describes_every_deployed_route(runner: Runner) -> None:
    """SPEC §9: /openapi.json is the OpenAPI document of the whole API, the reference for
    web clients; what it leaves out is never fuzzed either."""
    document = runner.get("/openapi.json").json()
    documented = {
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method in operations
    }
    deployed = {
        f"{r.method} {r.path}"
        for r in http_routes(load_template())
        if r.path not in ("$default", "/openapi.json", "/docs")
    }
    assert sorted(deployed - documented) == []


HOSTILE_BODIES = {
    "deep": ("[" * 100_000, 422),
    "long integer": ('{"name": ' + "9" * 5_000 + "}", 422),
    "huge float": ('{"name": 1e999}', 422),
    "NaN": ('{"name": NaN}', 422),
    "too large": ('{"name": "' + "a" * 300_000 + '"}', 413),
}


def test_every_operation_with_a_body_refuses_hostile_json(untouched: World) -> None:
    """Not left to chance either (issue 10): each body shape that was a 500, sent raw to
    every operation that takes a body, is a 413 or 422 problem+json."""
    failures: list[str] = []
    ids = untouched.path_ids("")
    for path, methods in DOCUMENT["paths"].items():
        for method, operation in methods.items():
            if not isinstance(operation, dict) or "requestBody" not in operation:
                continue
            ids["template_id"] = untouched.path_ids(path)["template_id"]
            url = re.sub(r"\{(\w+)\}", lambda m: ids[m[1]], path)
            for name, (body, status) in HOSTILE_BODIES.items():
                response = untouched.session.request(
                    method.upper(),
                    untouched.base_url + url,
                    data=body.encode(),
                    headers={**untouched.headers("owner"), "Content-Type": "application/json"},
                    timeout=60,
                )
                kind = response.headers.get("content-type", "")
                if response.status_code != status or kind != "application/problem+json":
                    failures.append(
                        f"{method.upper()} {path} {name}: {response.status_code} {kind} "
                        f"{response.text[:200]}"
                    )
    assert not failures, "\n".join(failures)
