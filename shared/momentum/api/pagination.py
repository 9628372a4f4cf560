"""The page envelope every list returns, and the page sizes the routes take.

The cursors themselves (signed, bound to the organization and the list) are made and read
below the use cases, in `momentum.store.cursors`."""

from __future__ import annotations

from pydantic import BaseModel, Field

DEFAULT_LIMIT = 50
MAX_LIMIT = 100


class Page[T](BaseModel):
    items: list[T]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to read the next page; absent on the last."
    )
