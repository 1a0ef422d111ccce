"""One ingest in process and on a Dask LocalCluster of 1 and of 2 workers: articles/s, same stories?

Usage: python benchmarks/dask_scale.py [--articles 20000] [--encoder fake|default]
       [--chunk 32] [--seed 7]

The articles are real texts: the copy benchmark's corpus (``build_corpus``
in ``benchmarks/copies.py``, from ECB+, NeuS and the extraction benchmark's
bodies in ../shared/data: originals, their copies and rewrites, and articles
assembled from their sentences), with outlets and publication times spread
over four months. The same inputs are ingested into a new SQLite store three
times: prepared in this process, then on a Dask ``LocalCluster`` of 1 and of
2 worker processes (one thread each) that the pipeline starts and closes
(``--executor dask:N``). Each run prints its wall time, articles/s and where
the time went: preparing (read, clean, segment, language, encode; on the
cluster, this includes starting it and the workers' first chunk), finding
copies, and storing and assigning stories, the last two always in this
process. Then the ratios (2 workers / 1 worker, each against in process),
and whether each Dask run made exactly the stories (ids and articles) and
copy links (a, b, kind) of the run in process: OK or DIFFERENT.

``--encoder fake`` (the default) encodes with the hashed-words test encoder
(``synopsis.embed.testing``), so preparing is cleaning, segmenting and
identifying languages; ``--encoder default`` uses the packaged multilingual
encoder on one thread everywhere (in process too, so every run encodes alike
and the figures compare per core). The real encoder runs at roughly 250
sentences/s per core here, and the default 20,000 articles hold about
245,000 sentences: some 16 minutes per run on one core, three runs, which is
why the default is the fake encoder; use ``--encoder default`` with a few
thousand articles. The machine may be shared: the load average is printed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from copies import build_corpus, load_originals
from ingest_against_head import stories
from synopsis import Embedder
from synopsis.archive import Archive
from synopsis.config import Settings
from synopsis.embed import UseEmbedder
from synopsis.embed.testing import HashedWordsEmbedder

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
START = datetime(2025, 9, 1, tzinfo=UTC)


def inputs(count: int, seed: int) -> list[dict[str, Any]]:
    """``count`` articles of real text, as input records, in a shuffled order."""
    docs = build_corpus(load_originals(DATA), count, seed)
    rng = random.Random(seed)
    rng.shuffle(docs)
    return [
        {
            "id": f"a{n:06d}",
            "outlet": f"Outlet {rng.randrange(60)}",
            "published": (START + timedelta(minutes=rng.randrange(120 * 24 * 60))).isoformat(),
            "text": doc.text,
        }
        for n, doc in enumerate(docs[:count])
    ]


@dataclass(slots=True)
class Timer:
    """The moments of a run's progress events that mark its stages."""

    start: float = field(default_factory=time.perf_counter)
    marks: dict[str, float] = field(default_factory=dict)

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if stage == "embed":
            self.marks.setdefault("first chunk", now)
            if done == total:
                self.marks["prepared"] = now
        elif stage == "copies":
            self.marks["copies started" if done == 0 else "copies done"] = now

    def span(self, first: str | None, last: str) -> float:
        return self.marks[last] - (self.start if first is None else self.marks[first])


@dataclass(slots=True)
class Run:
    name: str
    wall: float
    timer: Timer
    stories: dict[str, tuple[str, ...]]
    links: set[tuple[str, str, str]]


