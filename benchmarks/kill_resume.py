"""``synopsis ingest`` killed (SIGKILL) at random points, then run again: is anything lost?

Usage: python benchmarks/kill_resume.py [INPUT ...] [--kills 20] [--seed 13] [--workers N]
                                        [--rev REV] [--at-first-articles]

1. Ingests INPUT (default: ECB+ dev, ``../shared/data/ecbplus-dev.jsonl``)
   into a new store without interruption: the reference stories (story id ->
   article ids) and the wall time T of one ingest.
2. ``--kills`` times: starts the same ingest into a new store in a process
   group of its own, kills the whole group (the command and its worker
   processes) with SIGKILL after a delay drawn uniformly from [0, T] (seeded),
   notes what the store held at that moment, and runs the ingest again to
   the end.
3. Prints, per kill, the delay, what was stored at the kill (articles,
   stories, copy links, cached vectors), and after the re-run: ``PRAGMA
   integrity_check``, duplicated articles, articles in no story or in two,
   and whether the stories equal the reference; then the total (``20/20``).

``--at-first-articles`` adds one kill at the moment the store first holds an
article (polled every 5 ms): the point where an ingest that commits its
articles before its stories loses them (the first row printed, "first").

The real command line runs (``synopsis ingest``, the packaged encoder, worker
processes as the command line chooses them unless ``--workers``); ``--rev``
runs a committed tree instead of the working tree (exported with ``git
archive``, as ``digest_against_head.py`` does), to see how it fares.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from digest_against_head import cli_command, export

ROOT = Path(__file__).resolve().parents[1]
ECB = ROOT.parent / "shared" / "data" / "ecbplus-dev.jsonl"

Stories = dict[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Check:
    """The state of a store after the re-run."""

    integrity: str
    articles: int
    duplicates: int
    unplaced: int
    doubly_placed: int
    stories: Stories


def counts(db: Path) -> dict[str, int]:
    """Rows per table as committed now (what a reader would see); empty before the schema."""
    tables = ("articles", "stories", "copies", "vectors")
    if not db.exists():
        return dict.fromkeys(tables, 0)
    found = {}
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        for table in tables:
            try:
                found[table] = int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
            except sqlite3.OperationalError:
                found[table] = 0
    return found


def check(db: Path) -> Check:
    with sqlite3.connect(db) as conn:
        integrity = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        total, distinct = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT id) FROM articles"
        ).fetchone()
        unplaced = conn.execute(
            "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS "
            "(SELECT 1 FROM story_articles sa JOIN stories s ON s.id = sa.story_id "
            "WHERE sa.article_id = a.id AND s.merged_into IS NULL)"
        ).fetchone()[0]
        placements, placed = conn.execute(
            "SELECT COUNT(*), COUNT(DISTINCT article_id) FROM story_articles"
        ).fetchone()
        rows = conn.execute(
            "SELECT sa.story_id, sa.article_id FROM story_articles sa "
            "JOIN stories s ON s.id = sa.story_id WHERE s.merged_into IS NULL "
            "ORDER BY sa.story_id, sa.article_id"
        ).fetchall()
    stories: dict[str, list[str]] = {}
    for story, article in rows:
        stories.setdefault(story, []).append(article)
    return Check(
        integrity,
        int(total),
        int(total) - int(distinct),
        int(unplaced),
        int(placements) - int(placed),
        {story: tuple(articles) for story, articles in stories.items()},
    )


def ingest_command(src: Path, paths: list[str], db: Path, workers: int | None) -> list[str]:
    extra = ["--workers", str(workers)] if workers is not None else []
    return cli_command(src, ["ingest", *paths, "--db", str(db), "-q", *extra])


def run_to_end(command: list[str], name: str) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{name}: ingest failed ({done.returncode}): {done.stderr[-2000:]}")
    return time.perf_counter() - start


def killed_at(command: list[str], delay: float | None, db: Path) -> tuple[bool, float]:
    """Run ``command`` in its own process group, SIGKILL the group after ``delay`` s.

    ``delay=None``: as soon as ``db`` holds an article. Whether it was still
    running (``False``: it had finished before the kill), and when it was killed.
    """
    start = time.perf_counter()
    child = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        if delay is None:
            while child.poll() is None and counts(db)["articles"] == 0:
                time.sleep(0.005)
            if child.poll() is not None:
                return False, time.perf_counter() - start
        else:
            try:
                child.wait(timeout=delay)
                return False, delay
            except subprocess.TimeoutExpired:
                pass
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        return True, time.perf_counter() - start
    finally:
        with contextlib.suppress(ProcessLookupError):  # workers left behind, if any
            os.killpg(child.pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--workers", type=int, help="passed to synopsis ingest")
    parser.add_argument("--rev", help="run this committed tree instead of the working tree")
    parser.add_argument(
        "--at-first-articles", action="store_true", help="one more kill: at the first articles"
    )
    args = parser.parse_args()
    paths = args.paths or [str(ECB)]
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        src = export(args.rev, Path(folder) / "tree") if args.rev else ROOT / "src"
        tree = args.rev or "working tree"
        reference_db = Path(folder) / "reference.db"
        seconds = run_to_end(ingest_command(src, paths, reference_db, args.workers), "reference")
        reference = check(reference_db)
        print(
            f"{tree}: ingest of {', '.join(Path(p).name for p in paths)}: {reference.articles} "
            f"articles, {len(reference.stories)} stories, {seconds:.1f} s uninterrupted; "
            f"{args.kills} kills at uniform [0, {seconds:.1f}] s, seed {args.seed}"
        )
        print(
            f"{'kill':>4} {'delay':>6}  {'stored at the kill':34s} {'re-run':>7}  "
            f"{'integrity':9s} {'dup':>3} {'lost':>4} {'twice':>5}  stories"
        )
        good = 0
        delays: list[float | None] = [rng.uniform(0.0, seconds) for _ in range(args.kills)]
        if args.at_first_articles:
            delays.insert(0, None)
        for n, delay in enumerate(delays, start=0 if args.at_first_articles else 1):
            db = Path(folder) / f"kill-{n}.db"
            command = ingest_command(src, paths, db, args.workers)
            killed, when = killed_at(command, delay, db)
            stored = counts(db)
            rerun = run_to_end(command, f"re-run {n}")
            after = check(db)
            same = after.stories == reference.stories
            ok = (
                same
                and after.integrity == "ok"
                and after.duplicates == after.unplaced == after.doubly_placed == 0
                and after.articles == reference.articles
            )
            good += ok
            at_kill = (
                f"{stored['articles']:4d} art {stored['stories']:3d} sto "
                f"{stored['copies']:3d} cop {stored['vectors']:5d} vec"
            )
            if not killed:
                at_kill += " (done)"
            shown = f"{when:5.1f}s" if delay is not None else "first"
            print(
                f"{n:4d} {shown:>6s}  {at_kill:34s} {rerun:6.1f}s  {after.integrity:9s} "
                f"{after.duplicates:3d} {after.unplaced:4d} {after.doubly_placed:5d}  "
                f"{'equal' if same else f'DIFFERENT ({len(after.stories)} stories)'}"
            )
            db.unlink()
            for leftover in (Path(f"{db}-wal"), Path(f"{db}-shm")):
                leftover.unlink(missing_ok=True)
    print(f"{tree}: {good}/{len(delays)} re-runs gave the uninterrupted stories, intact")


if __name__ == "__main__":
    main()
