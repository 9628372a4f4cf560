"""Demo data for the local runner: a believable practice to click through.

Seeded through the same use cases the API calls (so it obeys every rule), with dates
relative to today: a few staff, a dozen clients, packages in every status, trackers with
tasks, appointments past and future, engagements in every progress state, and a second
organization to prove isolation. The first nightly run (`POST /_local/nightly`) sends a
reminder (Alan's package went off track two days ago) and an off-track notice (Margaret's
engagement crosses its three weeks today).

The people, the clients and the engagement templates have the same ids on every run:
README and /openapi.json's examples use them (`user-sam`, `DEMO_ADA`...)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from local.users import ensure_user
from momentum import clock, ids
from momentum.domain.access import Principal, Role
from momentum.logic import (
    appointments,
    clients,
    engagements,
    organizations,
    packages,
    trackers,
)

DEMO_ORG = "org-harbour"
OTHER_ORG = "org-elsewhere"
TIMEZONE = "Europe/London"


@dataclass(frozen=True)
class DemoUser:
    label: str
    role: str
    sub: str
    org: str = DEMO_ORG
    client_id: str | None = None
    locations: tuple[str, ...] = ()


@dataclass
class Demo:
    users: list[DemoUser] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZoneInfo(TIMEZONE))


@contextmanager
def _back_on(day: date) -> Iterator[None]:
    """Run the block as if it were `day` (09:00), then put the clock back: what happened
    then (a launch, a status change) keeps its date."""
    settable = clock.current()
    assert isinstance(settable, clock.SettableClock), "the runner installs a settable clock"
    now = settable.now()
    settable.set(_at(day, 9))
    try:
        yield
    finally:
        settable.set(now)


def _quiet(_: str) -> None:
    pass


def seed(progress: Callable[[str], None] = _quiet) -> Demo:  # noqa: PLR0915 - one linear story
    """Seed both organizations; `progress` hears one line per step."""
    demo = Demo()
    today = clock.current().now().astimezone(ZoneInfo(TIMEZONE)).date()
    progress("the organization and its team")
    # The founder creates the organization and its team. Founders are set up before the
    # API can add users: their user record is stored directly (the API reads every caller's
    # role from their record, so the printed tokens need one).
    ensure_user(
        DEMO_ORG, "user-olivia", "owner", name="Olivia Owner", email="olivia@harbour.example"
    )
    founder = Principal(org_id=DEMO_ORG, user_id="user-olivia", role=Role.OWNER)
    organizations.replace_organization(
        founder,
        name="Harbour Physio & Coaching",
        timezone=TIMEZONE,
        locations=[("north", "North clinic"), ("south", "South clinic")],
        expected_version=None,
    )
    team: dict[str, Any] = {}
    for key, name, role, locations in [
        ("adam", "Adam Admin", "admin", ()),
        ("lena", "Lena North", "location_admin", ("north",)),
        ("sam", "Sam Rivers", "staff", ()),
        ("zoe", "Zoe Park", "staff", ()),
    ]:
        # Stored like the founder's (no login: the runner's tokens sign them in), with ids
        # the examples can name: user-adam, user-lena, user-sam, user-zoe.
        team[key], _ = ensure_user(
            DEMO_ORG,
            f"user-{key}",
            role,
            locations=locations,
            name=name,
            email=f"{key}@harbour.example",
        )
    demo.users = [
        DemoUser("owner", "owner", "user-olivia"),
        DemoUser("admin", "admin", team["adam"].id),
        DemoUser("location admin (north)", "location_admin", team["lena"].id, locations=("north",)),
        DemoUser("staff (Sam)", "staff", team["sam"].id),
        DemoUser("staff (Zoe)", "staff", team["zoe"].id),
    ]
    admin = Principal(org_id=DEMO_ORG, user_id=team["adam"].id, role=Role.ADMIN)
    sam, zoe = team["sam"].id, team["zoe"].id

    on_track = {
        "enabled": True,
        "window_days": 30,
        "at_risk_below": 2,
        "off_track_below": 1,
        "reminder_after_days": 2,
        "remind_team_member": True,
        "remind_client": True,
    }
    progress("package templates")
    with ids.seeded("momentum-demo/package-templates"):  # the same ids on every run
        ten = packages.create_template(
            admin,
            {
                "name": "10-session pack",
                "type": "fixed",
                "size": 10,
                "validity_days": 120,
                "on_track": on_track,
            },
        )
        monthly = packages.create_template(
            admin,
            {
                "name": "Monthly coaching (4/month)",
                "type": "subscription",
                "size": 4,
                "period": "month",
                "auto_renew": False,
                "on_track": {**on_track, "at_risk_below": 3},
            },
        )
        packages.create_template(admin, {"name": "Pay as you go", "type": "usage"})
        insurer = packages.create_template(
            admin,
            {
                "name": "Insurer authorised (6)",
                "type": "fixed",
                "size": 6,
                "validity_days": 60,
                "auto_renew": True,
                "authorization": {
                    "source": "insurer",
                    "name": "Bupa",
                    "reference": "AUTH-2291",
                    "sessions_authorised": 6,
                },
            },
        )

    roster = [
        ("Ada Lovelace", "active", "north", [sam]),
        ("Grace Hopper", "active", "north", [sam]),
        ("Alan Turing", "active", "south", [zoe]),
        ("Katherine Johnson", "active", "south", [zoe]),
        ("Edsger Dijkstra", "active", "north", [sam, zoe]),
        ("Barbara Liskov", "active", "south", [zoe]),
        ("Donald Knuth", "active", "north", [sam]),
        ("Margaret Hamilton", "active", "south", [zoe]),
        ("Tim Berners-Lee", "prospect", "north", [sam]),
        ("Radia Perlman", "prospect", "south", [zoe]),
        ("Ken Thompson", "inactive", "north", [sam]),
        ("Frances Allen", "active", None, [sam]),
    ]
    progress("clients")
    made = []
    for name, status, location, assigned in roster:
        first = name.split()[0].lower()
        with ids.seeded(f"momentum-demo/client/{first}"):  # the same id on every run
            client = clients.create_client(
                admin,
                {
                    "name": name,
                    "email": f"{first}@example.com",
                    "status": status,
                    "location_id": location,
                    "assigned_practitioner_ids": assigned,
                    "availability": {
                        "monday": [{"start": "09:00", "end": "12:00"}],
                        "thursday": [{"start": "14:00", "end": "18:00"}],
                    },
                    "notes": "Demo client: prefers mornings." if first == "ada" else "",
                },
            )
        made.append(client)
    ada, grace, alan, katherine, edsger, barbara, donald, margaret = made[:8]
    tim = made[8]

    def book(
        client: Any, practitioner: str, day: date, status: str = "completed", **extra: Any
    ) -> Any:
        start = _at(day, 10)
        record, _ = appointments.create_appointment(
            admin,
            {
                "client_id": client.id,
                "practitioner_id": practitioner,
                "starts_at": start,
                "ends_at": start + timedelta(hours=1),
                "status": status,
                **extra,
            },
        )
        return record

    def pack(client: Any, template: dict[str, Any], start: date, **extra: Any) -> Any:
        return packages.create_package(
            admin, client.id, {"template_id": template["id"], "start_date": start, **extra}
        )

    progress("packages and appointments")
    # On track: two sessions in the last 30 days, one booked next week.
    p = pack(ada, ten, today - timedelta(days=60), preferred=True)
    for days in (40, 20, 6):
        book(ada, sam, today - timedelta(days=days), package_id=p.id)
    book(ada, sam, today + timedelta(days=5), "scheduled", package_id=p.id)
    # At risk: one session in the window.
    p = pack(grace, ten, today - timedelta(days=70))
    book(grace, sam, today - timedelta(days=45), package_id=p.id)
    book(grace, sam, today - timedelta(days=12), package_id=p.id)
    # Off track: nothing for six weeks, since two days ago (when his package was set up):
    # the first nightly run sends the reminders (reminder_after_days 2).
    with _back_on(today - timedelta(days=2)):
        p = pack(alan, monthly, today - timedelta(days=90), assigned_team_member_id=zoe)
        book(alan, zoe, today - timedelta(days=44), package_id=p.id)
    # Used up: an insurer-authorised pack of 6, all done (renews itself tonight).
    p = pack(katherine, insurer, today - timedelta(days=30))
    for days in (28, 24, 20, 16, 12, 8):
        book(katherine, zoe, today - timedelta(days=days), package_id=p.id)
    # Expired: a pack that ended last week, never used.
    pack(edsger, ten, today - timedelta(days=130))
    # Cancelled.
    p = pack(barbara, ten, today - timedelta(days=10))
    packages.update_package(admin, p.id, {"cancelled": True}, None)
    # A pack made from an appointment, and cancelled and missed sessions that never count.
    book(donald, sam, today - timedelta(days=3), template_id=ten["id"])
    book(donald, sam, today - timedelta(days=2), "cancelled")
    book(margaret, zoe, today - timedelta(days=1), "missed")
    book(tim, sam, today + timedelta(days=2), "scheduled")

    progress("session trackers")
    # Trackers: whichever-first task, auto-reset fortnightly, and one that has ended.
    trackers.create_tracker(
        admin,
        ada.id,
        {
            "sessions": 4,
            "begin_date": today - timedelta(days=20),
            "end_date": today + timedelta(days=9),
            "note": "Review progress with the insurer",
            "color": "#E67E22",
            "task": {"assignee_id": sam, "trigger": "first"},
        },
    )
    trackers.create_tracker(
        admin,
        grace.id,
        {
            "sessions": 2,
            "begin_date": today - timedelta(days=10),
            "end_date": today + timedelta(days=3),
            "note": "Fortnightly check-in",
            "color": "#3498DB",
            "auto_reset": True,
            "task": {"assignee_id": sam, "trigger": "end_date"},
        },
    )
    trackers.create_tracker(
        admin,
        katherine.id,
        {
            "sessions": 6,
            "begin_date": today - timedelta(days=30),
            "note": "Authorised sessions",
            "task": {"assignee_id": zoe, "trigger": "count_reached"},
        },
    )

    _engagements(admin, today, made, sam=sam, zoe=zoe, book=book, progress=progress)

    progress("another organization, and Ada's portal login")
    ensure_user(OTHER_ORG, "user-otto", "owner", name="Otto Owner", email="otto@elsewhere.example")
    other = Principal(org_id=OTHER_ORG, user_id="user-otto", role=Role.OWNER)
    organizations.replace_organization(
        other,
        name="Elsewhere Tutoring",
        timezone="America/Los_Angeles",
        locations=[],
        expected_version=None,
    )
    clients.create_client(other, {"name": "Someone Else", "email": "else@example.com"})
    demo.users.append(
        DemoUser("owner of another organization", "owner", "user-otto", org=OTHER_ORG)
    )
    ada_login = clients.create_login(admin, ada.id, None)
    demo.users.append(
        DemoUser("client (Ada, portal)", "client", "client-ada", client_id=ada_login.id)
    )
    demo.counts = {"clients": len(made) + 1, "staff": len(team)}
    return demo


def _engagements(
    admin: Principal,
    today: date,
    made: list[Any],
    *,
    sam: str,
    zoe: str,
    book: Callable[..., Any],
    progress: Callable[[str], None],
) -> None:
    """Engagement templates, and engagements On track, Off track (one crossing today, so
    the first nightly run notifies its coachee, coach and owner) and not tracking."""
    progress("engagement templates and engagements")
    with ids.seeded("momentum-demo/engagement-templates"):  # the same ids on every run
        three_weeks = engagements.create_template(
            admin,
            {
                "name": "Three-week coaching",
                "type": "one_to_one",
                "threshold_days": 21,
                "notify_off_track": True,
            },
        )
        on_demand = engagements.create_template(
            admin, {"name": "On-demand sessions", "type": "on_demand", "threshold_days": 30}
        )
        matching = engagements.create_template(
            admin,
            {
                "name": "Coach matching",
                "type": "coach_matching",
                "threshold_days": 14,
                "notify_off_track": True,
            },
        )
        untracked = engagements.create_template(
            admin, {"name": "Mentoring (not tracked)", "type": "one_to_one"}
        )
    by_name = {c.name.split()[0]: c for c in made}

    def launch(days_ago: int, template: dict[str, Any], coachee: str, **body: Any) -> Any:
        with _back_on(today - timedelta(days=days_ago)):
            return engagements.create_engagement(
                admin,
                {"template_id": template["id"], "coachee_id": by_name[coachee].id, **body},
            )

    # Off track from today (launched three weeks ago, no session since): notified tonight.
    launch(21, three_weeks, "Margaret", coach_id=zoe, status="active")
    # On track: a session ten days ago and the next one booked.
    edsger = launch(30, three_weeks, "Edsger", coach_id=sam, status="active")
    book(by_name["Edsger"], sam, today - timedelta(days=10), engagement_id=edsger.id)
    book(by_name["Edsger"], sam, today + timedelta(days=4), "scheduled", engagement_id=edsger.id)
    # Off track for two weeks already (its template sends no notices).
    barbara = launch(60, on_demand, "Barbara", coach_id=zoe, status="active")
    book(by_name["Barbara"], zoe, today - timedelta(days=45), engagement_id=barbara.id)
    # Looking for a coach since three days ago: On track.
    launch(3, matching, "Frances", status="matching")
    # Not tracking: a draft, and a template without a threshold.
    launch(0, three_weeks, "Frances")
    launch(5, untracked, "Donald", coach_id=sam, status="active")
