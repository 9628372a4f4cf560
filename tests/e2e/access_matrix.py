"""Who may call what (SPEC §1 roles and tenancy), as one table, and the two organizations
it is checked against.

Every row names one route (as /openapi.json spells it), the request it sends, and the status
each caller gets for a record of their own organization. The callers (columns) are:

    owner      the organization's owner                               (column "own")
    admin      a global administrator                                 (column "adm")
    la         a location admin of the record's location (north)
    la_x       a location admin of another location (south)           (column "lax")
    staff      the staff member assigned to the record's client,      (column "stf")
               its appointments' practitioner and its engagement's coach
    staff_x    a staff member not assigned to that client             (column "stx")
    client     the record's client (portal login)                     (column "cli")
    client_x   another client of the same organization (portal login) (column "clx")
    anon       no bearer token at all

A record of *another* organization is never the caller's: every caller gets exactly what a
record that does not exist would give (404, or the same 403 when the role is refused
before any record is read), and nothing changes. test_access_matrix.py runs both.
"""

from __future__ import annotations

import threading
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import requests

from local import tokens
from tests.e2e.conftest import ensure_user

PERSONAS = ("owner", "admin", "la", "la_x", "staff", "staff_x", "client", "client_x", "anon")
NOW = datetime.fromisoformat("2026-06-15T12:00:00+00:00")
TODAY = NOW.date()

# A client-owned record needs a fresh target when the request would use it up (a delete, a
# login that can be created once): the row then names what to make for each caller.
FRESH_CLIENT = "fresh_client"  # a client of north, assigned to staff, nothing linked
FRESH_LOGIN = "fresh_login"  # the same, with a portal login
FRESH_APPOINTMENT = "fresh_appointment"  # a scheduled appointment of the main client
FRESH_TRACKER = "fresh_tracker"  # a tracker of the main client


@dataclass(frozen=True)
class Row:
    """One route: the request (method, path template, body, query) and, per caller, the
    status for a record of the caller's own organization."""

    route: str
    expected: str  # nine statuses, one per PERSONAS column
    body: Callable[[World, str], Any] | None = None
    query: Callable[[World], dict[str, str]] | None = None
    fresh: str | None = None  # make a fresh target for each call (see FRESH_*)
    readback: str | None = None  # GET that shows what a foreign call could have changed

    @property
    def method(self) -> str:
        return self.route.split(" ", 1)[0]

    @property
    def path(self) -> str:
        return self.route.split(" ", 1)[1]

    def status_for(self, persona: str) -> int:
        codes = self.expected.split()
        assert len(codes) == len(PERSONAS), f"{self.route}: {len(codes)} statuses"
        return int(codes[PERSONAS.index(persona)])


def _appointment_body(world: World, _: str) -> dict[str, Any]:
    starts = NOW + timedelta(days=3)
    return {
        "client_id": world.client_id,
        "practitioner_id": world.staff_id,
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=1)).isoformat(),
    }


def _user_body(world: World, persona: str) -> dict[str, Any]:
    return {
        "name": "New Person",
        "email": f"new-{persona}-{uuid.uuid4().hex[:6]}@{world.org}.example.com",
        "role": "staff",
        "location_ids": ["north"],
    }


def _client_body(_: World, __: str) -> dict[str, Any]:
    return {"name": "New Client", "location_id": "north"}


def _org_body(world: World, _: str) -> dict[str, Any]:
    return world.org_body()


