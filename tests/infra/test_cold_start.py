"""Cold start: what importing the HTTP handlers loads (counts, never seconds), and the
bytecode the build ships (the Makefile's build compiles .aws-sam/build, unchecked-hash).

bench/bench_imports.py measures the import time against a bare handler; these tests pin
what that figure rests on: no use case and no OpenAPI models at import, and a build that
compiles what it ships with the runtime's Python."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.infra.cfn import EVENTS_DIR, REPO_ROOT, globals_function, load_template

OPENAPI_MODELS = "aws_lambda_powertools.event_handler.openapi.models"
SWAGGER_UI = "aws_lambda_powertools.event_handler.openapi.swagger_ui"
# The use cases api.app's routes call (functions/api/routes: one module each).
API_USE_CASES = [
    "appointments",
    "billing",
    "clients",
    "packages",
    "preferences",
    "trackers",
    "unsubscribe",
    "users",
]
DEAD_ENDPOINT = "http://127.0.0.1:9"  # nothing listens: an AWS call would fail at once

# Prints the modules that importing a handler loaded, then (for api.app) those loaded once
# /docs has been served: run in a fresh interpreter, as Lambda starts one.
_PROBE = """
import json, sys
from dataclasses import dataclass

import {module} as handler
imported = sorted(sys.modules)
served = None
if {docs}:
    @dataclass
    class Context:
        function_name: str = "ApiFunction"
        memory_limit_in_mb: int = 512
        invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:ApiFunction"
        aws_request_id: str = "00000000-0000-4000-8000-000000000000"

    event = json.loads(open({event!r}).read())
    response = handler.lambda_handler(event, Context())
    served = {{"status": response["statusCode"], "modules": sorted(sys.modules)}}
print(json.dumps({{"imported": imported, "served": served}}))
"""


def _probe(module: str, *, docs: bool = False) -> dict[str, object]:
    code = _PROBE.format(module=module, docs=docs, event=str(EVENTS_DIR / "api/get_docs.json"))
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env={**os.environ, "AWS_ENDPOINT_URL": DEAD_ENDPOINT},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _use_cases(modules: object) -> list[str]:
    assert isinstance(modules, list)
    return [m for m in modules if m.startswith("momentum.logic.")]


@pytest.mark.usefixtures("lambda_env")
@pytest.mark.parametrize("module", ["api.app", "reports.app"])
def test_an_http_handler_imports_no_use_case_and_no_openapi_models(module: str) -> None:
    imported = _probe(module)["imported"]
    assert isinstance(imported, list)
    assert module in imported  # the probe did import it
    # Registering the routes needs schemas and parameter types only: the use cases (with
    # the store, mail and rules behind them) load on a route's first request.
    assert _use_cases(imported) == []
    # The OpenAPI document and Swagger UI are built on the first /openapi.json or /docs.
    assert OPENAPI_MODELS not in imported
    assert SWAGGER_UI not in imported
    assert "boto3" not in imported


@pytest.mark.usefixtures("lambda_env")
def test_the_docs_load_the_openapi_models_on_their_first_request() -> None:
    result = _probe("api.app", docs=True)
    imported, served = result["imported"], result["served"]
    assert isinstance(imported, list)
    assert isinstance(served, dict)
    assert OPENAPI_MODELS not in imported
    assert served["status"] == 200
    assert OPENAPI_MODELS in served["modules"]
    assert SWAGGER_UI in served["modules"]
    # Building the document runs no route: the API's own use cases stay unloaded (the
    # reports' one is read for the export limit in their parameters).
    loaded = set(_use_cases(served["modules"]))
    assert "momentum.logic.reports" in loaded
    assert not loaded & {f"momentum.logic.{name}" for name in API_USE_CASES}


# ---------------------------------------------------------------------------- bytecode


def _make_variable(name: str) -> str:
    found = re.search(rf"^{name}\s*:=\s*(.+)$", (REPO_ROOT / "Makefile").read_text(), re.MULTILINE)
    assert found is not None, f"the Makefile defines no {name}"
    return found.group(1).strip()


def _build_recipe() -> list[str]:
    makefile = (REPO_ROOT / "Makefile").read_text()
    found = re.search(r"^build:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert found is not None, "the Makefile has no build target"
    return [line.strip() for line in found.group(1).splitlines()]


def test_the_build_compiles_what_sam_built_unchecked_hash() -> None:
    recipe = _build_recipe()
    assert len(recipe) == 2, recipe
    sam_build, compile_step = recipe
    assert "$(SAM) build" in sam_build
    # The build directory is sam build's default: no --build-dir here or in samconfig.toml.
    assert "--build-dir" not in sam_build
    assert "build_dir" not in (REPO_ROOT / "samconfig.toml").read_text()
    assert _make_variable("BUILD_DIR") == ".aws-sam/build"
    assert compile_step == "$(PY) $(COMPILE_BYTECODE) $(BUILD_DIR)"
    flags = shlex.split(_make_variable("COMPILE_BYTECODE"))
    assert flags[:2] == ["-m", "compileall"]
    assert flags[flags.index("--invalidation-mode") + 1] == "unchecked-hash"
    assert not {"-l", "-d", "-s", "-p", "-o", "-b"} & set(flags)  # recursive, in place


def test_the_bytecode_is_compiled_by_the_runtimes_python() -> None:
    # .pyc files are specific to a Python minor version: $(PY), the venv, is the Runtime's.
    assert _make_variable("PY") == "$(VENV)/bin/python"
    assert _make_variable("PYTHON_VERSION") == "3.13"
    assert globals_function()["Runtime"] == "python3.13"
    layer = load_template()["Resources"]["MomentumLayer"]["Properties"]
    assert layer["CompatibleRuntimes"] == ["python3.13"]
    assert sys.version_info[:2] == (3, 13)


def test_the_compile_step_leaves_every_module_an_unchecked_hash_pyc(tmp_path: Path) -> None:
    # A build tree as sam build lays it out (a function's code, the layer's python/), then
    # the Makefile's compile step on it.
    shutil.copytree(
        REPO_ROOT / "functions",
        tmp_path / "ApiFunction",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copytree(
        REPO_ROOT / "shared" / "momentum",
        tmp_path / "MomentumLayer" / "python" / "momentum",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    flags = shlex.split(_make_variable("COMPILE_BYTECODE"))
    done = subprocess.run(
        [sys.executable, *flags, str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    sources = sorted(tmp_path.rglob("*.py"))
    assert len(sources) > 50
    for source in sources:
        cached = Path(importlib.util.cache_from_source(str(source)))
        assert cached.is_file(), f"{source} has no {cached.name}"
        # PEP 552: flags 0b01 = hash-based, source not checked (0 would be a timestamp pyc).
        assert int.from_bytes(cached.read_bytes()[4:8], "little") == 0b01, source
