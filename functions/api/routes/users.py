"""/users: the organization's staff users and their logins."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from momentum.api import contract, lazy, respond
from momentum.api.etags import expected_version
from momentum.api.idempotency import create_once
from momentum.api.pagination import Page, page_of
from momentum.api.params import DEFAULT_LIMIT, Cursor, IdempotencyKey, IfMatch, Limit
from momentum.api.request import principal
from momentum.schemas.common import RecordId
from momentum.schemas.users import (
    UserCreate,
    UserListItem,
    UserPatch,
    UserRole,
    UserStatusName,
    UserView,
)

# Registering the routes needs only schemas and parameter types: the use case (and the
# store, mail and rules behind it) loads on the first request that needs it (cold start).
if TYPE_CHECKING:
    from momentum.logic import users
else:
    users = lazy.module("momentum.logic.users")

router = APIGatewayHttpRouter()
TAGS = ["Users"]
UserId = Annotated[RecordId, Path(description="The user's id (the `sub` of their login)")]


def _view(record: users.UserRecord) -> Response[UserView]:
    return respond.ok(UserView.model_validate(users.user_view(record)), version=record.version)


@router.get(
    "/users",
    operation_id="listUsers",
    responses=contract.ok("A page of users, by name."),
    summary="List users (by name; administrators)",
    tags=TAGS,
)
def list_users(
    role: Annotated[UserRole | None, Query()] = None,
    status: Annotated[UserStatusName | None, Query()] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[UserListItem]:
    rows, next_cursor = users.list_users(
        principal(router), role=role, status=status, limit=limit, cursor=cursor
    )
    return page_of(UserListItem, rows, next_cursor)


@router.post(
    "/users",
    operation_id="createUser",
    responses=contract.created("The user added; their login is invited by email."),
    summary="Add a user and create their login (owners and admins)",
    tags=TAGS,
    status_code=201,
)
def create_user(
    body: Annotated[UserCreate, Body()], idempotency_key: IdempotencyKey = None
) -> Response[UserView]:
    caller = principal(router)

    def create() -> dict[str, Any]:
        return users.user_view(users.create_user(caller, body.model_dump()))

    view = create_once(router, "POST /users", idempotency_key, body, create)
    made = UserView.model_validate(view)
    return respond.created(made, location=f"/users/{made.id}", version=made.version)


@router.get(
    "/users/<user_id>",
    operation_id="getUser",
    responses=contract.ok("The user.", "ETag"),
    summary="Read a user",
    tags=TAGS,
)
def get_user(user_id: UserId) -> Response[UserView]:
    return _view(users.get_user(principal(router), user_id))


@router.patch(
    "/users/<user_id>",
    operation_id="updateUser",
    responses=contract.ok("The user as changed.", "ETag"),
    summary="Change a user",
    tags=TAGS,
)
def patch_user(
    user_id: UserId,
    body: Annotated[UserPatch, Body()],
    if_match: IfMatch = None,
) -> Response[UserView]:
    record = users.update_user(
        principal(router),
        user_id,
        body.model_dump(exclude_unset=True),
        expected_version(if_match),
    )
    return _view(record)
