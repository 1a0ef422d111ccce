"""Story assignment at scale: articles/s and memory per article from 10k to 100k articles.

Usage: python benchmarks/stories.py [--articles 100000] [--checkpoints 10000,25000,50000]
       [--workers 2] [--compare 4000] [--against REV]

The stream is built from the real texts in ../shared/data (ECB+, NeuS, the
extraction benchmark's article bodies) and ../shared/seeds: each text is
reissued as several events months apart, and each event as several perturbed
copies (words dropped, sentences reordered, a different headline cut) within a
couple of days, so no two articles share a text and every article is really
cleaned and encoded. Time stamps spread over nine months. Everything runs
through the cheap path of ``synopsis.stories.stream`` (clean, language, one
title + lead vector, terms, index search, assign): cleaning, terms and the
encoder run in ``--workers`` processes (one encoder thread each) on chunks of
``--chunk`` articles, assignment in this process, pipelined.

Figures, at each checkpoint: articles/s end to end over the last stretch and
overall, open stories in the index, the clusterer's memory per article (index
+ story state + article map, counted from the structures) and the process's
resident memory growth per article. Baselines measured in the same run: the
encoder alone on the same texts (articles/s, one process), the whole path in
one process (``workers=1``) over the first ``--compare`` articles, whose
stories must be those of the parallel run, and, at the end, one search in the
ANN index of open stories against an exact scan over every story's centroid
(the linear scan the index replaces). The load average is printed with each
figure: the machine may be shared. The share of articles that took the
second look (see :mod:`synopsis.stories.clusterer`) and the splits are
printed at the end.

``--against REV`` runs the same benchmark twice, one run after the other in
fresh interpreters: first on the committed tree REV (its ``src`` exported
with ``git archive``), then on the working tree, and prints the ratios of
the two (throughput, state per article).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from synopsis.config import StorySettings
from synopsis.embed import UseEmbedder
from synopsis.pipeline.stages import prepare_article
from synopsis.pipeline.stream import DEFAULT_CHUNK, StoryStream, signal_vectors
from synopsis.records import Article

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
START = datetime(2026, 1, 1, tzinfo=UTC)
SPAN_DAYS = 270


def base_texts() -> list[tuple[str, str]]:
    """(title, text) pairs from the shared data."""
    texts: list[tuple[str, str]] = []
    data = SHARED / "data"
    for line in (data / "ecbplus-dev.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        texts.append((row.get("title") or "", row["text"]))
    for line in (data / "neus-val.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        for item in row["articles"]:
            texts.append((item.get("title") or "", item.get("text") or ""))
        texts.append((row["reference"]["title"], row["reference"]["summary"]))
    truth = data / "aeb" / "ground-truth.json"
    if truth.exists():
        with truth.open(encoding="utf-8") as handle:
            for item in json.load(handle).values():
                body = item.get("articleBody") or ""
                if body:
                    texts.append((body.split(". ")[0][:90], body))
    for seed in sorted((SHARED / "seeds").glob("*.txt")):
        body = seed.read_text(encoding="utf-8")
        texts.append((body.splitlines()[0][:120], body))
    return [(t, b) for t, b in texts if b.strip()]


def perturb(text: str, rng: random.Random) -> str:
    sentences = text.replace("\n", " \n ").split(". ")
    if len(sentences) > 3 and rng.random() < 0.5:
        i = rng.randrange(1, len(sentences) - 1)
        sentences[i], sentences[i + 1] = sentences[i + 1], sentences[i]
    words = ". ".join(sentences).split(" ")
    kept = [w for w in words if rng.random() > 0.06]
    return " ".join(kept).replace(" \n ", "\n")


def stream(count: int, seed: int) -> Iterator[Article]:
    """``count`` articles in publication order (see the module's notes)."""
    rng = random.Random(seed)
    texts = base_texts()
    copies = 7
    events: list[tuple[datetime, int]] = []
    instances = -(-count // (len(texts) * copies)) + 1
    for index in range(len(texts)):
        for _ in range(instances):
            events.append((START + timedelta(days=rng.uniform(0, SPAN_DAYS)), index))
    arrivals: list[tuple[datetime, int, int]] = []
    for number, (when, index) in enumerate(events):
        for _ in range(copies):
            arrivals.append((when + timedelta(hours=rng.uniform(0, 48)), number, index))
    arrivals.sort()
    for n, (when, event, index) in enumerate(arrivals[:count]):
        title, body = texts[index]
        words = title.split()
        cut = " ".join(words[: max(3, len(words) - rng.randrange(0, 3))])
        yield Article(
            id=f"a{n}-e{event}",
            text=perturb(body[:4000], rng),
            source=f"<stream {n}>",
            title=cut or None,
            outlet=f"outlet{rng.randrange(50)}",
            published=when,
        )


def rss_bytes(pid: int | str = "self") -> int:
    with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def batches(articles: Iterator[Article], size: int, cuts: list[int]) -> Iterator[list[Article]]:
    """Batches of ``size`` articles, also cut at each checkpoint in ``cuts``."""
    pending = iter(cuts)
    target = next(pending, None)
    batch: list[Article] = []
    done = 0
    for article in articles:
        batch.append(article)
        if len(batch) < size and (target is None or done + len(batch) < target):
            continue
        done += len(batch)
        yield batch
        batch = []
        while target is not None and done >= target:
            target = next(pending, None)
    if batch:
        yield batch


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--checkpoints", default="10000,25000,50000")
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="encoder threads in this process (baselines, --workers 1); each worker uses one",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="processes that clean and encode (one per core; 1: all in this process)",
    )
    parser.add_argument("--chunk", type=int, default=DEFAULT_CHUNK, help="articles per task")
    parser.add_argument(
        "--word-cache",
        type=int,
        default=1 << 18,
        help="words whose tokenization the encoder remembers (0: none; same vectors either way)",
    )
    parser.add_argument(
        "--compare",
        type=int,
        default=4000,
        help="first articles also run in one process, to time it and check identical stories",
    )
    parser.add_argument("--against", metavar="REV", help="also run this committed tree, first")
    parser.add_argument("--json-out", type=Path, help="write the final figures here as JSON")
    args = parser.parse_args()
    if args.against:
        against(args.against, [a for a in sys.argv[1:] if a not in ("--against", args.against)])
        return
    checkpoints = sorted({int(c) for c in args.checkpoints.split(",") if c} | {args.articles})

    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores; others share them)")
    embedder = UseEmbedder(
        threads=args.threads,
        batch_size=args.batch,
        word_cache=args.word_cache,
    )
    settings = StorySettings()

    sample = [prepare_article(a) for a in stream(2000, args.seed + 1)]
    start = time.perf_counter()
    signal_vectors(sample, embedder, settings.signal_sentences)
    baseline = len(sample) / (time.perf_counter() - start)
    print(f"baseline, encoder alone on 2000 prepared articles: {baseline:.0f} articles/s")

    serial_stories: list[dict[str, str]] = []
    if args.compare and args.workers > 1:
        serial = StoryStream(embedder, settings, workers=1, chunk=args.chunk)
        done = 0
        start = time.perf_counter()
        for result in serial.add_many(
            batches(stream(args.articles, args.seed), args.batch, checkpoints)
        ):
            serial_stories.append(result.stories)
            done += len(result.stories)
            if done >= args.compare:
                break
        serial_rate = done / (time.perf_counter() - start)
        print(
            f"baseline, one process (workers=1) on the first {done} articles: "
            f"{serial_rate:.0f} articles/s end to end (load {os.getloadavg()[0]:.2f})",
            flush=True,
        )
        del serial

    rows = []
    story_stream = StoryStream(embedder, settings, workers=args.workers, chunk=args.chunk)
    started = time.perf_counter()
    story_stream.start()
    if args.workers > 1:
        print(
            f"{args.workers} worker processes ready in {time.perf_counter() - started:.1f} s "
            f"(chunks of {args.chunk} articles)",
            flush=True,
        )
    rss_start = rss_bytes()
    cpu_start = cpu_seconds(resource.RUSAGE_SELF)
    done = 0
    start = last_time = time.perf_counter()
    last_done = 0
    pending = iter(checkpoints)
    target = next(pending)
    identical: bool | None = None
    compared = 0
    worker_rss: list[int] = []
    results = story_stream.add_many(
        batches(stream(args.articles, args.seed), args.batch, checkpoints)
    )
    for number, result in enumerate(results):
        done += len(result.stories) + len(result.failures)
        if number < len(serial_stories):
            identical = (identical is not False) and result.stories == serial_stories[number]
            compared += len(result.stories)
        if done >= target:
            now = time.perf_counter()
            clusterer = story_stream.clusterer
            row = {
                "articles": done,
                "articles_per_s_stretch": (done - last_done) / (now - last_time),
                "articles_per_s_overall": done / (now - start),
                "stories": len(clusterer.stories),
                "open_stories": clusterer.open_stories,
                "state_bytes_per_article": clusterer.memory_bytes() / done,
                "rss_growth_bytes_per_article": (rss_bytes() - rss_start) / done,
                "load": os.getloadavg()[0],
            }
            rows.append(row)
            print(
                f"{done:>7} articles  {row['articles_per_s_stretch']:6.0f}/s stretch  "
                f"{row['articles_per_s_overall']:6.0f}/s overall  "
                f"{row['stories']:>6} stories ({row['open_stories']} open)  "
                f"state {row['state_bytes_per_article']:6.0f} B/article  "
                f"RSS growth {row['rss_growth_bytes_per_article']:6.0f} B/article  "
                f"load {row['load']:.2f}",
                flush=True,
            )
            last_done, last_time = done, now
            target = next(pending, args.articles + 1)
            worker_rss = [rss_bytes(p.pid) for p in multiprocessing.active_children() if p.pid]
    main_cpu = cpu_seconds(resource.RUSAGE_SELF) - cpu_start
    story_stream.close()
    workers_cpu = cpu_seconds(resource.RUSAGE_CHILDREN)
    if identical is not None:
        print(f"stories of the first {compared} articles identical to one process's: {identical}")
    print(
        f"CPU per article: this process {main_cpu / done * 1e3:.2f} ms, "
        f"workers {workers_cpu / done * 1e3:.2f} ms (their start included)"
        + (
            f"; worker RSS {', '.join(f'{r / 2**20:.0f}' for r in worker_rss)} MiB"
            if worker_rss
            else ""
        )
    )

    clusterer = story_stream.clusterer
    centroids = np.vstack([s.centroid for s in clusterer.stories])
    probe = centroids[len(centroids) // 2]
    index = clusterer._index  # the benchmark looks inside on purpose
    assert index is not None
    runs = 200
    t0 = time.perf_counter()
    for _ in range(runs):
        index.search(probe, settings.candidates)
    ann = (time.perf_counter() - t0) / runs
    t0 = time.perf_counter()
    for _ in range(runs):
        np.argpartition(-(centroids @ probe), settings.candidates)[: settings.candidates]
    scan = (time.perf_counter() - t0) / runs
    print(
        f"search: index of {len(index)} open stories {ann * 1e6:.0f} µs; "
        f"exact scan of all {len(centroids)} stories {scan * 1e6:.0f} µs "
        f"(ratio {scan / ann:.1f}x)"
    )
    first, final = rows[0], rows[-1]
    print(
        f"growth {first['articles']}→{final['articles']}: articles/s "
        f"{first['articles_per_s_overall']:.0f}→{final['articles_per_s_overall']:.0f} "
        f"({final['articles_per_s_overall'] / baseline:.2f}x the encoder alone); state "
        f"{first['state_bytes_per_article']:.0f}→{final['state_bytes_per_article']:.0f} B/article"
    )
    looks = getattr(clusterer, "second_looks", None)  # absent before the second look
    if looks is not None:
        print(
            f"second look: {looks} of {done} articles ({looks / done:.1%}); "
            f"{len(clusterer.splits)} splits, {len(clusterer.decisions)} decisions changed"
        )
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    if args.json_out:
        summary = {
            "articles": done,
            "articles_per_s": final["articles_per_s_overall"],
            "state_bytes_per_article": final["state_bytes_per_article"],
            "second_look_share": None if looks is None else looks / done,
            "stories": final["stories"],
        }
        args.json_out.write_text(json.dumps(summary), encoding="utf-8")


def against(rev: str, arguments: list[str]) -> None:
    """Run the benchmark on ``rev``, then on the working tree, and print the ratios."""
    from digest_against_head import export

    figures = {}
    with tempfile.TemporaryDirectory(prefix="stories-bench-") as folder:
        trees = {rev: export(rev, Path(folder) / "tree"), "working tree": ROOT / "src"}
        for name, src in trees.items():
            out = Path(folder) / "figures.json"
            print(f"== {name} ==", flush=True)
            subprocess.run(
                [sys.executable, __file__, *arguments, "--json-out", str(out)],
                check=True,
                env={**os.environ, "PYTHONPATH": str(src)},
            )
            figures[name] = json.loads(out.read_text(encoding="utf-8"))
    old, new = figures[rev], figures["working tree"]
    print(
        f"== working tree against {rev} (same run, one after the other) ==\n"
        f"articles/s {old['articles_per_s']:.0f} → {new['articles_per_s']:.0f} "
        f"({new['articles_per_s'] / old['articles_per_s']:.2f}x); state "
        f"{old['state_bytes_per_article']:.0f} → {new['state_bytes_per_article']:.0f} B/article "
        f"({new['state_bytes_per_article'] / old['state_bytes_per_article']:.2f}x); stories "
        f"{old['stories']} → {new['stories']}; second look "
        + (
            f"{new['second_look_share']:.1%} of articles"
            if new["second_look_share"] is not None
            else "not in this tree"
        )
    )


if __name__ == "__main__":
    main()
