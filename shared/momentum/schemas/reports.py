"""Report rows (the `reports` function): the On track report (SPEC §5) and the engagements
report (SPEC §7). Their CSV exports (momentum.logic.reports) show the same rows for
people: a heading per column, names beside ids, statuses in words."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from momentum.schemas.common import ApiModel, IsoDate
from momentum.schemas.engagements import (
    EngagementProgressName,
    EngagementStatusName,
    EngagementTypeName,
)
from momentum.schemas.packages import OnTrackRow, ProgressName

OnTrackStatusName = ProgressName
ReportFormat = Literal["json", "csv"]


class OnTrackReport(ApiModel):
    items: list[OnTrackRow]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to read the next page; absent on the last."
    )


class EngagementRow(ApiModel):
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


class EngagementReport(ApiModel):
    items: list[EngagementRow]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to read the next page; absent on the last."
    )
