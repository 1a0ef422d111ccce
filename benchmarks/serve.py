"""Throughput and latency of the web server under concurrent load on loopback.

Usage: python benchmarks/serve.py [--articles 10000] [--seconds 30] [--concurrency 32]
                                  [--workers 2] [--db FILE]
                                  [--writes-per-second R] [--against REV]

1. Builds a store of ``--articles`` articles (or reuses ``--db`` if it holds
   that many): the demo corpus through the real ``Archive.ingest`` pipeline
   (cleaning, embedding, copies, stories), then filler articles made from the
   real texts in ../shared/data (ecbplus-dev.jsonl, neus-val.jsonl), each text
   reused under several outlets and dates, written by the cheap path: stored
   with ``add_articles`` and grouped into stories with ``save_story`` per event
   and date, without embedding or copy detection (this measures serving, not
   ingest; ingest embeds ~1k sentences/s on 2 cores).
2. Starts ``uvicorn synopsis.web:app_from_env --factory --workers N`` as a
   separate process on a free loopback port.
3. Measures the first (uncached) request of the demo's main story, then runs
   ``--seconds`` of load with ``--concurrency`` keep-alive connections (asyncio) on
   each of: a static file (the baseline, in the same run), the story page, and
   ``GET /api/stories/{id}``, taking turns in ``--slices`` slices. Prints
   requests/s, p50/p99 latency, errors (a read unanswered after
   ``--request-timeout`` seconds is one, counted at that latency), and each
   endpoint's throughput relative to the baseline.

With ``--writes-per-second R`` (say 1), a writer POSTs a new article to
``/api/articles`` R times a second, whether the last one has been answered or
not, during all of the load: new ids, texts of ../shared/data (so each is a
reprint of a stored article and joins its story). It prints the writes'
latency (p50, p99, max; and how many were still unanswered ``--grace``
seconds after the load), and reads are measured beside them. The store then
defaults to 1,000 articles (before the persistent copy candidates of issue
14, a POST's copy detection ran over the whole store: about 3 s at 1,000
articles on two cores), and the sentence-vector cache is filled when the
store is built, as a store that ingest wrote has it.

``--against REV`` measures the committed tree REV (exported with ``git
archive``, as ``digest_against_head.py`` does) and the working tree, one
server after the other, each on a fresh copy of the same store, ``--rounds``
times (in the order REV, working tree, working tree, REV, ...), and prints
read p99 and write latency of both and their ratios (working tree / REV).
A REV of schema version 3 gets its copy with the version-4 tables dropped
(they hold only the copy candidates, which it does not read).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from digest_against_head import export
from synopsis.archive import Archive
from synopsis.demo import corpus_path
from synopsis.readers import read_inputs
from synopsis.records import Article, content_hash
from synopsis.store import Store
from synopsis.text.segment import segment

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
BASE_TIME = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)
TOKEN = "serve-benchmark-token"


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def real_texts() -> list[tuple[str, str, str]]:
    """``(event, title, text)`` of every real article in ../shared/data."""
    texts: list[tuple[str, str, str]] = []
    ecb = DATA / "ecbplus-dev.jsonl"
    neus = DATA / "neus-val.jsonl"
    if not ecb.exists() or not neus.exists():
        raise SystemExit(f"needs {ecb} and {neus} (the shared evaluation data)")
    for line in ecb.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        texts.append((str(record["story"]), str(record.get("title") or ""), str(record["text"])))
    for line in neus.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for article in record["articles"]:
            texts.append((str(record["event"]), str(article["title"]), str(article["text"])))
    return [t for t in texts if len(t[2]) >= 200]


def build_store(path: Path, total: int, warm_vectors: bool = False) -> str:
    """Fill ``path`` to ``total`` articles; return the id of the demo's main story.

    The filler goes in first, then the demo corpus through ``Archive.ingest``,
    whose first run indexes the copy candidates of everything stored (the
    filler included), as an archive that ingest wrote would have them.
    ``warm_vectors``: also cache the sentence vectors of every stored article,
    which an ingest of them would have cached (the filler is stored without).
    """
    start = time.perf_counter()
    with Archive.open(path) as archive:
        if archive.store.article_count() == 0:
            demo = read_inputs([str(corpus_path())], archive.settings.read).articles
            add_filler(archive.store, total - len(demo))
            if warm_vectors:
                encode = archive.pipeline.embedder.encode
                for article in archive.store.iter_articles():
                    encode([s.text for s in segment(article).sentences])
            archive.ingest([str(corpus_path())])
        main_story = archive.store.story_of("wire-1")
        assert main_story is not None
        count = archive.store.article_count()
        stories = len(archive.store.list_stories())
    print(f"store: {count} articles, {stories} stories ({time.perf_counter() - start:.1f} s)")
    return main_story


def as_schema_3(db: Path) -> None:
    """Make a copy of a version-4 store readable by a synopsis of schema version 3.

    Version 4 only added the copy-candidate tables (and their ``meta`` rows):
    without them the store is what that synopsis would have written.
    """
    with sqlite3.connect(db) as conn:
        (version,) = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if int(version) != 4:
            raise SystemExit(f"{db}: schema version {version}; this benchmark converts 4 to 3")
        conn.execute("DROP TABLE candidate_keys")
        conn.execute("DROP TABLE candidate_vectors")
        conn.execute("DELETE FROM meta WHERE key LIKE 'copies.%' OR key LIKE 'candidate_%'")
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    shutil.rmtree(db.with_name(db.name + ".indexes"), ignore_errors=True)


def schema_version_of(src: Path) -> int:
    """The schema version the tree at ``src`` writes (read from its source, not imported)."""
    text = (src / "synopsis" / "store" / "schema.py").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.startswith("SCHEMA_VERSION"):
            return int(line.split("=")[-1].strip())
    raise SystemExit(f"{src}: no SCHEMA_VERSION in synopsis/store/schema.py")


def add_filler(store: Store, missing: int) -> None:
    texts = real_texts()
    groups: dict[tuple[str, int], list[Article]] = {}
    for n in range(missing):
        event, title, text = texts[n % len(texts)]
        replica = n // len(texts)
        article = Article(
            id=f"filler-{n}",
            text=text,
            raw_text=text,
            source=f"filler-{n}",
            title=title or None,
            outlet=f"Outlet {n % 97}",
            url=f"https://outlet{n % 97}.example/{n}",
            published=BASE_TIME + timedelta(days=40 * replica, minutes=n % 600),
            language="en",
        )
        groups.setdefault((event, replica), []).append(article)
    batch: list[Article] = []
    for members in groups.values():
        batch.extend(members)
        if len(batch) >= 500:
            store.add_articles(batch)
            batch = []
    store.add_articles(batch)
    for (event, replica), members in groups.items():
        store.save_story(
            f"f{content_hash(f'{event}/{replica}')[:12]}",
            members[0].title or event,
            [a.id for a in members],
            members[0].published,
            members[-1].published,
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    db: Path, port: int, workers: int, src: Path | None = None
) -> subprocess.Popen[bytes]:
    """uvicorn over ``db``, with synopsis from the source tree ``src`` (default: installed)."""
    env = {**os.environ, "SYNOPSIS_WEB__DB": str(db), "SYNOPSIS_TOKEN": TOKEN}
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(src), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        )
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "synopsis.web:app_from_env",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    return subprocess.Popen(command, env=env, start_new_session=True)


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then, if requests still keep it busy after 20 s, SIGKILL its process group."""
    server.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=30)


