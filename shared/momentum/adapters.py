"""The composition root for side-effect ports and repositories: the real AWS adapter unless
a test or the local runner installed a fake. Built on first use, never at import."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from momentum.config import get_settings
from momentum.notify.ses import EmailSender
from momentum.ports import MessageQueue

if TYPE_CHECKING:
    from momentum.store.repositories import (
        OrganizationRepository,
        PreferenceRepository,
        Repositories,
        Transactions,
        UserRepository,
    )

_installed_sender: EmailSender | None = None
_installed_repositories: Repositories | None = None


@cache
def mail_queue() -> MessageQueue:
    from momentum.messaging.sqs import SqsQueue

    return SqsQueue(get_settings().mail_queue_url)


@cache
def evaluator_queue() -> MessageQueue:
    from momentum.messaging.sqs import SqsQueue

    return SqsQueue(get_settings().evaluator_queue_url)


def email_sender() -> EmailSender:
    if _installed_sender is not None:
        return _installed_sender
    return _ses_sender()


@cache
def _ses_sender() -> EmailSender:
    from momentum.notify.pacing import SendPacer
    from momentum.notify.ses import SesSender

    settings = get_settings()
    return SesSender(
        sender=settings.sender_address,
        configuration_set=settings.ses_configuration_set,
        pacer=SendPacer(settings.mailer_sends_per_second),
    )


def install_email_sender(sender: EmailSender | None) -> None:
    """Tests: inject failures or capture messages; None goes back to SES."""
    global _installed_sender  # noqa: PLW0603 - the one seam for the sender
    _installed_sender = sender


# -- repositories: the DynamoDB modules unless a test installed the in-memory ones


def users() -> UserRepository:
    return _repositories().users


def organizations() -> OrganizationRepository:
    return _repositories().organizations


def preferences() -> PreferenceRepository:
    return _repositories().preferences


def transactions() -> Transactions:
    return _repositories().transactions


def _repositories() -> Repositories:
    return _installed_repositories or _dynamodb_repositories()


@cache
def _dynamodb_repositories() -> Repositories:
    """The DynamoDB modules, each checked by mypy against its protocol here."""
    from momentum.store import organizations as dynamodb_organizations
    from momentum.store import preferences as dynamodb_preferences
    from momentum.store import transactions as dynamodb_transactions
    from momentum.store import users as dynamodb_users
    from momentum.store.repositories import Repositories

    return Repositories(
        users=dynamodb_users,
        organizations=dynamodb_organizations,
        preferences=dynamodb_preferences,
        transactions=dynamodb_transactions,
    )


def install_repositories(repositories: Repositories | None) -> None:
    """Tests: the in-memory repositories (`momentum.store.memory`); None goes back to
    DynamoDB."""
    global _installed_repositories  # noqa: PLW0603 - the one seam for the repositories
    _installed_repositories = repositories


def reset() -> None:
    """Forget every built adapter and cached client (settings or endpoints changed):
    tests and the local runner call this after pointing the environment elsewhere.
    Modules above this one (cached callers, the idempotency table) registered with
    `config.on_reset` and are reached through `config.reset`."""
    from momentum import config, identity, signing
    from momentum.messaging import sqs
    from momentum.notify import ses
    from momentum.store import dynamo, organizations

    mail_queue.cache_clear()
    evaluator_queue.cache_clear()
    _ses_sender.cache_clear()
    dynamo.client.cache_clear()
    sqs.client.cache_clear()
    ses.client.cache_clear()
    identity._client.cache_clear()
    signing.signing_secret.cache_clear()
    organizations.forget_cached()
    config.reset()
