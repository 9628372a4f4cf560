"""The arrows only point down (docs/architecture.md, Layers): every import of
shared/momentum and functions/ — at the top of a module, inside a function, under
TYPE_CHECKING, or named as a string to `lazy.module(...)` / `import_module(...)` — goes to
its own layer or a lower one, and no modules import each other in a cycle. The domain knows
nothing of AWS, HTTP, the clock or env."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import momentum

LAYER = Path(momentum.__file__).parent
SHARED = LAYER.parent
FUNCTIONS = SHARED.parent / "functions"

# Top to bottom; a module imports modules of its own layer or of a lower one. The reasons
# are in docs/architecture.md, Layers.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("functions", ("functions",)),
    ("http", ("momentum.api", "momentum.schemas")),
    ("logic", ("momentum.logic",)),
    ("adapters", ("momentum.adapters",)),
    ("outside", ("momentum.store", "momentum.notify", "momentum.messaging", "momentum.identity")),
    ("domain", ("momentum.domain",)),
    (
        "base",
        (
            "momentum.config",
            "momentum.clock",
            "momentum.ids",
            "momentum.signing",
            "momentum.observability",
            "momentum.ports",
            "momentum",
        ),
    ),
)
# The HTTP edge and the functions reach the table only through a use case.
EDGE = frozenset({"functions", "http"})
NO_TABLE_FROM_EDGE = "momentum.store"
# Calls whose first argument names a module they import (the route modules' use cases).
IMPORTING_CALLS = frozenset({"module", "import_module"})


@dataclass(frozen=True, slots=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module (the longest of ours the name reaches)
    where: str  # file:line, for the failure message

    def __str__(self) -> str:
        return f"{self.where}: {self.source} imports {self.target}"


def _module_name(path: Path) -> str:
    if path.is_relative_to(FUNCTIONS):
        parts = ("functions", *path.relative_to(FUNCTIONS).with_suffix("").parts)
    else:
        parts = path.relative_to(SHARED).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def our_modules() -> dict[str, Path]:
    paths = [*LAYER.rglob("*.py"), *FUNCTIONS.rglob("*.py")]
    return {_module_name(p): p for p in paths if "__pycache__" not in p.parts}


def _ours(name: str, known: Iterable[str]) -> str | None:
    """Our module a dotted name reaches (a function's package is imported by its own name,
    as Lambda does: `from api.routes import clients`), or None for anything else."""
    modules = set(known)
    ours = name == "momentum" or name.startswith("momentum.")
    parts = (name if ours else f"functions.{name}").split(".")
    while parts:
        if ".".join(parts) in modules:
            return ".".join(parts)
        parts.pop()
    return None


def imports_of(source: str, text: str, known: Iterable[str], path: str = "") -> list[Import]:
    """Every import of ours in one module's text, wherever it is written."""
    modules = set(known)
    package = source if path.endswith("__init__.py") else source.rpartition(".")[0]
    found: list[Import] = []

    def add(name: str, line: int) -> None:
        target = _ours(name.removeprefix("functions."), modules)
        found_here = Import(source, target or "", f"{path or source}:{line}")
        if target is not None and target != source and found_here not in found:
            found.append(found_here)

    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                whole = f"{base}.{alias.name}"
                add(
                    whole if _ours(whole.removeprefix("functions."), modules) else base, node.lineno
                )
        elif isinstance(node, ast.Call) and node.args:
            callee = node.func
            name = callee.attr if isinstance(callee, ast.Attribute) else getattr(callee, "id", "")
            first = node.args[0]
            if (
                name in IMPORTING_CALLS
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                add(first.value, node.lineno)
    return found


def import_graph() -> list[Import]:
    modules = our_modules()
    return [
        found
        for name, path in sorted(modules.items())
        for found in imports_of(
            name, path.read_text(), modules, str(path.relative_to(SHARED.parent))
        )
    ]


def layer_of(module: str) -> str | None:
    """The layer of the longest prefix that names `module`."""
    best: tuple[int, str] | None = None
    for layer, prefixes in LAYERS:
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and (
                best is None or len(prefix) > best[0]
            ):
                best = (len(prefix), layer)
    return best[1] if best else None


RANK = {layer: rank for rank, (layer, _) in enumerate(LAYERS)}


def wrong_way(imports: Iterable[Import]) -> list[str]:
    """Each import that points up, reaches the table from the edge, or leaves the domain."""
    wrong = []
    for i in imports:
        source, target = layer_of(i.source), layer_of(i.target)
        assert source is not None, i
        assert target is not None, i
        if RANK[target] < RANK[source]:
            wrong.append(f"{i}: up from {source} to {target}")
        elif source in EDGE and (
            i.target == NO_TABLE_FROM_EDGE or i.target.startswith(NO_TABLE_FROM_EDGE + ".")
        ):
            wrong.append(f"{i}: the {source} layer reaches the table only through a use case")
        elif source == "domain" and target != "domain":
            wrong.append(f"{i}: the domain imports nothing of ours but itself")
    return wrong


def cycles(imports: Iterable[Import]) -> list[list[Import]]:
    """The imports of each set of modules that reach each other (Tarjan's components)."""
    edges: dict[str, list[Import]] = {}
    for i in imports:
        edges.setdefault(i.source, []).append(i)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for i in edges.get(module, []):
            if i.target not in index:
                visit(i.target)
                low[module] = min(low[module], low[i.target])
            elif i.target in on_stack:
                low[module] = min(low[module], index[i.target])
        if low[module] == index[module]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == module:
                    break
            if len(component) > 1:
                components.append(component)

    for module in sorted(edges):
        if module not in index:
            visit(module)
    return [[i for m in sorted(c) for i in edges.get(m, []) if i.target in c] for c in components]


# ------------------------------------------------------------------------ the whole tree


def test_every_module_has_a_layer() -> None:
    assert [m for m in our_modules() if layer_of(m) is None] == []


def test_every_import_points_down() -> None:
    assert wrong_way(import_graph()) == []


def test_no_modules_import_each_other_in_a_cycle() -> None:
    found = cycles(import_graph())
    assert found == [], "\n\n".join("\n".join(str(i) for i in c) for c in found)


# ------------------------------------------------------------------------ the checker


def _graph(sources: Mapping[str, str]) -> list[Import]:
    return [i for name, text in sources.items() for i in imports_of(name, text, sources)]


def test_the_checker_sees_imports_wherever_they_are_written() -> None:
    sources = {
        "momentum.store.things": (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n"
            "    from momentum.logic import typed\n"
            "def late():\n"
            "    import momentum.logic.inner\n"
            "lazy.module('momentum.logic.named')\n"
        ),
        "momentum.logic.typed": "",
        "momentum.logic.inner": "",
        "momentum.logic.named": "",
    }
    found = _graph(sources)
    assert sorted(i.target for i in found) == [
        "momentum.logic.inner",
        "momentum.logic.named",
        "momentum.logic.typed",
    ]
    assert len(wrong_way(found)) == 3
    assert all("up from outside to logic" in w for w in wrong_way(found))


def test_the_checker_names_the_imports_of_a_cycle_and_the_edge_reaching_the_table() -> None:
    sources = {
        "momentum.logic.a": "from momentum.logic import b\n",
        "momentum.logic.b": "def f():\n    from momentum.logic.a import x\n",
        "momentum.api.problems": "from momentum.store.dynamo import ConditionFailed\n",
        "momentum.store.dynamo": "",
        "functions.api.app": "from api.routes import clients\n",
        "functions.api.routes.clients": "",
    }
    found = _graph(sources)
    assert [str(i) for c in cycles(found) for i in c] == [
        "momentum.logic.a:1: momentum.logic.a imports momentum.logic.b",
        "momentum.logic.b:2: momentum.logic.b imports momentum.logic.a",
    ]
    assert wrong_way(found) == [
        "momentum.api.problems:1: momentum.api.problems imports momentum.store.dynamo: "
        "the http layer reaches the table only through a use case"
    ]
    assert "functions.api.routes.clients" in {i.target for i in found}


# ------------------------------------------------------------------------ the domain
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
