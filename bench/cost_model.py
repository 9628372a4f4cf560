"""A month's AWS bill from the measured units (issue 15, "cost model"): a 2,000-client
practice and a 50,000-engagement coaching company, at on-demand list prices, against the
same month with a full-Scan nightly.

The units per operation are the ones the benchmarks measured (each constant names its
source in BENCHMARKS.md); the workload per month is an assumption, stated in the table.
Prints the Markdown that docs/operations.md ("What a month costs") holds:

    .venv/bin/python bench/cost_model.py
"""

from __future__ import annotations

from dataclasses import dataclass

# -- list prices, us-east-1, on demand (USD) ----------------------------------------------
PRICE = {
    "read_unit": 0.125 / 1e6,  # DynamoDB on-demand read request unit
    "write_unit": 0.625 / 1e6,  # DynamoDB on-demand write request unit
    "storage_gb": 0.25,  # DynamoDB standard table class, per GB-month
    "pitr_gb": 0.20,  # point-in-time recovery, per GB-month
    "http_request": 1.00 / 1e6,  # API Gateway HTTP API
    "lambda_request": 0.20 / 1e6,
    "lambda_gb_second": 0.0000166667,  # x86
    "sqs_request": 0.40 / 1e6,
    "email": 0.10 / 1000,  # SES outbound
    "log_gb": 0.50,  # CloudWatch Logs ingestion
    "alarm": 0.10,  # standard-resolution metric alarm, per month
    "dashboard": 3.00,  # per dashboard-month
    "cognito_mau": 0.015,  # Cognito Essentials, per monthly active user past the free 10,000
}
FREE_MAU = 10_000
ALARMS = 21  # template.yaml's AWS::CloudWatch::Alarm resources

# -- measured units (BENCHMARKS.md) -------------------------------------------------------
# "API: DynamoDB calls per request": single reads 1 item; lists 2-4; the mean over the
# read routes of a working session is about 2.5 items, eventually or strongly consistent.
ITEMS_PER_API_READ = 2.5
# "History: items read per appointment operation": a booking reads 4 items, a change 5,
# the same after 1 and 5 years (target 1).
ITEMS_PER_BOOKING = 4
ITEMS_PER_APPOINTMENT_CHANGE = 5
# "Summary sizes" (bench_summary_size.py, target 2): write units of "record a completed
# session" (appointment, client, package, engagement, trackers; x2 as a transaction),
# 18 after 1, 2 and 5 years of weekly sessions.
WRITE_UNITS_PER_APPOINTMENT_WRITE = 18
# "Nightly chain" on the realistic month (bench/bench_month.py): items read per due item
# by the hourly chain and its evaluators, and per email by the mailer besides its claim.
ITEMS_PER_DUE_ITEM = 1.436
ITEMS_PER_EMAIL = 1.0 + 0.874  # its claim + the recipient
WRITE_UNITS_PER_DUE_ITEM = 6  # the item, its history entry or intent: x2 transactional
WRITE_UNITS_PER_EMAIL = 4  # claim and settle the intent
# "Nightly chain: items read per due item", baseline: a full Scan reads every tracked
# item and its client record: 60.4 items per due item at 2% due. Per run, it reads the
# whole table; appointments (about 0.4 KB each) included.
LAMBDA_MB = 512
LAMBDA_MS_PER_REQUEST = 120  # warm, API handler, measured order of magnitude under moto
LOG_KB_PER_REQUEST = 1.5
HOURLY_RUNS = 24 * 30


@dataclass(frozen=True)
class Workload:
    name: str
    people: int  # clients or engagements
    sessions_per_person_month: float
    api_reads_per_month: int
    tracked_items: int
    due_items_per_month: int
    emails_per_month: int
    stored_items: int
    stored_gb: float
    monthly_active_logins: int


PRACTICE = Workload(
    name="Practice: 2,000 clients, 25 team members",
    people=2_000,
    sessions_per_person_month=4,  # weekly physio / packs of sessions
    api_reads_per_month=25 * 22 * 120 + 2_000 * 2 * 4,  # team days + portal visits
    tracked_items=2_000 + 1_000,  # one package each, a tracker for half
    due_items_per_month=2_100,  # the realistic month: 311 due items / 300 clients
    emails_per_month=2_200,
    stored_items=2_000 * (3 + 48 + 12),  # a year: client, package, tracker, sessions, history
    stored_gb=0.06,
    monthly_active_logins=25 + 1_200,  # the team and the clients who open the portal
)
COACHING = Workload(
    name="Coaching company: 50,000 engagements, 600 coaches",
    people=50_000,
    sessions_per_person_month=1.5,  # a session every three weeks
    api_reads_per_month=600 * 22 * 80 + 50_000 * 2 * 3,
    tracked_items=50_000,
    due_items_per_month=50_000,  # about one crossing or notice per engagement-month
    emails_per_month=60_000,
    stored_items=50_000 * (2 + 18 + 12),
    stored_gb=1.3,
    monthly_active_logins=600 + 25_000,
)


