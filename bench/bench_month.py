"""Benchmark of a realistic month: items read per due item by function of the nightly chain.

One practice (Europe/London; the month crosses the switch to summer time) is made through
the API — the API function's real handler, in-process under moto, with an owner's,
administrators' and staff members' claims: users, package templates (fixed packs with
auto-renewal, a monthly subscription, ongoing care, an insurer-authorised course, an hours
pack; On track with reminders to the client and the team member), ~300 clients with their
packages (some with an insurer's authorisation or a client-level On track override) and a
few weeks of completed sessions, session trackers with tasks, engagement templates and
coaching engagements (one-to-one, on demand, coach matching) whose owners get notices.
Then, day by day for `--days` days on a settable clock: cancellations, reschedules,
bookings (by the client's practitioner or the front desk), new clients (prospects whose
discovery call makes them active), engagements launched, coaches selected, outcomes at the
end of the day (completed, no-show, late cancellation), tasks marked done. Every night at
00:05 local time (the hourly schedule's run after local midnight) the scheduled chain runs
in-process — the nightly function, then each queue through its consumer (evaluator,
mailer, bounces) until all are empty — and every DynamoDB call and item read is counted
per function: the nightly's due-index sweep, the evaluator per due type, the mailer per
email kind.

    .venv/bin/python bench/bench_month.py [--clients 300] [--days 30] [--seed 15]
        [--baseline-tracked 5000] [--as-sent] [--write BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c

ORG = "org-month"
TIMEZONE = "Europe/London"
ZONE = ZoneInfo(TIMEZONE)
START = date(2026, 3, 9)  # a Monday; summer time begins on 29 March
SUMMER_TIME = date(2026, 3, 29)  # Europe/London moves to UTC+1
NIGHT_RUN = clock_time(0, 5)  # the hourly schedule (cron(5 * * * ? *)) after local midnight
TARGET_CHAIN = 1.05  # issue 15 target 3: items read per due item (nightly + evaluator)
TARGET_MAILER = 1.0  # ... and the mailer: items read per email besides its claim
OWNER_ID = "user-owner"
OWNER = c.claims(org=ORG, role="owner", sub=OWNER_ID)

# Package templates: (key, body). Reminders to the client and the team member on most.
TEMPLATES: list[tuple[str, dict[str, Any]]] = [
    (
        "pack10",
        {
            "name": "Physio 10-pack",
            "type": "fixed",
            "size": 10,
            "validity_days": 120,
            "auto_renew": True,
            "on_track": {
                "enabled": True,
                "window_days": 21,
                "at_risk_below": 2,
                "off_track_below": 1,
                "reminder_after_days": 3,
                "remind_team_member": True,
                "remind_client": True,
                "client_visible": True,
            },
        },
    ),
    (
        "membership",
        {
            "name": "Monthly membership",
            "type": "subscription",
            "size": 4,
            "period": "month",
            "on_track": {
                "enabled": True,
                "window_days": 30,
                "at_risk_below": 3,
                "off_track_below": 1,
                "reminder_after_days": 2,
                "remind_team_member": True,
                "remind_client": True,
            },
        },
    ),
    (
        "ongoing",
        {
            "name": "Ongoing care",
            "type": "usage",
            "on_track": {
                "enabled": True,
                "window_days": 30,
                "at_risk_below": 2,
                "off_track_below": 1,
                "reminder_after_days": 2,
                "remind_team_member": True,
            },
        },
    ),
    (
        "insurer",
        {
            "name": "Insurer-funded course",
            "type": "fixed",
            "size": 6,
            "validity_days": 90,
            "authorization": {"source": "insurer", "name": "Bupa", "sessions_authorised": 6},
            "on_track": {
                "enabled": True,
                "window_days": 28,
                "at_risk_below": 2,
                "off_track_below": 1,
                "reminder_after_days": 2,
                "remind_team_member": True,
                "remind_client": True,
            },
        },
    ),
    (
        "hours",
        {"name": "Sports massage hours", "type": "fixed", "size": 5, "unit": "hours"},
    ),
]
TEMPLATE_SHARE = {"pack10": 35, "membership": 20, "ongoing": 20, "insurer": 15, "hours": 10}
OVERRIDE = {  # a client-level On track override (SPEC §5): replaces the template's settings
    "enabled": True,
    "window_days": 14,
    "at_risk_below": 2,
    "off_track_below": 1,
    "reminder_after_days": 1,
    "remind_team_member": True,
    "remind_client": True,
}
ENGAGEMENT_TEMPLATES: list[tuple[str, dict[str, Any]]] = [
    (
        "one_to_one",
        {
            "name": "Leadership coaching",
            "type": "one_to_one",
            "threshold_days": 21,
            "notify_off_track": True,
        },
    ),
    (
        "on_demand",
        {
            "name": "On-demand coaching",
            "type": "on_demand",
            "threshold_days": 14,
            "notify_off_track": True,
        },
    ),
    (
        "coach_matching",
        {
            "name": "Coach matching",
            "type": "coach_matching",
            "threshold_days": 10,
            "notify_off_track": True,
        },
    ),
]
ENGAGEMENT_SHARE = {"one_to_one": 55, "on_demand": 25, "coach_matching": 20}


# -- moto at the speed of the month ---------------------------------------------------------


@contextlib.contextmanager
def fast_moto() -> Iterator[None]:
    """moto 5.2 sorts every item of the table for each Query (`Table.all_items`) and then
    keeps the partition asked for, and passes each answer through its response serialiser:
    a Query costs O(N log N) in the items stored, and the month's last nights store
    thousands. Here a Query of the table is handed only its partition, a Query of an index
    every item unsorted (it sorts what it keeps), and a DynamoDB answer that is a plain dict
    is `json.dumps` of it (what the serialiser writes for the data operations: checked equal
    on a month; anything JSON cannot take goes through the serialiser). Same items, same
    order, same counts; DynamoDB itself reads only the partition. Also: moto re-sums an
    item's size on every attribute it sets (its 400 KB check; the month's items are a few
    KB) and lists its handler's methods on every request; neither is done here."""
    import functools

    from moto.core import responses
    from moto.dynamodb.models import dynamo_type
    from moto.dynamodb.models.table import Table

    query, execute = Table.query, responses.ActionResult.execute_result
    checked = dynamo_type.LimitedSizeDict.__setitem__
    methods = responses.method_names_from_class  # type: ignore[attr-defined]

    def partition_query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        if index_name is None and hash_key is not None and self.range_key_attr:
            items = list(self.items.get(hash_key, {}).values())
        elif self.range_key_attr:
            items = [i for partition in self.items.values() for i in partition.values()]
        else:
            items = list(self.items.values())
        self.all_items = lambda: items  # shadows the sorting method for this one call
        try:
            return query(self, hash_key, *args, **kwargs)
        finally:
            del self.all_items

    def execute_result(self: Any, context: Any) -> Any:
        if context.service_model.service_name == "dynamodb" and isinstance(self.result, dict):
            try:
                body = json.dumps(self.result)
            except TypeError:  # datetimes of the table's description, ...
                return execute(self, context)
            return 200, {"Content-Type": "application/x-amz-json-1.0"}, body
        return execute(self, context)

    Table.query = partition_query  # type: ignore[method-assign]
    responses.ActionResult.execute_result = execute_result  # type: ignore[method-assign]
    dynamo_type.LimitedSizeDict.__setitem__ = dict.__setitem__  # type: ignore[method-assign]
    responses.method_names_from_class = functools.cache(methods)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        Table.query = query  # type: ignore[method-assign]
        responses.ActionResult.execute_result = execute  # type: ignore[method-assign]
        dynamo_type.LimitedSizeDict.__setitem__ = checked  # type: ignore[method-assign]
        responses.method_names_from_class = methods  # type: ignore[attr-defined]


