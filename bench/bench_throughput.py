"""Benchmark of API requests per second through the real handler, in-process under moto,
against raw boto3 GetItem/PutItem on the same moto table (the floor).

A cycle of four requests — GET /org, GET /clients/{id}, POST /appointments (a past
session on a client's package), PATCH /appointments/{id} {"status": "completed"} — is
timed through the API handler; the floor is a cycle of four raw calls on the same table:
GetItem of the same organization and client items, PutItem of an appointment item the
handler wrote (new key), PutItem of it again completed. Rounds alternate handler and raw
so both see the same machine; bounded: `--requests` each, then it stops.

    .venv/bin/python bench/bench_throughput.py [--requests 300] [--write BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c

ORG = "org-bench"
NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
FIRST_SESSION = datetime(2026, 4, 1, 6, 0, tzinfo=UTC)
ADMIN = c.claims(org=ORG, role="admin", sub="user-adam")
STAFF = c.claims(org=ORG, role="staff", sub="user-sam")
CLIENTS = 5
ROUNDS = 3
WARMUP_CYCLES = 4


class Workload:
    def __init__(self) -> None:
        import boto3

        from local import infra

        self.api = c.Api()
        self.raw = boto3.client("dynamodb", region_name=infra.REGION)
        self.session = 0
        self.raw_n = 0
        self.clients: list[dict[str, str]] = []
        self.latency: dict[str, list[float]] = defaultdict(list)

    def setup(self) -> None:
        c.seed_user(ORG, "user-sam", "staff")  # the practitioner it names (and a caller)
        c.seed_user(ORG, "user-adam", "admin")  # the API reads every caller's record
        on_track = {"enabled": True, "window_days": 30, "at_risk_below": 2, "off_track_below": 1}
        self._ok(
            self.api(
                "PUT", "/org", caller=ADMIN, body={"name": "Harbour", "timezone": "Europe/London"}
            )
        )
        for n in range(CLIENTS):
            body = {"name": f"Client {n}", "assigned_practitioner_ids": ["user-sam"]}
            client = self._ok(self.api("POST", "/clients", caller=ADMIN, body=body))["json"]
            package = self._ok(
                self.api(
                    "POST",
                    f"/clients/{client['id']}/packages",
                    caller=ADMIN,
                    route="POST /clients/{client_id}/packages",
                    params={"client_id": client["id"]},
                    body={"type": "usage", "start_date": "2026-01-01", "on_track": on_track},
                )
            )["json"]
            self.clients.append({"id": client["id"], "package": package["id"]})

    @staticmethod
    def _ok(response: dict[str, Any]) -> dict[str, Any]:
        if response["status"] >= 300:
            raise RuntimeError(f"request failed: {response}")
        return response

    def _timed(self, kind: str, call: Any) -> dict[str, Any]:
        start = time.perf_counter()
        response = call()
        self.latency[kind].append(time.perf_counter() - start)
        return self._ok(response)

    def handler_cycle(self, n: int) -> None:
        client = self.clients[n % CLIENTS]
        starts = FIRST_SESSION + timedelta(minutes=30 * self.session)
        self.session += 1
        api = self.api
        self._timed("GET /org", lambda: api("GET", "/org", caller=STAFF))
        self._timed(
            "GET /clients/{id}",
            lambda: api(
                "GET",
                f"/clients/{client['id']}",
                caller=STAFF,
                route="GET /clients/{client_id}",
                params={"client_id": client["id"]},
            ),
        )
        body = {
            "client_id": client["id"],
            "practitioner_id": "user-sam",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(minutes=25)).isoformat(),
            "package_id": client["package"],
        }
        made = self._timed(
            "POST /appointments", lambda: api("POST", "/appointments", caller=STAFF, body=body)
        )["json"]
        self._timed(
            "PATCH /appointments/{id}",
            lambda: api(
                "PATCH",
                f"/appointments/{made['id']}",
                caller=STAFF,
                route="PATCH /appointments/{appointment_id}",
                params={"appointment_id": made["id"]},
                body={"status": "completed"},
            ),
        )

    def prepare_raw(self) -> None:
        """The items the raw cycle reads and writes: the handler's own."""
        from momentum.store import dynamo

        table = c.moto_table()
        org_key = {"pk": {"S": f"ORG#{ORG}"}, "sk": {"S": "ORG"}}
        client_pk = f"ORG#{ORG}#CL#{self.clients[0]['id']}"
        client_key = {"pk": {"S": client_pk}, "sk": {"S": "S#CLIENT"}}
        appointment = next(
            item
            for item in (dynamo.to_attributes(i.to_regular_json()) for i in table.all_items())
            if item["pk"]["S"] == client_pk and item["sk"]["S"].startswith("A#")
        )
        self.raw_keys = (org_key, client_key)
        self.raw_item = appointment

    def raw_cycle(self, n: int) -> None:
        org_key, client_key = self.raw_keys
        self.raw_n += 1
        item = copy.deepcopy(self.raw_item)
        item["sk"] = {"S": f"A#raw-{self.raw_n:08d}"}
        self.raw.get_item(TableName="MomentumTable", Key=org_key, ConsistentRead=True)
        self.raw.get_item(TableName="MomentumTable", Key=client_key, ConsistentRead=True)
        self.raw.put_item(TableName="MomentumTable", Item=item)
        item["status"] = {"S": "completed"}
        self.raw.put_item(TableName="MomentumTable", Item=item)


