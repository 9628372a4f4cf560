"""The arrows only point down: the domain knows nothing of AWS, HTTP, the clock or env."""

from __future__ import annotations

import ast
from pathlib import Path

import momentum

LAYER = Path(momentum.__file__).parent
FORBIDDEN_IN_DOMAIN = {
    "boto3",
    "botocore",
    "aws_lambda_powertools",
    "os",
    "momentum.store",
    "momentum.logic",
    "momentum.api",
    "momentum.notify",
    "momentum.messaging",
    "momentum.adapters",
    "momentum.config",
    "momentum.clock",
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_domain_imports_only_itself_and_the_standard_library() -> None:
    offenders = {}
    for path in (LAYER / "domain").rglob("*.py"):
        bad = {
            name
            for name in _imports(path)
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN_IN_DOMAIN)
        }
        if bad:
            offenders[path.name] = bad
    assert offenders == {}


def test_domain_reads_no_clock() -> None:
    for path in (LAYER / "domain").rglob("*.py"):
        text = path.read_text()
        for call in ("datetime.now(", "date.today(", "time.time("):
            assert call not in text, f"{path.name} reads the clock ({call})"


def test_only_adapters_import_boto3() -> None:
    allowed = {"store", "notify", "messaging", "identity.py"}
    for path in LAYER.rglob("*.py"):
        if "boto3" in _imports(path):
            assert path.relative_to(LAYER).parts[0] in allowed, path
