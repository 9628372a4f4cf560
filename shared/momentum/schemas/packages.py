"""Package templates, client packages and On track settings (SPEC §4, §5)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, StrictInt

from momentum.schemas.common import (
    ApiDate,
    ApiModel,
    Flag,
    IsoDate,
    IsoDateTime,
    Name,
    RecordId,
    ShortText,
    refuse_null,
)
from momentum.schemas.engagements import HistoryEntryView

PackageType = Literal["fixed", "subscription", "usage"]
ProgressName = Literal["on_track", "at_risk", "off_track", "not_tracking"]
LifecycleName = Literal["open", "used_up", "expired", "cancelled"]


class OnTrackBody(ApiModel):
    """On track settings (off unless enabled). Only owners and admins may change them."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "enabled": True,
                    "window_days": 30,
                    "at_risk_below": 2,
                    "off_track_below": 1,
                    "reminder_after_days": 2,
                    "remind_team_member": True,
                    "remind_client": True,
                    "client_visible": False,
                }
            ]
        },
    )

    enabled: Flag = False
    window_days: StrictInt = Field(default=30, ge=1, le=365)
    at_risk_below: StrictInt = Field(default=2, ge=1, le=10_000)
    off_track_below: StrictInt = Field(default=1, ge=0, le=10_000)
    reminder_after_days: StrictInt | None = Field(default=None, ge=0, le=365)
    remind_team_member: Flag = False
    remind_client: Flag = False
    client_visible: Flag = False


class AuthorizationBody(ApiModel):
    """Who authorised the sessions (a referrer or an insurer) and for what."""

    model_config = ConfigDict(extra="forbid")

    source: Literal["referrer", "insurer"]
    name: ShortText = ""
    reference: ShortText = ""
    sessions_authorised: StrictInt | None = Field(default=None, ge=1, le=10_000)
    start_date: ApiDate | None = None
    end_date: ApiDate | None = None


class TemplateBody(ApiModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "10-session pack",
                    "type": "fixed",
                    "size": 10,
                    "unit": "sessions",
                    "validity_days": 90,
                    "auto_renew": False,
                    "on_track": {
                        "enabled": True,
                        "window_days": 30,
                        "at_risk_below": 2,
                        "off_track_below": 1,
                    },
                }
            ]
        },
    )

    name: Name
    type: PackageType
    size: StrictInt | None = Field(default=None, ge=1, le=10_000, description="Sessions or hours")
    unit: Literal["sessions", "hours"] = "sessions"
    period: Literal["week", "month"] | None = None
    validity_days: StrictInt | None = Field(default=None, ge=1, le=3660)
    auto_renew: Flag = False
    on_track: OnTrackBody | None = None
    authorization: AuthorizationBody | None = None


class TemplatePatch(ApiModel):
    """Only the fields sent change; `null` removes validity, On track or authorization."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    validity_days: StrictInt | None = Field(default=None, ge=1, le=3660)
    auto_renew: Flag | None = None
    on_track: OnTrackBody | None = None
    authorization: AuthorizationBody | None = None

    _not_null = refuse_null("name", "auto_renew")


class TemplateView(ApiModel):
    id: str
    name: str
    type: PackageType
    size: StrictInt | None = None
    unit: str = "sessions"
    period: str | None = None
    validity_days: StrictInt | None = None
    auto_renew: Flag = False
    on_track: OnTrackBody | None = None
    authorization: AuthorizationBody | None = None
    version: StrictInt


class PackageCreate(ApiModel):
    """From a template (`template_id`; its settings are copied now) or custom (`type`...)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"template_id": "tpl_D6N64DHAKBS9E3DSQAQSTSF2Y6", "start_date": "2026-05-01"}
            ]
        },
    )

    template_id: RecordId | None = None
    name: Name | None = None
    type: PackageType | None = None
    size: StrictInt | None = Field(default=None, ge=1, le=10_000)
    unit: Literal["sessions", "hours"] | None = None
    period: Literal["week", "month"] | None = None
    start_date: ApiDate | None = Field(default=None, description="Defaults to today")
    end_date: ApiDate | None = None
    auto_renew: Flag | None = None
    assigned_team_member_id: RecordId | None = None
    authorization: AuthorizationBody | None = None
    preferred: Flag = False
    on_track: OnTrackBody | None = Field(
        default=None, description="Client-level override; replaces the template's settings"
    )


class PackagePatch(ApiModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    end_date: ApiDate | None = None
    auto_renew: Flag | None = None
    assigned_team_member_id: RecordId | None = None
    authorization: AuthorizationBody | None = None
    preferred: Flag | None = None
    cancelled: Flag | None = None
    on_track: OnTrackBody | None = Field(
        default=None, description="Client-level override; null removes it (owners and admins)"
    )

    _not_null = refuse_null("name", "auto_renew", "preferred", "cancelled")


class PackageView(ApiModel):
    id: str
    client_id: str
    name: str
    template_id: str | None
    type: PackageType
    size: StrictInt | None
    unit: str
    period: str | None
    start_date: IsoDate
    end_date: IsoDate | None
    auto_renew: Flag
    assigned_team_member_id: str | None
    authorization: AuthorizationBody | None
    preferred: Flag
    lifecycle: LifecycleName
    open: Flag
    used_sessions: StrictInt
    used_hours: float
    outstanding: StrictInt | float | Literal["N/A"]
    status: ProgressName | None = Field(
        description="On track status now; null when a client may not see it"
    )
    last_session: IsoDate | None
    on_track: OnTrackBody | None = Field(description="The effective settings")
    on_track_override: OnTrackBody | None
    renewed_from_id: str | None = Field(
        default=None, description="The package this one renews (auto-renew)"
    )
    version: StrictInt
    history: list[HistoryEntryView] | None = Field(
        default=None, description="With `include=history` only: every status transition"
    )


class NextChange(ApiModel):
    date: IsoDate = Field(description="The first day something changes if nothing new happens")
    status: ProgressName = Field(description="The status from that day")
    lifecycle: LifecycleName


class OnTrackRow(ApiModel):
    """One On track row (SPEC §5): one open package of one client. The same shape on the
    client record (`GET /clients/{id}/on-track`) and in the report (`GET /reports/on-track`)."""

    client_id: str
    client_name: str
    location_id: str | None = Field(description="The client's location")
    package_id: str
    package_name: str
    assigned_team_member_id: str | None = Field(
        description="The user who gets the package's reminders"
    )
    last_session: IsoDate | None = Field(
        description="Date of the last completed appointment in the package"
    )
    days_since: StrictInt | None = Field(description="Days since the last session")
    next_session: IsoDate | None = Field(
        description="Date (in the organization's timezone) of the next scheduled appointment "
        "in the package, else the client's"
    )
    next_session_at: IsoDateTime | None = Field(description="The same appointment's start")
    status: ProgressName | None = Field(
        description="The On track status; `not_tracking` is the page's `-`. Null when a "
        "client may not see it"
    )
    outstanding: StrictInt | float | Literal["N/A"] = Field(
        description="Sessions or hours left; `N/A` for usage packages"
    )
    next_change: NextChange | None = Field(
        default=None,
        description="On the client record, for the team: the next predicted change if nothing "
        "new happens. Null in the report",
    )
