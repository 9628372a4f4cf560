"""Reports (SPEC §5 report row, §7 engagements report): read-only, served by the `reports`
function, whose role may only GetItem, BatchGetItem and Query.

Each report reads only its organization's own partitions: the On track report Queries
`gsi1 ORG#<org>#PKGS` (packages by client) and BatchGets the clients of each page; for a
staff member it reads only their assigned clients (`gsi2 ORG#<org>#STAFF#<user>#CLIENTS`)
and each one's packages, so what it reads follows their rows, not the organization; the
engagements report Queries `gsi1 ORG#<org>#ENGS`. Status and progress are computed from the
stored summaries and today, so a report read right after a change shows it.

The same visibility rules as the API apply to every row and export: a package row to
whoever may open the client record (admins of its location, staff assigned to it); an
engagement row to whoever may open the engagement (see logic.engagements), with the
On/Off track column as that caller may see it. Client tokens get 403.

Cursors here are positions (the last row's id, under a scope naming the report and its
filters), not signed keys: the reports function holds no secret. The start key is rebuilt
by the store from the caller's organization and that id, so a cursor cannot leave the
caller's own list — a forged one can only skip ahead in it.

- `common`: page sizes, who may read reports, position cursors;
- `on_track`: the On track report (an administrator's rows), `staff_rows` a staff
  member's, `on_track_rows` the row and filters both share;
- `engagement_rows`: the engagements report; `csv_export`: both as CSV files."""

from __future__ import annotations

from momentum.logic.reports.common import (
    EXPORT_LIMIT,
    JSON_DEFAULT_LIMIT,
    READ_BUDGET,
    decode_position,
    encode_position,
)
from momentum.logic.reports.csv_export import (
    BOM,
    CSV_INJECTION_LEADS,
    WORDS,
    csv_filename,
    engagements_csv,
    on_track_csv,
)
from momentum.logic.reports.engagement_rows import engagement_row, engagements_report
from momentum.logic.reports.on_track import on_track_report
from momentum.logic.reports.on_track_rows import on_track_row

__all__ = [
    "BOM",
    "CSV_INJECTION_LEADS",
    "EXPORT_LIMIT",
    "JSON_DEFAULT_LIMIT",
    "READ_BUDGET",
    "WORDS",
    "csv_filename",
    "decode_position",
    "encode_position",
    "engagement_row",
    "engagements_csv",
    "engagements_report",
    "on_track_csv",
    "on_track_report",
    "on_track_row",
]