# -- measuring the chain --------------------------------------------------------------------


def record_kind(sk: str) -> str:
    """A stored item's kind from its sort key (docs/data-model.md: `S#PKG#<id>` → `S#PKG`,
    `USER#<id>` → `USER`, `S#CLIENT`, `ORG`...)."""
    parts = sk.split("#")
    if parts[0] in ("S", "U") and len(parts) > 1:
        return f"{parts[0]}#{parts[1]}"
    return parts[0] or "?"


@dataclass
class Tally:
    """What one function (or one due type / email kind of it) did over the month."""

    invocations: int = 0
    units: int = 0  # due items found (nightly), evaluated (evaluator), emails sent (mailer)
    items: int = 0
    calls: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)  # items returned, by record kind
    claim_items: int = 0  # mailer: items read of the intent itself (its claim)

    def add(self, counter: c.DynamoCounter) -> None:
        self.invocations += 1
        self.items += counter.items_read
        self.calls.update(counter.calls)
        kinds = [record_kind(sk) for _, sk in counter.keys]
        self.kinds.update(kinds)
        self.claim_items += kinds.count("OUTBOX")

    def merge(self, other: Tally) -> None:
        self.invocations += other.invocations
        self.units += other.units
        self.items += other.items
        self.calls.update(other.calls)
        self.kinds.update(other.kinds)
        self.claim_items += other.claim_items


@dataclass
class Night:
    day: date
    due: int
    chain_items: int  # nightly + evaluator
    mailer_items: int
    emails: int
    stored: int  # items in the table: what a full-scan nightly would read


@dataclass
class MonthResult:
    clients: int
    days: int
    nightly: Tally = field(default_factory=Tally)
    evaluator: dict[str, Tally] = field(default_factory=dict)  # by due type
    mailer: dict[str, Tally] = field(default_factory=dict)  # by email kind
    others: dict[str, Tally] = field(default_factory=dict)  # any other consumer (bounces)
    outcomes: dict[str, Counter[str]] = field(default_factory=dict)  # deliveries', by kind
    nightly_by_type: Counter[str] = field(default_factory=Counter)  # due items read, by type
    nights: list[Night] = field(default_factory=list)
    requests: Counter[str] = field(default_factory=Counter)  # API requests by action
    refused: Counter[str] = field(default_factory=Counter)  # "action status" of 4xx answers
    ses_sent: int = 0
    stored: int = 0
    build_seconds: float = 0.0
    month_seconds: float = 0.0
    chain_seconds: float = 0.0

    @property
    def evaluator_total(self) -> Tally:
        return _sum(self.evaluator.values())

    @property
    def mailer_total(self) -> Tally:
        return _sum(self.mailer.values())


def _sum(tallies: Any) -> Tally:
    total = Tally()
    for tally in tallies:
        total.merge(tally)
    return total


