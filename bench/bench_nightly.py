"""Benchmark of the nightly chain: items read per due item, against a full-scan baseline.

Seeds `--tracked` package items (as tests/integration/test_nightly_reads.py does) of which
`--due-ratio` are due now and the rest due next year — `--reminded-share` of the due
packages on their reminder day (At risk for two days, reminders to the client and the
assigned team member: their client and user records are seeded too) — then runs the
scheduled chain in-process under moto — the real nightly handler, the evaluator queue, the
evaluator, then the mailer (and any queue they feed) — as the integration tests' `nightly`
fixture does, and counts every item DynamoDB read for it: the nightly with the evaluator
per due item, the mailer per email. The baseline reads every item the way a design
without the due index would: a Scan of the whole table (only the baseline Scans).

    .venv/bin/python bench/bench_nightly.py [--tracked 50000] [--due-ratio 0.02]
        [--reminded-share 0.5] [--seed backend|batch] [--write BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c

NOW = datetime(2026, 6, 1, 0, 30, tzinfo=UTC)
LATER = datetime(2027, 6, 1, tzinfo=UTC)
ORG = "org-bench"
TIMEZONE = "Europe/London"
TARGET = 1.05  # DESIGN.md: items read <= 1.05 x items due
TARGET_MAILER = 1.0  # issue 15 target 3: items read per email besides its claim
TEAM = [f"user-p{n:02d}" for n in range(20)]  # the team members reminded packages name


def _items(
    count: int, due: int, tracker_share: float, reminded_share: float = 0.0
) -> tuple[list[dict[str, Any]], set[tuple[str, str]]]:
    """`count` tracked items as DynamoDB attribute values, every 1/`tracker_share`-th a
    session tracker (with its client's record, which trackers are evaluated against) and
    the rest usage packages; the first `due` are due now, the rest next year, and every
    1/`reminded_share`-th due package is on its reminder day (`_reminded`, with its
    client's record). Returns the items and the keys of the not-due tracked items."""
    from momentum.domain.on_track import OnTrackSettings
    from momentum.domain.packages import Package, PackageKind, PackageSize
    from momentum.domain.trackers import Tracker
    from momentum.store import clients as client_store
    from momentum.store import dynamo
    from momentum.store import packages as package_store
    from momentum.store import trackers as tracker_store
    from momentum.store.due import due_fields

    settings = OnTrackSettings(enabled=True, window_days=30, at_risk_below=1, off_track_below=0)
    every = round(1 / tracker_share) if tracker_share > 0 else 0
    remind_every = round(1 / reminded_share) if reminded_share > 0 else 0
    items, not_due = [], set()
    due_packages = 0
    for n in range(count):
        client_id = f"cl_{n:026d}"
        is_tracker = bool(every and n % every == every - 1)
        if n < due and not is_tracker:
            due_packages += 1
        if remind_every and n < due and not is_tracker and due_packages % remind_every == 0:
            item, client = _reminded(n, client_id)
            items += [dynamo.to_attributes(client), dynamo.to_attributes(item)]
            continue
        if is_tracker:
            tracker = Tracker(
                f"trk_{n:026d}_{n:026d}", client_id, 6, date(2026, 5, 1), date(2026, 8, 31)
            )
            # As the appointment path writes them: with the copy of the client's completed
            # sessions, so the evaluator needs no read of the client.
            item = tracker_store.to_item(
                tracker_store.TrackerRecord(
                    ORG, tracker, client_completed={}, version=1, state_version=1
                )
            )
            client = client_store.ClientRecord(ORG, client_id, f"Client {n}", version=1)
            items.append(dynamo.to_attributes(client_store.to_item(client)))
        else:
            record = package_store.PackageRecord(
                org_id=ORG,
                package=Package(
                    id=f"pkg_{n:026d}_{n:026d}",
                    client_id=client_id,
                    size=PackageSize(PackageKind.USAGE),
                    start_date=date(2026, 1, 1),
                ),
                name="Plan",
                template_settings=settings,
                version=1,
                state_version=1,
            )
            item = package_store.to_item(record)
        item.update(due_fields(item["pk"], item["sk"], NOW if n < due else LATER))
        if n >= due:
            not_due.add((item["pk"], item["sk"]))
        items.append(dynamo.to_attributes(item))
    return items, not_due


def _reminded(n: int, client_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Package `n` on its reminder day, and its client's record: At risk since two days ago
    (one session in its 30-day window, two wanted), reminders after 2 days to the assigned
    team member and the client — as a write two days ago left it, due today."""
    from momentum.domain.on_track import OnTrackSettings
    from momentum.domain.packages import Package, PackageKind, PackageSize, PackageSummary
    from momentum.domain.tally import Tally
    from momentum.logic.tracking import refresh_package
    from momentum.store import clients as client_store
    from momentum.store import packages as package_store

    settings = OnTrackSettings(
        enabled=True,
        window_days=30,
        at_risk_below=2,
        off_track_below=1,
        reminder_after_days=2,
        remind_team_member=True,
        remind_client=True,
    )
    package_id = f"pkg_{n:026d}_{n:026d}"
    name = f"Client {n}"
    record = package_store.PackageRecord(
        org_id=ORG,
        package=Package(
            id=package_id,
            client_id=client_id,
            size=PackageSize(PackageKind.USAGE),
            start_date=date(2026, 1, 1),
            assigned_team_member_id=TEAM[n % len(TEAM)],
        ),
        name="Plan",
        client_name=name,
        template_settings=settings,
        summary=PackageSummary(
            package_id, completed=Tally[date]().add(date(2026, 5, 20)), used_sessions=1
        ),
        version=1,
        state_version=1,
    )
    written = refresh_package(record, date(2026, 5, 30), TIMEZONE)
    due_at = written.due.get("due_at", "")
    if not due_at or datetime.fromisoformat(due_at) > NOW:
        raise RuntimeError(f"a reminded package is not due by {NOW}: {written.due}")
    client = client_store.ClientRecord(
        ORG, client_id, name, email=f"client{n}@bench.example", version=1
    )
    return package_store.to_item(written), client_store.to_item(client)


def _seed(items: list[dict[str, Any]], how: str) -> None:
    if how == "backend":  # straight into moto's in-memory table: no HTTP, no botocore
        from moto.dynamodb.models import dynamo_type

        table = c.moto_table()
        # moto re-sums the whole item's size on every attribute it sets (O(attributes²)
        # per item) to enforce the 400 KB limit; these items are ~2 KB, so skip that here.
        checked = dynamo_type.LimitedSizeDict.__setitem__
        dynamo_type.LimitedSizeDict.__setitem__ = dict.__setitem__  # type: ignore[method-assign,assignment]
        try:
            for attrs in items:
                table.put_item(attrs)
        finally:
            dynamo_type.LimitedSizeDict.__setitem__ = checked  # type: ignore[method-assign]
        return
    import boto3

    from local import infra

    raw = boto3.client("dynamodb", region_name=infra.REGION)
    for start in range(0, len(items), 25):
        chunk = [{"PutRequest": {"Item": i}} for i in items[start : start + 25]]
        raw.batch_write_item(RequestItems={"MomentumTable": chunk})


def _organization() -> None:
    """The organization's record (its timezone decides each item's day)."""
    from momentum.domain.organizations import Organization
    from momentum.store import organizations as org_store

    org_store.save(Organization(ORG, "Bench practice", TIMEZONE), expected_version=0)
    for user_id in TEAM:  # the team members reminded packages are assigned to
        c.seed_user(ORG, user_id)


def _full_scan() -> int:
    """The baseline: read every item of the table (Scan, every page); returns pages.

    DynamoDB reads (and bills) every whole item a Scan passes; the projection to the key
    only keeps moto from serialising 50,000 full items into responses (~10 ms each)."""
    import boto3

    from local import infra

    raw = boto3.client("dynamodb", region_name=infra.REGION)
    pages, start = 0, None
    while True:
        kwargs: dict[str, Any] = {
            "TableName": "MomentumTable",
            "ProjectionExpression": "pk, sk",
        }
        if start:
            kwargs["ExclusiveStartKey"] = start
        response = raw.scan(**kwargs)
        pages += 1
        start = response.get("LastEvaluatedKey")
        if not start:
            return pages


def measure(
    tracked: int,
    due_ratio: float,
    tracker_share: float,
    seed: str,
    reminded_share: float = 0.0,
) -> dict[str, Any]:
    from momentum import clock

    due = round(tracked * due_ratio)
    every = round(1 / tracker_share) if tracker_share > 0 else 0
    due_trackers = sum(1 for n in range(due) if every and n % every == every - 1)
    remind_every = round(1 / reminded_share) if reminded_share > 0 else 0
    counter = c.DynamoCounter()
    result: dict[str, Any] = {
        "tracked": tracked,
        "due": due,
        "due_trackers": due_trackers,
        "trackers": sum(1 for n in range(tracked) if every and n % every == every - 1),
        "reminded": (due - due_trackers) // remind_every if remind_every else 0,
        "seed": seed,
    }
    with c.light_moto_transactions(), c.moto_account(NOW) as local, counter.installed():
        clock.install(clock.SettableClock(NOW))
        items, not_due = _items(tracked, due, tracker_share, reminded_share)
        result["stored"] = len(items)
        started = time.perf_counter()
        with counter.paused():
            _seed(items, seed)
            _organization()
        result["seed_seconds"] = time.perf_counter() - started
        del items

        counter.reset()
        started = time.perf_counter()
        result["scan_pages"] = _full_scan()
        result["scan_seconds"] = time.perf_counter() - started
        result["baseline_items"] = counter.items_read
        result["baseline_calls"] = dict(counter.by_operation)

        counter.reset()
        started = time.perf_counter()
        # The nightly with the evaluator (every queue but the mailer's), then the mailer:
        # counted apart, as the targets are (per due item; per email).
        summary = c.run_scheduled_chain(local, queues=_queues() - {MAIL_QUEUE})
        result["chain_seconds"] = time.perf_counter() - started
        result["summary"] = summary
        result["chain_items"] = counter.items_read
        result["chain_calls"] = dict(counter.by_operation)
        result["not_due_read"] = sum(1 for key in counter.keys if key in not_due)
        result["read_by_kind"] = _kinds(counter.keys)

        counter.reset()
        sent_before = _ses_sent()
        mailed = c.run_scheduled_chain(local, queues={MAIL_QUEUE}, scheduled=False)
        result["deliveries"] = mailed["queues"][MAIL_QUEUE]
        result["emails"] = _ses_sent() - sent_before
        result["mailer_items"] = counter.items_read
        result["mailer_calls"] = dict(counter.by_operation)
        result["mailer_by_kind"] = _kinds(counter.keys)
        c.run_scheduled_chain(local, scheduled=False)  # anything the mailer fed (uncounted)

        counter.reset()
        second = c.run_scheduled_chain(local)
        result["second_due"] = second["NightlyFunction"]["items"]
        result["second_items"] = counter.items_read
    return result


MAIL_QUEUE = "MailQueue"


def _queues() -> set[str]:
    from local import infra

    return set(infra.sqs_consumers(infra.load_template()))


def _ses_sent() -> int:
    """Emails moto's SES accepted so far."""
    from moto.ses.models import ses_backends

    from local import infra

    return len(ses_backends[infra.ACCOUNT_ID][infra.REGION].sent_messages)


def report(argv: list[str]) -> c.Report:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracked", type=int, default=50_000, help="tracked items stored")
    parser.add_argument("--due-ratio", type=float, default=0.02, help="share due tonight")
    parser.add_argument(
        "--tracker-share",
        type=float,
        default=0.2,
        help="share of tracked items that are session trackers (the rest: packages)",
    )
    parser.add_argument(
        "--reminded-share",
        type=float,
        default=0.5,
        help="share of the due packages on their reminder day (client and team member)",
    )
    parser.add_argument(
        "--seed",
        choices=("backend", "batch"),
        default="backend",
        help="backend: insert into moto's table directly (fast); batch: BatchWriteItem of 25",
    )
    args = parser.parse_args(argv)
    r = measure(args.tracked, args.due_ratio, args.tracker_share, args.seed, args.reminded_share)
    due, nightly = r["due"], r["summary"]["NightlyFunction"]
    found = nightly["items"]
    per_due = r["chain_items"] / max(found, 1)
    base_per_due = r["baseline_items"] / max(found, 1)
    ratio = per_due / base_per_due if base_per_due else float("nan")
    ok = per_due <= TARGET and r["not_due_read"] == 0 and found == due
    queues = ", ".join(f"{q} {n}" for q, n in r["summary"]["queues"].items() if n)
    kinds = r["read_by_kind"]
    due_packages = due - r["due_trackers"]
    package_reads = kinds.get("package", 0)
    tracker_reads = kinds.get("tracker", 0) + kinds.get("client", 0)
    other_reads = r["chain_items"] - package_reads - tracker_reads
    emails, deliveries = r["emails"], r["deliveries"]
    mailer_kinds = r["mailer_by_kind"]
    claims = mailer_kinds.get("OUTBOX", 0)
    besides = r["mailer_items"] - claims
    per_email = besides / emails if emails else 0.0
    mailer_ok = per_email <= TARGET_MAILER
    rows = [
        [
            "nightly chain (due index), all",
            f"{r['chain_items']:,}",
            f"{found:,}",
            f"**{per_due:.3f}**",
            f"{ratio:.4f}",
            _ops(r["chain_calls"]),
        ],
        [
            "… package rows",
            f"{package_reads:,}",
            f"{due_packages:,}",
            f"{package_reads / max(due_packages, 1):.3f}",
            "",
            "",
        ],
        [
            "… tracker rows + their clients' records",
            f"{kinds.get('tracker', 0):,} + {kinds.get('client', 0):,}",
            f"{r['due_trackers']:,}",
            f"{tracker_reads / max(r['due_trackers'], 1):.3f}",
            "",
            "",
        ],
        [
            "mailer, all",
            f"{r['mailer_items']:,}",
            f"{emails:,} emails",
            f"{r['mailer_items'] / max(emails, 1):.3f} / email",
            "",
            _ops(r["mailer_calls"]),
        ],
        [
            "**mailer besides its claim**",
            f"{besides:,}",
            f"{emails:,} emails",
            f"**{per_email:.3f}** / email",
            "",
            f"claims: {claims:,} intents read",
        ],
        [
            "baseline: full Scan",
            f"{r['baseline_items']:,}",
            f"{found:,}",
            f"{base_per_due:.2f}",
            "1",
            _ops(r["baseline_calls"]),
        ],
    ]
    header = [
        "reader",
        "items read",
        "due items (emails)",
        "items read / due item (email)",
        "ratio to baseline",
        "DynamoDB calls",
    ]
    notes = [
        f"{r['tracked']:,} tracked items ({r['tracked'] - r['trackers']:,} usage packages, "
        f"{r['trackers']:,} session trackers, each tracker's client record too: "
        f"{r['stored']:,} items stored), {due:,} due ({args.due_ratio:.1%}), of which "
        f"{r['reminded']:,} packages on their reminder day ({args.reminded_share:.0%} of the "
        "due packages; each reminds its client and its assigned team member, one of "
        f"{len(TEAM)}, whose records are stored too); the nightly "
        f"found {found:,} due in {nightly['shards']} shards and sent {nightly['messages']} "
        f"messages ({queues} processed). Not-due items read by the chain: "
        f"**{r['not_due_read']}**. A second run right after found {r['second_due']} due and "
        f"read {r['second_items']} items.",
        f"Target (DESIGN.md): ≤ {TARGET} items read per due item and 0 not-due items read — "
        + (
            "**met**."
            if ok
            else f"**missed** ({per_due:.3f} per due item, {r['not_due_read']} not-due read)."
        ),
        f"Target (issue 15, target 3): the mailer reads ≤ {TARGET_MAILER:g} item per email "
        f"besides its claim — {'**met**' if mailer_ok else '**missed**'} ({per_email:.3f}; "
        f"{deliveries:,} deliveries, {emails:,} emails sent). Reminders name their "
        "recipient by id: the evaluator reads no client and no user for them, and the mailer "
        "reads the recipient's record once at send time (address, name, active or invited "
        "as they are then), besides their preferences and suppression (no item when they "
        "have none) and the organization (cached per container). Mailer items read by "
        "kind: "
        + (", ".join(f"`{k}` {n:,}" for k, n in sorted(mailer_kinds.items())) or "none")
        + ".",
        "Items read = Query/Scan `ScannedCount` + GetItem hits + BatchGetItem items, counted "
        "with botocore after-call hooks on every DynamoDB client (the product's and "
        "Powertools'); seeding is not counted. By kind: items returned whose sort key is "
        "a package, a tracker or a client record; the evaluator reads a client record only "
        "for a tracker stored before trackers carried their copy of the client's sessions "
        f"(once: it then writes the copy); {other_reads} other item(s): the organization's "
        "record (read once, then cached per container).",
        "Seeding: "
        + (
            "inserted directly into moto's in-memory table (`Table.put_item`, skipping "
            "moto's per-attribute 400 KB re-check), not through HTTP/botocore; "
            "`--seed batch` seeds with BatchWriteItem of 25 instead (slower)"
            if r["seed"] == "backend"
            else "BatchWriteItem of 25 through boto3"
        )
        + f"; seeding took {r['seed_seconds']:.0f} s. moto's TransactWriteItems deep-copies "
        "the whole table per operation to be able to roll back (cost grows with the items "
        "stored, per transaction); the run replaces that backup with a snapshot of the "
        "targeted items (`bench/_common.py: light_moto_transactions`, same all-or-nothing "
        "outcome) — "
        "counts are unaffected. Wall time under moto (informational, not a figure): chain "
        f"{r['chain_seconds']:.0f} s, full scan {r['scan_seconds']:.0f} s.",
    ]
    at = c.where(
        "shared/momentum/logic/evaluators/trackers.py", "client = client_store.get(record.org_id"
    )
    if r["due_trackers"] and tracker_reads / r["due_trackers"] > TARGET and at:
        notes.append(
            f"Cause of the miss: the tracker evaluator ({at}, `_summary`) reads each "
            "due tracker's client record (GetItem) to evaluate against "
            "`client.client_summary()`, so a due tracker costs 2 items; packages cost 1. "
            "Fix (DESIGN.md: the summary an item needs is stored with it and updated in the "
            "appointment's transaction): keep what the tracker needs (its completed-session "
            "dates in the period) on the tracker item — the appointment write already loads "
            "and rewrites the client's whole `S#` block — so the nightly's copy suffices."
        )
    argv_shown = [
        "--tracked",
        str(args.tracked),
        "--due-ratio",
        str(args.due_ratio),
        "--tracker-share",
        str(args.tracker_share),
        "--reminded-share",
        str(args.reminded_share),
    ]
    if args.seed != "backend":
        argv_shown += ["--seed", args.seed]
    return c.Report(
        "Nightly chain: items read per due item",
        c.command("bench/bench_nightly.py", argv_shown),
        c.table(header, rows, "lrrrrl"),
        notes,
    )


def _kinds(keys: list[tuple[str, str]]) -> dict[str, int]:
    """Items returned to our code, by record kind (from the sort key)."""
    kinds: dict[str, int] = {}
    for _, sk in keys:
        kind = {"S#PKG#": "package", "S#TRK#": "tracker", "S#CLIENT": "client"}.get(
            sk[:6] if sk.startswith(("S#PKG#", "S#TRK#")) else sk, sk.split("#")[0] or "other"
        )
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def _ops(calls: dict[str, int]) -> str:
    return ", ".join(f"{op} {n:,}" for op, n in sorted(calls.items())) or "none"


def main(argv: list[str] | None = None) -> int:
    return c.main_with_write(report, argv, "Nightly chain")


if __name__ == "__main__":
    raise SystemExit(main())
