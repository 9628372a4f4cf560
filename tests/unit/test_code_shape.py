"""The shape issue #14 asked for, held by a test: no function in shared/ or functions/ is
more complex than radon's grade C (cyclomatic complexity ≤ 20), no use-case module grows
past ~400 lines, and use cases speak the product's words — only `momentum.store` knows
DynamoDB's (keys, expressions, pages)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from radon.complexity import cc_visit

import momentum

LAYER = Path(momentum.__file__).parent
ROOT = LAYER.parent.parent
LOGIC = LAYER / "logic"
MAX_COMPLEXITY = 20  # radon grade C
MAX_LOGIC_LINES = 420  # "about 400"

# DynamoDB's vocabulary: none of it belongs in a use case.
DYNAMODB_WORDS = (
    "LastEvaluatedKey",
    "ExclusiveStartKey",
    "KeyConditionExpression",
    "ConditionExpression",
    "UpdateExpression",
    "FilterExpression",
    "ExpressionAttribute",
    "TransactItems",
)
STORE_INTERNALS = ("momentum.store.dynamo", "momentum.store.keys")


def _python_files() -> list[Path]:
    files = [*LAYER.rglob("*.py"), *(ROOT / "functions").rglob("*.py")]
    return sorted(p for p in files if "__pycache__" not in p.parts)


def _logic_files() -> list[Path]:
    return sorted(p for p in LOGIC.rglob("*.py") if "__pycache__" not in p.parts)


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_no_function_is_more_complex_than_grade_c() -> None:
    too_complex = [
        f"{_name(path)}:{block.lineno} {block.fullname} ({block.complexity})"
        for path in _python_files()
        for block in cc_visit(path.read_text())
        if block.complexity > MAX_COMPLEXITY
    ]
    assert too_complex == []


def test_no_use_case_module_is_longer_than_about_400_lines() -> None:
    long = {
        _name(path): lines
        for path in _logic_files()
        if (lines := len(path.read_text().splitlines())) > MAX_LOGIC_LINES
    }
    assert long == {}


@pytest.mark.parametrize("path", _logic_files(), ids=_name)
def test_use_cases_do_not_speak_dynamodb(path: Path) -> None:
    text = path.read_text()
    imported = {
        f"{node.module}.{alias.name}" if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    } | {
        node.module or "" for node in ast.walk(ast.parse(text)) if isinstance(node, ast.ImportFrom)
    }
    reached = sorted(name for name in imported if any(name.startswith(s) for s in STORE_INTERNALS))
    spoken = [word for word in DYNAMODB_WORDS if word in text]
    assert (reached, spoken) == ([], [])
