"""Domain errors; the API maps each class to one HTTP status (momentum.api.problems)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class FieldError:
    """One invalid field: `loc` is the path to it, e.g. ("body", "on_track", "window_days")."""

    loc: tuple[str | int, ...]
    msg: str
    type: str = "value_error"


@dataclass(eq=False)
class DomainError(Exception):
    """Base of every error a caller can cause. `detail` is shown to the caller as is."""

    detail: str

    def __post_init__(self) -> None:
        super().__init__(self.detail)


@dataclass(eq=False)
class InvalidInput(DomainError):
    """The request is well-formed but breaks a rule about its values (422)."""

    errors: list[FieldError] = field(default_factory=list)


@dataclass(eq=False)
class NotFound(DomainError):
    """No such record in the caller's organization (404). Foreign ids look exactly like this."""


@dataclass(eq=False)
class Forbidden(DomainError):
    """The caller's role may not do this (403)."""


@dataclass(eq=False)
class Conflict(DomainError):
    """The record's state refuses the change (409), e.g. booking an inactive client."""


@dataclass(eq=False)
class PreconditionFailed(DomainError):
    """If-Match did not match the record's current ETag (412)."""


@dataclass(eq=False)
class Unauthenticated(DomainError):
    """No valid caller identity (401)."""


@dataclass(eq=False)
class ServiceUnavailable(DomainError):
    """A dependency stayed busy after retries (503); nothing was changed, try again later."""

    retry_after_seconds: int = 1


@dataclass(eq=False)
class WriteConflict(ServiceUnavailable):
    """Another writer's transaction overlapped ours and nothing was written: safe to load
    again and retry (unlike a write whose outcome is unknown)."""


@dataclass(eq=False)
class Throttled(ServiceUnavailable):
    """The database turned the call away for capacity, still after the client's own
    retries: nothing was done, so a writer may load again and retry."""


@dataclass(eq=False)
class PayloadTooLarge(DomainError):
    """The request body is larger than the API reads (413)."""


@dataclass(eq=False)
class BadRequest(DomainError):
    """The request cannot be read at all, e.g. a tampered pagination cursor (400)."""


class ChangedMeanwhile(Exception):
    """A conditional write found its record in another state than the writer read it in
    (the store raises `momentum.store.dynamo.ConditionFailed`). Not a DomainError: a use
    case translates it where it knows what to say; one it did not is answered 409."""