class Chain:
    """The scheduled chain in-process, as `_common.run_scheduled_chain` runs it, with each
    function's DynamoDB calls and items read counted on their own.

    The evaluator gets each received batch one due type at a time (unless `as_sent`): the
    same items in the same run, so its reads can be told apart by due type; nothing the
    evaluator does today is shared between items of different types in a message (the
    digest step follows the engagements, which the nightly sends in messages of their own).
    The mailer gets one email per invocation (its record handler sends one at a time
    anyway), so its reads can be told per email and per kind."""

    def __init__(
        self, local: Any, counter: c.DynamoCounter, result: MonthResult, as_sent: bool
    ) -> None:
        import boto3

        from local import infra
        from local.lambdas import load_handler

        self.local, self.counter, self.result, self.as_sent = local, counter, result, as_sent
        self.template = infra.load_template()
        self.sqs: Any = boto3.client("sqs", region_name=infra.REGION)
        self.raw: Any = boto3.client("dynamodb", region_name=infra.REGION)
        self.consumers = infra.sqs_consumers(self.template)
        self.scheduled = infra.scheduled_functions(self.template)
        self.handlers = {
            name: load_handler(infra.handler_of(self.template, name))
            for name in [*self.scheduled, *self.consumers.values()]
        }
        self.region, self.account = infra.REGION, infra.ACCOUNT_ID
        self.warm: set[str] = set()  # functions invoked tonight

    def _invoke(self, function: str, event: dict[str, Any], tally: Tally) -> dict[str, Any]:
        from local.lambdas import LocalContext
        from momentum import adapters

        if function not in self.warm:
            # Its container's caches (the organization's record, 60 s) are a day old at
            # its first invocation of the night; warm for the rest of the night.
            adapters.reset()
            self.warm.add(function)
        self.counter.reset()
        with c.quiet():
            answer: dict[str, Any] = self.handlers[function](
                event, LocalContext(function_name=function)
            )
        tally.add(self.counter)
        return answer

    def run(self, day: date) -> Night:
        from local import events
        from momentum.clock import current

        started = time.perf_counter()
        sent_before = _ses_sent()
        self.warm.clear()
        before = (
            self.result.nightly.items,
            self.result.evaluator_total.items,
            self.result.mailer_total.items,
            self.result.nightly.units,
        )
        types: dict[tuple[str, str], str] = {}  # (pk, sk) of each due item → its type
        nightly_keys: list[tuple[str, str]] = []
        for function, props in self.scheduled.items():
            event = events.scheduler_event(props.get("Input"), current().now())
            summary = self._invoke(function, event, self.result.nightly)
            self.result.nightly.units += int(summary.get("items", 0))
            nightly_keys += self.counter.keys
        for _ in range(10_000):
            busy = False
            for queue, function in self.consumers.items():
                received: list[dict[str, Any]] = self.sqs.receive_message(
                    QueueUrl=self.local.queue_urls[queue],
                    MaxNumberOfMessages=10,
                    AttributeNames=["All"],
                ).get("Messages", [])
                if not received:
                    continue
                busy = True
                arn = f"arn:aws:sqs:{self.region}:{self.account}:{queue}"
                if function == "EvaluatorFunction":
                    failed = self._evaluate(arn, received, types)
                elif function == "MailerFunction":
                    failed = self._mail(arn, received)
                else:
                    tally = self.result.others.setdefault(function, Tally())
                    answer = self._invoke(function, events.sqs_event(arn, received), tally)
                    tally.units += len(received)
                    failed = {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])}
                self._settle(queue, received, failed)
            if not busy:
                break
        # The nightly reads each due item once, from the index; by the type the evaluator saw.
        self.result.nightly_by_type.update(types.get(key, "?") for key in nightly_keys)
        self.result.chain_seconds += time.perf_counter() - started
        after = (
            self.result.nightly.items,
            self.result.evaluator_total.items,
            self.result.mailer_total.items,
            self.result.nightly.units,
        )
        emails = _ses_sent() - sent_before
        self.result.ses_sent += emails
        return Night(
            day=day,
            due=after[3] - before[3],
            chain_items=(after[0] - before[0]) + (after[1] - before[1]),
            mailer_items=after[2] - before[2],
            emails=emails,
            stored=len(c.moto_table()),
        )

    def _evaluate(
        self, arn: str, received: list[dict[str, Any]], types: dict[tuple[str, str], str]
    ) -> set[str]:
        from local import events

        groups: dict[str, list[dict[str, Any]]] = {}
        owner_of: dict[str, str] = {}  # a split record's id → the message it came from
        for message in received:
            body = json.loads(message["Body"])
            by_type: dict[str, list[dict[str, Any]]] = {}
            for item in body.get("items", []):
                due_type = str(item.get("type", "?"))
                by_type.setdefault(due_type, []).append(item)
                types[(str(item.get("pk")), str(item.get("sk")))] = due_type
            if self.as_sent:
                by_type = {"(as sent)": body.get("items", [])}
            for due_type, items in by_type.items():
                part = dict(message)
                part["MessageId"] = f"{message['MessageId']}/{due_type}"
                part["Body"] = json.dumps({**body, "items": items})
                groups.setdefault(due_type, []).append(part)
                owner_of[part["MessageId"]] = message["MessageId"]
                self.result.evaluator.setdefault(due_type, Tally()).units += len(items)
        failed: set[str] = set()
        for due_type, parts in groups.items():
            tally = self.result.evaluator.setdefault(due_type, Tally())
            answer = self._invoke("EvaluatorFunction", events.sqs_event(arn, parts), tally)
            failed |= {owner_of[f["itemIdentifier"]] for f in answer.get("batchItemFailures", [])}
        return failed

    def _mail(self, arn: str, received: list[dict[str, Any]]) -> set[str]:
        from local import events

        failed: set[str] = set()
        for message in received:
            before = _ses_sent()
            probe = Tally()
            answer = self._invoke("MailerFunction", events.sqs_event(arn, [message]), probe)
            probe.units = _ses_sent() - before
            body = json.loads(message["Body"])
            kind, status = self._intent(str(body.get("org_id")), str(body.get("intent_id")))
            self.result.mailer.setdefault(kind, Tally()).merge(probe)
            if probe.units:
                outcome = "sent"
            elif status == "sent":
                outcome = "already sent"  # a second hand-over of a sent intent: no email
            else:
                outcome = status  # skipped (opted out, no address, suppressed), failed...
            self.result.outcomes.setdefault(kind, Counter())[outcome] += 1
            failed |= {f["itemIdentifier"] for f in answer.get("batchItemFailures", [])}
        return failed

    def _intent(self, org_id: str, intent_id: str) -> tuple[str, str]:
        """The email's kind and its intent's status after the delivery, read outside the
        count (docs/data-model.md: `ORG#<org>` / `OUTBOX#<intent>`)."""
        with self.counter.paused():
            found = (
                self.raw.get_item(
                    TableName="MomentumTable",
                    Key={"pk": {"S": f"ORG#{org_id}"}, "sk": {"S": f"OUTBOX#{intent_id}"}},
                    ProjectionExpression="kind, #status",
                    ExpressionAttributeNames={"#status": "status"},
                ).get("Item")
                or {}
            )
        return (
            str(found.get("kind", {}).get("S", "?")),
            str(found.get("status", {}).get("S", "?")),
        )

    def _settle(self, queue: str, received: list[dict[str, Any]], failed: set[str]) -> None:
        url = self.local.queue_urls[queue]
        for message in received:
            if message["MessageId"] in failed:  # visible again, as SQS would redeliver it
                self.sqs.change_message_visibility(
                    QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                )
            else:
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def _ses_sent() -> int:
    from moto.ses.models import ses_backends

    from local import infra

    return len(ses_backends[infra.ACCOUNT_ID][infra.REGION].sent_messages)


# -- the practice, made and run through the API ---------------------------------------------

FIRST = [
    "Ada",
    "Ben",
    "Cleo",
    "Dev",
    "Edie",
    "Finn",
    "Gita",
    "Hugo",
    "Iris",
    "Jon",
    "Kira",
    "Liam",
    "Maya",
    "Noor",
    "Owen",
    "Pia",
    "Quinn",
    "Rosa",
    "Sami",
    "Tess",
    "Umar",
    "Vera",
]
LAST = [
    "Lovelace",
    "Okafor",
    "Nguyen",
    "Silva",
    "Kowalski",
    "Haddad",
    "Murphy",
    "Tanaka",
    "Rossi",
    "Schmidt",
    "Dubois",
    "Patel",
    "Jensen",
    "Moreau",
    "Novak",
    "Ibrahim",
]


@dataclass
class Client:
    id: str
    n: int
    practitioner: str
    status: str  # active, prospect, inactive
    template: str | None = None  # the package's template key; None: custom or no package
    package: str | None = None
    since: date | None = None  # the package's start
    until: date | None = None  # ... and its last day, when known
    cadence: int | None = None  # days between sessions; None: books none of its own
    lapsed_until: date | None = None  # a lapsing client books nothing before this day
    last: date | None = None  # last completed session
    intake: date | None = None  # a prospect's discovery call
    booked: list[Appointment] = field(default_factory=list)


@dataclass
class Engagement:
    id: str
    client: Client
    kind: str  # one_to_one, on_demand, coach_matching
    coach: str
    engaged: bool  # books sessions; else goes quiet (and may come back)
    launch: date | None  # a draft launched that day; None: launched when made
    select_on: date | None = None  # coach matching: the coach is selected that day
    matching: bool = False
    cadence: int = 14
    next_on: date | None = None


@dataclass
class Appointment:
    id: str
    client: Client
    day: date
    hour: int
    practitioner: str
    engagement: Engagement | None = None


