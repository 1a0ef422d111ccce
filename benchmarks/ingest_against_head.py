"""Wall and CPU time of ``synopsis ingest`` into a new store: this tree against a committed one.

Usage: python benchmarks/ingest_against_head.py [PATH ...] [--rev REV] [--runs N]

The committed tree (``--rev``, default ``HEAD``) is exported with ``git
archive`` and run from there, alternating with the working tree, in fresh
interpreters, each ingesting the same inputs (default: ECB+ dev,
``../shared/data/ecbplus-dev.jsonl``) into a new store. It prints the wall
and CPU seconds of each (CPU of the command and the worker processes it
started), their ratio, the cores used (CPU / wall), and whether both trees
made the same stories: the same story ids holding the same articles.
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from digest_against_head import cli_command, export

ROOT = Path(__file__).resolve().parents[1]
ECB = ROOT.parent / "shared" / "data" / "ecbplus-dev.jsonl"


def run(src: Path, paths: list[str], folder: Path, name: str) -> tuple[float, float, Path]:
    """Wall and CPU seconds of one ingest into a new store, and the store."""
    db = folder / f"{name}-{time.monotonic_ns()}.db"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        cli_command(src, ["ingest", *paths, "--db", str(db), "-q"]), capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{name}: ingest failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, db


def stories(db: Path) -> dict[str, tuple[str, ...]]:
    """Each live story's id and its articles, read straight from the SQLite file."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT story_id, article_id FROM story_articles ORDER BY story_id, position"
        ).fetchall()
    found: dict[str, list[str]] = {}
    for story, article in rows:
        found.setdefault(story, []).append(article)
    return {story: tuple(articles) for story, articles in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--rev", default="HEAD")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    paths = args.paths or [str(ECB)]
    if not args.paths and not ECB.is_file():
        raise SystemExit(f"needs {ECB} (or name the inputs)")
    print(f"inputs: {', '.join(paths)}; runs: {args.runs}; cores: {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        trees = {args.rev: export(args.rev, work / "committed"), "working tree": ROOT / "src"}
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
        made: dict[str, dict[str, tuple[str, ...]]] = {}
        for _ in range(args.runs):
            for name, src in trees.items():
                wall, cpu, db = run(src, paths, work, name.replace(" ", "-"))
                times[name].append((wall, cpu))
                made[name] = stories(db)
        rows = []
        for name, runs in times.items():
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            rows.append((wall, cpu))
            print(
                f"{name:14s} wall {wall:7.2f} s   cpu {cpu:7.2f} s   cores used {cpu / wall:4.2f}"
                f"   stories {len(made[name])}"
            )
        (wall_a, cpu_a), (wall_b, cpu_b) = rows
        print(
            f"ratio working tree / {args.rev}: wall {wall_b / wall_a:.2f}x, "
            f"cpu {cpu_b / cpu_a:.2f}x"
        )
        same = made[args.rev] == made["working tree"]
        print(f"identical stories (ids and articles): {same}")
        if not same:
            a, b = set(made[args.rev].items()), set(made["working tree"].items())
            print(f"  only in {args.rev}: {len(a - b)}; only in the working tree: {len(b - a)}")


if __name__ == "__main__":
    main()
