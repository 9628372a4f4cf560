"""The page envelope every list returns, and the page sizes the routes take.

The cursors themselves (signed, bound to the organization and the list) are made and read
below the use cases, in `momentum.store.cursors`."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field

DEFAULT_LIMIT = 50
MAX_LIMIT = 100


class Page[T](BaseModel):
    items: list[T]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to read the next page; absent on the last."
    )


def page_of[T: BaseModel](
    model: type[T], rows: Iterable[object], next_cursor: str | None
) -> Page[T]:
    """A list route's answer: each row as `model`, and the cursor of the next page."""
    items = [model.model_validate(row) for row in rows]
    # Page[model] is made at run time (the route's response model); mypy sees Page[T].
    return Page[model](items=items, next_cursor=next_cursor)  # type: ignore[valid-type]
