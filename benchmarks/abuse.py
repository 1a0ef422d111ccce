"""Hostile inputs, one fresh process each: what each gives, how long it takes, how much memory.

Every case writes a hostile input beside a good article and reads it (``read``)
or digests it through the whole pipeline (``digest``: model-free encoder, no
NER, one process) in a child process; the parent waits for it with
``os.wait4`` and reports the child's wall time and peak resident memory
(``ru_maxrss``), with the outcome: article, failure or skip, and the reason.
Each case has a bound on both; a child over its time bound is killed, and
the run exits 1 if any case broke a bound or lost the good article.

Run: ``python benchmarks/abuse.py [--only NAME ...] [--scale 0.1]``
(``--scale`` shrinks the big inputs, for a quick look).
"""

from __future__ import annotations

import argparse
import codecs
import gzip
import json
import os
import random
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

GOOD_TEXT = (
    "Harbour reopens\n\nThe harbour of Brennstad reopened on Monday after a week of repairs, "
    "the port authority said. Ships queued outside the breakwater overnight.\n"
)
PAGE = (
    b"<html><head><title>Ferry capsizes off Marrendal</title></head><body><article>"
    b"<p>The ferry Aurelia Star capsized in Halvik Sound off Marrendal on Saturday, and "
    b"fourteen people died, the coast guard said.</p><p>Rescuers said nine people are still "
    b"missing as divers searched the wreck through the night.</p></article></body></html>"
)
WORDS = (
    "the harbour of brennstad reopened on monday after a week of repairs port authority said "
    "ships queued outside breakwater overnight ferry crossed sound minister promised inquiry"
).split()
GB = 1_000_000_000


@dataclass(frozen=True)
class Case:
    name: str
    mode: str  # "read" or "digest"
    seconds: float
    megabytes: float
    build: Callable[[Path, float], list[Path]]
    """Writes the hostile input(s) into the folder (``scale`` shrinks big ones); the paths."""


# --- inputs ------------------------------------------------------------------------------


