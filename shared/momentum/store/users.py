"""Staff user records: `pk = ORG#<org>`, `sk = USER#<user id>` (the user id is the Cognito
`sub`, the subject every token carries).

Lists by name on `gsi1` (`gsi1pk = ORG#<org>#USERS`, `gsi1sk = <name>#<id>`). `version` is
the ETag; every profile write is conditional on it. Other use cases (email recipients,
practitioners, coaches, engagement owners) read users with `get_user` / `get_users`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from momentum.domain.errors import ServiceUnavailable
from momentum.store import dynamo, pages
from momentum.store.keys import name_sort_key, org_pk
from momentum.store.transactions import Op

USER_PREFIX = "USER#"
ITEM_TYPE = "user"
LIST_FIELDS = ("id", "name", "email", "phone", "role", "location_ids", "status", "invited")
BATCH_GET_LIMIT = 100  # DynamoDB's BatchGetItem takes at most 100 keys
_MAX_BATCH_ROUNDS = 8  # unprocessed keys are retried this many times before giving up


@dataclass(frozen=True)
class UserRecord:
    org_id: str
    id: str
    name: str
    email: str
    role: str
    location_ids: tuple[str, ...] = ()
    status: str = "active"
    invited: bool = False
    phone: str | None = None
    login_username: str | None = None
    version: int = 0
    created_at: str = ""
    updated_at: str = ""

    @property
    def active(self) -> bool:
        return self.status == "active"


def users_list_pk(org_id: str) -> str:
    return f"{org_pk(org_id)}#USERS"


def user_sk(user_id: str) -> str:
    return USER_PREFIX + user_id


def profile_fields(record: UserRecord) -> dict[str, Any]:
    """The attributes a profile write sets (None values are removed from the item)."""
    return {
        "name": record.name,
        "email": record.email,
        "phone": record.phone,
        "role": record.role,
        "location_ids": list(record.location_ids),
        "status": record.status,
        "invited": record.invited,
        "updated_at": record.updated_at,
        "gsi1pk": users_list_pk(record.org_id),
        "gsi1sk": list_order(record),
    }


def to_item(record: UserRecord) -> dict[str, Any]:
    return {
        "pk": org_pk(record.org_id),
        "sk": user_sk(record.id),
        "type": ITEM_TYPE,
        "id": record.id,
        "org_id": record.org_id,
        **profile_fields(record),
        "login_username": record.login_username,
        "version": record.version,
        "created_at": record.created_at,
    }


def from_item(item: Mapping[str, Any]) -> UserRecord:
    return UserRecord(
        org_id=str(item["org_id"]),
        id=str(item["id"]),
        name=str(item.get("name", "")),
        email=str(item.get("email", "")),
        role=str(item.get("role", "staff")),
        location_ids=tuple(str(x) for x in item.get("location_ids") or []),
        status=str(item.get("status", "active")),
        invited=bool(item.get("invited", False)),
        phone=item.get("phone"),
        login_username=item.get("login_username"),
        version=int(item.get("version", 0)),
        created_at=str(item.get("created_at", "")),
        updated_at=str(item.get("updated_at", "")),
    )


def get_user(org_id: str, user_id: str) -> UserRecord | None:
    """One user of the organization (one consistent GetItem); None when there is no such
    user in *this* organization — another organization's id misses exactly the same way."""
    item = dynamo.get_item(org_pk(org_id), user_sk(user_id))
    return from_item(item) if item else None


def get_users(org_id: str, user_ids: Iterable[str]) -> dict[str, UserRecord]:
    """Several users of one organization by id, with as few BatchGetItem calls as DynamoDB
    allows (100 keys a call; unprocessed keys are retried). Missing ids are left out."""
    wanted = list(dict.fromkeys(u for u in user_ids if u))
    if not wanted:
        return {}
    if len(wanted) == 1:
        one = get_user(org_id, wanted[0])
        return {one.id: one} if one else {}
    found: dict[str, UserRecord] = {}
    for start in range(0, len(wanted), BATCH_GET_LIMIT):
        chunk = wanted[start : start + BATCH_GET_LIMIT]
        keys = [{"pk": {"S": org_pk(org_id)}, "sk": {"S": user_sk(u)}} for u in chunk]
        for item in _batch_get(keys):
            record = from_item(item)
            found[record.id] = record
    return found


def _batch_get(keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
    table = dynamo.table_name()
    request: dict[str, Any] = {table: {"Keys": keys, "ConsistentRead": True}}
    items: list[dict[str, Any]] = []
    for _ in range(_MAX_BATCH_ROUNDS):
        with dynamo.translate_errors():
            response = dynamo.client().batch_get_item(RequestItems=request)
        items += [
            dynamo.from_attributes(raw) for raw in response.get("Responses", {}).get(table, [])
        ]
        unprocessed = response.get("UnprocessedKeys") or {}
        if not unprocessed.get(table):
            return items
        request = {table: {**unprocessed[table], "ConsistentRead": True}}
    raise ServiceUnavailable("The service is busy; please retry.", retry_after_seconds=2)


def create(record: UserRecord) -> None:
    """Store a new user; raises dynamo.ConditionFailed if the id is already taken."""
    dynamo.put_item(to_item(record), condition="attribute_not_exists(pk)")


def save_op(before: UserRecord, after: UserRecord) -> Op:
    """Write the changed profile as version `before.version + 1`, only while the stored
    version is still `before.version` (a lost update refused)."""
    return dynamo.versioned_update_op(
        org_pk(after.org_id),
        user_sk(after.id),
        profile_fields(after),
        expected_version=before.version,
    )


def save_profile(before: UserRecord, after: UserRecord) -> None:
    """`save_op` written now (else dynamo.ConditionFailed: a lost update refused)."""
    dynamo.update_prepared(save_op(before, after))


def list_page(
    org_id: str, *, limit: int, start_key: dict[str, Any] | None
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """One page of list rows (LIST_FIELDS) of the organization's users, by name."""
    items, last = dynamo.query(
        users_list_pk(org_id), index="gsi1", limit=limit, start_key=start_key
    )
    return _rows(items), last


def list_rows(
    org_id: str, *, limit: int, cursor: str | None, scope: str, now: datetime
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of list rows of the organization's users by name, and the signed cursor
    of the next page (None: this is the last)."""
    items, next_cursor = pages.query_page(
        users_list_pk(org_id),
        org_id=org_id,
        scope=scope,
        limit=limit,
        cursor=cursor,
        now=now,
        index="gsi1",
    )
    return _rows(items), next_cursor


def list_row(record: UserRecord) -> dict[str, Any]:
    """The row `list_rows` shows for this user (the in-memory fake lists these)."""
    return _rows([to_item(record)])[0]


def list_order(record: UserRecord) -> str:
    """Where the user sorts in the list: by name, case-insensitively, then id."""
    return name_sort_key(record.name, record.id)


def _rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = [{name: item.get(name) for name in LIST_FIELDS} for item in items]
    for row in rows:
        row["location_ids"] = list(row.get("location_ids") or [])
        row["invited"] = bool(row.get("invited"))
    return rows


def every_row(org_id: str, *, page_size: int = 100) -> Iterator[dict[str, Any]]:
    """Every list row of the organization's users, by name, a page at a time."""
    start: dict[str, Any] | None = None
    while True:
        rows, start = list_page(org_id, limit=page_size, start_key=start)
        yield from rows
        if start is None:
            return