def wait_ready(base: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/static/web.css", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not start")


async def _get(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, int]:
    """One keep-alive GET on an open connection: ``(status, body bytes)``."""
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = next(
        int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:")
    )
    body = await reader.readexactly(length)
    return status, len(body)


async def load(
    name: str,
    port: int,
    path: str,
    expected: int,
    seconds: float,
    concurrency: int,
    timeout: float = 60.0,
) -> Result:
    """``concurrency`` keep-alive connections requesting ``path`` back to back for ``seconds``.

    A response counts as an error unless it is a 200 of the ``expected`` size;
    one not complete after ``timeout`` seconds is an error counted with that
    latency (so a stalled server cannot stretch a slice without bound).
    A minimal HTTP/1.1 client on asyncio streams keeps the load generator's
    share of the two cores small (httpx costs several times more per request).
    """
    latencies: list[float] = []
    errors = 0
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: keep-alive\r\n\r\n"
    ).encode()
    start = time.perf_counter()
    stop = start + seconds

    async def connection() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < stop:
                began = time.perf_counter()
                try:
                    status, size = await asyncio.wait_for(_get(reader, writer, request), timeout)
                    ok = status == 200 and size == expected
                except (
                    OSError,
                    asyncio.IncompleteReadError,
                    ValueError,
                    StopIteration,
                    TimeoutError,
                ):
                    ok = False
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                latencies.append(time.perf_counter() - began)
                errors += not ok
        finally:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    return Result(
        name,
        len(latencies),
        errors,
        elapsed,
        statistics.median(latencies) * 1e3,
        p99 * 1e3,
        latencies,
    )


