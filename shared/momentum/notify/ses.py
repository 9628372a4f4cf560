"""The EmailSender port, its SES v2 adapter and its in-memory fake."""

from __future__ import annotations

from email.message import EmailMessage
from functools import cache
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client

    from momentum.notify.pacing import SendPacer

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
        # The configuration set is missing (v2 answers NotFoundException, v1 these).
        "ConfigurationSetDoesNotExist",
        "ConfigurationSetDoesNotExistException",
    }
)
# Answers after which SES may have accepted the message (a 5xx): like a lost response.
_UNCERTAIN_CODES = frozenset({"InternalFailure", "InternalServerError", "ServiceUnavailable"})


class PermanentSendFailure(Exception):
    """SES refused this message for good; retrying would not help."""


class UncertainSendOutcome(Exception):
    """The request may have reached SES and been accepted, but no answer says so (a read
    timeout, a dropped connection, a 5xx). SendEmail has no idempotency token: sending
    again could send twice, so the caller waits for SES's `Send` event instead."""


class EmailSender(Protocol):
    def send(self, message: EmailMessage, *, to: str, tags: dict[str, str]) -> str:
        """Send; return the provider's message id. Failures known not to have sent raise
        as they are (to be retried), permanent ones PermanentSendFailure, and those after
        which the message may have been sent UncertainSendOutcome."""
        ...


@cache
def client() -> SESV2Client:
    """The client that sends: one attempt per call. botocore's own retry would send again a
    SendEmail whose answer was lost (SES may have accepted it); the outbox decides instead.
    Timeouts well inside the mailer's 60 s, so a hung call ends as an uncertain outcome
    rather than a killed function."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "sesv2",
        config=Config(
            retries={"mode": "standard", "total_max_attempts": 1},
            connect_timeout=5,
            read_timeout=15,
        ),
    )


def _uncertain(error: BaseException) -> bool:
    """Whether SES may have accepted the message although the call failed: the request went
    out and no answer came back (HTTPClientError: read timeout, connection closed while
    reading), or SES answered a 5xx. A failure to connect never reached SES."""
    from botocore.exceptions import ClientError, HTTPClientError

    if isinstance(error, HTTPClientError):
        return True
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        return code in _UNCERTAIN_CODES or status >= 500
    return False


class SesSender:
    def __init__(
        self, *, sender: str, configuration_set: str, pacer: SendPacer | None = None
    ) -> None:
        self.sender = sender
        self.configuration_set = configuration_set
        self.pacer = pacer

    def send(self, message: EmailMessage, *, to: str, tags: dict[str, str]) -> str:
        from email.errors import MessageError

        from botocore.exceptions import ClientError, ParamValidationError

        try:
            data = message.as_bytes()
        except (MessageError, ValueError, TypeError) as error:  # the same on every retry
            raise PermanentSendFailure(f"unserializable message: {error}") from error
        kwargs: dict[str, object] = {
            "FromEmailAddress": self.sender,
            "Destination": {"ToAddresses": [to]},
            "Content": {"Raw": {"Data": data}},
            # Tags come back on every SES event: whose address it was, which intent it sent.
            "EmailTags": [{"Name": k, "Value": v} for k, v in tags.items()],
        }
        if self.configuration_set:
            kwargs["ConfigurationSetName"] = self.configuration_set
        if self.pacer is not None:
            self.pacer.wait()
        try:
            response = client().send_email(**kwargs)  # type: ignore[arg-type]
        except ParamValidationError as error:  # refused before sending, the same every time
            raise PermanentSendFailure(f"invalid request: {error}") from error
        except ClientError as error:
            details = error.response.get("Error", {})
            code = details.get("Code", "")
            if code in _PERMANENT:
                raise PermanentSendFailure(f"{code}: {details.get('Message', '')}") from error
            if _uncertain(error):
                raise UncertainSendOutcome(f"{code}: {details.get('Message', '')}") from error
            raise
        except Exception as error:
            if _uncertain(error):
                raise UncertainSendOutcome(repr(error)) from error
            raise
        return str(response.get("MessageId", ""))


class InMemorySender:
    """The fake: keeps every message and its tags; can be told to fail the next N sends
    (not sent), or to lose the answer to the next N (sent, then UncertainSendOutcome)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, EmailMessage]] = []
        self.tags: list[dict[str, str]] = []
        self.fail_next = 0
        self.lose_next = 0

    def send(self, message: EmailMessage, *, to: str, tags: dict[str, str]) -> str:
        if self.fail_next > 0:
            self.fail_next -= 1
            raise ConnectionError("injected transient failure")
        self.sent.append((to, message))
        self.tags.append(dict(tags))
        if self.lose_next > 0:
            self.lose_next -= 1
            raise UncertainSendOutcome("injected lost answer")
        return f"fake-{len(self.sent)}"