class Practice:
    """One organization's month, made and run through the API's real handler."""

    def __init__(self, size: int, rng: random.Random, result: MonthResult) -> None:
        from momentum import clock

        self.api = c.Api()
        self.size, self.rng, self.result = size, rng, result
        self.clock = clock.SettableClock(datetime.combine(START, clock_time(9), ZONE))
        clock.install(self.clock)
        self.clients: list[Client] = []
        self.engagements: list[Engagement] = []
        self.staff: list[str] = []
        self.coaches: list[str] = []
        self.admins: list[str] = []
        self.templates: dict[str, str] = {}
        self.engagement_templates: dict[str, str] = {}

    # -- plumbing ----------------------------------------------------------------------------

    def at(self, day: date, hour: int, minute: int = 0) -> None:
        self.clock.set(datetime.combine(day, clock_time(hour, minute), ZONE))

    def call(
        self,
        action: str,
        method: str,
        template: str,
        caller: dict[str, str],
        body: Any = None,
        query: dict[str, str] | None = None,
        **params: str,
    ) -> dict[str, Any]:
        answer = self.api(
            method,
            template.format(**params),
            caller=caller,
            body=body,
            route=f"{method} {template}",
            params=params or None,
            query=query,
        )
        self.result.requests[action] += 1
        if answer["status"] >= 500:
            raise RuntimeError(f"{action}: {method} {template} answered {answer}")
        if answer["status"] >= 400:
            self.result.refused[f"{action} {answer['status']}"] += 1
        return answer

    def admin(self) -> dict[str, str]:
        return c.claims(org=ORG, role="admin", sub=self.rng.choice(self.admins))

    @staticmethod
    def staff_claims(user_id: str) -> dict[str, str]:
        return c.claims(org=ORG, role="staff", sub=user_id)

    def weighted(self, shares: dict[str, int]) -> str:
        return self.rng.choices(list(shares), weights=list(shares.values()))[0]

    # -- the organization ----------------------------------------------------------------------

    def build(self) -> None:
        """The organization, its people, templates, clients with packages and history,
        trackers and engagements: as a practice moving to Momentum would enter them, the
        day before the month begins."""
        day = START - timedelta(days=1)
        self.at(day, 10)
        c.seed_user(ORG, OWNER_ID, "owner")  # the first owner (sign-up makes this record)
        body = {
            "name": "Harbour Physio & Coaching",
            "timezone": TIMEZONE,
            "locations": [
                {"id": "north", "name": "North clinic"},
                {"id": "south", "name": "South clinic"},
            ],
        }
        assert self.call("org", "PUT", "/org", OWNER, body)["status"] == 200
        self._people_and_templates()
        for n in range(self.size):
            self._client(n, day)
        for client in self.clients:
            if client.cadence is not None:
                self._history(client, day)
        for client in self.clients:
            if client.package is not None and self.rng.random() < 0.25:
                self._tracker(client)
        for client in self.clients:
            if client.n % 6 == 5:
                self._engagement(client)
        for client in self.clients:  # the next session of those who come regularly
            if client.cadence is not None and client.lapsed_until is None and client.last:
                target = max(client.last + timedelta(days=client.cadence), START)
                self._book(client, target, self.admin())

    def _people_and_templates(self) -> None:
        practitioners = max(2, round(self.size / 25))
        coaches = max(1, round(self.size / 75))
        for n in range(2):
            self.admins.append(self._user(f"Admin {n}", "admin", []))
        for n in range(practitioners):
            self.staff.append(self._user(f"Practitioner {n}", "staff", [("north", "south")[n % 2]]))
        for n in range(coaches):
            self.coaches.append(self._user(f"Coach {n}", "staff", ["north"]))
        for key, template in TEMPLATES:
            made = self.call("template", "POST", "/package-templates", OWNER, template)
            assert made["status"] == 201, made
            self.templates[key] = made["json"]["id"]
        for key, template in ENGAGEMENT_TEMPLATES:
            made = self.call(
                "engagement template", "POST", "/engagement-templates", OWNER, template
            )
            assert made["status"] == 201, made
            self.engagement_templates[key] = made["json"]["id"]

    def _user(self, name: str, role: str, locations: list[str]) -> str:
        slug = name.lower().replace(" ", ".")
        made = self.call(
            "user",
            "POST",
            "/users",
            OWNER,
            {
                "name": name,
                "email": f"{slug}@harbour.example.com",
                "role": role,
                "location_ids": locations,
            },
        )
        assert made["status"] == 201, made
        return str(made["json"]["id"])

    def _client(self, n: int, today: date, status: str | None = None) -> Client:
        """Client `n`: every sixth a coachee (no package), else mostly active with a
        package; `status` given: a new client joining today, with a package from today."""
        rng = self.rng
        joining = status is not None
        coachee = not joining and n % 6 == 5
        if status is None:
            roll = rng.random()
            status = (
                "active" if coachee or roll >= 0.12 else "prospect" if roll < 0.08 else "inactive"
            )
        practitioner = self.staff[n % len(self.staff)]
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        body: dict[str, Any] = {
            "name": name,
            "status": status,
            "location_id": ("north", "south")[self.staff.index(practitioner) % 2],
            "assigned_practitioner_ids": [practitioner],
            "phone": f"+44 7700 9{n:05d}",
        }
        if rng.random() < 0.95:  # a few clients have no email address
            body["email"] = f"{name.lower().replace(' ', '.')}.{n}@example.com"
        made = self.call("client", "POST", "/clients", self.admin(), body)
        assert made["status"] == 201, made
        client = Client(made["json"]["id"], n, practitioner, status)
        self.clients.append(client)
        if status == "prospect":
            client.intake = today + timedelta(days=rng.randint(1, 21))
        elif status == "active" and not coachee:
            self._package(
                client, today if joining else today - timedelta(days=rng.randint(20, 110))
            )
            roll = rng.random()
            client.cadence = 7 if roll < 0.45 else 14 if roll < 0.75 else rng.choice((7, 14))
            if roll >= 0.75:  # drifting away; some come back during the month
                client.lapsed_until = START + timedelta(days=rng.randint(5, 45))
        return client

    def _package(self, client: Client, start: date, key: str | None = None) -> None:
        rng = self.rng
        body: dict[str, Any] = {
            "start_date": start.isoformat(),
            "assigned_team_member_id": client.practitioner,
            "preferred": True,
        }
        custom = key is None and rng.random() < 0.08
        if custom:  # a custom package: usage, with its own On track settings
            body.update(name="Rehab plan", type="usage", on_track=OVERRIDE)
        else:
            key = key or self.weighted(TEMPLATE_SHARE)
            if key == "insurer":  # authorised for 90 days from the start
                start = max(start, START - timedelta(days=70))
                body["start_date"] = start.isoformat()
                body["authorization"] = {
                    "source": "insurer",
                    "name": rng.choice(("Bupa", "AXA Health", "Vitality")),
                    "reference": f"AUTH-{client.n:05d}",
                    "sessions_authorised": 6,
                    "start_date": start.isoformat(),
                    "end_date": (start + timedelta(days=89)).isoformat(),
                }
            body["template_id"] = self.templates[key]
            if key != "hours" and rng.random() < 0.05:  # a client-level override
                body["on_track"] = OVERRIDE
        made = self.call(
            "package",
            "POST",
            "/clients/{client_id}/packages",
            self.admin(),
            body,
            client_id=client.id,
        )
        assert made["status"] == 201, made
        client.package, client.template = str(made["json"]["id"]), (None if custom else key)
        client.since = start
        end = made["json"].get("end_date")
        client.until = date.fromisoformat(end) if end else None

    def _history(self, client: Client, today: date) -> None:
        """Completed sessions of the last 30 days (the longest window here)."""
        assert client.cadence is not None
        rng = self.rng
        if client.lapsed_until is None:
            last = today - timedelta(days=rng.randint(1, client.cadence))
        else:
            last = today - timedelta(days=rng.randint(12, 35))
        cap = {"pack10": 8, "insurer": 4, "hours": 3, "membership": 4}.get(client.template or "", 9)
        days: list[date] = []
        on = last
        first = max(today - timedelta(days=30), client.since or today)
        while on >= first and len(days) < cap:
            days.append(on)
            on -= timedelta(days=client.cadence)
        for on in sorted(days):
            if self._book(client, on, self.admin(), status="completed") is not None:
                client.last = on

    def _tracker(self, client: Client) -> None:
        rng = self.rng
        begin = START - timedelta(days=rng.randint(0, 20))
        body: dict[str, Any] = {
            "sessions": rng.choice((4, 6, 8)),
            "begin_date": begin.isoformat(),
            "note": "Review the plan with the client",
            "task": {
                "assignee_id": client.practitioner,
                "trigger": rng.choice(("count_reached", "end_date", "first")),
            },
        }
        if rng.random() < 0.7:
            body["end_date"] = (begin + timedelta(days=27)).isoformat()
            body["auto_reset"] = rng.random() < 0.5
        elif body["task"]["trigger"] != "count_reached":
            body["task"]["trigger"] = "count_reached"  # end_date and first need an end date
        made = self.call(
            "tracker",
            "POST",
            "/clients/{client_id}/trackers",
            self.staff_claims(client.practitioner),
            body,
            client_id=client.id,
        )
        assert made["status"] == 201, made

    def _engagement(self, client: Client) -> None:
        rng = self.rng
        kind = self.weighted(ENGAGEMENT_SHARE)
        coach = self.coaches[len(self.engagements) % len(self.coaches)]
        owner = [OWNER_ID, *self.admins][len(self.engagements) % (1 + len(self.admins))]
        launch = START + timedelta(days=rng.randint(0, 14)) if rng.random() < 0.25 else None
        status = "draft" if launch else "matching" if kind == "coach_matching" else "active"
        body: dict[str, Any] = {
            "template_id": self.engagement_templates[kind],
            "coachee_id": client.id,
            "owner_id": owner,
            "status": status,
        }
        if kind != "coach_matching":
            body["coach_id"] = coach
        made = self.call("engagement", "POST", "/engagements", OWNER, body)
        assert made["status"] == 201, made
        engaged = rng.random() < 0.65
        engagement = Engagement(
            made["json"]["id"],
            client,
            kind,
            coach,
            engaged,
            launch,
            matching=kind == "coach_matching",
            cadence=rng.randint(7, 14) if kind == "one_to_one" else rng.randint(10, 20),
        )
        started = launch or START
        if engaged:
            engagement.next_on = started + timedelta(days=rng.randint(2, 6))
            if engagement.matching:
                engagement.select_on = started + timedelta(days=rng.randint(6, 9))
        elif rng.random() < 0.5:  # quiet at first, back after it went off track
            engagement.next_on = started + timedelta(days=rng.randint(18, 30))
        self.engagements.append(engagement)

    # -- appointments --------------------------------------------------------------------------

    def _book(
        self,
        client: Client,
        on: date,
        caller: dict[str, str],
        *,
        status: str = "scheduled",
        engagement: Engagement | None = None,
        kind: str = "session",
    ) -> Appointment | None:
        """Book (or record) a session in the client's package while it runs on that day;
        else, or when refused (used up, this period's allowance used), as a front desk
        would: an open package running that day, a new pack from the template, or none."""
        if on.weekday() == 6:  # closed on Sundays: the day after, or before for the past
            on += timedelta(days=-1 if status == "completed" else 1)
        hour = self.rng.randint(8, 18)
        starts = datetime.combine(on, clock_time(hour), ZONE)
        practitioner = engagement.coach if engagement else client.practitioner
        if caller.get("custom:role") == "staff":
            practitioner = caller["sub"]  # staff book only themselves
        body: dict[str, Any] = {
            "client_id": client.id,
            "practitioner_id": practitioner,
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(),
            "status": status,
            "kind": kind,
        }
        if engagement is not None:
            body["engagement_id"] = engagement.id
        elif client.package is not None and kind == "session":
            if client.until is None or on <= client.until:
                body["package_id"] = client.package
            else:
                self._choose_package(client, on, body, caller)
        action = "record session" if status == "completed" else f"book {kind}"
        made = self.call(action, "POST", "/appointments", caller, body)
        if made["status"] == 409 and "package_id" in body:
            self._choose_package(client, on, body, caller, refused=body.pop("package_id"))
            made = self.call(action, "POST", "/appointments", caller, body)
        if made["status"] == 201 and made["json"].get("package_id") != client.package:
            client.package, client.until = made["json"].get("package_id"), None
        if made["status"] != 201:
            return None
        appointment = Appointment(made["json"]["id"], client, on, hour, practitioner, engagement)
        if status == "scheduled":
            client.booked.append(appointment)
        return appointment

    def _choose_package(
        self,
        client: Client,
        on: date,
        body: dict[str, Any],
        caller: dict[str, str],
        refused: str | None = None,
    ) -> None:
        """The booking form's choice: the client's open packages (SPEC §4), one running on
        the appointment's day; else a new pack from the template (not a second membership);
        else no package."""
        opened = self.call(
            "open packages",
            "GET",
            "/clients/{client_id}/packages",
            caller,
            query={"open": "true"},
            client_id=client.id,
        )
        items = (opened["json"] or {}).get("items", []) if opened["status"] == 200 else []
        for package in items:
            start, end = package.get("start_date"), package.get("end_date")
            if package["id"] == refused or (start and date.fromisoformat(start) > on):
                continue
            if end is None or date.fromisoformat(end) >= on:
                body["package_id"] = client.package = str(package["id"])
                client.until = date.fromisoformat(end) if end else None
                return
        if client.template not in (None, "membership"):
            body["template_id"] = self.templates[str(client.template)]  # sell a new pack

    def _patch(
        self, appointment: Appointment, action: str, caller: dict[str, str], body: dict[str, Any]
    ) -> bool:
        changed = self.call(
            action,
            "PATCH",
            "/appointments/{appointment_id}",
            caller,
            body,
            appointment_id=appointment.id,
        )
        return bool(changed["status"] == 200)

    # -- a day ---------------------------------------------------------------------------------

    def day(self, today: date) -> None:
        rng = self.rng
        self.at(today, 8, 30)  # cancellations and moves of the next days' sessions
        for client in self.clients:
            for appointment in list(client.booked):
                if not today < appointment.day <= today + timedelta(days=3):
                    continue
                roll = rng.random()
                if roll < 0.03:
                    if self._patch(appointment, "cancel", self.admin(), {"status": "cancelled"}):
                        client.booked.remove(appointment)
                elif roll < 0.05:
                    moved = appointment.day + timedelta(days=rng.randint(1, 2))
                    if moved.weekday() == 6:
                        moved += timedelta(days=1)
                    starts = datetime.combine(moved, clock_time(appointment.hour), ZONE)
                    body = {
                        "starts_at": starts.isoformat(),
                        "ends_at": (starts + timedelta(hours=1)).isoformat(),
                    }
                    if self._patch(appointment, "reschedule", self.admin(), body):
                        appointment.day = moved
        self.at(today, 9, 30)
        self._engagement_changes(today)
        self.at(today, 10)
        self._bookings(today)
        if rng.random() < self.size / 300 * 0.6:  # a new client, most weeks a few
            client = self._client(len(self.clients), today, status="active")
            client.cadence = rng.choice((7, 14))
            self._book(client, today + timedelta(days=rng.randint(1, 5)), self.admin())
        self.at(today, 18, 30)
        self._outcomes(today)
        if today.weekday() == 4:  # Friday: tasks done
            self.at(today, 17)
            for user in self.staff:
                self._tasks(user)

    def _engagement_changes(self, today: date) -> None:
        for engagement in self.engagements:
            if engagement.launch == today:
                status = "matching" if engagement.matching else "active"
                self.call(
                    "launch engagement",
                    "PATCH",
                    "/engagements/{engagement_id}",
                    OWNER,
                    {"status": status},
                    engagement_id=engagement.id,
                )
            if engagement.select_on == today:
                self.call(
                    "select coach",
                    "PATCH",
                    "/engagements/{engagement_id}",
                    OWNER,
                    {"coach_id": engagement.coach},
                    engagement_id=engagement.id,
                )
                engagement.matching = False

    def _bookings(self, today: date) -> None:
        horizon = today + timedelta(days=10)
        for client in self.clients:
            future = [a for a in client.booked if a.day > today]
            if client.status == "prospect" and client.intake and not future:
                if client.intake <= horizon and client.intake > today:
                    self._book(client, client.intake, self.admin(), kind="discovery_call")
                continue
            if client.cadence is None or any(a.engagement is None for a in future):
                continue
            if client.lapsed_until is not None:
                if client.lapsed_until > today:
                    continue
                client.lapsed_until = None  # back: books as before
            target = (client.last or today) + timedelta(days=client.cadence)
            target = max(target, today + timedelta(days=1))
            if target <= horizon:
                by_staff = self.rng.random() < 0.5
                caller = self.staff_claims(client.practitioner) if by_staff else self.admin()
                self._book(client, target, caller)
        for engagement in self.engagements:
            on = engagement.next_on
            if on is None or on > horizon or on <= today:
                continue
            if engagement.launch is not None and engagement.launch > today:
                continue
            kind = "discovery_call" if engagement.matching else "session"
            self._book(engagement.client, on, self.admin(), engagement=engagement, kind=kind)
            if engagement.engaged:
                engagement.next_on = on + timedelta(days=engagement.cadence)
            else:
                engagement.next_on = None

    def _outcomes(self, today: date) -> None:
        rng = self.rng
        for client in self.clients:
            for appointment in [a for a in client.booked if a.day == today]:
                client.booked.remove(appointment)
                roll = rng.random()
                status, action = (
                    ("completed", "complete")
                    if roll < 0.88
                    else ("missed", "no-show")
                    if roll < 0.93
                    else ("cancelled", "late cancel")
                )
                caller = self.staff_claims(appointment.practitioner)
                if not self._patch(appointment, action, caller, {"status": status}):
                    continue
                if status != "completed" or appointment.engagement is not None:
                    continue
                client.last = today
                if client.status == "prospect":  # their first completed session: active now
                    client.status = "active"
                    self._package(client, today, key="pack10")
                    client.cadence = 7

    def _tasks(self, user: str) -> None:
        caller = self.staff_claims(user)
        listed = self.call("list tasks", "GET", "/tasks", caller, query={"done": "false"})
        for task in ((listed["json"] or {}).get("items") or [])[:3]:
            self.call(
                "task done", "PATCH", "/tasks/{task_id}", caller, {"done": True}, task_id=task["id"]
            )


