"""Package templates and client packages (SPEC §4) with their On track settings (§5).

- `templates`: set up, read, list and change package templates;
- `records`: a new package's record (from a template or custom) and a PATCH applied to one;
- `client_packages`: create, read, list and change a client's packages;
- `views`: what a caller sees of a package, its history and the client's On track rows.

The routes (and the other use cases) import the names below from here."""

from __future__ import annotations

from momentum.logic.packages.client_packages import (
    create_package,
    get_package,
    list_packages,
    update_package,
)
from momentum.logic.packages.records import new_package_record
from momentum.logic.packages.templates import (
    create_template,
    get_template,
    list_templates,
    update_template,
)
from momentum.logic.packages.views import (
    client_on_track,
    package_history,
    package_view,
    sees_status,
)
from momentum.store.packages import PackageRecord

__all__ = [
    "PackageRecord",
    "client_on_track",
    "create_package",
    "create_template",
    "get_package",
    "get_template",
    "list_packages",
    "list_templates",
    "new_package_record",
    "package_history",
    "package_view",
    "sees_status",
    "update_package",
    "update_template",
]
