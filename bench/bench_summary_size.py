"""Benchmark of item sizes over years of history (issue #15, target 2: items that don't grow
forever).

One client comes every week for five simulated years, each session recorded as completed
through the real API (`POST /appointments`, in-process, moto): a subscription package with
On track (their preferred package, so every session goes in), a one-to-one engagement the
sessions belong to, and two trackers — one resetting every four weeks and one counting
every session since the first. After one and after five years it reports the size of each
item the write touches (DynamoDB's item-size rules) and the write units of "record a
completed session": per item written, 1 WCU per started KB of the larger of the item
before and after, x2 in a transaction. The baseline is the same simulation with trimming
turned off (every date kept, each tracker carrying the client's whole tally, as before
issue #15), in the same run. Flat: the 5-year write units equal the 1-year ones and no
item's 5-year size exceeds its 1-year size by more than 10% (5-year ÷ 1-year ≈ 1.0).

    .venv/bin/python bench/bench_summary_size.py [--years 5] [--write BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import _common as c

ORG = "org-sizes"
START = date(2021, 1, 4)  # a Monday
OWNER = c.claims(org=ORG, role="owner", sub="user-owner")
STAFF = c.claims(org=ORG, role="staff", sub="user-sam")
CHECKPOINTS = (1, 2, 5)
FLAT = 1.10  # a 5-year figure within 10% of the 1-year one


# -- DynamoDB's item size -----------------------------------------------------------------


def attribute_size(value: Any) -> int:
    """Bytes of one attribute value, as DynamoDB counts them for item size and capacity:
    strings UTF-8, numbers ~1 byte per two significant digits + 1, maps and lists 3 bytes
    plus 1 per element, booleans and nulls 1 byte."""
    if value is None or isinstance(value, bool):
        return 1
    if isinstance(value, str):
        return len(value.encode("utf-8"))
    if isinstance(value, (int, Decimal)):
        digits = len(str(abs(value)).replace(".", "").lstrip("0")) or 1
        return math.ceil(digits / 2) + 1
    if isinstance(value, dict):
        return 3 + sum(len(k.encode()) + attribute_size(v) + 1 for k, v in value.items())
    if isinstance(value, (list, tuple, set)):
        return 3 + sum(attribute_size(v) + 1 for v in value)
    raise TypeError(f"no size for {type(value).__name__}")


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + attribute_size(v) for name, v in item.items())


def write_units(size_bytes: int) -> int:
    return max(1, math.ceil(size_bytes / 1024))


# -- the simulation ------------------------------------------------------------------------


@dataclass
class Checkpoint:
    years: int
    sessions: int
    item_bytes: dict[str, int] = field(default_factory=dict)  # by kind, after the write
    wcu: int = 0  # of the checkpoint's "record a completed session"
    written: list[str] = field(default_factory=list)  # "kind: ops" written by it


def _kind(sk: str) -> str:
    for prefix, kind in (
        ("S#CLIENT", "client"),
        ("S#PKG#", "package"),
        ("S#ENG#", "engagement"),
        ("S#TRK#", "tracker"),
        ("A#", "appointment"),
        ("U#HIST#", "history"),
        ("U#TASK#", "task"),
        ("U#ASSIGN#", "assignment"),
    ):
        if sk.startswith(prefix):
            return kind
    return sk.split("#", 1)[0]


def _partition(client_pk: str) -> dict[tuple[str, str], dict[str, Any]]:
    from momentum.store import dynamo

    return {(i["pk"], i["sk"]): i for i in dynamo.query_all(client_pk, consistent=True)}


@contextlib.contextmanager
def _captured_transactions() -> Iterator[list[list[dict[str, Any]]]]:
    """The operations of every TransactWriteItems the product sends."""
    from momentum.store import dynamo

    sent: list[list[dict[str, Any]]] = []
    original = dynamo.transact_write

    def capture(ops: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(list(ops))
        return original(ops, *args, **kwargs)

    dynamo.transact_write = capture  # type: ignore[assignment]
    try:
        yield sent
    finally:
        dynamo.transact_write = original  # type: ignore[assignment]


def _op_key(op: dict[str, Any]) -> tuple[str, tuple[str, str]]:
    ((kind, body),) = op.items()
    key = body.get("Key") or body.get("Item")
    return kind, (key["pk"]["S"], key["sk"]["S"])


@contextlib.contextmanager
def _untrimmed() -> Iterator[None]:
    """Trimming off: every tally keeps every date, and a tracker's copy is the client's
    whole tally (the stored format before issue #15)."""
    from momentum.domain import retention

    saved = retention.KEEP_NEWEST, retention.tracker_copy
    retention.KEEP_NEWEST = 10**9

    def whole(completed: Any, *_: Any) -> Any:
        return completed

    retention.tracker_copy = whole  # type: ignore[assignment]
    try:
        yield
    finally:
        retention.KEEP_NEWEST, retention.tracker_copy = saved  # type: ignore[assignment]


def _at(moment: datetime) -> None:
    from momentum import clock

    clock.install(clock.SettableClock(moment))


def _ok(response: dict[str, Any], what: str) -> dict[str, Any]:
    if response["status"] >= 300:
        raise RuntimeError(f"{what} answered {response['status']}: {response['json']}")
    return response["json"]


def _setup(api: c.Api) -> dict[str, str]:
    _at(datetime.combine(START - timedelta(days=3), datetime.min.time(), tzinfo=UTC))
    _ok(api("PUT", "/org", caller=OWNER, body={"name": "Harbour", "timezone": "Europe/London"}),
        "PUT /org")  # fmt: skip
    client = _ok(
        api("POST", "/clients", caller=OWNER,
            body={"name": "Ada Lovelace", "email": "ada@example.com",
                  "assigned_practitioner_ids": ["user-sam"]}),
        "POST /clients",
    )["id"]  # fmt: skip
    on_track = {"enabled": True, "window_days": 30, "at_risk_below": 2, "off_track_below": 1}
    package = _ok(
        api("POST", f"/clients/{client}/packages", caller=OWNER,
            route="POST /clients/{client_id}/packages", params={"client_id": client},
            body={"type": "subscription", "size": 5, "period": "month",
                  "start_date": START.isoformat(), "preferred": True, "on_track": on_track}),
        "POST package",
    )["id"]  # fmt: skip
    for body in (
        {"sessions": 4, "begin_date": START.isoformat(),
         "end_date": (START + timedelta(days=27)).isoformat(), "auto_reset": True,
         "task": {"assignee_id": "user-sam", "trigger": "count_reached"}},
        {"sessions": 100, "begin_date": START.isoformat(), "note": "since the first session"},
    ):  # fmt: skip
        _ok(api("POST", f"/clients/{client}/trackers", caller=STAFF,
                route="POST /clients/{client_id}/trackers", params={"client_id": client},
                body=body), "POST tracker")  # fmt: skip
    template = _ok(
        api("POST", "/engagement-templates", caller=OWNER,
            body={"name": "Coaching", "type": "one_to_one", "threshold_days": 21}),
        "POST template",
    )["id"]  # fmt: skip
    engagement = _ok(
        api("POST", "/engagements", caller=OWNER,
            body={"template_id": template, "coachee_id": client, "coach_id": "user-sam"}),
        "POST engagement",
    )["id"]  # fmt: skip
    _ok(api("PATCH", f"/engagements/{engagement}", caller=OWNER,
            route="PATCH /engagements/{engagement_id}", params={"engagement_id": engagement},
            body={"status": "active"}), "activate")  # fmt: skip
    return {"client": client, "package": package, "engagement": engagement}


def _session(api: c.Api, ids: dict[str, str], day: date) -> None:
    _at(datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12))
    body = {
        "client_id": ids["client"],
        "practitioner_id": "user-sam",
        "starts_at": f"{day.isoformat()}T10:00:00+00:00",
        "ends_at": f"{day.isoformat()}T10:50:00+00:00",
        "status": "completed",
        "package_id": ids["package"],
        "engagement_id": ids["engagement"],
    }
    _ok(api("POST", "/appointments", caller=STAFF, body=body), "record a completed session")


