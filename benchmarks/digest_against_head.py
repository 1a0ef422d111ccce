"""Cold wall time and peak memory of ``synopsis digest``: this tree against a committed one.

Usage: python benchmarks/digest_against_head.py [PATH ...] [--rev HEAD] [--runs N]

The committed tree (``--rev``, default ``HEAD``) is exported with ``git archive``
to a temporary folder and run from there, alternating with the working tree,
in fresh interpreters (model loading included), on the same inputs (default:
the five seeds in ../shared/seeds). The ratio is what the working tree's
changes cost.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from cold_digest import SEEDS, measure

ROOT = Path(__file__).resolve().parents[1]


def export(rev: str, target: Path) -> Path:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev, "src"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target / "src"


def cli_command(src: Path, args: list[str]) -> list[str]:
    """``synopsis ARGS`` run from the source tree ``src`` in a fresh interpreter."""
    run = (
        f"import sys; sys.path.insert(0, {str(src)!r}); "
        "sys.argv = ['synopsis', *sys.argv[1:]]; "
        "from synopsis.cli import main; main()"
    )
    return [sys.executable, "-c", run, *args]


def command(src: Path, paths: list[str]) -> list[str]:
    return cli_command(src, ["digest", "--format", "json", "-q", *paths])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--rev", default="HEAD")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    paths = args.paths or [str(p) for p in sorted(SEEDS.glob("*.txt"))]
    with tempfile.TemporaryDirectory() as folder:
        committed = command(export(args.rev, Path(folder)), paths)
        working = command(ROOT / "src", paths)
        times: dict[str, list[tuple[float, float, float]]] = {args.rev: [], "working tree": []}
        for _ in range(args.runs):
            times[args.rev].append(measure(committed))
            times["working tree"].append(measure(working))
    print(f"inputs: {len(paths)} path(s), runs: {args.runs} (medians; max peak RSS)")
    rows = []
    for name, runs in times.items():
        wall = statistics.median(r[0] for r in runs)
        cpu = statistics.median(r[1] for r in runs)
        peak = max(r[2] for r in runs)
        rows.append((wall, cpu, peak))
        print(f"{name:14s} wall {wall:6.2f} s   cpu {cpu:6.2f} s   peak RSS {peak:7.1f} MiB")
    (wall_a, cpu_a, peak_a), (wall_b, cpu_b, peak_b) = rows
    print(
        f"ratio working tree / {args.rev}: wall {wall_b / wall_a:.2f}x, "
        f"cpu {cpu_b / cpu_a:.2f}x, memory {peak_b / peak_a:.2f}x"
    )


if __name__ == "__main__":
    main()
