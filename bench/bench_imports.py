"""Benchmark of cold-start imports: each function's handler module against a bare handler.

Both sides are laid out and compiled as `make build` ships them: in a temporary directory,
`task/` holds functions/ (Lambda's /var/task) and the bare handlers, `layer/python/` holds
the layer (shared/momentum and the distributions shared/requirements.txt installs, copied
from the venv; Lambda's /opt/python); both are compiled with the Makefile's
COMPILE_BYTECODE (`compileall --invalidation-mode unchecked-hash`). Each handler module
(api.app, reports.app, nightly.app, evaluator.app, mailer.app, bounces.app) is imported in
a fresh interpreter, `python -S -X importtime -c "import <module>"` with PYTHONPATH
task:layer:venv site-packages (the last only for what Lambda's runtime provides: botocore,
and the X-Ray SDK of the Tracer baseline) and PYTHONDONTWRITEBYTECODE (Lambda cannot write
bytecode either), `--runs` times, interleaved, after one unmeasured warm-up run each (which
lets the venv cache the bytecode of the runtime's modules, as Lambda's come compiled). The
environment is what template.yaml sets (dummy values) plus Lambda's own variables;
AWS_ENDPOINT_URL points at a closed port, so an AWS call at import time would fail the
import. A module's import time is the sum of the cumulative times of the top-level imports
it triggers (modules already loaded at interpreter start-up are excluded). The baselines
are tiny handlers that import only Powertools (Logger, Metrics, Tracer and
APIGatewayHttpResolver) and pydantic — and the same without Tracer, since the product's
functions use no Tracer.

    .venv/bin/python bench/bench_imports.py [--runs 9] [--write BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c

HANDLERS = ["api.app", "reports.app", "nightly.app", "evaluator.app", "mailer.app", "bounces.app"]
BARE = "bare_handler"
BARE_NO_TRACER = "bare_handler_no_tracer"
TARGET = 1.3  # DESIGN.md: each handler's import time <= 1.3 x a bare handler
OPENAPI_MODELS = "aws_lambda_powertools.event_handler.openapi.models"

_BARE_SOURCE = '''"""Bare handler: Powertools (Logger, Metrics{tracer_doc}, resolver) + pydantic."""

from typing import Annotated, Any

from aws_lambda_powertools import Logger, Metrics{tracer_import}
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import BaseModel

logger = Logger(service="bare")
metrics = Metrics(namespace="Bare", service="bare")
{tracer_line}app = APIGatewayHttpResolver(enable_validation=True)


class Item(BaseModel):
    id: str
    name: str = ""


@app.get("/items/<item_id>")
def get_item(item_id: Annotated[str, Path()]) -> Item:
    return Item(id=item_id)


@logger.inject_lambda_context
{tracer_decorator}@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return app.resolve(event, context)
'''

_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)\s*$")


@dataclass
class Entry:
    name: str
    depth: int
    self_us: int
    cumulative_us: int


def _bare(directory: Path) -> None:
    (directory / f"{BARE}.py").write_text(
        _BARE_SOURCE.format(
            tracer_doc=", Tracer",
            tracer_import=", Tracer",
            tracer_line='tracer = Tracer(service="bare")\n',
            tracer_decorator="@tracer.capture_lambda_handler\n",
        )
    )
    (directory / f"{BARE_NO_TRACER}.py").write_text(
        _BARE_SOURCE.format(tracer_doc="", tracer_import="", tracer_line="", tracer_decorator="")
    )


_NAME = re.compile(r"[A-Za-z0-9._-]+")
_NO_CACHE = shutil.ignore_patterns("__pycache__", "*.pyc")


def _distributions() -> list[importlib.metadata.Distribution]:
    """The distributions shared/requirements.txt installs, with what they require (extras
    and their requirements left out), as installed in this venv."""
    lines = (c.ROOT / "shared" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    wanted = [m.group(0) for line in lines if (m := _NAME.match(line.split("#")[0].strip()))]
    found: dict[str, importlib.metadata.Distribution] = {}
    while wanted:
        name = wanted.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in found:
            continue
        try:
            found[key] = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue  # a requirement for another Python or platform
        for requirement in found[key].requires or []:
            marker = requirement.partition(";")[2]
            if "extra" not in marker and (m := _NAME.match(requirement)):
                wanted.append(m.group(0))
    return list(found.values())


def layout(directory: Path) -> tuple[Path, Path]:
    """The function code (task/) and the layer (layer/python/) as the build ships them,
    the bare handlers beside the functions, everything compiled as `make build` compiles."""
    task, layer = directory / "task", directory / "layer" / "python"
    shutil.copytree(c.ROOT / "functions", task, ignore=_NO_CACHE)
    _bare(task)
    shutil.copytree(c.ROOT / "shared" / "momentum", layer / "momentum", ignore=_NO_CACHE)
    for distribution in _distributions():
        for file in distribution.files or []:
            if file.parts[0] == ".." or "__pycache__" in file.parts:
                continue  # scripts outside site-packages; bytecode compiled for the venv
            target = layer / file
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(Path(str(distribution.locate_file(file))), target)
    c.compile_bytecode(task, layer)
    return task, layer


def environment(task: Path, layer: Path) -> dict[str, str]:
    """template.yaml's Globals environment with dummy values for every Ref, and what
    Lambda sets itself; no credentials, and an endpoint that refuses connections. Imports
    come from the compiled task and layer first; the venv only serves what they lack."""
    from local import infra

    template = infra.load_template()
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    for key, value in variables.items():
        env[key] = str(value) if isinstance(value, str | int) else f"dummy-{key.lower()}"
    env.update(
        {
            "MOMENTUM_STAGE": "dev",
            "POWERTOOLS_LOG_LEVEL": "INFO",
            "AWS_REGION": infra.REGION,
            "AWS_DEFAULT_REGION": infra.REGION,
            "AWS_LAMBDA_FUNCTION_NAME": "bench-imports",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
            "LAMBDA_TASK_ROOT": str(task),
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:9",  # nothing listens: a call would fail
            "PYTHONPATH": os.pathsep.join([str(task), str(layer), sysconfig.get_path("purelib")]),
            "PYTHONDONTWRITEBYTECODE": "1",  # read-only, as /var/task and /opt
        }
    )
    return env


def _importtime(module: str, cwd: Path, env: dict[str, str]) -> list[Entry]:
    code = "pass" if module == "" else f"import {module}"
    done = subprocess.run(
        [sys.executable, "-S", "-X", "importtime", "-c", code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"importing {module} failed:\n{done.stderr[-3000:]}")
    entries = []
    for line in done.stderr.splitlines():
        match = _LINE.match(line)
        if match:
            self_us, cumulative, indent, name = match.groups()
            entries.append(Entry(name, len(indent) // 2, int(self_us), int(cumulative)))
    return entries


_LOADED = """
import json, sys
import {module}
files = {{n: getattr(m, "__file__", None) or "" for n, m in list(sys.modules.items())}}
print(json.dumps(files))
"""


def _modules(module: str, cwd: Path, env: dict[str, str]) -> dict[str, str]:
    """sys.modules after importing `module`, with each one's file (-X importtime does not
    list every module, e.g. one imported through a package's lazy `__getattr__`)."""
    done = subprocess.run(
        [sys.executable, "-S", "-c", _LOADED.format(module=module)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    files: dict[str, str] = json.loads(done.stdout.strip().splitlines()[-1])
    return files


def _total_ms(entries: list[Entry], startup: set[str]) -> float:
    return sum(e.cumulative_us for e in entries if e.depth == 0 and e.name not in startup) / 1000


def measure(runs: int) -> dict[str, object]:
    modules = [BARE, BARE_NO_TRACER, *HANDLERS]
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as tmp:
        task, layer = layout(Path(tmp))
        env = environment(task, layer)
        startup = {e.name for e in _importtime("", task, env) if e.depth == 0}
        # Warm-up: fill the page cache, and let the venv (standing in for Lambda's runtime,
        # whose modules come compiled) cache the bytecode of what it serves; task/ and
        # layer/ have theirs already (an unchecked-hash .pyc is never rewritten).
        warm = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
        for module in modules:
            _importtime(module, task, warm)
        totals: dict[str, list[float]] = defaultdict(list)
        runs_of: dict[str, list[list[Entry]]] = defaultdict(list)
        loaded: dict[str, set[str]] = {}
        from_venv: dict[str, list[str]] = {}
        for run in range(runs):
            # Rotate the order so no module always runs first or last.
            order = modules[run % len(modules) :] + modules[: run % len(modules)]
            for module in order:
                entries = _importtime(module, task, env)
                totals[module].append(_total_ms(entries, startup))
                runs_of[module].append(entries)
        venv = sysconfig.get_path("purelib")
        for module in modules:
            files = _modules(module, task, env)
            loaded[module] = set(files)
            from_venv[module] = sorted(n for n, f in files.items() if f.startswith(venv))
            uncompiled = [f for f in files.values() if f.startswith(tmp) and not _compiled(f)]
            if uncompiled:
                raise RuntimeError(
                    f"{module} loaded modules with no unchecked-hash .pyc: {uncompiled}"
                )
    return {"totals": totals, "runs": runs_of, "loaded": loaded, "from_venv": from_venv}


def _compiled(source: str) -> bool:
    """`source` has the unchecked-hash .pyc its interpreter uses (PEP 552 flags 0b01)."""
    if not source.endswith(".py"):
        return True  # an extension module (pydantic_core): nothing to compile
    cached = Path(importlib.util.cache_from_source(source))
    return cached.is_file() and cached.read_bytes()[4:8] == b"\x01\x00\x00\x00"


def _top_importers(
    runs: list[list[Entry]], root: str, unavoidable: set[str], count: int = 10
) -> list[list[object]]:
    """The modules `root` loads that the bare handler does not, by median cumulative time."""
    cumulative: dict[str, list[float]] = defaultdict(list)
    own: dict[str, list[float]] = defaultdict(list)
    depth: dict[str, int] = {}
    for entries in runs:
        for e in entries:
            cumulative[e.name].append(e.cumulative_us / 1000)
            own[e.name].append(e.self_us / 1000)
            depth[e.name] = e.depth
    package = root.split(".", maxsplit=1)[0]
    candidates = [
        n
        for n in cumulative
        if n not in (root, package) and n not in unavoidable and len(cumulative[n]) == len(runs)
    ]
    ranked = sorted(candidates, key=lambda n: c.median(cumulative[n]), reverse=True)[:count]
    ours = ("momentum", "api", "reports", "nightly", "evaluator", "mailer", "bounces")
    return [
        [
            f"`{n}`",
            depth[n],
            f"{c.median(cumulative[n]):.1f}",
            f"{c.median(own[n]):.1f}",
            "ours" if n.split(".")[0] in ours else "dependency",
        ]
        for n in ranked
    ]


def _by_package(runs: list[list[Entry]]) -> dict[str, float]:
    """Median self time (ms) per top-level package."""
    per_run: dict[str, list[float]] = defaultdict(list)
    for entries in runs:
        sums: dict[str, float] = defaultdict(float)
        for e in entries:
            sums[e.name.split(".")[0]] += e.self_us / 1000
        for name, ms in sums.items():
            per_run[name].append(ms)
    return {name: c.median(values) for name, values in per_run.items()}


def report(argv: list[str]) -> c.Report:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="fresh interpreters per module")
    args = parser.parse_args(argv)
    result = measure(args.runs)
    totals: dict[str, list[float]] = result["totals"]  # type: ignore[assignment]
    loaded: dict[str, set[str]] = result["loaded"]  # type: ignore[assignment]
    bare = c.median(totals[BARE])
    bare_lean = c.median(totals[BARE_NO_TRACER])

    def aws_sdk(module: str) -> str:
        names = loaded[module]
        return " / ".join(
            str(sum(1 for n in names if n == top or n.startswith(top + ".")))
            for top in ("boto3", "botocore", "aws_xray_sdk")
        )

    rows = []
    over: list[str] = []
    for module in [BARE, BARE_NO_TRACER, *HANDLERS]:
        ms = c.median(totals[module])
        spread = f"{min(totals[module]):.0f}-{max(totals[module]):.0f}"
        ratio, ratio_lean = ms / bare, ms / bare_lean
        flag = ""
        if module in HANDLERS:
            if ratio_lean > TARGET:
                over.append(f"{module} {ratio_lean:.2f}x")
            flag = "**> 1.3x**" if ratio > TARGET or ratio_lean > TARGET else "≤ 1.3x"
        label = {
            BARE: "bare (Logger, Metrics, Tracer, resolver, pydantic)",
            BARE_NO_TRACER: "bare without Tracer",
        }.get(module, f"`{module}`")
        rows.append(
            [
                label,
                f"{ms:.0f}",
                spread,
                f"{ratio:.2f}",
                f"{ratio_lean:.2f}",
                len(loaded[module]),
                aws_sdk(module),
                flag,
            ]
        )
    runs_of: dict[str, list[list[Entry]]] = result["runs"]  # type: ignore[assignment]
    from_venv: dict[str, list[str]] = result["from_venv"]  # type: ignore[assignment]
    worst = max(HANDLERS, key=lambda m: c.median(totals[m]))
    missing = [m for m in HANDLERS if c.median(totals[m]) / bare_lean > TARGET]
    header = [
        "module",
        "import ms (median)",
        "min-max ms",
        "x bare",
        "x bare without Tracer",
        "modules loaded",
        "boto3 / botocore / aws_xray_sdk modules",
        "vs 1.3x",
    ]
    main_table = c.table(header, rows, "lrrrrrrl")
    lean_packages = _by_package(runs_of[BARE_NO_TRACER])
    extra_notes = []
    for module in dict.fromkeys([worst, *missing]):
        top = _top_importers(runs_of[module], module, loaded[BARE_NO_TRACER])
        top_table = c.table(
            ["module", "depth", "cumulative ms (median)", "self ms (median)", "whose"],
            top,
            "lrrrl",
        )
        packages = _by_package(runs_of[module])
        extra = sorted(
            ((name, ms - lean_packages.get(name, 0.0)) for name, ms in packages.items()),
            key=lambda pair: pair[1],
            reverse=True,
        )[:5]
        extra_notes += [
            f"`{module}`: top 10 cumulative importers among the modules the bare handler "
            "(without Tracer) does not load — what to lazy-import first; depth 0 = imported "
            "by the handler module itself. Self time over the bare handler's, by package: "
            + ", ".join(f"{name} +{ms:.0f} ms" for name, ms in extra)
            + ".",
            top_table,
        ]
    notes = [
        f"Medians of {args.runs} fresh interpreters per module (`-X importtime`, summed "
        "top-level cumulative times; the interpreter's own start-up imports excluded). "
        "Environment: template.yaml Globals with dummy values, `LAMBDA_TASK_ROOT` and "
        "`AWS_LAMBDA_FUNCTION_NAME` set as Lambda sets them, `AWS_ENDPOINT_URL` at a closed "
        "port: every import succeeded, so none calls AWS at import time.",
        "Compiled as shipped, both sides alike: functions/ with the bare handlers, and the "
        "layer (shared/momentum plus the distributions of shared/requirements.txt), copied to "
        "a temporary task/ and layer/python/ and compiled with the Makefile's "
        f"`{shlex.join(c.compile_bytecode_args())}` (what `make build` runs on .aws-sam/build); "
        "interpreters run with `-S`, PYTHONDONTWRITEBYTECODE and PYTHONPATH task:layer:venv. "
        "Every module loaded from task/ or layer/ had its unchecked-hash .pyc (checked). From "
        "the venv (what Lambda's runtime provides): "
        + "; ".join(
            f"{label} {len(names)} ({', '.join(sorted({n.split('.')[0] for n in names}))})"
            for label, names in (
                (
                    m
                    if m in HANDLERS
                    else {BARE: "bare", BARE_NO_TRACER: "bare without Tracer"}[m],
                    from_venv[m],
                )
                for m in [BARE, BARE_NO_TRACER, *HANDLERS]
            )
        )
        + ".",
        "Loaded by importing the HTTP handlers: "
        + ", ".join(
            f"`{m}` {sum(1 for n in loaded[m] if n.startswith('momentum.logic.'))} momentum.logic "
            f"modules, {sum(1 for n in loaded[m] if n.startswith(OPENAPI_MODELS))} OpenAPI models"
            for m in ("api.app", "reports.app")
        )
        + " — use cases load on a route's first request (`momentum.api.lazy`), the API "
        "models build their validators on first use (`momentum.schemas.common.ApiModel`, "
        "pydantic's defer_build), the OpenAPI document and Swagger UI on the first "
        "`/openapi.json` or `/docs`.",
        "DESIGN.md's baseline is 'a bare handler importing only Powertools and pydantic'; "
        "the brief's bare handler also creates a Tracer, whose X-Ray SDK pulls in botocore "
        "— the product's functions use no Tracer (see `momentum/observability.py`), so the "
        "target is judged against the bare handler without Tracer (the stricter baseline).",
        "Target (DESIGN.md) ≤ 1.3x bare: "
        + (f"**missed** by {', '.join(over)}." if over else "**met** by every handler."),
        "The last column counts the AWS SDK modules loaded at import: boto3 / botocore / "
        "aws_xray_sdk (Lambda's runtime provides boto3; importing it costs cold start).",
    ]
    models = OPENAPI_MODELS
    at = c.where(
        "shared/momentum/api/resolver.py", "from aws_lambda_powertools.event_handler.openapi.models"
    )
    if missing and at and all(models in loaded[m] for m in missing):
        notes.append(
            f"Causes: (1) `{at}` imports `{models}` (~65 ms of its own) at module level "
            "and builds `SECURITY_SCHEMES` from it, and every route module imports "
            "`momentum.api.resolver` (for `principal`) — so `reports.app`, which has no "
            "docs, pays it too; `api.app` also calls `enable_swagger` at import, which "
            "imports it. Fix: import the models inside the functions that build the OpenAPI "
            "document, and register `/docs` and `/openapi.json` as routes that enable them "
            "on first call. (2) Route modules import their `momentum.logic` modules (and, "
            "through them, store, notify and domain) at import, though registering a route "
            "needs only its pydantic schemas and parameter types: importing the logic module "
            "inside each route function defers that to the first request that needs it "
            "(the largest: appointments, packages, clients, tracking, in the table below)."
        )
    return c.Report(
        "Cold start: handler import time",
        c.command("bench/bench_imports.py", ["--runs", str(args.runs)]),
        main_table,
        notes,
        extra_notes,
    )


def main(argv: list[str] | None = None) -> int:
    return c.main_with_write(report, argv, "Cold-start imports")


if __name__ == "__main__":
    raise SystemExit(main())