# -- the month --------------------------------------------------------------------------------


def simulate(
    clients: int,
    days: int,
    seed: int = 15,
    *,
    as_sent: bool = False,
    plain_moto: bool = False,
    progress: Callable[[str], None] | None = None,
) -> MonthResult:
    """Make the practice, then `days` days of activity, each after its night's chain."""
    import os

    result = MonthResult(clients=clients, days=days)
    counter = c.DynamoCounter()
    first = datetime.combine(START, clock_time(9), ZONE)
    speed = contextlib.nullcontext() if plain_moto else fast_moto()
    with speed, c.light_moto_transactions(), c.moto_account(first) as local:
        # The mailer's pace (MailerSendsPerSecond) would only add real waiting here.
        os.environ["MOMENTUM_MAILER_SENDS_PER_SECOND"] = "1000"
        with counter.installed():
            practice = Practice(clients, random.Random(seed), result)
            chain = Chain(local, counter, result, as_sent)
            started = time.perf_counter()
            with counter.paused():
                practice.build()
            result.build_seconds = time.perf_counter() - started
            started = time.perf_counter()
            for today in nights(days):
                practice.at(today, NIGHT_RUN.hour, NIGHT_RUN.minute)
                night = chain.run(today)
                result.nights.append(night)
                if progress:
                    progress(
                        f"{today}: {night.due} due, {night.chain_items} items read "
                        f"(+{night.mailer_items} mailer), {night.emails} emails"
                    )
                with counter.paused():
                    practice.day(today)
            result.month_seconds = time.perf_counter() - started
            result.stored = len(c.moto_table())
    return result


