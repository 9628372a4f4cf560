"""What the queues carry: one pydantic model per message body, validated by the function
that receives it (momentum.messaging.batch) and built with it by the use case that sends it.

Fields a newer sender adds are ignored, so a deployment that changes a message does not
fail the messages already queued by the other version."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Json,
    RootModel,
    Tag,
    field_validator,
)

Text = Annotated[str, Field(min_length=1)]


class Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class DueItems(Message):
    """nightly → evaluator: items due by `run_at`, whole (as the due index projects them)
    or as references (key, type, organization, owner) that the evaluator reads; all of an
    owner's due engagements travel in one message (one digest per owner per run)."""

    run_at: AwareDatetime
    items: list[dict[str, Any]]

    @field_validator("run_at")
    @classmethod
    def _in_utc(cls, run_at: datetime) -> datetime:
        return run_at.astimezone(UTC)


class EmailToSend(Message):
    """→ mailer: the email intent to deliver, by its id in its organization's outbox."""

    org_id: Text
    intent_id: Text


class SnsNotification(Message):
    """SES event destination → SNS → the email events queue: SNS wraps SES's event (raw
    message delivery is off, template.yaml). SES's event itself is SES's own schema, read
    defensively by `momentum.logic.email_events`."""

    Type: Literal["Notification"]
    Message: Json[dict[str, Any]]


def _wrapping(body: Any) -> str:
    # SNS's envelope says what it is; anything else is SES's event as it is.
    if isinstance(body, SnsNotification):
        return "sns"
    return "sns" if isinstance(body, dict) and body.get("Type") == "Notification" else "raw"


class SesEvent(RootModel[SnsNotification | dict[str, Any]]):
    """The SES event, wrapped by SNS or (with raw message delivery) as it is. An SNS
    envelope must hold a JSON object; it is never read as an SES event itself."""

    root: Annotated[
        Annotated[SnsNotification, Tag("sns")] | Annotated[dict[str, Any], Tag("raw")],
        Discriminator(_wrapping),
    ]

    @property
    def event(self) -> dict[str, Any]:
        return self.root.Message if isinstance(self.root, SnsNotification) else self.root
