"""Ids sort by creation time, also those an Idempotency-Key's create makes (issue 15): a
seeded id begins with the instant the key was first used and ends with bits of the seed,
so the same key makes the same ids on every retry. Without an instant, seeded ids are
what they always were (the demo's fixed ids, deterministic task and renewal ids)."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from momentum import ids

CLIENT = "cl_01M8KWSQ69VJQD1723995GJQV4"
# 48 bits of milliseconds: every instant ids are made in.
INSTANTS = st.integers(min_value=0, max_value=(1 << 48) - 1)


def _seeded(seed: str, at_ms: int | None, count: int = 2) -> list[str]:
    with ids.seeded(seed, at_ms=at_ms):
        return [ids.new_owned_id("apt", CLIENT) for _ in range(count)]


def _time_part(owned_id: str) -> str:
    return owned_id.rsplit("_", 1)[1][:10]


def test_seeded_ids_without_an_instant_are_unchanged() -> None:
    # Values the implementation before issue 15 made (the demo's ids stay the same).
    with ids.seeded("momentum-demo/client/Ada"):
        assert [ids.new_id("cl"), ids.new_id("cl")] == [
            "cl_9PR0E0QZXB5JBQ06HS7YKC4K3D",
            "cl_A9VN1HWNGC8KJNYMRZJNG3G9VA",
        ]
    assert (
        ids.owned_id_from("tsk", CLIENT, "k")
        == "tsk_01M8KWSQ69VJQD1723995GJQV4_G9AC6AD9518FDN9SVMVPYJ0PXR"
    )


@given(seed=st.text(max_size=40), at_ms=INSTANTS)
def test_a_seed_and_an_instant_always_make_the_same_ids(seed: str, at_ms: int) -> None:
    first = _seeded(seed, at_ms)
    assert first == _seeded(seed, at_ms)
    assert first[0] != first[1]
    assert all(ids.owner_client(i, "apt") == CLIENT for i in first)


@given(seed=st.text(max_size=40), earlier=INSTANTS, later=INSTANTS)
def test_seeded_ids_sort_by_their_instant(seed: str, earlier: int, later: int) -> None:
    if earlier == later:
        return
    earlier, later = min(earlier, later), max(earlier, later)
    assert max(_seeded(seed, earlier)) < min(_seeded(seed + "x", later))


def test_seeded_ids_sort_among_unseeded_ones_by_creation_time() -> None:
    before = ids.new_owned_id("apt", CLIENT)
    now = ids.now_ms()
    keyed = _seeded("org|user|POST /appointments|key-1|fingerprint", now, 1)[0]
    after = ids.new_owned_id("apt", CLIENT)
    assert _time_part(before) <= _time_part(keyed) <= _time_part(after)


def test_the_time_part_is_the_instant_in_milliseconds() -> None:
    at = datetime(2026, 4, 1, 12, tzinfo=UTC)
    made = _seeded("s", int(at.timestamp() * 1000), 1)[0]
    # 1775044800000 ms, in 10 Crockford base32 characters.
    assert _time_part(made) == "01KN4EMBG0"