# fmt: off
#   route                                            own adm la  lax stf stx cli clx anon
ROWS: tuple[Row, ...] = (
    # Organization and users (§1)
    Row("GET /org",                                 "200 200 200 200 200 200 200 200 401"),
    Row("PUT /org",                                 "200 200 403 403 403 403 403 403 401",
        body=_org_body),
    Row("GET /users",                               "200 200 200 200 403 403 403 403 401"),
    Row("POST /users",                              "201 201 403 403 403 403 403 403 401",
        body=_user_body),
    Row("GET /users/{user_id}",                     "200 200 200 200 403 403 403 403 401"),
    Row("PATCH /users/{user_id}",                   "200 200 403 403 403 403 403 403 401",
        body=lambda w, p: {"phone": "+44 20 0000 0000"}, readback="/users/{user_id}"),
    Row("GET /me/preferences",                      "200 200 200 200 200 200 200 200 401"),
    Row("PUT /me/preferences",                      "200 200 200 200 200 200 200 200 401",
        body=lambda w, p: {"emails": {}}),
    # Clients (§2)
    Row("GET /clients",                             "200 200 200 200 200 200 403 403 401"),
    Row("POST /clients",                            "201 201 201 403 403 403 403 403 401",
        body=_client_body),
    Row("GET /clients/{client_id}",                 "200 200 200 403 200 403 200 404 401"),
    Row("PATCH /clients/{client_id}",               "200 200 200 403 200 403 403 403 401",
        body=lambda w, p: {"notes": f"checked by {p}"}, readback="/clients/{client_id}"),
    Row("DELETE /clients/{client_id}",              "204 204 204 403 403 403 403 404 401",
        fresh=FRESH_CLIENT, readback="/clients/{client_id}"),
    Row("PUT /clients/{client_id}/availability",    "200 200 200 403 200 403 200 404 401",
        body=lambda w, p: {"monday": [{"start": "09:00", "end": "12:00"}]},
        readback="/clients/{client_id}"),
    Row("PUT /clients/{client_id}/color",           "200 200 200 403 200 403 403 403 401",
        body=lambda w, p: {"color": "#336699"}, readback="/clients/{client_id}"),
    # A client's own token without a login yet is refused by the portal (403).
    Row("PUT /clients/{client_id}/login",           "200 200 200 403 403 403 403 404 401",
        body=lambda w, p: {}, fresh=FRESH_CLIENT, readback="/clients/{client_id}"),
    Row("DELETE /clients/{client_id}/login",        "200 200 200 403 403 403 403 404 401",
        fresh=FRESH_LOGIN, readback="/clients/{client_id}"),
    Row("POST /clients/{client_id}/welcome-email",  "202 202 202 403 202 403 403 403 401"),
    Row("GET /clients/{client_id}/payments",        "200 200 200 403 200 403 200 404 401"),
    Row("POST /clients/{client_id}/payments",       "201 201 201 403 201 403 403 404 401",
        body=lambda w, p: {"amount": "10.00", "currency": "GBP", "date": TODAY.isoformat()},
        readback="/clients/{client_id}/payments"),
    Row("GET /clients/{client_id}/on-track",        "200 200 200 403 200 403 200 404 401"),
    # Contact details of the client's practitioners: whoever may see the client (§2).
    Row("GET /clients/{client_id}/practitioners",   "200 200 200 403 200 403 200 404 401"),
    # Packages (§4, §5): templates are the practice's; thresholds are owners' and admins'.
    Row("GET /package-templates",                   "200 200 200 200 200 200 403 403 401"),
    Row("POST /package-templates",                  "201 201 403 403 403 403 403 403 401",
        body=lambda w, p: {"name": "Pack", "type": "fixed", "size": 5}),
    Row("GET /package-templates/{template_id}",     "200 200 200 200 200 200 403 403 401"),
    Row("PATCH /package-templates/{template_id}",   "200 200 403 403 403 403 403 403 401",
        body=lambda w, p: {"name": f"Pack by {p}"}, readback="/package-templates/{template_id}"),
    Row("GET /clients/{client_id}/packages",        "200 200 200 403 200 403 200 404 401"),
    Row("POST /clients/{client_id}/packages",       "201 201 201 403 201 403 403 404 401",
        body=lambda w, p: {"type": "usage", "name": f"By {p}"},
        readback="/clients/{client_id}/packages"),
    Row("GET /packages/{package_id}",               "200 200 200 403 200 403 200 404 401"),
    Row("PATCH /packages/{package_id}",             "200 200 200 403 200 403 403 404 401",
        body=lambda w, p: {"name": f"Pack of {p}"}, readback="/packages/{package_id}"),
    # Appointments (§3): staff book for their assigned clients; clients only read.
    # Another client's id in a list filter is refused like any other client id (404).
    Row("GET /appointments",                        "200 200 200 403 200 403 200 404 401",
        query=lambda w: {"client_id": w.client_id}),
    Row("POST /appointments",                       "201 201 201 403 201 403 403 403 401",
        body=_appointment_body, readback="/appointments?client_id={client_id}"),
    Row("GET /appointments/{appointment_id}",       "200 200 200 403 200 403 200 404 401"),
    Row("PATCH /appointments/{appointment_id}",     "200 200 200 403 200 403 403 404 401",
        body=lambda w, p: {"notes": f"seen by {p}"}, readback="/appointments/{appointment_id}"),
    Row("DELETE /appointments/{appointment_id}",    "204 204 204 403 204 403 403 404 401",
        fresh=FRESH_APPOINTMENT, readback="/appointments/{appointment_id}"),
    # Session trackers and tasks (§6): staff tools, 403 for every client token (§9).
    Row("GET /clients/{client_id}/trackers",        "200 200 200 403 200 403 403 403 401"),
    Row("POST /clients/{client_id}/trackers",       "201 201 201 403 201 403 403 403 401",
        body=lambda w, p: {"sessions": 4, "begin_date": TODAY.isoformat(), "note": p},
        fresh=FRESH_CLIENT, readback="/clients/{client_id}/trackers"),
    Row("GET /trackers/{tracker_id}",               "200 200 200 403 200 403 403 403 401"),
    Row("PATCH /trackers/{tracker_id}",             "200 200 200 403 200 403 403 403 401",
        body=lambda w, p: {"note": f"noted by {p}"}, readback="/trackers/{tracker_id}"),
    Row("DELETE /trackers/{tracker_id}",            "204 204 204 403 204 403 403 403 401",
        fresh=FRESH_TRACKER, readback="/trackers/{tracker_id}"),
    Row("GET /tasks",                               "200 200 200 200 200 200 403 403 401"),
    # A task is its client's: the location's admins may close it like an admin (§1).
    Row("PATCH /tasks/{task_id}",                   "200 200 200 403 200 403 403 403 401",
        body=lambda w, p: {"done": True}, readback="/tasks?assignee_id={staff_id}"),
    # Payments and invoices (§2, §4)
    Row("GET /invoices",                            "200 200 200 403 200 403 200 404 401",
        query=lambda w: {"client_id": w.client_id}),
    Row("POST /invoices",                           "201 201 201 403 201 403 403 403 401",
        body=lambda w, p: {"client_id": w.client_id, "date": TODAY.isoformat(),
                           "currency": "GBP", "lines": [{"kind": "service", "amount": "5.00"}]},
        readback="/invoices?client_id={client_id}"),
    Row("GET /invoices/{invoice_id}",               "200 200 200 403 200 403 200 404 401"),
    # Engagements (§7): set up and changed by administrators of the location and its owner.
    Row("GET /engagement-templates",                "200 200 200 200 200 200 403 403 401"),
    Row("POST /engagement-templates",               "201 201 403 403 403 403 403 403 401",
        body=lambda w, p: {"name": "Coaching", "type": "one_to_one", "threshold_days": 21}),
    Row("GET /engagement-templates/{template_id}",  "200 200 200 200 200 200 403 403 401"),
    Row("PATCH /engagement-templates/{template_id}", "200 200 403 403 403 403 403 403 401",
        body=lambda w, p: {"name": f"Coaching by {p}"},
        readback="/engagement-templates/{template_id}"),
    Row("GET /engagements",                         "200 200 200 200 200 200 200 200 401"),
    Row("POST /engagements",                        "201 201 201 403 403 403 403 403 401",
        body=lambda w, p: {"template_id": w.engagement_template_id,
                           "coachee_id": w.client_id, "coach_id": w.staff_id}),
    Row("GET /engagements/{engagement_id}",         "200 200 200 403 200 403 200 404 401"),
    Row("PATCH /engagements/{engagement_id}",       "200 200 200 403 403 403 403 404 401",
        body=lambda w, p: {"name": f"Renamed by {p}"}, readback="/engagements/{engagement_id}"),
    # Reports (§5, §7): the practice and the coaching team, never a client.
    Row("GET /reports/on-track",                    "200 200 200 200 200 200 403 403 401"),
    Row("GET /reports/engagements",                 "200 200 200 200 200 200 403 403 401"),
    # Public: the signed token is the only key; a bad one is 400 for anyone.
    Row("GET /unsubscribe",                         "400 400 400 400 400 400 400 400 400",
        query=lambda w: {"token": "not-a-token"}),
    Row("POST /unsubscribe",                        "400 400 400 400 400 400 400 400 400",
        query=lambda w: {"token": "not-a-token"}),
)
# fmt: on

