"""Appointment request and response bodies (SPEC §3)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, StrictInt

from momentum.schemas.common import (
    ApiModel,
    ApiTimestamp,
    Flag,
    IsoDate,
    IsoDateTime,
    LongText,
    RecordId,
)

Kind = Literal["session", "discovery_call"]
Status = Literal["scheduled", "completed", "cancelled", "missed"]


class AppointmentCreate(ApiModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "client_id": "cl_Q1E2JZS00T5C4RS9AXADT762MV",
                    "practitioner_id": "user-sam",
                    "starts_at": "2026-05-12T09:00:00+01:00",
                    "ends_at": "2026-05-12T10:00:00+01:00",
                    "kind": "session",
                    "status": "scheduled",
                }
            ]
        },
    )

    client_id: RecordId
    practitioner_id: RecordId | None = Field(default=None, description="Defaults to you")
    starts_at: ApiTimestamp
    ends_at: ApiTimestamp
    kind: Kind = "session"
    status: Status = "scheduled"
    package_id: RecordId | None = Field(
        default=None, description="Include it in this open package (else the preferred one)"
    )
    template_id: RecordId | None = Field(
        default=None, description="Create a new pack from this template and include it"
    )
    engagement_id: RecordId | None = None
    notes: LongText = ""


class AppointmentPatch(ApiModel):
    """Only the fields sent change; every count and status they affect changes with them."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"status": "completed"}]}
    )

    starts_at: ApiTimestamp | None = None
    ends_at: ApiTimestamp | None = None
    status: Status | None = None
    kind: Kind | None = None
    practitioner_id: RecordId | None = None
    package_id: RecordId | None = None
    engagement_id: RecordId | None = None
    notes: LongText | None = None


class TrackerBanner(ApiModel):
    tracker_id: str
    note: str
    color: str
    sessions: StrictInt
    used: StrictInt
    remaining: StrictInt
    begin_date: IsoDate
    end_date: IsoDate | None
    ended: Flag


class AppointmentView(ApiModel):
    id: str
    client_id: str
    practitioner_id: str
    starts_at: IsoDateTime
    ends_at: IsoDateTime
    date: IsoDate = Field(description="The start's date in the organization's timezone")
    kind: Kind
    status: Status
    package_id: str | None
    engagement_id: str | None
    notes: str
    version: StrictInt
    created_at: str
    updated_at: str
    trackers: list[TrackerBanner] = Field(
        default_factory=list,
        description="Tracker banners; only on appointments dated today or earlier",
    )