def merge(parts: list[Result]) -> Result:
    """Slices of one endpoint as one result (percentiles from the pooled latencies)."""
    latencies = sorted(x for part in parts for x in part.latencies)
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    return Result(
        parts[0].name,
        sum(p.requests for p in parts),
        sum(p.errors for p in parts),
        sum(p.seconds for p in parts),
        statistics.median(latencies) * 1e3,
        p99 * 1e3,
        latencies,
    )


@dataclass
class Writes:
    """The POSTs of one run: latencies of those answered, and how many were not."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    unanswered: int = 0

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def write_articles() -> list[dict[str, str]]:
    """Articles to POST: the real texts under new ids (reprints of stored articles)."""
    return [
        {
            "id": f"posted-{n}",
            "title": title or event,
            "outlet": "Benchmark Wire",
            "published": (BASE_TIME + timedelta(days=400, minutes=n)).isoformat(),
            "text": text,
        }
        for n, (event, title, text) in enumerate(real_texts())
    ]


async def writer(
    port: int, rate: float, articles: list[dict[str, str]], stop: asyncio.Event, grace: float
) -> Writes:
    """POST ``articles`` in turn, ``rate`` a second, until ``stop``; then wait ``grace`` s."""
    writes = Writes()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=8)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", timeout=None, limits=limits
    ) as client:

        async def post(article: dict[str, str]) -> None:
            began = time.perf_counter()
            try:
                response = await client.post("/api/articles", json=article, headers=headers)
                ok = response.status_code in (200, 201)
            except httpx.HTTPError:
                ok = False
            writes.latencies.append(time.perf_counter() - began)
            writes.errors += not ok

        tasks: list[asyncio.Task[None]] = []
        n = 0
        while not stop.is_set():
            tasks.append(asyncio.create_task(post(articles[n % len(articles)])))
            n += 1
            with contextlib.suppress(TimeoutError):  # the next write is due
                await asyncio.wait_for(stop.wait(), timeout=1.0 / rate)
        pending = [t for t in tasks if not t.done()]
        if pending:
            _, still = await asyncio.wait(pending, timeout=grace)
            for task in still:
                task.cancel()
            writes.unanswered = len(still)
    return writes


@dataclass
class Run:
    """One server's measurement: reads per endpoint, and writes if any."""

    name: str
    reads: list[Result]
    writes: Writes | None
    cold_ms: float


async def measure(
    port: int, targets: list[tuple[str, str]], expected: dict[str, int], args: argparse.Namespace
) -> tuple[list[Result], Writes | None]:
    slices: dict[str, list[Result]] = {name: [] for name, _ in targets}
    stop = asyncio.Event()
    writing = None
    if args.writes_per_second > 0:
        writing = asyncio.create_task(
            writer(port, args.writes_per_second, write_articles(), stop, args.grace)
        )
    # Endpoints take turns in short slices, so a change in what else runs on the
    # machine affects all of them alike and the ratios stay meaningful.
    for _ in range(args.slices):
        for name, path in targets:
            part = await load(
                name,
                port,
                path,
                expected[path],
                args.seconds / args.slices,
                args.concurrency,
                args.request_timeout,
            )
            slices[name].append(part)
    stop.set()
    writes = await writing if writing is not None else None
    return [merge(parts) for parts in slices.values()], writes