def nights(count: int) -> Iterator[date]:
    """The days of the month: each begins with its night's run."""
    for n in range(count):
        yield START + timedelta(days=n)


def synthetic_baseline(tracked: int) -> dict[str, Any] | None:
    """bench_nightly's synthetic fill (2% due, a fifth trackers) in this run: the figure
    the issue compares the month with. None when it cannot run (code moving under it)."""
    if tracked <= 0:
        return None
    import bench_nightly

    try:
        measured = bench_nightly.measure(tracked, 0.02, 0.2, "backend")
    except Exception as error:  # reported: the month's figures stand alone
        return {"error": f"{type(error).__name__}: {error}"}
    return {
        "tracked": tracked,
        "due": measured["summary"]["NightlyFunction"]["items"],
        "items": measured["chain_items"],
    }


# -- the report -------------------------------------------------------------------------------


def _ratio(items: int, units: int) -> float:
    return items / units if units else float("nan")


def _ops(calls: Counter[str]) -> str:
    return ", ".join(f"{op} {n:,}" for op, n in sorted(calls.items())) or "none"


def _kinds(kinds: Counter[str], limit: int = 6) -> str:
    return ", ".join(f"`{k}` {n:,}" for k, n in kinds.most_common(limit)) or "none"


def _verdict(value: float, target: float) -> str:
    return "**met**" if value <= target else "**missed**"


