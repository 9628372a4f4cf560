"""The EmailSender port, its SES v2 adapter and its in-memory fake."""

from __future__ import annotations

from email.message import EmailMessage
from functools import cache
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client

# SES answers that will not change on a retry: the message or address is refused (SES v2
# names, and the v1 names some endpoints and moto answer with). Throttling, sending paused
# and service errors are transient: raised as they are, so the send is retried.
_PERMANENT = frozenset(
    {
        "MessageRejected",
        "BadRequestException",
        "NotFoundException",
        "MailFromDomainNotVerifiedException",
        "MailFromDomainNotVerified",
        "InvalidParameterValue",
    }
)


class PermanentSendFailure(Exception):
    """SES refused this message for good; retrying would not help."""


class EmailSender(Protocol):
    def send(self, message: EmailMessage, *, to: str, tags: dict[str, str]) -> str:
        """Send; return the provider's message id. Transient failures raise (to be retried),
        permanent ones raise PermanentSendFailure."""
        ...


@cache
def client() -> SESV2Client:
    import boto3

    return boto3.client("sesv2")


class SesSender:
    def __init__(self, *, sender: str, configuration_set: str) -> None:
        self.sender = sender
        self.configuration_set = configuration_set

    def send(self, message: EmailMessage, *, to: str, tags: dict[str, str]) -> str:
        from email.errors import MessageError

        from botocore.exceptions import ClientError

        try:
            data = message.as_bytes()
        except (MessageError, ValueError, TypeError) as error:  # the same on every retry
            raise PermanentSendFailure(f"unserializable message: {error}") from error
        kwargs: dict[str, object] = {
            "FromEmailAddress": self.sender,
            "Destination": {"ToAddresses": [to]},
            "Content": {"Raw": {"Data": data}},
            # Tags come back on bounce and complaint events: they say whose address it was.
            "EmailTags": [{"Name": k, "Value": v} for k, v in tags.items()],
        }
        if self.configuration_set:
            kwargs["ConfigurationSetName"] = self.configuration_set
        try:
            response = client().send_email(**kwargs)  # type: ignore[arg-type]
        except ClientError as error:
            details = error.response.get("Error", {})
            code = details.get("Code", "")
            if code in _PERMANENT:
                raise PermanentSendFailure(f"{code}: {details.get('Message', '')}") from error
            raise
        return str(response.get("MessageId", ""))


class InMemorySender:
    """The fake: keeps every message; can be told to fail the next N sends."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, EmailMessage]] = []
        self.fail_next = 0

    def send(self, message: EmailMessage, *, to: str, tags: dict[str, str]) -> str:
        if self.fail_next > 0:
            self.fail_next -= 1
            raise ConnectionError("injected transient failure")
        self.sent.append((to, message))
        return f"fake-{len(self.sent)}"