# Path parameters whose id names a record of the caller's organization.
PATH_IDS = {
    "client_id": "client_id",
    "user_id": "target_user_id",
    "package_id": "package_id",
    "appointment_id": "appointment_id",
    "tracker_id": "tracker_id",
    "task_id": "task_id",
    "invoice_id": "invoice_id",
    "engagement_id": "engagement_id",
}
# Routes that take an id in the body or query instead: the foreign variant swaps it.
BODY_OR_QUERY_IDS = {
    "GET /appointments": "client_id",
    "POST /appointments": "client_id",
    "GET /invoices": "client_id",
    "POST /invoices": "client_id",
    "POST /engagements": "coachee_id",
}


@dataclass
class World:
    """One organization with a caller of every kind and one record of every kind."""

    base_url: str
    org: str
    ids: dict[str, str] = field(default_factory=dict)
    session: requests.Session = field(default_factory=requests.Session)

    # -- plumbing --------------------------------------------------------------------------
    def headers(self, persona: str, *, client_id: str | None = None) -> dict[str, str]:
        claims: dict[str, Any] = {"org": self.org}
        if persona == "anon":
            return {}
        if persona == "owner":
            claims.update(role="owner", sub=f"owner-{self.org}")
        elif persona == "admin":
            claims.update(role="admin", sub=self.ids["admin_id"])
        elif persona == "la":
            claims.update(role="location_admin", sub=self.ids["la_id"], locations=["north"])
        elif persona == "la_x":
            claims.update(role="location_admin", sub=self.ids["la_x_id"], locations=["south"])
        elif persona == "staff":
            claims.update(role="staff", sub=self.ids["staff_id"])
        elif persona == "staff_x":
            claims.update(role="staff", sub=self.ids["staff_x_id"])
        elif persona == "client":
            cid = client_id or self.client_id
            claims.update(role="client", sub=f"portal-{cid}", client_id=cid)
        elif persona == "client_x":
            cid = self.ids["other_client_id"]
            claims.update(role="client", sub=f"portal-{cid}", client_id=cid)
        else:
            raise ValueError(persona)
        return {"Authorization": "Bearer " + tokens.issue(**claims)}

    def call(
        self,
        method: str,
        path: str,
        persona: str = "owner",
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        client_id: str | None = None,
    ) -> requests.Response:
        return self.session.request(
            method,
            self.base_url + path,
            json=json,
            params=params,
            headers={**self.headers(persona, client_id=client_id), **(headers or {})},
            timeout=60,
        )

    def ok(self, method: str, path: str, status: int, **kwargs: Any) -> Any:
        response = self.call(method, path, **kwargs)
        assert response.status_code == status, f"{method} {path}: {response.text}"
        return response.json() if response.content else None

    def __getattr__(self, name: str) -> str:
        ids = self.__dict__.get("ids", {})
        if name in ids:
            return str(ids[name])
        raise AttributeError(name)

    def org_body(self) -> dict[str, Any]:
        return {
            "name": f"Practice {self.org}",
            "timezone": "UTC",
            "locations": [{"id": "north", "name": "North"}, {"id": "south", "name": "South"}],
        }

    # -- building --------------------------------------------------------------------------
    def build(self) -> World:
        # The owner is the organization's first user: stored before the API can add users.
        ensure_user(self.base_url, self.org, f"owner-{self.org}", "owner")
        self.ok("PUT", "/org", 200, json=self.org_body())
        for key, role, locations in (
            ("admin_id", "admin", []),
            ("la_id", "location_admin", ["north"]),
            ("la_x_id", "location_admin", ["south"]),
            ("staff_id", "staff", ["north"]),
            ("staff_x_id", "staff", ["north"]),
            ("target_user_id", "staff", ["south"]),
        ):
            user = self.ok(
                "POST",
                "/users",
                201,
                json={
                    "name": key,
                    "email": f"{key.replace('_', '-')}@{self.org}.example.com",
                    "role": role,
                    "location_ids": locations,
                },
            )
            self.ids[key] = user["id"]
        self.ids["client_id"] = self.new_client("Main Client", login=True)
        self.ids["other_client_id"] = self.new_client("Other Client", login=True)
        template = self.ok(
            "POST", "/package-templates", 201, json={"name": "Ten", "type": "fixed", "size": 10}
        )
        self.ids["template_id"] = template["id"]
        package = self.ok(
            "POST",
            f"/clients/{self.client_id}/packages",
            201,
            json={
                "template_id": template["id"],
                "start_date": (TODAY - timedelta(days=30)).isoformat(),
            },
        )
        self.ids["package_id"] = package["id"]
        self.ids["tracker_id"] = self.new_tracker(task=True)
        # A completed session today reaches the tracker's count: its task is created.
        self.ids["appointment_id"] = self.new_appointment(
            starts=NOW - timedelta(hours=2), status="completed", package_id=package["id"]
        )
        tasks = self.ok("GET", "/tasks", 200, params={"assignee_id": self.staff_id})["items"]
        assert tasks, "the tracker's task was not created"
        self.ids["task_id"] = tasks[0]["id"]
        self.ok(
            "POST",
            f"/clients/{self.client_id}/payments",
            201,
            json={"amount": "60.00", "currency": "GBP", "date": TODAY.isoformat()},
        )
        invoice = self.ok(
            "POST",
            "/invoices",
            201,
            json={
                "client_id": self.client_id,
                "date": TODAY.isoformat(),
                "currency": "GBP",
                "lines": [{"kind": "service", "amount": "60.00"}],
            },
        )
        self.ids["invoice_id"] = invoice["id"]
        etpl = self.ok(
            "POST",
            "/engagement-templates",
            201,
            json={"name": "Coaching", "type": "one_to_one", "threshold_days": 21},
        )
        self.ids["engagement_template_id"] = etpl["id"]
        engagement = self.ok(
            "POST",
            "/engagements",
            201,
            json={
                "template_id": etpl["id"],
                "coachee_id": self.client_id,
                "coach_id": self.staff_id,
                "status": "active",
            },
        )
        self.ids["engagement_id"] = engagement["id"]
        return self

    def new_client(self, name: str, *, login: bool = False) -> str:
        client = self.ok(
            "POST",
            "/clients",
            201,
            json={
                "name": name,
                "email": f"{uuid.uuid4().hex[:10]}@{self.org}.example.com",
                "location_id": "north",
                "assigned_practitioner_ids": [self.staff_id],
            },
        )
        if login:
            self.ok("PUT", f"/clients/{client['id']}/login", 200, json={})
        return str(client["id"])

    def new_tracker(self, *, task: bool = False, client_id: str | None = None) -> str:
        body: dict[str, Any] = {
            "sessions": 1,
            "begin_date": (TODAY - timedelta(days=7)).isoformat(),
            "note": "Review",
        }
        if task:
            # With an end date: GET /tasks answers 500 for a task without one (see the fuzz
            # test); the access rules are what this table is about.
            body["task"] = {"assignee_id": self.staff_id, "trigger": "count_reached"}
            body["end_date"] = (TODAY + timedelta(days=30)).isoformat()
        owner = client_id or self.client_id
        tracker = self.ok("POST", f"/clients/{owner}/trackers", 201, json=body)
        return str(tracker["id"])

    def new_appointment(
        self,
        *,
        starts: datetime | None = None,
        status: str = "scheduled",
        package_id: str | None = None,
    ) -> str:
        starts = starts or NOW + timedelta(days=2)
        body = {
            "client_id": self.client_id,
            "practitioner_id": self.staff_id,
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=1)).isoformat(),
            "status": status,
        }
        if package_id:
            body["package_id"] = package_id
        appointment = self.ok("POST", "/appointments", 201, json=body)
        return str(appointment["id"])

    def fresh(self, kind: str) -> dict[str, str]:
        """A target that a request may use up: the ids to put into the path."""
        if kind == FRESH_CLIENT:
            return {"client_id": self.new_client("Fresh")}
        if kind == FRESH_LOGIN:
            return {"client_id": self.new_client("Fresh", login=True)}
        if kind == FRESH_APPOINTMENT:
            return {"appointment_id": self.new_appointment(), "client_id": self.client_id}
        if kind == FRESH_TRACKER:
            # On a client of its own: a client has at most 8 trackers (§6).
            client_id = self.new_client("Fresh")
            return {"tracker_id": self.new_tracker(client_id=client_id), "client_id": client_id}
        raise ValueError(kind)

    def path_ids(self, route: str) -> dict[str, str]:
        """The ids a route's path (and readback) names, for this organization's records."""
        values = {param: self.ids[key] for param, key in PATH_IDS.items()}
        values["staff_id"] = self.staff_id
        values["template_id"] = (
            self.engagement_template_id if "/engagement-templates" in route else self.template_id
        )
        return values


