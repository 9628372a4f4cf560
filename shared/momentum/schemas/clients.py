"""Client request and response bodies (SPEC §2)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, StrictInt

from momentum.schemas.common import (
    HHMM,
    ApiModel,
    Color,
    Email,
    Flag,
    LongText,
    Name,
    Phone,
    RecordId,
    refuse_null,
)

ClientStatusName = Literal["active", "inactive", "prospect"]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class TimeRangeBody(ApiModel):
    model_config = ConfigDict(extra="forbid")

    start: HHMM = Field(examples=["09:00"])
    end: HHMM = Field(examples=["12:30"])


Availability = dict[Weekday, list[TimeRangeBody]]


class ClientCreate(ApiModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Ada Lovelace",
                    "email": "ada@example.com",
                    "phone": "+44 20 7946 0000",
                    "status": "active",
                    "location_id": "north",
                    "assigned_practitioner_ids": ["user-sam"],
                    "availability": {"monday": [{"start": "09:00", "end": "12:00"}]},
                    "notes": "Prefers morning sessions.",
                }
            ]
        },
    )

    name: Name
    email: Email | None = None
    phone: Phone | None = None
    status: ClientStatusName = "active"
    location_id: RecordId | None = None
    assigned_practitioner_ids: list[RecordId] = Field(
        default_factory=list, max_length=50, description="User ids of the staff who see the client"
    )
    availability: Availability = Field(default_factory=dict)
    notes: LongText = ""
    send_welcome: Flag = Field(
        default=False, description="Also send the welcome email (active clients with an email)"
    )


class ClientPatch(ApiModel):
    """Only the fields sent are changed."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"status": "inactive"}]}
    )

    name: Name | None = None
    email: Email | None = None
    phone: Phone | None = None
    status: ClientStatusName | None = None
    location_id: RecordId | None = None
    assigned_practitioner_ids: list[RecordId] | None = Field(
        default=None, max_length=50, description="User ids of the staff who see the client"
    )
    availability: Availability | None = None
    notes: LongText | None = None

    _not_null = refuse_null("name", "status", "assigned_practitioner_ids", "availability", "notes")


class ClientView(ApiModel):
    id: str
    name: str
    email: str | None = None
    phone: str | None = None
    status: ClientStatusName
    location_id: str | None = None
    assigned_practitioner_ids: list[str] = Field(
        description="User ids of the staff who see the client"
    )
    availability: dict[str, list[TimeRangeBody]]
    notes: str | None = Field(default=None, description="Staff-only; never shown to clients.")
    invited: Flag
    has_login: Flag
    color: str | None = Field(default=None, description="Your own calendar colour for them.")
    version: StrictInt
    created_at: str
    updated_at: str


class ClientListItem(ApiModel):
    id: str
    name: str
    email: str | None = None
    phone: str | None = None
    status: ClientStatusName
    location_id: str | None = None
    invited: Flag = False


class ColorBody(ApiModel):
    model_config = ConfigDict(extra="forbid")

    color: Color = Field(examples=["#3366FF"])


class LoginBody(ApiModel):
    model_config = ConfigDict(extra="forbid")

    email: Email | None = Field(default=None, description="Defaults to the client's email.")


class WelcomeEmailSent(ApiModel):
    queued: Flag = True
    intent_id: str


class PractitionerContact(ApiModel):
    """How to reach one of a client's practitioners: contact details only (no role,
    locations or status: a client sees whom to contact, not how the practice is run)."""

    id: str = Field(description="The practitioner's user id.")
    name: str
    email: str
    phone: str | None = None