def simulate(years: int, *, trimmed: bool) -> list[Checkpoint]:
    """Weekly sessions for `years` years; a Checkpoint after each of CHECKPOINTS' years."""
    from momentum.store.keys import client_pk

    found: list[Checkpoint] = []
    with (
        c.moto_account(datetime(2020, 12, 1, tzinfo=UTC)),
        c.light_moto_transactions(),
        _untrimmed() if not trimmed else contextlib.nullcontext(),
    ):
        c.seed_user(ORG, "user-sam", "staff")
        c.seed_user(ORG, "user-owner", "owner")
        api = c.Api()
        ids = _setup(api)
        pk = client_pk(ORG, ids["client"])
        wanted = {52 * y: y for y in CHECKPOINTS if y <= years}
        for week in range(1, 52 * years + 1):
            day = START + timedelta(weeks=week - 1)
            if week not in wanted:
                _session(api, ids, day)
                continue
            found.append(_measured(api, ids, day, pk, wanted[week], week))
    return found


def _measured(
    api: c.Api, ids: dict[str, str], day: date, pk: str, years: int, week: int
) -> Checkpoint:
    before = _partition(pk)
    with _captured_transactions() as sent:
        _session(api, ids, day)
    after = _partition(pk)
    point = Checkpoint(years, week)
    for kind, key in (_op_key(op) for op in sent[-1]):
        size = max(item_size(before.get(key, {})), item_size(after.get(key, {})))
        point.wcu += 2 * write_units(size)
        point.written.append(f"{_kind(key[1])} {kind}")
    for key, item in after.items():
        name = _kind(key[1])
        if name in ("client", "package", "engagement", "tracker"):
            label = name if name != "tracker" else f"tracker ({item.get('note') or 'monthly'})"
            point.item_bytes[label] = item_size(item)
    return point