def drain_output(runner: Any) -> deque[str]:
    """Keep reading the session runner's output (the last lines are returned).

    The runner's stdout is a pipe nobody reads: once its error logs fill the pipe's buffer
    (64 KiB: a dozen stack traces) the runner blocks on its next log line and every request
    hangs. One reader per runner, started by whichever test module needs it first."""
    tail: deque[str] | None = getattr(runner, "output_tail", None)
    if tail is not None:
        return tail
    tail = deque(maxlen=400)
    runner.output_tail = tail
    stream = runner.process.stdout
    if stream is not None:

        def read() -> None:
            for line in stream:
                tail.append(line)

        threading.Thread(target=read, name="runner-output", daemon=True).start()
    return tail


def settle(runner: Any) -> None:
    """Send what a module queued (welcome emails...) and forget it, so that no later test
    finds this module's email in its queues or in /_local/emails."""
    assert runner.post("/_local/nightly").status_code == 200
    assert runner.delete("/_local/emails").status_code == 204


def new_org() -> str:
    return f"org-acl-{uuid.uuid4().hex[:8]}"


def nonexistent(record_id: str) -> str:
    """An id shaped like `record_id` that names nothing (its last character changed)."""
    last = record_id[-1]
    return record_id[:-1] + ("0" if last != "0" else "1")
