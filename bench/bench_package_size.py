"""Benchmark of deployment package sizes: each function and the layer, from `sam build`.

Runs the SAM CLI (`.tools/sam/bin/sam build`, no Docker; wheels for the template's arm64
come from PyPI) into a temporary build and cache directory — nothing is left in the
repository — compiles it as `make build` does (bench/_common.compile_bytecode), and
measures each function's directory and the layer: bytes unzipped (what
counts against Lambda's 250 MB limit) and zipped (what is uploaded). The baseline is the
layer's pure dependency size: the layer without the `momentum` package.

    .venv/bin/python bench/bench_package_size.py [--write BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c

SAM = c.ROOT / ".tools" / "sam" / "bin" / "sam"
LAYER = "MomentumLayer"
OURS = "momentum"


def _files(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file() and not p.is_symlink()]


def _size(directory: Path) -> int:
    return sum(p.stat().st_size for p in _files(directory))


def _zipped(directory: Path, scratch: Path) -> int:
    archive = scratch / f"{directory.name}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in _files(directory):
            out.write(path, path.relative_to(directory))
    size = archive.stat().st_size
    archive.unlink()
    return size


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.2f}"


def build(build_dir: Path, cache_dir: Path) -> str:
    """`sam build` into build_dir; returns the SAM CLI's version."""
    if not SAM.exists():
        raise SystemExit(f"{SAM} is missing: `make build` installs the SAM CLI")
    env = dict(os.environ)
    env["SAM_CLI_TELEMETRY"] = "0"
    env["PATH"] = f"{c.ROOT / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    deps = c.ROOT / ".aws-sam" / "deps"
    aws_sam_existed, deps_existed = deps.parent.exists(), deps.exists()
    try:
        subprocess.run(
            [str(SAM), "build", "--build-dir", str(build_dir), "--cache-dir", str(cache_dir)],
            cwd=c.ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
    except subprocess.CalledProcessError as failed:
        raise SystemExit(
            f"sam build failed:\n{failed.stdout[-3000:]}\n{failed.stderr[-3000:]}"
        ) from failed
    finally:
        if deps.exists() and not deps_existed:
            shutil.rmtree(deps)
        if not aws_sam_existed and deps.parent.exists() and not any(deps.parent.iterdir()):
            deps.parent.rmdir()
    version = subprocess.run(
        [str(SAM), "--version"], env=env, capture_output=True, text=True, check=False
    )
    return version.stdout.strip()


def _distributions(site: Path) -> dict[str, int]:
    """Bytes per installed distribution in the layer (by its RECORD), plus our package."""
    sizes: dict[str, int] = {}
    claimed: set[Path] = set()
    for record in site.glob("*.dist-info/RECORD"):
        name = record.parent.name.split("-")[0]
        total = 0
        for line in record.read_text(encoding="utf-8").splitlines():
            path = site / line.split(",")[0]
            if path.is_file() and path not in claimed:
                claimed.add(path)
                total += path.stat().st_size
        sizes[name] = total
    if (site / OURS).is_dir():
        sizes[f"{OURS} (ours)"] = _size(site / OURS)
    return sizes


def report(argv: list[str]) -> c.Report:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-sam-") as tmp:
        scratch = Path(tmp)
        version = build(scratch / "build", scratch / "cache")
        built = scratch / "build"
        c.compile_bytecode(built)  # as `make build` does: the .pyc files ship too
        layer_dir = built / LAYER
        site = layer_dir / "python"
        layer_size = _size(layer_dir)
        ours_size = _size(site / OURS) if (site / OURS).is_dir() else 0
        deps_size = layer_size - ours_size
        # The baseline as it ships: the layer without our package, zipped the same way.
        deps_only = scratch / "deps-only"
        shutil.copytree(layer_dir, deps_only, ignore=shutil.ignore_patterns(OURS))
        deps_zip = _zipped(deps_only, scratch)
        rows = [
            [
                "layer dependencies only (baseline)",
                f"{deps_size:,}",
                _mb(deps_size),
                _mb(deps_zip),
                "1.00",
            ],
            [
                f"`{LAYER}` (dependencies + `momentum`)",
                f"{layer_size:,}",
                _mb(layer_size),
                _mb(_zipped(layer_dir, scratch)),
                f"{layer_size / deps_size:.3f}",
            ],
        ]
        functions = sorted(p for p in built.iterdir() if p.is_dir() and p.name != LAYER)
        for function in functions:
            size = _size(function)
            rows.append(
                [
                    f"`{function.name}`",
                    f"{size:,}",
                    _mb(size),
                    _mb(_zipped(function, scratch)),
                    f"{size / deps_size:.4f}",
                ]
            )
        function_total = sum(_size(f) for f in functions)
        distributions = sorted(_distributions(site).items(), key=lambda kv: kv[1], reverse=True)
    header = ["package", "bytes unzipped", "MB unzipped", "MB zipped", "x layer dependencies"]
    top = c.table(
        ["in the layer", "MB unzipped", "share of the layer"],
        [[f"`{name}`", _mb(size), f"{size / layer_size:.1%}"] for name, size in distributions[:8]],
        "lrr",
    )
    names = {name for name, _ in distributions}
    notes = [
        f"`sam build` ({version}) into a temporary directory with a temporary cache "
        "(nothing written to the repository), then compiled as `make build` compiles "
        f"(`{' '.join(c.compile_bytecode_args())}`); sizes are of that output, .pyc files "
        "included (the distributions' sizes below are of their RECORD files, without "
        "them): each function's CodeUri copy and the layer's `python/` tree, zipped with "
        "deflate here.",
        f"The six functions share `CodeUri: functions/` (docs/architecture.md), so each "
        f"ships every function's wiring: {_mb(function_total)} MB in all.",
        "Largest distributions in the layer (by their RECORD files):",
    ]
    sdk = sorted(n for n in names if n in ("boto3", "botocore", "aws_xray_sdk", "s3transfer"))
    notes.insert(
        2,
        "No DESIGN.md size target. AWS SDK distributions in the layer: "
        + (", ".join(f"`{n}`" for n in sdk) if sdk else "none (boto3 comes with the runtime)")
        + ".",
    )
    if "botocore" in names or "boto3" in names:
        notes.append(
            "The layer ships botocore although the Lambda runtime provides boto3/botocore "
            "and DESIGN.md says 'never boto3' in the layer: it comes with "
            "a dependency in `shared/requirements.txt` (e.g. the `[tracer]` extra: "
            "aws-xray-sdk depends on botocore)."
        )
    return c.Report(
        "Deployment package size (sam build)",
        c.command("bench/bench_package_size.py", []),
        c.table(header, rows),
        notes,
        [top],
    )


def main(argv: list[str] | None = None) -> int:
    return c.main_with_write(report, argv, "Deployment package size")


if __name__ == "__main__":
    raise SystemExit(main())