# -- the report ----------------------------------------------------------------------------


def _ratio(later: float, first: float) -> str:
    return f"{later / first:.2f}"


def _figures(points: dict[int, Checkpoint], label: str | None, years: list[int]) -> list[Any]:
    values = [points[y].wcu if label is None else points[y].item_bytes[label] for y in years]
    return [*values, _ratio(values[-1], values[0])]


def report(years: int) -> c.Report:
    trimmed = {p.years: p for p in simulate(years, trimmed=True)}
    baseline = {p.years: p for p in simulate(years, trimmed=False)}
    shown = sorted(trimmed)
    first, last = shown[0], shown[-1]
    labels = sorted(trimmed[last].item_bytes)
    rows = [
        [
            f"{label} item, bytes",
            *_figures(baseline, label, shown),
            *_figures(trimmed, label, shown),
        ]
        for label in labels
    ]
    rows.append(
        ["WCU of “record a completed session”", *_figures(baseline, None, shown),
         *_figures(trimmed, None, shown)]
    )  # fmt: skip
    ratios = {
        label: trimmed[last].item_bytes[label] / trimmed[first].item_bytes[label]
        for label in labels
    }
    wcu_ratio = trimmed[last].wcu / trimmed[first].wcu
    flat = wcu_ratio <= 1.0 and all(r <= FLAT for r in ratios.values())
    header = [
        "what",
        *(f"untrimmed {y} y" for y in shown),
        f"{last} y / {first} y",
        *(f"trimmed {y} y" for y in shown),
        f"{last} y / {first} y",
    ]
    widest = max(ratios, key=lambda label: ratios[label])
    notes = [
        f"One client, a session every week ({', '.join(str(trimmed[y].sessions) for y in shown)} "
        f"sessions at {', '.join(f'{y} y' for y in shown)}), each recorded as completed "
        "through `POST /appointments` (the API handler in-process, moto): a subscription "
        "package with On track (5 a month, preferred), a one-to-one engagement (threshold 21 "
        "days), a tracker resetting every 4 weeks and one counting every session since the "
        "first.",
        "Item bytes by DynamoDB's size rules, after the checkpoint's write; WCU = Σ over the "
        "items the transaction writes of ⌈max(size before, size after) / 1 KB⌉ x 2 "
        "(transactional). The write at each checkpoint: " + ", ".join(trimmed[last].written) + ".",
        "Baseline: the same simulation in the same run with trimming off "
        "(`momentum.domain.retention` keeping every date; trackers carrying the client's "
        "whole tally), i.e. the stored format before issue #15.",
        "The package keeps its last 365 days (the longest On track window): its window is "
        "full at one year, so it grows once by the few dates kept before the window and the "
        "trim's count, then stays (2 y → 5 y).",
        f"Target (issue 15, target 2): item size and write units flat over five years — WCU "
        f"{_ratio(trimmed[last].wcu, trimmed[first].wcu)}x, largest item ratio "
        f"{ratios[widest]:.2f}x ({widest}), {last} y ÷ {first} y, flat = WCU ≤ 1.00x and every "
        f"item ≤ {FLAT:.2f}x: **{'met' if flat else 'missed'}**.",
    ]
    return c.Report(
        "Item size over years of history (issue 15, target 2)",
        c.command("bench/bench_summary_size.py", [f"--years={years}"]),
        c.table(header, rows),
        notes,
    )


def build(argv: list[str]) -> c.Report:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--years", type=int, default=5)
    return report(parser.parse_args(argv).years)


def main(argv: list[str] | None = None) -> int:
    return c.main_with_write(build, argv, "Item size over years of history")


if __name__ == "__main__":
    sys.exit(main())
