"""The web app's typed client is generated from web/openapi.json, a committed snapshot of
/openapi.json (issue 12). It must be exactly what the API serves: an API change the web app
has not taken up fails here. Refresh it with `make web-openapi`."""

from __future__ import annotations

import json
from pathlib import Path

from local.openapi import document

SNAPSHOT = Path(__file__).resolve().parents[2] / "web" / "openapi.json"


def test_the_web_apps_snapshot_is_the_document_the_api_serves() -> None:
    served = json.loads(document())
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    changed = sorted(
        f"{method.upper()} {path}"
        for path in served["paths"].keys() | snapshot["paths"].keys()
        for method in {**served["paths"].get(path, {}), **snapshot["paths"].get(path, {})}
        if served["paths"].get(path, {}).get(method) != snapshot["paths"].get(path, {}).get(method)
    )
    assert snapshot == served, (
        "web/openapi.json differs from what the API serves "
        f"(operations: {', '.join(changed) or 'none; schemas differ'}). Run `make web-openapi`, "
        "then `make web-test` to see what the web app must change."
    )