def measure(requests: int) -> dict[str, Any]:
    cycles = max(requests // 4 // ROUNDS, 1)
    counter = c.DynamoCounter()
    moto = c.MotoClock()
    with (
        c.light_moto_transactions(),
        c.moto_account(NOW),
        counter.installed(),
        moto.installed(),
    ):
        work = Workload()
        work.setup()
        for n in range(WARMUP_CYCLES):
            work.handler_cycle(n)
        work.prepare_raw()
        for n in range(WARMUP_CYCLES):
            work.raw_cycle(n)
        work.latency.clear()
        handler_s = raw_s = 0.0
        counter.reset()
        handler_calls = raw_calls = 0
        handler_moto = raw_moto = 0.0
        for _ in range(ROUNDS):
            before, in_moto = len(counter.calls), moto.seconds
            start = time.perf_counter()
            for n in range(cycles):
                work.raw_cycle(n)
            raw_s += time.perf_counter() - start
            raw_calls += len(counter.calls) - before
            raw_moto += moto.seconds - in_moto
            before, in_moto = len(counter.calls), moto.seconds
            start = time.perf_counter()
            for n in range(cycles):
                work.handler_cycle(n)
            handler_s += time.perf_counter() - start
            handler_calls += len(counter.calls) - before
            handler_moto += moto.seconds - in_moto
    done = cycles * ROUNDS * 4
    return {
        "requests": done,
        "handler_s": handler_s,
        "raw_s": raw_s,
        "handler_moto": handler_moto,
        "raw_moto": raw_moto,
        "handler_calls": handler_calls,
        "raw_calls": raw_calls,
        "latency": dict(work.latency),
    }


def report(argv: list[str]) -> c.Report:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per side")
    args = parser.parse_args(argv)
    r = measure(args.requests)
    handler_rps = r["requests"] / r["handler_s"]
    raw_rps = r["requests"] / r["raw_s"]
    raw_ms = r["raw_s"] / r["requests"] * 1000
    n = r["requests"]
    handler_own = (r["handler_s"] - r["handler_moto"]) / n * 1000
    raw_own = (r["raw_s"] - r["raw_moto"]) / n * 1000
    rows = [
        [
            "API handler (mix of 4 routes)",
            n,
            f"{handler_rps:,.0f}",
            f"**{handler_rps / raw_rps:.3f}**",
            f"{r['handler_calls'] / n:.2f}",
            f"{r['handler_moto'] / n * 1000:.2f}",
            f"{handler_own:.2f}",
            f"{handler_own / raw_own:.1f}",
        ],
        [
            "raw boto3 GetItem/PutItem (floor)",
            n,
            f"{raw_rps:,.0f}",
            "1",
            f"{r['raw_calls'] / n:.2f}",
            f"{r['raw_moto'] / n * 1000:.2f}",
            f"{raw_own:.2f}",
            "1",
        ],
    ]
    header = [
        "path",
        "requests",
        "requests/s",
        "rps ratio to raw",
        "DynamoDB calls / request",
        "ms / request in moto",
        "ms / request outside moto",
        "outside-moto ratio",
    ]
    per_route = c.table(
        ["route", "median ms", "x a raw call (mean)"],
        [
            [
                f"`{kind}`",
                f"{c.median(values) * 1000:.1f}",
                f"{c.median(values) * 1000 / raw_ms:.1f}",
            ]
            for kind, values in r["latency"].items()
        ],
        "lrr",
    )
    notes = [
        f"{r['requests']} requests each side in {ROUNDS} alternating rounds after "
        f"{WARMUP_CYCLES} unmeasured warm-up cycles, one process, in-process moto (no "
        "network). The ratio is handler requests/s ÷ raw calls/s: what the handler's "
        "routing, validation, logic, serialisation and extra DynamoDB calls cost over the "
        "emulated table itself. moto's cost per call is in both; moto's whole-table "
        "backup per TransactWriteItems is replaced as in the nightly benchmark. 'In moto' "
        "is the time inside moto's request handling (the emulated DynamoDB: request "
        "parsing, the table, response serialisation); 'outside moto' is ours, Powertools' "
        "and botocore's — the part a real deployment also pays in the Lambda.",
        "No DESIGN.md target for throughput; the per-route medians below are for finding "
        "where handler time goes (single process, so ms are this machine's).",
    ]
    return c.Report(
        "API throughput: handler vs raw DynamoDB calls",
        c.command("bench/bench_throughput.py", ["--requests", str(args.requests)]),
        c.table(header, rows),
        notes,
        [per_route],
    )


def main(argv: list[str] | None = None) -> int:
    return c.main_with_write(report, argv, "API throughput")


if __name__ == "__main__":
    raise SystemExit(main())
