"""The one status vocabulary of the product: packages, trackers' reports and engagements."""

from __future__ import annotations

from enum import StrEnum


class Progress(StrEnum):
    """How an item is doing. `not_tracking` is the `-` the help centre shows."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NOT_TRACKING = "not_tracking"

    @property
    def needs_attention(self) -> bool:
        """At risk and off track both belong to a reminder episode."""
        return self in (Progress.AT_RISK, Progress.OFF_TRACK)
