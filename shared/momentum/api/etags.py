"""ETag / If-Match: every stored record carries an integer version; its ETag quotes it."""

from __future__ import annotations

from momentum.domain.errors import PreconditionFailed


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None) -> int | None:
    """The version an If-Match header demands, or None when the caller sent none (or `*`).

    A malformed or non-matching value is a 412, never a silent overwrite."""
    if if_match is None or if_match.strip() in ("", "*"):
        return None
    value = if_match.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    if not value.isdigit():
        raise PreconditionFailed("If-Match does not match the current version of the record.")
    return int(value)
