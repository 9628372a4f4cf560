"""Report rows (the `reports` function): the On track report (SPEC §5) and the engagements
report (SPEC §7). The CSV export of each has exactly these columns, in this order."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, StrictInt

from momentum.schemas.common import IsoDate, IsoDateTime
from momentum.schemas.engagements import (
    EngagementProgressName,
    EngagementStatusName,
    EngagementTypeName,
)

OnTrackStatusName = Literal["on_track", "at_risk", "off_track", "not_tracking"]
ReportFormat = Literal["json", "csv"]


class OnTrackRow(BaseModel):
    """One open package of one client."""

    client_id: str
    client_name: str
    location_id: str | None
    package_id: str
    package_name: str
    assigned_team_member_id: str | None
    last_session: IsoDate | None = Field(
        description="Date of the last completed appointment in the package"
    )
    days_since: StrictInt | None = Field(description="Days since the last session")
    next_session: IsoDate | None = Field(
        description="Date of the next scheduled appointment in the package, else the client's"
    )
    next_session_at: IsoDateTime | None
    status: OnTrackStatusName = Field(description="`not_tracking` is the `-` of the page")
    outstanding: StrictInt | float | Literal["N/A"] = Field(
        description="Sessions or hours left; `N/A` for usage packages"
    )


class OnTrackReport(BaseModel):
    items: list[OnTrackRow]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to read the next page; absent on the last."
    )


class EngagementRow(BaseModel):
    engagement_id: str
    name: str
    type: EngagementTypeName
    status: EngagementStatusName
    coachee_id: str
    coachee_name: str | None
    coach_id: str | None
    owner_id: str
    location_id: str | None
    started_on: IsoDate | None
    progress: EngagementProgressName = Field(
        description="On/Off track as you may see it (`not_tracking` otherwise)"
    )
    off_track_since: IsoDate | None


class EngagementReport(BaseModel):
    items: list[EngagementRow]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to read the next page; absent on the last."
    )


ON_TRACK_COLUMNS = tuple(OnTrackRow.model_fields)
ENGAGEMENT_COLUMNS = tuple(EngagementRow.model_fields)
