"""What the benchmarks share: the machine description, a moto account with the template's
resources (as tests/integration/conftest.py builds it), DynamoDB call and item counting with
botocore event hooks, the real handlers invoked in-process, and BENCHMARKS.md sections.

Not a benchmark itself; `bench/run_all.py` and each `bench/bench_*.py` import it."""

from __future__ import annotations

import contextlib
import copy
import json
import os
import platform
import re
import shlex
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python bench/x.py` puts bench/ first, not the repo root
    sys.path.insert(0, str(ROOT))

PYTHON = ".venv/bin/python"  # as the commands in BENCHMARKS.md spell it

# The environment tests/integration/conftest.py sets before the template's own variables.
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_NAMESPACE": "Momentum",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "POWERTOOLS_DEV": "false",
}


# -- reporting -----------------------------------------------------------------------------


def nproc() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def machine() -> str:
    return (
        f"{nproc()} cores (nproc), Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} {platform.machine()}"
    )


def now_text() -> str:
    return f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"


@dataclass
class Report:
    """One benchmark's figures: a markdown table, the command that reproduces it, and
    what the figures mean (including each DESIGN.md target met or missed)."""

    title: str
    command: str
    table: str
    notes: list[str] = field(default_factory=list)
    appendix: list[str] = field(default_factory=list)  # paragraphs/tables after the notes

    def markdown(self, level: str = "###") -> str:
        parts = [f"{level} {self.title}", "", f"Command: `{self.command}`", "", self.table, ""]
        parts += [f"- {note}" for note in self.notes]
        for block in self.appendix:
            parts += ["", block]
        return "\n".join(parts).rstrip() + "\n"


def command(script: str, argv: list[str]) -> str:
    return shlex.join([PYTHON, script, *argv])


def table(header: list[str], rows: list[list[Any]], align: str = "") -> str:
    """A markdown table; `align` is one letter per column, "l" or "r" (default: l, then r)."""
    align = align or "l" + "r" * (len(header) - 1)
    marks = ["---" if a == "l" else "---:" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def write_section(path: str | Path, title: str, reports: list[Report], intro: str = "") -> None:
    """Append ONE dated section holding every report to `path`."""
    target = Path(path)
    if not target.is_absolute():
        target = ROOT / target
    head = "" if target.exists() and target.read_text(encoding="utf-8").strip() else _PREAMBLE
    lines = [f"\n## {title} — {now_text()}", "", f"Machine: {machine()}.", ""]
    if intro:
        lines += [intro, ""]
    body = "\n".join(lines) + "\n" + "\n".join(r.markdown() for r in reports)
    with target.open("a", encoding="utf-8") as out:
        out.write(head + body)


_PREAMBLE = """# Benchmarks

Figures from `bench/`, each with the command that reproduces it, the date and the machine.
Speed is measured, not asserted by timers: every figure is a ratio against a baseline
measured in the same run, or a count that does not depend on the machine (DynamoDB calls,
items read). Nothing here contacts AWS: DynamoDB, SQS and SES are moto, in-process.
`make bench` (or `.venv/bin/python bench/run_all.py --write BENCHMARKS.md`) appends one
dated section with every table; each `bench/bench_*.py --write BENCHMARKS.md` appends its own.
"""


# -- what the build ships --------------------------------------------------------------------


def compile_bytecode_args() -> list[str]:
    """The Makefile's COMPILE_BYTECODE: how `make build` compiles the functions and the
    layer it ships. Read from the Makefile, so a benchmark compiles exactly as the build."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    found = re.search(r"^COMPILE_BYTECODE\s*:=\s*(.+)$", makefile, re.MULTILINE)
    if found is None:
        raise RuntimeError("the Makefile defines no COMPILE_BYTECODE")
    return shlex.split(found.group(1))


def compile_bytecode(*directories: Path) -> None:
    """Compile every module under `directories` as `make build` compiles .aws-sam/build."""
    done = subprocess.run(
        [sys.executable, *compile_bytecode_args(), *map(str, directories)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"compileall failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


# -- moto ----------------------------------------------------------------------------------


@contextlib.contextmanager
def moto_account(now: datetime) -> Iterator[Any]:
    """A fresh moto account (in-process `mock_aws`) with template.yaml's resources, the
    template's environment, fresh adapters and a settable clock at `now`: what the
    integration tests' `aws` fixture builds. Yields local.infra.LocalAws."""
    from moto import mock_aws

    from local import infra
    from momentum import adapters, clock

    saved = dict(os.environ)
    os.environ.update(AWS_ENV)
    os.environ.pop("AWS_ENDPOINT_URL", None)
    try:
        with mock_aws():
            local = infra.create(infra.load_template(), endpoint_url="")  # in-process mock
            os.environ.update(local.environment)
            os.environ["MOMENTUM_SIGNING_SECRET"] = "bench-secret"
            adapters.reset()
            clock.install(clock.SettableClock(now))
            try:
                yield local
            finally:
                clock.install(clock.SystemClock())
                adapters.reset()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def seed_user(org: str, user_id: str, role: str = "staff", locations: tuple[str, ...] = ()) -> None:
    """A user record (as POST /users stores one, without the login), for the people a
    scenario names as practitioners, assignees, coaches or owners: SPEC §9 requires each
    to be a user of the organization with a fitting role. Only inside moto_account."""
    from momentum.store import users as user_store

    user_store.create(
        user_store.UserRecord(
            org_id=org,
            id=user_id,
            name=user_id.removeprefix("user-").title(),
            email=f"{user_id}@{org}.example",
            role=role,
            location_ids=locations,
            invited=True,
            version=1,
            created_at="2026-01-01T00:00:00Z",
            updated_at="2026-01-01T00:00:00Z",
        )
    )


def moto_table(name: str = "MomentumTable") -> Any:
    """moto's in-memory table (for direct inserts and counts; only inside moto_account)."""
    from moto.dynamodb.models import dynamodb_backends

    from local import infra

    return dynamodb_backends[infra.ACCOUNT_ID][infra.REGION].get_table(name)


@contextlib.contextmanager
def light_moto_transactions() -> Iterator[None]:
    """moto 5 deep-copies every table a TransactWriteItems touches, once per operation,
    to roll back on failure: with N items stored a transaction costs O(N) — seconds at
    50,000 items — which DynamoDB does not. The patch the integration tests and the local
    runner use (local/moto_atomic.py: roll_back_only_touched_items, pinned by
    tests/integration/test_moto_rollback.py) snapshots only the items the transaction
    targets and restores those on failure (the same all-or-nothing outcome), so timings
    and run time reflect our code rather than the emulator's backup. Counts (calls, items
    read) are unaffected. Installed for the rest of the process (idempotent), as the
    tests install it."""
    from local.moto_atomic import roll_back_only_touched_items

    roll_back_only_touched_items()
    yield


class MotoClock:
    """Seconds spent inside moto's request handling (its botocore stubber: parsing the
    request, the emulated service, serialising the response), to tell the emulator's time
    from ours."""

    def __init__(self) -> None:
        self.seconds = 0.0

    @contextlib.contextmanager
    def installed(self) -> Iterator[MotoClock]:
        import time

        from moto.core.botocore_stubber import BotocoreStubber

        original = BotocoreStubber.process_request
        clock = self

        def process_request(stubber: Any, request: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(stubber, request)
            finally:
                clock.seconds += time.perf_counter() - start

        BotocoreStubber.process_request = process_request  # type: ignore[method-assign]
        try:
            yield self
        finally:
            BotocoreStubber.process_request = original  # type: ignore[method-assign]


# -- counting DynamoDB calls ---------------------------------------------------------------


def _returned_items(operation: str, parsed: dict[str, Any]) -> list[dict[str, Any]]:
    if operation in ("Query", "Scan"):
        return list(parsed.get("Items", []))
    if operation == "GetItem":
        return [parsed["Item"]] if "Item" in parsed else []
    if operation == "BatchGetItem":
        return [i for items in parsed.get("Responses", {}).values() for i in items]
    if operation == "TransactGetItems":
        return [r["Item"] for r in parsed.get("Responses", []) if "Item" in r]
    return []


class DynamoCounter:
    """Every DynamoDB call any boto3 client makes (the product's client, Powertools'
    idempotency client, ...) and the items DynamoDB read for it, with botocore event
    hooks registered on each DynamoDB client as it is created.

    Items read: Query/Scan `ScannedCount`, a GetItem that found its item, each item of a
    BatchGetItem/TransactGetItems — as tests/integration/test_nightly_reads.py counts.
    `keys` holds (pk, sk) of every item returned, to tell which items were read."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.items_read = 0
        self.keys: list[tuple[str, str]] = []
        self.enabled = True
        self._original: Any = None

    def reset(self) -> None:
        self.calls.clear()
        self.keys.clear()
        self.items_read = 0

    @property
    def by_operation(self) -> Counter[str]:
        return Counter(self.calls)

    def _before(self, event_name: str, **_: Any) -> None:
        if self.enabled:
            self.calls.append(event_name.rsplit(".", maxsplit=1)[-1])

    def _after(self, event_name: str, parsed: dict[str, Any], **_: Any) -> None:
        if not self.enabled:
            return
        operation = event_name.rsplit(".", maxsplit=1)[-1]
        items = _returned_items(operation, parsed)
        if operation in ("Query", "Scan"):
            self.items_read += int(parsed.get("ScannedCount", len(items)))
        else:
            self.items_read += len(items)
        for item in items:
            pk, sk = item.get("pk", {}).get("S"), item.get("sk", {}).get("S")
            if pk is not None:
                self.keys.append((pk, sk or ""))

    def hook(self, client: Any) -> Any:
        if client.meta.service_model.service_name == "dynamodb":
            client.meta.events.register("before-call.dynamodb.*", self._before)
            client.meta.events.register("after-call.dynamodb.*", self._after)
        return client

    @contextlib.contextmanager
    def installed(self) -> Iterator[DynamoCounter]:
        """Hook every DynamoDB client created inside the block (then reset the product's
        cached clients so they are created again, hooked)."""
        import botocore.session

        from momentum import adapters

        original = botocore.session.Session.create_client
        counter = self

        def create_client(session: Any, *args: Any, **kwargs: Any) -> Any:
            return counter.hook(original(session, *args, **kwargs))

        botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
        adapters.reset()
        try:
            yield self
        finally:
            botocore.session.Session.create_client = original  # type: ignore[method-assign]
            adapters.reset()

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        self.enabled = False
        try:
            yield
        finally:
            self.enabled = True


# -- the real handlers, in-process ---------------------------------------------------------

# Powertools Metrics prints its EMF document to stdout after each invocation (CloudWatch
# reads it from the log in Lambda); the benchmarks send it to /dev/null instead of the report.
_SINK = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process


def quiet() -> contextlib.AbstractContextManager[Any]:
    return contextlib.redirect_stdout(_SINK)


def claims(
    *, org: str, role: str = "owner", sub: str = "user-owner", client_id: str | None = None
) -> dict[str, str]:
    result = {"sub": sub, "custom:org_id": org, "custom:role": role}
    if client_id:
        result["custom:client_id"] = client_id
    return result


class Api:
    """The API function's real handler, called with the sample HTTP API event changed for
    each request (as tests/integration/conftest.py's `api` fixture does)."""

    def __init__(self, function: str = "ApiFunction") -> None:
        from local import infra
        from local.lambdas import LocalContext, load_handler

        self.function = function
        self.handler = load_handler(infra.handler_of(infra.load_template(), function))
        self._context = LocalContext
        sample = ROOT / "events" / "api" / "get_org.json"
        self._sample = json.loads(sample.read_text())

    def __call__(
        self,
        method: str,
        path: str,
        *,
        caller: dict[str, str],
        body: Any = None,
        route: str | None = None,
        params: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        event = copy.deepcopy(self._sample)
        event["routeKey"] = route or f"{method} {path}"
        event["requestContext"]["routeKey"] = event["routeKey"]
        event["rawPath"] = path
        event["requestContext"]["http"]["method"] = method
        event["requestContext"]["http"]["path"] = path
        event["headers"] = {"content-type": "application/json", **(headers or {})}
        event["queryStringParameters"] = query
        event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in (query or {}).items())
        event["pathParameters"] = params
        event["requestContext"]["authorizer"] = {"jwt": {"claims": caller, "scopes": None}}
        if body is None:
            event.pop("body", None)
        else:
            event["body"] = json.dumps(body)
        event["isBase64Encoded"] = False
        with quiet():
            response: dict[str, Any] = self.handler(
                event, self._context(function_name=self.function)
            )
        text = response.get("body") or ""
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = text
        return {"status": response["statusCode"], "json": parsed}


def run_scheduled_chain(
    local: Any,
    max_rounds: int = 10_000,
    *,
    queues: set[str] | None = None,
    scheduled: bool = True,
) -> dict[str, Any]:
    """The scheduled chain in-process, as the integration tests' `nightly` fixture runs
    it: the scheduled function(s) with the schedule's Input, then every queue through its
    consumer until all are empty (failed records made visible again, as SQS would).
    `queues`: only these queues are consumed (the others keep their messages, e.g. to count
    the mailer apart: a second call with `scheduled=False` consumes them)."""
    import boto3

    from local import events, infra
    from local.lambdas import LocalContext, load_handler
    from momentum.clock import current

    template = infra.load_template()
    sqs = boto3.client("sqs", region_name=infra.REGION)
    consumers = {
        queue: function
        for queue, function in infra.sqs_consumers(template).items()
        if queues is None or queue in queues
    }
    summary: dict[str, Any] = {"queues": dict.fromkeys(consumers, 0)}
    for function, props in infra.scheduled_functions(template).items() if scheduled else ():
        handler = load_handler(infra.handler_of(template, function))
        event = events.scheduler_event(props.get("Input"), current().now())
        with quiet():
            summary[function] = handler(event, LocalContext(function_name=function))
    for _ in range(max_rounds):
        busy = False
        for queue, function in consumers.items():
            url = local.queue_urls[queue]
            received = sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]
            ).get("Messages", [])
            if not received:
                continue
            busy = True
            handler = load_handler(infra.handler_of(template, function))
            arn = f"arn:aws:sqs:{infra.REGION}:{infra.ACCOUNT_ID}:{queue}"
            with quiet():
                result = handler(
                    events.sqs_event(arn, received), LocalContext(function_name=function)
                )
            failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
            summary["queues"][queue] += len(received)
            for message in received:
                if message["MessageId"] in failed:
                    sqs.change_message_visibility(
                        QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                    )
                else:
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        if not busy:
            break
    return summary


def where(path: str, needle: str) -> str | None:
    """`path:line` of the first line of repository file `path` containing `needle`, or None
    (the code moved on: then a cause note citing it is left out)."""
    target = ROOT / path
    if not target.exists():
        return None
    for number, line in enumerate(target.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return f"{path}:{number}"
    return None


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def main_with_write(
    build: Callable[[list[str]], Report], argv: list[str] | None, title: str
) -> int:
    """Run one benchmark; print its report; `--write FILE` appends a dated section to FILE;
    `--report-json FILE` saves the report for bench/run_all.py."""
    args = list(sys.argv[1:] if argv is None else argv)
    options: dict[str, str] = {}
    for option in ("--write", "--report-json"):
        if option in args:
            at = args.index(option)
            options[option] = args[at + 1]
            del args[at : at + 2]
    report = build(args)
    print(report.markdown())
    if "--report-json" in options:
        Path(options["--report-json"]).write_text(json.dumps(asdict(report)), encoding="utf-8")
    if "--write" in options:
        write_section(options["--write"], title, [report])
    return 0
