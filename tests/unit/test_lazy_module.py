"""momentum.api.lazy: the route modules' use cases, imported on their first use."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from momentum.api import lazy


@pytest.fixture
def fresh_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A module no test has imported: it records that it ran."""
    name = "lazy_probe_module"
    (tmp_path / f"{name}.py").write_text("RAN = True\ndef answer() -> int:\n    return 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, name, raising=False)
    return name


def test_the_module_is_imported_on_the_first_attribute_read(fresh_module: str) -> None:
    stand_in = lazy.module(fresh_module)
    assert fresh_module not in sys.modules  # found, not run
    assert stand_in.answer() == 42
    assert sys.modules[fresh_module].RAN is True
    assert repr(stand_in) == f"<lazy module {fresh_module!r}>"


def test_a_patched_attribute_of_the_real_module_is_seen(
    fresh_module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_in = lazy.module(fresh_module)
    assert stand_in.answer() == 42
    monkeypatch.setattr(sys.modules[fresh_module], "answer", lambda: 7)
    assert stand_in.answer() == 7


def test_a_name_that_does_not_exist_fails_when_the_route_module_is_imported() -> None:
    with pytest.raises(ModuleNotFoundError, match=r"momentum\.logic\.no_such_use_case"):
        lazy.module("momentum.logic.no_such_use_case")


def test_a_missing_attribute_is_an_attribute_error(fresh_module: str) -> None:
    with pytest.raises(AttributeError):
        _ = lazy.module(fresh_module).no_such_function
