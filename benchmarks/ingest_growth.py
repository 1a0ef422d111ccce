"""Does an ingest cost more as the store grows? Batches ingested one after another into one store.

Usage::

    python benchmarks/ingest_growth.py [--articles 50000] [--batch 1000] [--db URL]
        [--rev REV] [--rev-batches 10] [--days-per-batch 1] [--seed 1]

The articles are real text: the originals of ``../shared/data`` (ECB+, NeuS,
the extraction benchmark's bodies), their copies, cut and extended copies
and spins, and articles assembled from single sentences of many originals,
as ``benchmarks/copies.py`` builds them; shuffled, and dated so that batch
``n`` covers days ``n * days-per-batch`` onwards (a feed ingested daily).

Each batch is ingested by a fresh interpreter (as an hourly ``synopsis
ingest`` would be) through :meth:`synopsis.Archive.ingest`, with the
deterministic hashed-words encoder of :mod:`synopsis.embed.testing` in
place of the sentence encoder: the encoder's cost is the same for every
batch, and taken out it leaves what depends on the store. Printed per batch:
the ingest's wall and CPU seconds, the child's peak memory, and the store's
size; then the last batch's time over the first's (median of the first
three and of the last three batches, against noise).

``--rev`` (default: the commit before the persistent candidate indexes)
is exported with ``git archive`` and ingests the first ``--rev-batches``
batches in the same run, into a store of its own, for the growth before.
``--db`` names the working tree's store: a SQLite path (default, in a
temporary folder) or a ``postgresql://`` URL of an empty database.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from copies import build_corpus, load_originals
from digest_against_head import export

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
BEFORE = "41212b3"  # the last commit before the persistent candidate indexes (issue 14)
START = datetime(2025, 1, 1, 6, 0, tzinfo=UTC)

# Run in the child: one batch ingested with the source tree on sys.path.
CHILD = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from synopsis.archive import Archive
from synopsis.embed.testing import HashedWordsEmbedder
store, batch = sys.argv[2], sys.argv[3]
records = [json.loads(line) for line in open(batch, encoding="utf-8")]
with Archive.open(store, embedder=HashedWordsEmbedder(256)) as archive:
    wall, cpu = time.perf_counter(), time.process_time()
    result = archive.ingest(records)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    count = archive.store.article_count()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"wall": wall, "cpu": cpu, "peak_mib": peak, "stored": count,
                  "added": len(result.added), "failed": len(result.failures)}))
"""


def make_batches(articles: int, batch: int, days: float, seed: int) -> list[list[dict[str, Any]]]:
    """``articles`` real-text records, shuffled and dated, in batches of ``batch``."""
    originals = load_originals(DATA)
    docs = build_corpus(originals, articles, seed)[:articles]
    rng = random.Random(seed)
    rng.shuffle(docs)
    batches: list[list[dict[str, Any]]] = []
    for start in range(0, len(docs), batch):
        number = start // batch
        day = START + timedelta(days=number * days)
        records = []
        for n, doc in enumerate(docs[start : start + batch]):
            published = day + timedelta(seconds=rng.uniform(0, days * 86_400))
            records.append(
                {"id": f"g{start + n}", "text": doc.text, "published": published.isoformat()}
            )
        batches.append(records)
    return batches


def ingest_batch(
    src: Path, store: str, records: list[dict[str, Any]], folder: Path
) -> dict[str, Any]:
    """One batch ingested by a fresh interpreter running tree ``src``: its figures."""
    path = folder / "batch.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(src), store, str(path)],
        capture_output=True,
        text=True,
        env=env,
    )
    if done.returncode != 0:
        raise SystemExit(f"{src}: batch failed ({done.returncode}):\n{done.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def store_size(store: str) -> str:
    if "://" in store:
        return "-"
    paths = [Path(store), Path(store + "-wal")]
    total = sum(p.stat().st_size for p in paths if p.exists())
    folder = Path(store + ".indexes")
    if folder.is_dir():
        total += sum(p.stat().st_size for p in folder.iterdir())
    return f"{total / 2**20:.0f} MiB"


def series(
    name: str, src: Path, store: str, batches: list[list[dict[str, Any]]], folder: Path
) -> list[dict[str, Any]]:
    print(f"\n{name} -> {store}")
    print(f"{'batch':>5} {'stored':>7} {'wall s':>7} {'CPU s':>7} {'peak MiB':>9} {'store':>8}")
    rows = []
    for n, records in enumerate(batches, start=1):
        figures = ingest_batch(src, store, records, folder)
        rows.append(figures)
        print(
            f"{n:>5} {figures['stored']:>7} {figures['wall']:>7.1f} {figures['cpu']:>7.1f} "
            f"{figures['peak_mib']:>9.0f} {store_size(store):>8}",
            flush=True,
        )
    return rows


def growth(rows: list[dict[str, Any]], key: str) -> float:
    first = statistics.median(r[key] for r in rows[:3])
    last = statistics.median(r[key] for r in rows[-3:])
    return last / first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--db", default="", help="the working tree's store (default: a new file)")
    parser.add_argument("--rev", default=BEFORE, help="the tree to compare with ('' for none)")
    parser.add_argument("--rev-batches", type=int, default=10)
    parser.add_argument("--days-per-batch", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not DATA.is_dir():
        raise SystemExit(f"needs {DATA}")
    began = time.perf_counter()
    batches = make_batches(args.articles, args.batch, args.days_per_batch, args.seed)
    print(
        f"{sum(len(b) for b in batches)} articles in {len(batches)} batches of {args.batch}, "
        f"{args.days_per_batch:g} day(s) per batch; encoder: hashed words (256 dims); "
        f"cores: {os.cpu_count()}; corpus built in {time.perf_counter() - began:.0f} s"
    )
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        results: dict[str, list[dict[str, Any]]] = {}
        compare = bool(args.rev) and args.rev_batches > 0
        if compare:
            src = export(args.rev, folder / "rev")
            old = batches[: args.rev_batches]
            results[args.rev] = series(args.rev, src, str(folder / "rev.db"), old, folder)
        store = args.db or str(folder / "growth.db")
        results["working tree"] = series("working tree", ROOT / "src", store, batches, folder)
        print()
        for name, rows in results.items():
            print(
                f"{name}: {len(rows)} batches; last / first batch: "
                f"wall {growth(rows, 'wall'):.2f}x, CPU {growth(rows, 'cpu'):.2f}x, "
                f"peak memory {growth(rows, 'peak_mib'):.2f}x"
            )
        if compare:
            now = results["working tree"][: args.rev_batches]
            before = results[args.rev]
            print(
                f"first {len(before)} batches, working tree / {args.rev}: CPU of batch "
                f"{len(before)} {now[-1]['cpu'] / before[-1]['cpu']:.2f}x, "
                f"total CPU {sum(r['cpu'] for r in now) / sum(r['cpu'] for r in before):.2f}x"
            )


if __name__ == "__main__":
    main()
