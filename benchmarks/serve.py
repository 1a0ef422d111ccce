"""Throughput and latency of the web server under concurrent load on loopback.

Usage: python benchmarks/serve.py [--articles 10000] [--seconds 30] [--concurrency 32]
                                  [--workers 2] [--db FILE]

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
   requests/s, p50/p99 latency, errors, and each endpoint's throughput relative
   to the baseline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from synopsis.archive import Archive
from synopsis.demo import corpus_path
from synopsis.records import Article, content_hash
from synopsis.store import SQLiteStore

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
BASE_TIME = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)


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


def build_store(path: Path, total: int) -> str:
    """Fill ``path`` to ``total`` articles; return the id of the demo's main story."""
    start = time.perf_counter()
    with Archive.open(path) as archive:
        if archive.store.article_count() == 0:
            archive.ingest([str(corpus_path())])
        main_story = archive.store.story_of("wire-1")
        assert main_story is not None
        missing = total - archive.store.article_count()
        if missing > 0:
            add_filler(archive.store, missing)
        count = archive.store.article_count()
        stories = len(archive.store.list_stories())
    print(f"store: {count} articles, {stories} stories ({time.perf_counter() - start:.1f} s)")
    return main_story


def add_filler(store: SQLiteStore, missing: int) -> None:
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


def start_server(db: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SYNOPSIS_WEB__DB": str(db)}
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
    return subprocess.Popen(command, env=env)


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
    name: str, port: int, path: str, expected: int, seconds: float, concurrency: int
) -> Result:
    """``concurrency`` keep-alive connections requesting ``path`` back to back for ``seconds``.

    A response counts as an error unless it is a 200 of the ``expected`` size.
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
                    status, size = await _get(reader, writer, request)
                    ok = status == 200 and size == expected
                except (OSError, asyncio.IncompleteReadError, ValueError, StopIteration):
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--slices", type=int, default=6, help="turns per endpoint")
    parser.add_argument("--db", type=Path, help="store to build or reuse (default: a temp file)")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    db = args.db or Path(folder.name) / "bench.db"
    story = build_store(db, args.articles)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(db, port, args.workers)
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
            f"server: uvicorn, {args.workers} workers; story {story} "
            f"({len(first.content)} bytes page); first uncached request {cold * 1e3:.0f} ms"
        )
        targets = [
            ("static file (baseline)", "/static/web.css"),
            ("story page", f"/stories/{story}"),
            ("GET /api/stories/{id}", f"/api/stories/{story}"),
        ]
        expected = {path: len(httpx.get(base + path, timeout=60).content) for _, path in targets}
        slices: dict[str, list[Result]] = {name: [] for name, _ in targets}
        # Endpoints take turns in short slices, so a change in what else runs on the
        # machine affects all of them alike and the ratios stay meaningful.
        for _ in range(args.slices):
            for name, path in targets:
                run = load(
                    name, port, path, expected[path], args.seconds / args.slices, args.concurrency
                )
                slices[name].append(asyncio.run(run))
        results = [merge(parts) for parts in slices.values()]
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        f"load: {args.concurrency} connections, {args.seconds:.0f} s per endpoint in "
        f"{args.slices} turns, loopback, {os.cpu_count()} cores shared by server and client"
    )
    baseline = results[0].rate
    for r in results:
        print(
            f"{r.name:24s} {r.rate:8.1f} req/s  p50 {r.p50_ms:7.1f} ms  p99 {r.p99_ms:7.1f} ms  "
            f"errors {r.errors}/{r.requests}  ({r.rate / baseline:.2f}x baseline)"
        )
    folder.cleanup()


if __name__ == "__main__":
    main()
