"""Following many feeds: articles/s, requests/s, and the per-host limit kept.

Usage::

    python benchmarks/follow.py [--feeds 200] [--entries 20] [--hosts 10]
        [--rate 20] [--concurrency 2] [--encoder hashed|use]

Serves ``--feeds`` RSS feeds of ``--entries`` entries each from ``--hosts``
HTTP servers on loopback addresses (127.0.0.2, 127.0.0.3, … : each is a host
of its own for the fetcher's limits), every entry linking an HTML page of
real text (the originals of ``../shared/data`` where present, else invented
text). One :class:`synopsis.follow.Follower` polls them all into a new
SQLite store (``synopsis follow --once``'s work), then polls again (every
feed answers 304). Printed: articles stored per second, requests per second,
and for each host the most requests it received in any one second against
``--rate`` (``fetch.per_host_rate``), with the most it had in flight at once
against ``--concurrency``.

The encoder is the hashed-words test encoder by default, so the figures are
those of fetching, reading and storing; ``--encoder use`` encodes with the
packaged sentence encoder, as a real ``synopsis follow`` does.
"""

from __future__ import annotations

import argparse
import html
import http.server
import json
import random
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from synopsis.archive import Archive
from synopsis.config import FetchSettings, FollowSettings, Settings
from synopsis.embed.testing import HashedWordsEmbedder
from synopsis.fetch import Fetcher
from synopsis.follow import Follower

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
START = datetime(2025, 6, 1, 6, 0, tzinfo=UTC)


def texts(count: int, seed: int) -> list[str]:
    """``count`` article bodies: real ones from ../shared/data where there, else invented."""
    found: list[str] = []
    for name in ("neus-val.jsonl", "ecbplus-dev.jsonl"):
        path = DATA / name
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            for article in record.get("articles") or record.get("documents") or []:
                body = article.get("text") if isinstance(article, dict) else None
                if isinstance(body, str) and len(body) > 400:
                    found.append(body)
    rng = random.Random(seed)
    words = [f"w{n}" for n in range(5000)]
    while len(found) < count:
        sentences = [" ".join(rng.choices(words, k=12)).capitalize() + "." for _ in range(12)]
        found.append("\n\n".join(" ".join(sentences[i : i + 3]) for i in range(0, 12, 3)))
    rng.shuffle(found)
    return found[:count]


