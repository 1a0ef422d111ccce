"""Cold wall time and peak memory of ``synopsis digest`` in a fresh process.

Usage: python benchmarks/cold_digest.py [PATH ...] [--runs N]

Defaults to the five seeds in ../shared/seeds (or the demo corpus when they are
absent). Each run is a new interpreter, so model loading is included. The
baseline, measured in the same run, is a fresh interpreter that only imports
numpy: the ratio is what synopsis adds on top of starting Python.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def measure(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak resident MiB of one run.

    CPU time is reported beside wall time because on a shared machine wall time
    depends on what else runs.
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        errors = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed: {errors}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.paths:
        paths = args.paths
    elif SEEDS.is_dir():
        paths = [str(p) for p in sorted(SEEDS.glob("*.txt"))]
    else:
        from synopsis.demo import corpus_path

        paths = [str(corpus_path())]
    digest = [sys.executable, "-m", "synopsis", "digest", "--format", "json", "-q", *paths]
    baseline = [sys.executable, "-c", "import numpy"]
    rows = []
    for name, command in (("python + numpy (baseline)", baseline), ("synopsis digest", digest)):
        runs = [measure(command) for _ in range(args.runs)]
        rows.append((name, statistics.median(r[0] for r in runs), max(r[2] for r in runs)))
    print(f"inputs: {len(paths)} path(s), runs: {args.runs} (median wall time, max peak RSS)")
    for name, wall, peak in rows:
        print(f"{name:28s} wall {wall:6.2f} s   peak RSS {peak:7.1f} MiB")
    wall_ratio, memory_ratio = rows[1][1] / rows[0][1], rows[1][2] / rows[0][2]
    print(f"ratio synopsis / baseline: wall {wall_ratio:.1f}x, memory {memory_ratio:.1f}x")


if __name__ == "__main__":
    main()