def report(argv: list[str]) -> c.Report:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=300, help="clients at the start")
    parser.add_argument("--days", type=int, default=30, help="days (and nights) simulated")
    parser.add_argument("--seed", type=int, default=15, help="random seed of the activity")
    parser.add_argument(
        "--baseline-tracked",
        type=int,
        default=5000,
        help="bench_nightly's synthetic fill measured in the same run (0: skip)",
    )
    parser.add_argument(
        "--as-sent",
        action="store_true",
        help="give the evaluator each message whole (no figures per due type)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = parser.parse_args(argv)

    def progress(line: str) -> None:
        if not args.quiet:
            print(line, file=sys.stderr, flush=True)

    started = time.perf_counter()
    r = simulate(args.clients, args.days, args.seed, as_sent=args.as_sent, progress=progress)
    baseline = synthetic_baseline(args.baseline_tracked)
    seconds = time.perf_counter() - started
    argv_shown = [
        "--clients",
        str(args.clients),
        "--days",
        str(args.days),
        "--seed",
        str(args.seed),
        "--baseline-tracked",
        str(args.baseline_tracked),
    ]
    if args.as_sent:
        argv_shown.append("--as-sent")
    return build_report(r, baseline, seconds, c.command("bench/bench_month.py", argv_shown))


def build_report(
    r: MonthResult, baseline: dict[str, Any] | None, seconds: float, command: str
) -> c.Report:
    nightly, evaluator, mailer = r.nightly, r.evaluator_total, r.mailer_total
    due, emails = nightly.units, mailer.units
    chain_items = nightly.items + evaluator.items
    per_due = _ratio(chain_items, due)
    besides = mailer.items - mailer.claim_items
    per_email = _ratio(besides, emails)
    with_mailer = chain_items + mailer.items
    scan_items = sum(n.stored for n in r.nights)
    rows: list[list[Any]] = [
        [
            "nightly (due-index sweep)",
            "due items found",
            f"{due:,}",
            f"{nightly.items:,}",
            f"{_ratio(nightly.items, due):.3f}",
            "",
            "",
            _ops(nightly.calls),
        ],
        [
            "evaluator",
            "due items evaluated",
            f"{evaluator.units:,}",
            f"{evaluator.items:,}",
            f"{_ratio(evaluator.items, evaluator.units):.3f}",
            "",
            "",
            _ops(evaluator.calls),
        ],
        [
            "**nightly + evaluator**",
            "per due item",
            f"{due:,}",
            f"{chain_items:,}",
            f"**{per_due:.3f}**",
            f"≤ {TARGET_CHAIN}",
            _verdict(per_due, TARGET_CHAIN),
            "",
        ],
        [
            "mailer",
            "emails sent",
            f"{emails:,}",
            f"{mailer.items:,}",
            f"{_ratio(mailer.items, emails):.3f}",
            "",
            "",
            _ops(mailer.calls),
        ],
        [
            "**mailer besides its claim**",
            "per email",
            f"{emails:,}",
            f"{besides:,}",
            f"**{per_email:.3f}**",
            f"≤ {TARGET_MAILER:g}",
            _verdict(per_email, TARGET_MAILER),
            f"claim: {mailer.claim_items:,} intent reads",
        ],
        [
            "whole chain (with the mailer)",
            "per due item",
            f"{due:,}",
            f"{with_mailer:,}",
            f"{_ratio(with_mailer, due):.3f}",
            "",
            "",
            "",
        ],
    ]
    for function, tally in sorted(r.others.items()):
        rows.append(
            [
                function,
                "records",
                f"{tally.units:,}",
                f"{tally.items:,}",
                f"{_ratio(tally.items, tally.units):.3f}",
                "",
                "",
                _ops(tally.calls),
            ]
        )
    if baseline and "error" not in baseline:
        rows.append(
            [
                f"baseline: synthetic fill (bench_nightly, {baseline['tracked']:,} tracked, "
                "this run)",
                "per due item",
                f"{baseline['due']:,}",
                f"{baseline['items']:,}",
                f"{_ratio(baseline['items'], baseline['due']):.3f}",
                "",
                "",
                "",
            ]
        )
    rows.append(
        [
            "baseline: full-scan nightly (every stored item, every night)",
            "per due item",
            f"{due:,}",
            f"{scan_items:,}",
            f"{_ratio(scan_items, due):.1f}",
            "",
            "",
            "",
        ]
    )
    header = [
        "reader",
        "counted",
        "units",
        "items read",
        "items read / unit",
        "target",
        "result",
        "DynamoDB calls",
    ]
    main = c.table(header, rows, "llrrrlll")

    type_rows = []
    for due_type in sorted(set(r.evaluator) | set(r.nightly_by_type)):
        tally = r.evaluator.get(due_type, Tally())
        swept = r.nightly_by_type.get(due_type, 0)
        type_rows.append(
            [
                f"`{due_type}`",
                f"{tally.units:,}",
                f"{swept:,}",
                f"{tally.items:,}",
                f"{_ratio(swept + tally.items, tally.units):.3f}",
                _kinds(tally.kinds),
                _ops(tally.calls),
            ]
        )
    by_type = c.table(
        [
            "due type",
            "due items",
            "nightly items read",
            "evaluator items read",
            "(nightly + evaluator) / due item",
            "evaluator: items read by record kind",
            "evaluator calls",
        ],
        type_rows,
        "lrrrrll",
    )
    kind_rows = []
    for kind, tally in sorted(r.mailer.items(), key=lambda kv: -kv[1].units):
        kind_rows.append(
            [
                f"`{kind}`",
                f"{tally.units:,}",
                f"{tally.invocations:,}",
                f"{tally.items:,}",
                f"{_ratio(tally.items, tally.units):.3f}",
                f"{_ratio(tally.items - tally.claim_items, tally.units):.3f}",
                _kinds(tally.kinds),
                f"{_ratio(sum(tally.calls.values()), tally.units):.2f}",
                ", ".join(f"{k} {v:,}" for k, v in r.outcomes.get(kind, Counter()).most_common()),
            ]
        )
    by_kind = c.table(
        [
            "email kind",
            "emails sent",
            "deliveries",
            "items read",
            "per email",
            "besides its claim, per email",
            "items read by record kind",
            "calls per email",
            "deliveries' outcomes",
        ],
        kind_rows,
        "lrrrrrlrl",
    )

    nights = r.nights
    ratios = [_ratio(n.chain_items, n.due) for n in nights if n.due]
    dues = sorted(n.due for n in nights)
    acted = sum(v for k, v in r.requests.items())
    activity = ", ".join(f"{k} {v:,}" for k, v in r.requests.most_common())
    refused = ", ".join(f"{k} x{v}" for k, v in r.refused.most_common()) or "none"
    if baseline is None:
        baseline_note = (
            "Baseline, same run: a nightly without the due index, which would read every "
            "stored item each night (the sum over the nights of the items stored at each "
            "night, counted in moto's table, not read); `--baseline-tracked N` adds "
            "bench_nightly's synthetic fill."
        )
    elif "error" in baseline:
        baseline_note = (
            f"The synthetic fill could not run in this run ({baseline['error']}); the "
            "full-scan row is the baseline."
        )
    else:
        baseline_note = (
            "Baselines, same run: bench_nightly's synthetic fill (2% of the tracked items due, "
            "packages and trackers seeded straight into the table: no reminders, no "
            "engagements, no email) — the figure the issue compares the month with — and a "
            "nightly without the due index, which would read every stored item each night "
            "(the sum over the nights of the items stored at each night, counted in moto's "
            "table, not read)."
        )
    mailer_besides = mailer.kinds.copy()
    mailer_besides.pop("OUTBOX", None)
    org_reads = nightly.kinds["ORG"] + evaluator.kinds["ORG"]
    median_due = c.median([float(d) for d in dues]) if dues else 0.0
    beyond = (
        "What is read beyond the due items (record kinds): the evaluator "
        f"{_kinds(evaluator.kinds, 8)}; the mailer besides its claims "
        f"{_kinds(mailer_besides, 8)}. The organization's "
        f"record alone ({org_reads} reads by the sweep and the evaluator, cold each night) is "
        f"{_ratio(org_reads, due):.3f} per due item at this practice's median of "
        f"{median_due:g} due items a night; ≤ {TARGET_CHAIN} leaves "
        f"{(TARGET_CHAIN - 1) * median_due:.2f} items a night besides the due items."
    )
    last = START + timedelta(days=max(len(nights) - 1, 0))
    dst = ", across the switch to summer time" if last >= SUMMER_TIME else ""
    notes = [
        f"The month: {r.clients:,} clients at the start ({len(r.nights)} nights from "
        f"{START:%d %B %Y}, {TIMEZONE}{dst}), "
        f"{r.stored:,} items stored at the end. Made and run through the API's real handler "
        f"({acted:,} requests: {activity}); refused (4xx, handled as a front desk would): "
        f"{refused}.",
        f"Due items per night: min {dues[0] if dues else 0}, median "
        f"{c.median([float(d) for d in dues]) if dues else 0:g}, max {dues[-1] if dues else 0}"
        f"; nightly + evaluator items read per due item per night: "
        + (f"{min(ratios):.3f} to {max(ratios):.3f}" if ratios else "n/a")
        + f" (first night, after the practice was entered: {nights[0].due if nights else 0} due, "
        f"{_ratio(nights[0].chain_items, nights[0].due) if nights else float('nan'):.3f}). "
        f"Emails sent (SES): {r.ses_sent:,}; by the mailer's deliveries: {emails:,}.",
        f"Targets (issue 15, target 3): nightly + evaluator ≤ {TARGET_CHAIN} items read per "
        f"due item — {_verdict(per_due, TARGET_CHAIN)} ({per_due:.3f}); the mailer ≤ "
        f"{TARGET_MAILER:g} item read per email besides its claim — "
        f"{_verdict(per_email, TARGET_MAILER)} ({per_email:.3f}).",
        beyond,
        baseline_note,
        "Items read = Query/Scan `ScannedCount` + GetItem hits + BatchGetItem/TransactGetItems "
        "items (bench/_common.py `DynamoCounter`, on every DynamoDB client), counted per "
        "function invocation; a GetItem that finds nothing is a call, not an item. The "
        "mailer's claim is the intent it delivers (`OUTBOX#` items read); besides it, "
        "whatever else it reads for the email (by kind in the tables). Record kinds are the "
        "sort keys' prefixes (docs/data-model.md).",
        "How the chain is run: at 00:05 local each night (the hourly schedule's run after "
        "local midnight; the practice's items fall due at local midnight), the nightly "
        "handler, then each queue through its consumer until all are empty, as "
        "tests/integration's `nightly` fixture. "
        + (
            "The evaluator got each message whole (`--as-sent`). "
            if "(as sent)" in r.evaluator
            else "The evaluator gets each received batch one due type at a time (the same "
            "items, the same run) so its reads can be told per type; `--as-sent` gives it "
            "the messages whole. "
        )
        + "The mailer gets one email per invocation (its handler sends one record at a "
        "time anyway). Each function starts the night cold (`adapters.reset()` before its "
        "first invocation: its 60-s caches, e.g. the organization's record, are a day old) "
        "and stays warm for the rest of the night, so counts do not depend on wall time. "
        "moto: `light_moto_transactions` and `fast_moto` (a Query handed its partition, "
        "answers as plain JSON; the same items, order and counts, checked against plain "
        "moto) keep the run short.",
        f"Wall time under moto (informational, not a figure): {seconds:.0f} s in all — "
        f"entering the practice {r.build_seconds:.0f} s, the month "
        f"{r.month_seconds:.0f} s of which the chain {r.chain_seconds:.0f} s.",
    ]
    return c.Report(
        "A realistic month: nightly chain items read per due item, by function",
        command,
        main,
        notes,
        appendix=["By due type (nightly + evaluator):", by_type, "Mailer, by email kind:", by_kind],
    )


def main(argv: list[str] | None = None) -> int:
    return c.main_with_write(report, argv, "Realistic month")


if __name__ == "__main__":
    raise SystemExit(main())
