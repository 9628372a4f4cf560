"""`/me/preferences`: which kinds of email the caller receives (SPEC §7, §8)."""

from __future__ import annotations

from pydantic import ConfigDict, Field, StrictBool, StrictInt

from momentum.schemas.common import ApiModel


class EmailChoices(ApiModel):
    """One switch per kind of email (`momentum.notify.intents.EmailKind`); every kind is on
    unless turned off. In a PUT, a kind left out is on."""

    model_config = ConfigDict(extra="forbid")

    welcome: StrictBool = Field(default=True, description="Welcome emails.")
    on_track_reminder: StrictBool = Field(
        default=True, description="On track reminders about packages slipping."
    )
    tracker_task: StrictBool = Field(default=True, description="Session tracker task emails.")
    engagement_off_track: StrictBool = Field(
        default=True, description="An engagement you are part of went off track."
    )
    engagement_digest: StrictBool = Field(
        default=True, description="The daily digest of your engagements that went off track."
    )


class PreferencesBody(ApiModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"emails": {"welcome": True, "on_track_reminder": False}}]},
    )

    emails: EmailChoices


class PreferencesView(ApiModel):
    emails: EmailChoices
    version: StrictInt