def ingest(
    name: str, settings: Settings, embedder: Embedder, items: list[dict[str, Any]], folder: Path
) -> Run:
    """Ingest ``items`` into a new store; its times, stories and copy links."""
    db = folder / f"{name.replace(' ', '-')}.db"
    timer = Timer()
    with Archive.open(db, settings, embedder=embedder) as archive:
        result = archive.ingest(items, timer)
        wall = time.perf_counter() - timer.start
        if len(result.added) + len(result.failures) != len(items):
            raise SystemExit(f"{name}: {len(result.added)} added of {len(items)}")
        made = stories(db)
        ids = [a for members in made.values() for a in members]
        links = {(c.a, c.b, str(c.kind)) for c in archive.store.copies_among(ids)}
    for path in folder.glob(f"{db.name}*"):  # the store, its WAL and its index folder
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    return Run(name, wall, timer, made, links)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--encoder", choices=("fake", "default"), default="fake")
    parser.add_argument("--chunk", type=int, default=32)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not (DATA / "ecbplus-dev.jsonl").is_file():
        raise SystemExit(f"needs the real texts in {DATA}")
    items = inputs(args.articles, args.seed)

    def encoder() -> Embedder:
        if args.encoder == "fake":
            return HashedWordsEmbedder(dim=512)
        return UseEmbedder(threads=1)

    described = (
        "fake (hashed words, synopsis.embed.testing; no model)"
        if args.encoder == "fake"
        else "default (packaged multilingual USE, one thread per process)"
    )
    print(
        f"{len(items)} articles of real text; encoder: {described}; chunk {args.chunk}; "
        f"cores: {os.cpu_count()}; load average at start: {os.getloadavg()[0]:.2f}"
    )
    base = {"compare.ner": False, "pipeline.chunk": args.chunk}
    plans = {
        "in process": {"pipeline.workers": 1},
        "dask 1 worker": {"pipeline.executor": "dask", "pipeline.dask_workers": 1},
        "dask 2 workers": {"pipeline.executor": "dask", "pipeline.dask_workers": 2},
    }
    runs: list[Run] = []
    with tempfile.TemporaryDirectory() as folder:
        for name, plan in plans.items():
            settings = Settings.from_mapping({**base, **plan})
            run = ingest(name, settings, encoder(), items, Path(folder))
            runs.append(run)
            t = run.timer
            prepare = t.span(None, "prepared")
            copies = t.span("copies started", "copies done")
            print(
                f"{name:15s} wall {run.wall:7.1f} s  {len(items) / run.wall:6.1f} articles/s   "
                f"prepare {prepare:6.1f} s ({len(items) / prepare:6.1f}/s; first chunk after "
                f"{t.span(None, 'first chunk'):4.1f} s)   copies {copies:6.1f} s   "
                f"store+stories {run.wall - t.span(None, 'copies done'):6.1f} s   "
                f"stories {len(run.stories)}   links {len(run.links)}   "
                f"load {os.getloadavg()[0]:.2f}"
            )
    here, one, two = runs

    def rate(run: Run) -> float:
        return len(items) / run.wall

    def prepare_rate(run: Run) -> float:
        return len(items) / run.timer.span(None, "prepared")

    for label, of in (("ingest", rate), ("prepare", prepare_rate)):
        print(
            f"{label:8s} articles/s ratios: 2 workers / 1 worker {of(two) / of(one):.2f}x;   "
            f"1 worker / in process {of(one) / of(here):.2f}x;   "
            f"2 workers / in process {of(two) / of(here):.2f}x"
        )
    for run in (one, two):
        same = run.stories == here.stories and run.links == here.links
        print(
            f"{run.name} against in process: stories and copy links "
            + ("OK (identical)" if same else "DIFFERENT")
        )
        if not same:
            a, b = set(here.stories.items()), set(run.stories.items())
            print(
                f"  stories only in process: {len(a - b)}, only on Dask: {len(b - a)}; "
                f"links only in process: {len(here.links - run.links)}, "
                f"only on Dask: {len(run.links - here.links)}"
            )
            for label, links in (
                ("in process", here.links - run.links),
                ("on Dask", run.links - here.links),
            ):
                for a, b, kind in sorted(links)[:5]:  # where to start looking
                    print(f"    link only {label}: {a} - {b} ({kind})")


if __name__ == "__main__":
    main()
