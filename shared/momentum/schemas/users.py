"""Staff user request and response bodies (SPEC §1 roles)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, StrictInt

from momentum.schemas.common import ApiModel, Email, Flag, Name, Phone, RecordId, refuse_null

UserRole = Literal["owner", "admin", "location_admin", "staff"]
UserStatusName = Literal["active", "inactive"]
MAX_LOCATIONS = 50


class UserCreate(ApiModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Sam Carter",
                    "email": "sam@example.com",
                    "role": "staff",
                    "location_ids": ["north"],
                    "phone": "+44 20 7946 0001",
                }
            ]
        },
    )

    name: Name
    email: Email = Field(description="Also the sign-in name of the login created for them.")
    role: UserRole
    location_ids: list[RecordId] = Field(
        default_factory=list,
        max_length=MAX_LOCATIONS,
        description="The locations a location admin administers (at least one), or a "
        "staff member works at.",
    )
    phone: Phone | None = None
    status: UserStatusName = "active"


class UserPatch(ApiModel):
    """Only the fields sent are changed. The email is the sign-in name and is not changed
    here."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"status": "inactive"}]}
    )

    name: Name | None = None
    phone: Phone | None = Field(default=None, description="`null` removes it.")
    role: UserRole | None = None
    location_ids: list[RecordId] | None = Field(default=None, max_length=MAX_LOCATIONS)
    status: UserStatusName | None = None

    _not_null = refuse_null("name", "role", "location_ids", "status")


class UserView(ApiModel):
    id: str = Field(description="The user's id: the `sub` of their login.")
    name: str
    email: str
    phone: str | None = None
    role: UserRole
    location_ids: list[str]
    status: UserStatusName
    invited: Flag = Field(description="A login was created for them.")
    version: StrictInt
    created_at: str
    updated_at: str


class UserListItem(ApiModel):
    id: str
    name: str
    email: str
    phone: str | None = None
    role: UserRole
    location_ids: list[str]
    status: UserStatusName
    invited: Flag