@dataclass
class Host:
    """One loopback HTTP server: its routes, and when each request arrived."""

    address: str
    routes: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    arrivals: list[float] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def serve(self) -> http.server.ThreadingHTTPServer:
        host = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with host.lock:
                    host.arrivals.append(time.monotonic())
                    host.in_flight += 1
                    host.most_in_flight = max(host.most_in_flight, host.in_flight)
                try:
                    kind, body = host.routes.get(self.path, ("text/plain", b""))
                    etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
                    time.sleep(0.002)  # a little server time, so requests overlap
                finally:
                    with host.lock:
                        host.in_flight -= 1
                if self.path not in host.routes:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return None

        server = http.server.ThreadingHTTPServer((self.address, 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


def build_sites(feeds: int, entries: int, hosts: int, seed: int) -> tuple[list[Host], list[str]]:
    bodies = texts(feeds * entries, seed)
    sites = [Host(f"127.0.0.{n + 2}") for n in range(hosts)]
    servers = [site.serve() for site in sites]
    feed_urls: list[str] = []
    for number in range(feeds):
        site, server = sites[number % hosts], servers[number % hosts]
        base = f"http://{site.address}:{server.server_address[1]}"
        site.routes["/robots.txt"] = ("text/plain", b"User-agent: *\nDisallow: /private/\n")
        items = []
        for entry in range(entries):
            body = bodies[number * entries + entry]
            path = f"/f{number}/e{entry}.html"
            title = " ".join(body.split()[:8])
            paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n") if p)
            page = (
                f"<!DOCTYPE html><html><head><title>{html.escape(title)}</title></head>"
                f"<body><article><h1>{html.escape(title)}</h1>{paragraphs}</article></body></html>"
            )
            site.routes[path] = ("text/html; charset=utf-8", page.encode())
            when = format_datetime(START + timedelta(minutes=number * entries + entry))
            items.append(
                f"<item><title>{html.escape(title)}</title><link>{base}{path}</link>"
                f"<guid>{base}{path}</guid><pubDate>{when}</pubDate></item>"
            )
        feed = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Feed {number}</title><link>{base}/</link><description>bench</description>"
            + "".join(items)
            + "</channel></rss>"
        )
        site.routes[f"/f{number}/feed.xml"] = ("application/rss+xml", feed.encode())
        feed_urls.append(f"{base}/f{number}/feed.xml")
    return sites, feed_urls


def busiest_second(arrivals: list[float]) -> int:
    """The most requests that arrived within any one second."""
    ordered = sorted(arrivals)
    best, start = 0, 0
    for end, at in enumerate(ordered):
        while at - ordered[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--rate", type=float, default=20.0, help="fetch.per_host_rate")
    parser.add_argument("--concurrency", type=int, default=2, help="fetch.per_host_concurrency")
    parser.add_argument("--encoder", choices=("hashed", "use"), default="hashed")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    sites, feed_urls = build_sites(args.feeds, args.entries, args.hosts, args.seed)
    fetch = FetchSettings(
        allow_private_urls=True,  # the servers are on loopback
        per_host_rate=args.rate,
        per_host_concurrency=args.concurrency,
    )
    settings = Settings(
        fetch=fetch, follow=FollowSettings(feed_workers=8, page_workers=16, batch=500)
    )
    embedder = HashedWordsEmbedder(256) if args.encoder == "hashed" else None
    print(
        f"{args.feeds} feeds x {args.entries} entries on {args.hosts} loopback hosts; "
        f"per host at most {args.rate:g} requests/s and {args.concurrency} at once; "
        f"encoder: {args.encoder}"
    )
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "follow.db"
        with Archive.open(db, settings, embedder=embedder, fetcher=Fetcher(fetch)) as archive:
            follower = Follower(archive)
            follower.follow(feed_urls)
            for label in ("first poll (everything new)", "second poll (nothing new)"):
                requests_before = sum(len(site.arrivals) for site in sites)
                started = time.perf_counter()
                run = follower.poll(archive.store.feeds())
                elapsed = time.perf_counter() - started
                requests = sum(len(site.arrivals) for site in sites) - requests_before
                statuses = Counter(feed.status for feed in run.feeds)
                print(
                    f"\n{label}: {elapsed:.1f} s; {run.new} articles stored "
                    f"({run.new / elapsed:.1f}/s); {requests} requests "
                    f"({requests / elapsed:.1f}/s); "
                    f"feeds {dict(statuses)}; {len(run.ingest.failures)} failed, "
                    f"{len(run.ingest.skipped)} skipped"
                )
            stored = archive.store.article_count()
    print(f"\nstored: {stored} articles of {args.feeds * args.entries}")
    print(f"{'host':<12} {'requests':>9} {'mean /s':>8} {'most in 1 s':>12} {'most at once':>13}")
    rows = []
    for site in sites:
        first_poll = sorted(site.arrivals)[: len(site.arrivals) - args.feeds // args.hosts]
        span = first_poll[-1] - first_poll[0] if len(first_poll) > 1 else 0.0
        mean = (len(first_poll) - 1) / span if span else 0.0
        rows.append((site.address, len(site.arrivals), mean, busiest_second(site.arrivals)))
        print(
            f"{site.address:<12} {len(site.arrivals):>9} {mean:>8.1f} {rows[-1][3]:>12} "
            f"{site.most_in_flight:>13}"
        )
    fastest = max(mean for _, _, mean, _ in rows)
    busiest = max(most for _, _, _, most in rows)
    crowd = max(site.most_in_flight for site in sites)
    kept = fastest <= args.rate * 1.01 and crowd <= args.concurrency
    print(
        f"per-host limit {'kept' if kept else 'EXCEEDED'}: at most {fastest:.1f} requests/s per "
        f"host over the first poll (limit {args.rate:g}/s), {busiest} arrivals in its busiest "
        f"second (starts {1 / args.rate:.3f} s apart arrive with some jitter), at most {crowd} "
        f"in flight at once (limit {args.concurrency})"
    )


if __name__ == "__main__":
    main()