def run_tree(name: str, src: Path | None, db: Path, story: str, args: argparse.Namespace) -> Run:
    """Start a server from ``src`` over ``db``, warm it up, measure, stop it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(db, port, args.workers, src)
    try:
        wait_ready(base)
        began = time.perf_counter()
        first = httpx.get(f"{base}/stories/{story}", timeout=300)
        cold = time.perf_counter() - began
        first.raise_for_status()
        for _ in range(4 * args.workers):  # every worker reads the report once
            httpx.get(f"{base}/stories/{story}", timeout=300).raise_for_status()
            httpx.get(f"{base}/api/stories/{story}", timeout=300).raise_for_status()
        print(
            f"{name}: uvicorn, {args.workers} workers; story {story} "
            f"({len(first.content)} bytes page); first uncached request {cold * 1e3:.0f} ms"
        )
        targets = [
            ("static file (baseline)", "/static/web.css"),
            ("story page", f"/stories/{story}"),
            ("GET /api/stories/{id}", f"/api/stories/{story}"),
        ]
        expected = {path: len(httpx.get(base + path, timeout=60).content) for _, path in targets}
        reads, writes = asyncio.run(measure(port, targets, expected, args))
    finally:
        stop_server(server)
    return Run(name, reads, writes, cold * 1e3)


def report(run: Run, args: argparse.Namespace) -> None:
    print(
        f"{run.name}: load {args.concurrency} connections, {args.seconds:.0f} s per endpoint "
        f"in {args.slices} turns, loopback, {os.cpu_count()} cores shared by server and client"
    )
    baseline = run.reads[0].rate
    for r in run.reads:
        print(
            f"  {r.name:24s} {r.rate:8.1f} req/s  p50 {r.p50_ms:7.1f} ms  p99 {r.p99_ms:8.1f} ms  "
            f"errors {r.errors}/{r.requests}  ({r.rate / baseline:.2f}x baseline)"
        )
    if run.writes is not None:
        w = run.writes
        print(
            f"  {'POST /api/articles':24s} {len(w.latencies):5d} answered  "
            f"p50 {w.percentile(0.5):7.2f} s  p99 {w.percentile(0.99):7.2f} s  "
            f"max {max(w.latencies, default=float('nan')):7.2f} s  errors {w.errors}  "
            f"unanswered {w.unanswered} ({args.writes_per_second:g}/s offered)"
        )


def compare(before: Run, after: Run) -> None:
    print(f"ratio {after.name} / {before.name} (below 1: better)")
    for b, a in zip(before.reads, after.reads, strict=True):
        print(
            f"  {b.name:24s} read p99 {b.p99_ms:8.1f} -> {a.p99_ms:8.1f} ms "
            f"({a.p99_ms / b.p99_ms:.2f}x)  req/s {b.rate:7.1f} -> {a.rate:7.1f} "
            f"({a.rate / b.rate:.2f}x)"
        )
    if before.writes is not None and after.writes is not None:
        for label, q in (("p50", 0.5), ("p99", 0.99)):
            wb, wa = before.writes.percentile(q), after.writes.percentile(q)
            print(f"  {'POST /api/articles':24s} {label} {wb:8.2f} -> {wa:8.2f} s ({wa / wb:.2f}x)")
        print(
            f"  {'POST /api/articles':24s} answered {len(before.writes.latencies)} -> "
            f"{len(after.writes.latencies)}, unanswered {before.writes.unanswered} -> "
            f"{after.writes.unanswered}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, help="default 10000, or 1000 with writes")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--slices", type=int, default=6, help="turns per endpoint")
    parser.add_argument("--db", type=Path, help="store to build or reuse (default: a temp file)")
    parser.add_argument("--writes-per-second", type=float, default=0.0)
    parser.add_argument("--grace", type=float, default=60.0, help="s to wait for late writes")
    parser.add_argument("--request-timeout", type=float, default=30.0, help="s per read")
    parser.add_argument("--against", metavar="REV", help="also measure this committed tree")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each tree, alternating")
    args = parser.parse_args()
    writes = args.writes_per_second > 0
    articles = args.articles or (1000 if writes else 10_000)
    with tempfile.TemporaryDirectory() as folder:
        db = args.db or Path(folder) / "bench.db"
        story = build_store(db, articles, warm_vectors=writes)
        _checkpoint(db)
        trees: list[tuple[str, Path | None]] = [("working tree", None)]
        if args.against:
            trees.insert(0, (args.against, export(args.against, Path(folder) / "committed")))
        runs: dict[str, list[Run]] = {name: [] for name, _ in trees}
        for round_ in range(args.rounds):
            # ABBA: the trees swap places each round, so a drift in what else runs on
            # the machine falls on both alike.
            for name, src in trees if round_ % 2 == 0 else trees[::-1]:
                copy = Path(folder) / f"serve-{round_}-{len(runs[name])}-{name[:4]}.db"
                shutil.copyfile(db, copy)  # each server writes to a copy of the same store
                if src is not None and schema_version_of(src) == 3:
                    as_schema_3(copy)
                run = run_tree(name, src, copy, story, args)
                report(run, args)
                runs[name].append(run)
                copy.unlink()
        pooled = [pool(name, parts) for name, parts in runs.items()]
        if args.rounds > 1:
            for run in pooled:
                print(f"all {args.rounds} rounds pooled:")
                report(run, args)
        if len(pooled) == 2:
            compare(pooled[0], pooled[1])


def pool(name: str, parts: list[Run]) -> Run:
    """Runs of one tree as one: latencies pooled per endpoint, writes pooled."""
    reads = [merge([run.reads[i] for run in parts]) for i in range(len(parts[0].reads))]
    writes = None
    if parts[0].writes is not None:
        writes = Writes()
        for run in parts:
            assert run.writes is not None
            writes.latencies.extend(run.writes.latencies)
            writes.errors += run.writes.errors
            writes.unanswered += run.writes.unanswered
    return Run(name, reads, writes, statistics.median(run.cold_ms for run in parts))


def _checkpoint(db: Path) -> None:
    """Fold the WAL into the file, so that copying the file copies the whole store."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


if __name__ == "__main__":
    main()