def single_line(chars: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    parts, total = [], 0
    while total < chars:
        sentence = " ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + ". "
        parts.append(sentence)
        total += len(sentence)
    return "".join(parts)[:chars]


def gzip_bomb(prefix: bytes, chunk: bytes, times: int) -> bytes:
    """One gzip member of ``prefix + chunk * times``, compressing ``chunk`` once."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.flush()
    crc = zlib.crc32(prefix)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    size = (len(prefix) + len(chunk) * times) & 0xFFFFFFFF
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + head + block * times + tail + struct.pack("<II", crc, size)


def warc_record(
    url: str = "https://example.org/ferry",
    body: bytes = PAGE,
    kind: str = "response",
    length: int | None = None,
) -> bytes:
    if kind == "response":
        block = (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
        )
        block_type = "application/http; msgtype=response"
    else:
        block, block_type = body, "text/plain"
    head = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {url}\r\n"
        f"WARC-Date: 2024-04-27T12:00:00Z\r\nContent-Type: {block_type}\r\n"
        f"Content-Length: {len(block) if length is None else length}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def write(folder: Path, name: str, data: str | bytes) -> list[Path]:
    path = folder / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return [path]


def bomb_times(scale: float) -> int:
    return max(1, int(200 * scale))  # 200 × 10 MB = 2 GB


def header_bomb(folder: Path, scale: float) -> list[Path]:
    prefix = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/"
    return write(
        folder, "header-bomb.warc.gz", gzip_bomb(prefix, b"a" * 10_000_000, bomb_times(scale))
    )


def body_bomb(folder: Path, scale: float) -> list[Path]:
    prefix = (
        warc_record()
        + (
            "WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: https://example.org/big.bin\r\n"
            f"Content-Type: application/octet-stream\r\nContent-Length: {2 * GB}\r\n\r\n"
        ).encode()
    )
    return write(
        folder, "body-bomb.warc.gz", gzip_bomb(prefix, b"\0" * 10_000_000, bomb_times(scale))
    )


def page_bomb(folder: Path, scale: float) -> list[Path]:
    prefix = (
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/big\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {2 * GB + 99}\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>"
    ).encode()
    return write(
        folder, "page-bomb.warc.gz", gzip_bomb(prefix, b"a" * 10_000_000, bomb_times(scale))
    )


def plain_gzip_bomb(folder: Path, scale: float) -> list[Path]:
    return write(folder, "zeros.warc.gz", gzip_bomb(b"", b"\0" * 10_000_000, bomb_times(scale)))


def tiny_records(folder: Path, scale: float) -> list[Path]:
    tiny = warc_record(kind="metadata", body=b"x")
    return write(
        folder,
        "tiny-records.warc.gz",
        gzip_bomb(warc_record(), tiny * 1_000, max(1, int(100 * scale))),
    )


def truncated_warc(folder: Path, scale: float) -> list[Path]:
    data = warc_record() + warc_record("https://example.org/2", PAGE.replace(b"Ferry", b"Boat"))
    return write(folder, "cut.warc", data[:-200])


def one_stream_warc(folder: Path, scale: float) -> list[Path]:
    data = warc_record() + warc_record("https://example.org/2", PAGE.replace(b"Ferry", b"Boat"))
    return write(folder, "one-stream.warc.gz", gzip.compress(data))


def deep_json(folder: Path, scale: float) -> list[Path]:
    return write(folder, "deep.json", "[" * 100_000 + "]" * 100_000)


def deep_jsonl(folder: Path, scale: float) -> list[Path]:
    good = json.dumps({"id": "j1", "text": GOOD_TEXT.replace("Monday", "Sunday")})
    return write(folder, "deep.jsonl", good + "\n" + "[" * 50_000 + "\n")


def headerless_csv(folder: Path, scale: float) -> list[Path]:
    return write(
        folder, "noheader.csv", 'a,Harbour,"The harbour reopened on Monday, the port said."\n'
    )


def unclosed_html(folder: Path, scale: float) -> list[Path]:
    return write(
        folder,
        "unclosed.html",
        "<html><body><p>Text " + "<span class='x" * max(1_000, int(20_000 * scale)),
    )


def open_comments_html(folder: Path, scale: float) -> list[Path]:
    return write(
        folder,
        "comments.html",
        "<html><body><p>Text</p>" + "<!-- a >" * max(1_000, int(50_000 * scale)),
    )


def nested_html(folder: Path, scale: float) -> list[Path]:
    n = max(1_000, int(100_000 * scale))
    return write(
        folder, "nested.html", "<div>" * n + "Deep text of the page, long enough." + "</div>" * n
    )


def entity_bomb_rss(folder: Path, scale: float) -> list[Path]:
    levels = "".join(f'<!ENTITY e{n} "' + f"&e{n - 1};" * 10 + '">' for n in range(1, 9))
    feed = (
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e0 "ha">{levels}]>'
        '<rss version="2.0"><channel><item><title>Bomb</title>'
        "<description>&e8;</description></item></channel></rss>"
    )
    return write(folder, "laughs.xml", feed)


def long_line_2mb(folder: Path, scale: float) -> list[Path]:
    return write(folder, "one-line-2mb.txt", single_line(int(2_000_000 * scale)))


def long_line_19mb(folder: Path, scale: float) -> list[Path]:
    return write(folder, "one-line-19.9mb.txt", single_line(int(19_900_000 * scale), seed=2))


def huge_html(folder: Path, scale: float) -> list[Path]:
    body = single_line(int(19_000_000 * scale), seed=3)
    return write(
        folder,
        "huge-19mb.html",
        f"<html><head><title>Huge</title></head><body><p>{body}</p></body></html>",
    )


def abbreviations(folder: Path, scale: float) -> list[Path]:
    return write(folder, "abbreviations.txt", "Titles\n\n" + "Mr. A " * 16_000)


def short_lines(folder: Path, scale: float) -> list[Path]:
    return write(
        folder, "lines.txt", "".join(f"Line {n} of the list, with words.\n" for n in range(2_800))
    )


def binary_txt(folder: Path, scale: float) -> list[Path]:
    return write(folder, "binary.txt", bytes(range(256)) * 4_000)


def utf16(folder: Path, scale: float) -> list[Path]:
    text = "Flood\n\nCafé owners in Brennstad reopened on Monday after the floods, the mayor said."
    return write(folder, "utf16.txt", codecs.BOM_UTF16_LE + text.encode("utf-16-le"))


def fifo(folder: Path, scale: float) -> list[Path]:
    path = folder / "pipe.txt"
    os.mkfifo(path)
    return [path]


def symlink_loop(folder: Path, scale: float) -> list[Path]:
    path = folder / "loop.txt"
    path.symlink_to(path)
    return [path]


def long_name(folder: Path, scale: float) -> list[Path]:
    return [folder / ("n" * 5_000 + ".txt")]


CASES = (
    Case("2 MB one-line .txt", "digest", 60, 1_000, long_line_2mb),
    Case("19.9 MB one-line .txt", "digest", 90, 1_500, long_line_19mb),
    Case("19 MB one-paragraph .html", "digest", 180, 3_000, huge_html),
    Case(".warc.gz: 2 GB header line", "digest", 60, 1_000, header_bomb),
    Case(".warc.gz: 2 GB record body", "read", 60, 1_000, body_bomb),
    Case(".warc.gz: 2 GB HTML payload", "read", 60, 1_000, page_bomb),
    Case(".warc.gz: plain 2 GB gzip", "read", 60, 1_000, plain_gzip_bomb),
    Case(".warc.gz: 100,000 tiny records", "read", 90, 1_000, tiny_records),
    Case(".warc: truncated record", "read", 30, 1_000, truncated_warc),
    Case(".warc.gz: one gzip stream", "read", 30, 1_000, one_stream_warc),
    Case(".json nested 100,000 deep", "read", 30, 1_000, deep_json),
    Case(".jsonl line nested 50,000", "read", 30, 1_000, deep_jsonl),
    Case(".csv without a header", "read", 30, 1_000, headerless_csv),
    Case(".html unclosed attributes", "read", 60, 1_000, unclosed_html),
    Case(".html unclosed comments", "read", 60, 1_000, open_comments_html),
    Case(".html 100,000 nested divs", "read", 90, 2_000, nested_html),
    Case(".xml entity bomb", "read", 60, 1_000, entity_bomb_rss),
    Case("'Mr. A' x 16,000 article", "digest", 90, 1_500, abbreviations),
    Case("2,800 one-line paragraphs", "digest", 150, 1_500, short_lines),
    Case("binary named .txt", "read", 30, 1_000, binary_txt),
    Case("UTF-16 with BOM", "read", 30, 1_000, utf16),
    Case("FIFO named .txt", "read", 30, 1_000, fifo),
    Case("symlink loop", "read", 30, 1_000, symlink_loop),
    Case("5,000-character file name", "read", 30, 1_000, long_name),
)


# --- the child: read or digest, print the outcome -------------------------------------------


def child(mode: str, paths: list[str]) -> None:
    from synopsis import Pipeline
    from synopsis.config import Settings
    from synopsis.embed.testing import HashedWordsEmbedder
    from synopsis.readers import read_inputs

    settings = Settings.from_mapping({"compare.ner": False, "pipeline.workers": 1})
    if mode == "digest":
        result = Pipeline(settings, embedder=HashedWordsEmbedder()).run(paths)
        digests = len(result.digests)
    else:
        result = read_inputs(paths, settings.read)
        digests = 0
    good = paths[-1]
    print(
        json.dumps(
            {
                "articles": [a.source for a in result.articles if a.source != good],
                "good": any(a.source == good for a in result.articles),
                "failures": [[f.input, f.reason] for f in result.failures],
                "skipped": [[s.input, s.reason] for s in result.skipped],
                "digests": digests,
            }
        )
    )


# --- the parent: one fresh process per case ----------------------------------------------------


@dataclass
class Run:
    case: Case
    size: int
    seconds: float
    megabytes: float
    outcome: str
    good: bool
    killed: bool

    @property
    def within(self) -> bool:
        return (
            not self.killed
            and self.good
            and self.seconds <= self.case.seconds
            and self.megabytes <= self.case.megabytes
        )


def run_case(case: Case, folder: Path, scale: float) -> Run:
    folder.mkdir()
    inputs = case.build(folder, scale)
    good = folder / "zz-good.txt"
    good.write_text(GOOD_TEXT, encoding="utf-8")
    size = sum(_file_size(p) for p in inputs)
    command = [sys.executable, __file__, "--child", case.mode, *map(str, inputs), str(good)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    killed = False
    while True:  # wait4 with a deadline: the child's own peak memory, not this process's
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - started > case.seconds * 2:
            os.kill(process.pid, signal.SIGKILL)
            killed = True
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    out = process.stdout.read().decode() if process.stdout else ""
    err = process.stderr.read().decode() if process.stderr else ""
    process.returncode = os.waitstatus_to_exitcode(status)
    megabytes = usage.ru_maxrss / 1024  # Linux: kilobytes
    if killed:
        return Run(case, size, seconds, megabytes, "killed: over twice its time bound", False, True)
    try:
        found = json.loads(out.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        tail = err.strip().splitlines()[-1:] or ["no output"]
        return Run(case, size, seconds, megabytes, f"crashed: {tail[0][:100]}", False, False)
    return Run(case, size, seconds, megabytes, describe(found), bool(found["good"]), False)


def _file_size(path: Path) -> int:
    try:
        info = os.lstat(path)
    except OSError:  # a name the system refuses
        return 0
    return info.st_size if path.is_file() and not path.is_symlink() else 0


def describe(found: dict[str, object]) -> str:
    parts: list[str] = []
    articles = found["articles"]
    assert isinstance(articles, list)
    if articles:
        parts.append(f"{len(articles)} article{'s' if len(articles) != 1 else ''}")
    for kind in ("failures", "skipped"):
        entries = found[kind]
        assert isinstance(entries, list)
        for name, reason in entries[:2]:
            label = "failure" if kind == "failures" else "skip"
            record = str(name).rsplit(":", 1)[-1] if ":" in str(name)[-8:] else ""
            where = f" (record {record})" if record.isdigit() else ""
            parts.append(f"{label}{where}: {reason}")
        if len(entries) > 2:
            parts.append(f"… {len(entries) - 2} more")
    return "; ".join(parts) or "nothing (!)"


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=[], help="cases whose name holds one of these")
    parser.add_argument("--scale", type=float, default=1.0, help="shrink the big inputs")
    args = parser.parse_args()
    cases = [
        c for c in CASES if not args.only or any(o.lower() in c.name.lower() for o in args.only)
    ]
    print("Each case: a fresh process reads (or digests) one hostile input beside a good article;")
    print("wall time and the child's peak resident memory (os.wait4 ru_maxrss) against its bounds.")
    print("Digests use a model-free encoder and no NER, in one process. Bounds: time / memory.\n")
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="synopsis-abuse-") as top:
        for number, case in enumerate(cases):
            run = run_case(case, Path(top) / f"case{number}", args.scale)
            runs.append(run)
            mark = "ok  " if run.within else "OVER"
            print(
                f"{mark} {case.name:32} {case.mode:6} {run.size / 1e6:8.2f} MB in "
                f"{run.seconds:6.1f} s (≤ {case.seconds:.0f}) {run.megabytes:6.0f} MB peak "
                f"(≤ {case.megabytes:.0f})  good article {'read' if run.good else 'LOST'}",
                flush=True,
            )
            print(f"     → {run.outcome}", flush=True)
    over = [r for r in runs if not r.within]
    print(f"\n{len(runs) - len(over)} of {len(runs)} cases within their bounds.")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
