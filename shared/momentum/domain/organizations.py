"""The organization (tenant): its name, timezone and locations."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from momentum.domain.dates import validate_timezone
from momentum.domain.errors import FieldError, InvalidInput

DEFAULT_TIMEZONE = "UTC"


@dataclass(frozen=True, slots=True)
class Location:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Organization:
    id: str
    name: str
    timezone: str = DEFAULT_TIMEZONE
    locations: tuple[Location, ...] = field(default_factory=tuple)
    version: int = 0

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def location_ids(self) -> frozenset[str]:
        return frozenset(loc.id for loc in self.locations)


def validate_organization(org: Organization) -> Organization:
    """Refuse an unknown timezone or duplicate location ids (422 with field paths)."""
    errors: list[FieldError] = []
    try:
        validate_timezone(org.timezone)
    except InvalidInput as error:
        errors += error.errors
    seen: set[str] = set()
    for index, location in enumerate(org.locations):
        if location.id in seen:
            errors.append(
                FieldError(("body", "locations", index, "id"), "location ids must be unique")
            )
        seen.add(location.id)
    if errors:
        raise InvalidInput("The organization has invalid fields.", errors=errors)
    return org
