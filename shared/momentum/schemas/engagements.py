"""Engagement templates, engagements and status history (SPEC §7)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field, StrictInt

from momentum.schemas.common import ApiModel, Flag, IsoDate, Name, RecordId

EngagementTypeName = Literal["one_to_one", "on_demand", "coach_matching"]
EngagementStatusName = Literal["draft", "active", "matching", "completed", "cancelled"]
LaunchStatusName = Literal["draft", "active", "matching"]
EngagementProgressName = Literal["on_track", "off_track", "not_tracking"]


def _threshold_days() -> Any:
    return Field(
        default=None,
        ge=1,
        le=3650,
        description="Progress tracking threshold in days (e.g. 21 for three weeks); null: off",
    )


class EngagementTemplateBody(ApiModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Three-week coaching",
                    "type": "one_to_one",
                    "threshold_days": 21,
                    "notify_off_track": True,
                }
            ]
        },
    )

    name: Name
    type: EngagementTypeName
    threshold_days: StrictInt | None = _threshold_days()
    notify_off_track: Flag = False


class EngagementTemplatePatch(ApiModel):
    """Only the fields sent change. Launched engagements keep the settings they copied."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"threshold_days": 14}]}
    )

    name: Name | None = None
    type: EngagementTypeName | None = None
    threshold_days: StrictInt | None = _threshold_days()
    notify_off_track: Flag | None = None


class EngagementTemplateView(ApiModel):
    id: str
    name: str
    type: EngagementTypeName
    threshold_days: StrictInt | None
    notify_off_track: Flag
    version: StrictInt
    created_at: str | None = None
    updated_at: str | None = None


class EngagementCreate(ApiModel):
    """From a template; its tracking settings are copied when the engagement launches."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "template_id": "etpl_M2FG6GKXJYZQ9BPAKJEA9GBAWZ",
                    "coachee_id": "cl_Q1E2JZS00T5C4RS9AXADT762MV",
                    "coach_id": "user-sam",
                    "status": "active",
                }
            ]
        },
    )

    template_id: RecordId
    coachee_id: RecordId = Field(description="The client being coached")
    coach_id: RecordId | None = Field(
        default=None, description="A staff user; optional while coach matching"
    )
    owner_id: RecordId | None = Field(default=None, description="An administrator; defaults to you")
    location_id: RecordId | None = Field(default=None, description="Defaults to the coachee's")
    name: Name | None = Field(default=None, description="Defaults to the template's name")
    status: LaunchStatusName = Field(
        default="draft", description="`active` or `matching` launches it at once"
    )


class EngagementPatch(ApiModel):
    """Only the fields sent change. `status` follows draft → active | matching →
    completed | cancelled (409 otherwise); a `coach_id` selects the coach (for coach
    matching this is activity, and ends matching)."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"status": "active"}]}
    )

    name: Name | None = None
    status: EngagementStatusName | None = None
    coach_id: RecordId | None = None
    owner_id: RecordId | None = None
    location_id: RecordId | None = None


class TrackingView(ApiModel):
    threshold_days: StrictInt | None = Field(description="Copied from the template at launch")
    notify_off_track: Flag


class HistoryEntryView(ApiModel):
    """One status transition: which status moved, from what to what, on which date (the
    organization's), and why."""

    field: str = Field(description="`status`, or `progress` for the On/Off track column")
    from_status: str | None
    to_status: str
    date: IsoDate
    cause: str
    at: str | None = Field(default=None, description="When it was recorded (UTC)")
    actor_id: str | None = Field(default=None, description="Who caused it; null: the system")


class EngagementView(ApiModel):
    id: str
    name: str
    template_id: str | None
    type: EngagementTypeName
    status: EngagementStatusName
    coachee_id: str
    coachee_name: str | None
    coach_id: str | None
    owner_id: str
    location_id: str | None
    tracking: TrackingView
    started_on: IsoDate | None = Field(description="When it first became active or matching")
    coach_selected_on: IsoDate | None
    progress: EngagementProgressName = Field(
        description="On/Off track now; `not_tracking` when not tracked or not yours to see"
    )
    off_track_since: IsoDate | None
    version: StrictInt
    created_at: str
    updated_at: str
    history: list[HistoryEntryView] | None = Field(
        default=None, description="With `include=history` only"
    )
