"""Run every benchmark and append ONE dated section with all their tables to BENCHMARKS.md.

Each benchmark runs in its own fresh interpreter, one after the other (the machine has 2
cores: nothing runs beside a timing), in this order: domain evaluations, cold-start
imports, API throughput, API DynamoDB calls, appointment reads against history, item
size over years of history, nightly chain, a realistic month (the nightly chain per
function), package size. Each can also be run alone:
`.venv/bin/python bench/bench_<name>.py --write BENCHMARKS.md`.

    .venv/bin/python bench/run_all.py [--write BENCHMARKS.md] [--quick] [--skip NAME ...]

`--quick` runs smaller sizes (a smoke test; do not write those figures).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common as c

DOMAIN_SECONDS = "1.5"


def _benchmarks(quick: bool) -> list[tuple[str, str, list[str]]]:
    """(name, script, arguments) in the order they run."""
    return [
        ("domain", "bench/bench_domain.py", ["--seconds", "0.5" if quick else DOMAIN_SECONDS]),
        ("imports", "bench/bench_imports.py", ["--runs", "3" if quick else "9"]),
        ("throughput", "bench/bench_throughput.py", ["--requests", "100" if quick else "300"]),
        ("api_calls", "bench/bench_api_calls.py", []),
        ("history", "bench/bench_history.py", []),
        ("summary_size", "bench/bench_summary_size.py", ["--years", "2" if quick else "5"]),
        (
            "nightly",
            "bench/bench_nightly.py",
            ["--tracked", "5000" if quick else "50000", "--due-ratio", "0.02"],
        ),
        (
            "month",
            "bench/bench_month.py",
            ["--clients", "60", "--days", "7", "--baseline-tracked", "0", "--quiet"]
            if quick
            else ["--quiet"],
        ),
        ("package_size", "bench/bench_package_size.py", []),
    ]


def _domain_report(args: list[str]) -> c.Report:
    """bench_domain.py keeps its own format (it appends its own section with --write):
    call its run() in a fresh interpreter and wrap the table."""
    seconds = args[args.index("--seconds") + 1]
    code = (
        "import sys; sys.path.insert(0, 'bench'); import bench_domain; "
        f"print(bench_domain.run({float(seconds)!r}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=c.ROOT, capture_output=True, text=True, check=True
    )
    return c.Report(
        "Domain evaluations (rules engine)",
        c.command("bench/bench_domain.py", args),
        done.stdout.strip(),
        [
            "Evaluations per second of decode + evaluate against a baseline that only decodes "
            "the stored summary and state (best of three runs each); inputs: a year of weekly "
            "sessions per item. Ratio = time to decode and evaluate ÷ time to decode alone "
            "(what the rules add on top of reading the item). No DESIGN.md target.",
        ],
    )


def _run(script: str, args: list[str], scratch: Path) -> c.Report:
    out = scratch / (Path(script).stem + ".json")
    subprocess.run(
        [sys.executable, script, *args, "--report-json", str(out)],
        cwd=c.ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return c.Report(**json.loads(out.read_text(encoding="utf-8")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", metavar="FILE", help="append one dated section to FILE")
    parser.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    parser.add_argument("--skip", nargs="*", default=[], help="benchmark names to leave out")
    args = parser.parse_args(argv)
    reports: list[c.Report] = []
    took: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for name, script, script_args in _benchmarks(args.quick):
            if name in args.skip:
                continue
            started = time.perf_counter()
            print(f"… {name}", file=sys.stderr, flush=True)
            if name == "domain":
                report = _domain_report(script_args)
            else:
                report = _run(script, script_args, Path(tmp))
            reports.append(report)
            took.append(f"{name} {time.perf_counter() - started:.0f} s")
            print(report.markdown(), flush=True)
    intro = (
        "Produced by `make bench` (= `.venv/bin/python bench/run_all.py --write "
        "BENCHMARKS.md`); each table's own command reproduces it alone. Run time: "
        + ", ".join(took)
        + "."
    )
    if args.quick:
        intro += " **Quick run (smaller sizes): a smoke test, not the reference figures.**"
    print(intro)
    if args.write:
        c.write_section(args.write, "All benchmarks", reports, intro)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