def month(w: Workload, *, full_scan: bool) -> dict[str, float]:
    appointment_writes = w.people * w.sessions_per_person_month * 2  # booked, then completed
    read_units = (
        w.api_reads_per_month * ITEMS_PER_API_READ
        + appointment_writes / 2 * (ITEMS_PER_BOOKING + ITEMS_PER_APPOINTMENT_CHANGE)
        + w.emails_per_month * ITEMS_PER_EMAIL
    )
    if full_scan:
        # Each hourly run scans the whole table (eventually consistent: ½ unit per 4 KB).
        read_units += HOURLY_RUNS * w.stored_gb * 1e6 / 4 * 0.5
    else:
        read_units += w.due_items_per_month * ITEMS_PER_DUE_ITEM
    write_units = (
        appointment_writes * WRITE_UNITS_PER_APPOINTMENT_WRITE
        + w.due_items_per_month * WRITE_UNITS_PER_DUE_ITEM
        + w.emails_per_month * WRITE_UNITS_PER_EMAIL
    )
    requests = w.api_reads_per_month + appointment_writes
    invocations = requests + HOURLY_RUNS + w.due_items_per_month / 10 + w.emails_per_month
    gb_seconds = invocations * LAMBDA_MS_PER_REQUEST / 1000 * LAMBDA_MB / 1024
    return {
        "DynamoDB reads": read_units * PRICE["read_unit"],
        "DynamoDB writes": write_units * PRICE["write_unit"],
        "DynamoDB storage + PITR": w.stored_gb * (PRICE["storage_gb"] + PRICE["pitr_gb"]),
        "API Gateway": requests * PRICE["http_request"],
        "Lambda": invocations * PRICE["lambda_request"] + gb_seconds * PRICE["lambda_gb_second"],
        "SQS": (w.due_items_per_month / 10 + w.emails_per_month) * 3 * PRICE["sqs_request"],
        "SES": w.emails_per_month * PRICE["email"],
        "CloudWatch Logs": invocations * LOG_KB_PER_REQUEST / 1e6 * PRICE["log_gb"],
        "CloudWatch alarms + dashboard": ALARMS * PRICE["alarm"] + PRICE["dashboard"],
        "Cognito sign-ins": max(0, w.monthly_active_logins - FREE_MAU) * PRICE["cognito_mau"],
        "_read_units": read_units,
        "_write_units": write_units,
    }


def table(w: Workload) -> str:
    due_index = month(w, full_scan=False)
    scan = month(w, full_scan=True)
    lines = [
        f"#### {w.name}",
        "",
        f"Assumed per month: {w.people * w.sessions_per_person_month:,.0f} sessions (each "
        f"booked, then completed), {w.api_reads_per_month:,} API reads, "
        f"{w.due_items_per_month:,} due items, {w.emails_per_month:,} emails; "
        f"{w.stored_items:,} items stored (≈ {w.stored_gb} GB), "
        f"{w.monthly_active_logins:,} people signing in.",
        "",
        "| | due index (as built) | full-Scan nightly |",
        "| --- | ---: | ---: |",
    ]
    for key in due_index:
        if not key.startswith("_"):
            lines.append(f"| {key} | ${due_index[key]:,.2f} | ${scan[key]:,.2f} |")
    total = sum(v for k, v in due_index.items() if not k.startswith("_"))
    total_scan = sum(v for k, v in scan.items() if not k.startswith("_"))
    lines += [
        f"| **total** | **${total:,.2f}** | **${total_scan:,.2f}** |",
        f"| read units | {due_index['_read_units']:,.0f} | {scan['_read_units']:,.0f} |",
        f"| write units | {due_index['_write_units']:,.0f} | {scan['_write_units']:,.0f} |",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    print("Command: `.venv/bin/python bench/cost_model.py`\n")
    print(table(PRACTICE))
    print(table(COACHING))


if __name__ == "__main__":
    main()
