"""A fresh organization on the shared local runner, for the stories that tell one each."""

from __future__ import annotations

import uuid

from tests.e2e.conftest import Runner


class FreshOrg:
    """An organization id no other test uses, its owner's headers, and the runner's clock
    set to `now`."""

    def __init__(self, runner: Runner, now: str) -> None:
        self.runner = runner
        self.org = f"org-{uuid.uuid4().hex[:10]}"
        self.owner = runner.headers(org=self.org, role="owner", sub=f"owner-{self.org}")
        self.clock(now)

    def clock(self, now: str) -> None:
        assert self.runner.post("/_local/clock", json={"now": now}).status_code == 200
