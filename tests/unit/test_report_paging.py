"""A staff member's On track pages (momentum.logic.reports.staff_rows): a page that fills
up inside a client's packages names where the next page goes on, so paging through the
client neither repeats nor skips a row, whatever the page size."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from momentum.logic.reports.staff_rows import _take


@dataclass(frozen=True)
class Package:
    id: str
    kept: bool


packages_lists = st.lists(st.booleans(), max_size=12).map(
    lambda kept: [Package(f"pkg-{n:02d}", k) for n, k in enumerate(kept)]
)


@given(packages=packages_lists, room=st.integers(min_value=1, max_value=5))
def test_paging_through_a_clients_packages_shows_each_kept_one_once(
    packages: list[Package], room: int
) -> None:
    shown: list[Package] = []
    remaining = packages
    for _ in range(len(packages) + 1):
        taken, stop_at = _take(remaining, lambda p: p.kept, room)  # type: ignore[arg-type,attr-defined]
        assert len(taken) <= room
        shown += taken
        if stop_at is None:
            assert len(taken) < room  # not full: the client is done, the page goes on
            break
        assert len(taken) == room
        if stop_at == "":
            assert taken[-1] is remaining[-1]  # it filled the page with the last one
            break
        ids = [p.id for p in remaining]
        remaining = remaining[ids.index(stop_at) + 1 :]
    assert shown == [p for p in packages if p.kept]


def test_a_page_filled_by_a_clients_last_package_says_so() -> None:
    packages = [Package("pkg-1", True), Package("pkg-2", True)]
    assert _take(packages, lambda p: p.kept, 2) == (packages, "")  # type: ignore[arg-type,attr-defined]
    assert _take(packages, lambda p: p.kept, 1) == ([packages[0]], "pkg-1")  # type: ignore[arg-type,attr-defined]
    assert _take(packages, lambda p: p.kept, 3) == (packages, None)  # type: ignore[arg-type,attr-defined]
