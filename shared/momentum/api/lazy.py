"""A module imported on its first use, for the HTTP functions' cold start.

Registering a route needs only its schemas and parameter types; the use case it calls (and
the store, mail and rules behind it) is needed by the first request that reaches it. A
route module therefore names its use-case module as

    if TYPE_CHECKING:
        from momentum.logic import clients
    else:
        clients = lazy.module("momentum.logic.clients")

so mypy checks every call against the real module, and the import happens on the first
attribute read (`clients.get_client(...)`), once per container."""

from __future__ import annotations

import importlib
import importlib.util
from typing import Any


class LazyModule:
    """Stands for the module `name` and reads every attribute from it, importing it first."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        # Read through on every access (after the first import, import_module is a
        # sys.modules lookup), so a test that patches the real module is seen here too.
        name = object.__getattribute__(self, "_name")
        return getattr(importlib.import_module(name), attribute)

    def __repr__(self) -> str:
        return f"<lazy module {object.__getattribute__(self, '_name')!r}>"


def module(name: str) -> Any:
    """The module `name`, imported on the first attribute read. A name that does not exist
    fails here, when the route module is imported, not at the first request."""
    if importlib.util.find_spec(name) is None:  # finds the file; runs nothing of it
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    return LazyModule(name)
