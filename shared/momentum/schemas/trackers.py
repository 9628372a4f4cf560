"""Session trackers and tasks (SPEC §6)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, StrictInt

from momentum.schemas.common import ApiDate, ApiModel, Color, Flag, IsoDate, LongText, RecordId

Trigger = Literal["count_reached", "end_date", "first"]


class TaskSettings(ApiModel):
    model_config = ConfigDict(extra="forbid")

    assignee_id: RecordId = Field(description="The staff user the task is assigned to")
    trigger: Trigger = Field(description="count_reached, end_date, or first (whichever first)")


class TrackerCreate(ApiModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "sessions": 6,
                    "begin_date": "2026-03-01",
                    "end_date": "2026-03-14",
                    "note": "Insurer review after 6 sessions",
                    "color": "#E67E22",
                    "task": {"assignee_id": "user-sam", "trigger": "first"},
                    "auto_reset": True,
                }
            ]
        },
    )

    sessions: StrictInt = Field(ge=1, le=10_000, description="The target")
    begin_date: ApiDate
    end_date: ApiDate | None = None
    note: LongText = ""
    color: Color = "#4A90E2"
    task: TaskSettings | None = None
    auto_reset: Flag = False


class TrackerPatch(ApiModel):
    model_config = ConfigDict(extra="forbid")

    sessions: StrictInt | None = Field(default=None, ge=1, le=10_000)
    begin_date: ApiDate | None = None
    end_date: ApiDate | None = None
    note: LongText | None = None
    color: Color | None = None
    task: TaskSettings | None = None
    auto_reset: Flag | None = None


class TrackerView(ApiModel):
    id: str
    client_id: str
    sessions: StrictInt
    begin_date: IsoDate = Field(description="The tracker's first period's start")
    end_date: IsoDate | None
    note: str
    color: str
    task: TaskSettings | None
    auto_reset: Flag
    period_begin: IsoDate = Field(description="The current period")
    period_end: IsoDate | None
    used: StrictInt
    remaining: StrictInt
    ended: Flag
    version: StrictInt


class TaskView(ApiModel):
    id: str
    client_id: str
    client_name: str
    tracker_id: str
    assignee_id: str
    note: str
    reason: Literal["count_reached", "end_date"]
    period_begin: IsoDate
    period_end: IsoDate | None = None
    done: Flag
    created_at: str
    version: StrictInt


class TaskPatch(ApiModel):
    model_config = ConfigDict(extra="forbid")

    done: Flag
