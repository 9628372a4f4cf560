"""/org request and response bodies."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, StrictInt, StringConstraints

from momentum.domain.organizations import Organization
from momentum.schemas.common import ApiModel, Name

LocationId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


class LocationBody(ApiModel):
    model_config = ConfigDict(extra="forbid")

    id: LocationId = Field(examples=["north"])
    name: Name = Field(examples=["North clinic"])


class OrganizationBody(ApiModel):
    """The whole organization, as PUT /org replaces it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Harbour Physio",
                    "timezone": "Europe/London",
                    "locations": [{"id": "north", "name": "North clinic"}],
                }
            ]
        },
    )

    name: Name
    timezone: str = Field(
        default="UTC", max_length=64, description="IANA timezone name", examples=["Europe/London"]
    )
    locations: list[LocationBody] = Field(default_factory=list, max_length=100)


class OrganizationView(ApiModel):
    id: str
    name: str
    timezone: str
    locations: list[LocationBody]
    version: StrictInt

    @classmethod
    def of(cls, org: Organization) -> OrganizationView:
        return cls(
            id=org.id,
            name=org.name,
            timezone=org.timezone,
            locations=[LocationBody(id=loc.id, name=loc.name) for loc in org.locations],
            version=org.version,
        )
