"""Hostile inputs, generated: helpers and fixtures of the abuse suite.

Every test here feeds synopsis something broken, huge or odd beside a good
input, and checks three things: the hostile input is accounted for (an
article, a failure or a skip, with a reason), the good input beside it is
read as usual, and the work stays bounded in time (``pytest.mark.timeout``)
and memory (:func:`bounded`). Nothing loads a model or the network.

The helpers reach the tests as the ``abuse`` fixture (this folder is not a
package, so its modules cannot import each other).
"""

from __future__ import annotations

import gzip
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from synopsis import Pipeline
from synopsis.config import Settings
from synopsis.embed.testing import HashedWordsEmbedder
from synopsis.readers import ReadResult

GOOD_TEXT = (
    "Harbour reopens\n\nThe harbour of Brennstad reopened on Monday after a week of repairs, "
    "the port authority said. Ships queued outside the breakwater overnight.\n"
)
GOOD_TITLE = "Harbour reopens"

HTML_PAGE = (
    b"<html><head><title>Ferry capsizes off Marrendal</title></head><body><article>"
    b"<p>The ferry Aurelia Star capsized in Halvik Sound off Marrendal on Saturday, and "
    b"fourteen people died, the coast guard said.</p><p>Rescuers said nine people are still "
    b"missing as divers searched the wreck through the night.</p></article></body></html>"
)


@dataclass(frozen=True, slots=True)
class Cost:
    """What a call took: wall seconds and the peak of Python memory it allocated (bytes)."""

    seconds: float
    peak_bytes: int


@contextmanager
def bounded(seconds: float, megabytes: float, *, trace: bool = True) -> Iterator[list[Cost]]:
    """Measure the block; fail unless it stayed under ``seconds`` and ``megabytes`` of peak.

    Memory is the peak that :mod:`tracemalloc` saw while the block ran (every
    Python allocation, the bytes objects decompression makes included), and
    the growth of the process's peak resident size (``ru_maxrss``: what C
    libraries such as lxml allocate too). ``trace=False`` leaves tracemalloc
    off (it slows Python code down several times) and checks the second only.
    """
    out: list[Cost] = []
    tracing = tracemalloc.is_tracing()
    if trace and not tracing:
        tracemalloc.start()
    if trace:
        tracemalloc.reset_peak()
    start_memory = tracemalloc.get_traced_memory()[0] if trace else 0
    start_rss = _max_rss()
    start = time.perf_counter()
    try:
        yield out
    finally:
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1] - start_memory if trace else 0
        if trace and not tracing:
            tracemalloc.stop()
        peak = max(peak, _max_rss() - start_rss)
        out.append(Cost(elapsed, peak))
    assert elapsed < seconds, f"took {elapsed:.1f} s (bound {seconds} s)"
    assert peak < megabytes * 1e6, f"peaked at {peak / 1e6:.1f} MB (bound {megabytes} MB)"


def _max_rss() -> int:
    """This process's peak resident size so far, in bytes (Linux counts kilobytes)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def outcome_of(result: ReadResult, name: str | Path) -> list[tuple[str, str, str]]:
    """``(kind, input, reason)`` of everything the result says about ``name`` (and its records)."""
    key = str(name)
    found: list[tuple[str, str, str]] = []
    for article in result.articles:
        if article.source == key or article.source.startswith(key + ":"):
            found.append(("article", article.source, ""))
    for failure in result.failures:
        if failure.input == key or failure.input.startswith(key + ":"):
            found.append(("failure", failure.input, failure.reason))
    for skip in result.skipped:
        if skip.input == key or skip.input.startswith(key + ":"):
            found.append(("skip", skip.input, skip.reason))
    return found


def accounted(result: ReadResult, name: str | Path) -> list[tuple[str, str, str]]:
    """The outcomes for ``name``, checked: at least one, each failure or skip with a reason."""
    found = outcome_of(result, name)
    assert found, f"{name} is not accounted for: {result}"
    for kind, _input, reason in found:
        assert kind == "article" or reason.strip(), f"{kind} without a reason"
        assert "Traceback" not in reason and "\n" not in reason
    return found


def failure_reasons(result: ReadResult, name: str | Path) -> list[str]:
    return [reason for kind, _, reason in outcome_of(result, name) if kind == "failure"]


def good_read(result: ReadResult, good: Path) -> None:
    """The good file beside the hostile one was read as usual."""
    titles = [a.title for a in result.articles if a.source == str(good)]
    assert titles == [GOOD_TITLE], f"the good input was not read: {result.failures}"


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.txt"
    path.write_text(GOOD_TEXT, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    """The whole pipeline with a model-free encoder and no NER, in this process."""
    settings = Settings.from_mapping({"compare.ner": False, "pipeline.workers": 1})
    return Pipeline(settings, embedder=HashedWordsEmbedder())


# --- WARC records -----------------------------------------------------------------------


def warc_record(
    url: str = "https://example.org/ferry",
    body: bytes = HTML_PAGE,
    *,
    content_type: str = "text/html; charset=utf-8",
    record_type: str = "response",
    status: str = "200 OK",
    extra_headers: str = "",
    declared_length: int | None = None,
) -> bytes:
    """One uncompressed WARC record (an HTTP response by default), separator included."""
    if record_type == "response":
        http = (
            f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n{extra_headers}\r\n"
        ).encode()
        block = http + body
        block_type = "application/http; msgtype=response"
    else:
        block = body
        block_type = content_type
    length = len(block) if declared_length is None else declared_length
    head = (
        "WARC/1.0\r\n"
        f"WARC-Type: {record_type}\r\n"
        f"WARC-Target-URI: {url}\r\n"
        "WARC-Date: 2024-04-27T12:00:00Z\r\n"
        "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000000>\r\n"
        f"Content-Type: {block_type}\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()
    return head + block + b"\r\n\r\n"


def gzip_members(records: Sequence[bytes]) -> bytes:
    """Records gzipped one member each, as WARC files are."""
    return b"".join(gzip.compress(record, 6) for record in records)


def gzip_bomb(prefix: bytes, chunk: bytes, times: int, suffix: bytes = b"") -> bytes:
    """One gzip member of ``prefix + chunk * times + suffix``, built without compressing it all.

    After a full flush, deflate starts afresh, so ``chunk`` compresses to the
    same bytes every time: they are compressed once and repeated (2 GB of
    zeros is some 2 MB, built in a second).
    """
    import struct
    import zlib

    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert again == block, "deflate did not repeat itself after a full flush"
    tail = compressor.compress(suffix) + compressor.flush()
    crc = zlib.crc32(prefix)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(suffix, crc)
    size = (len(prefix) + len(chunk) * times + len(suffix)) & 0xFFFFFFFF
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + head + block * times + tail + struct.pack("<II", crc, size)


def stream_gzip(chunks: Callable[[], Iterator[bytes]]) -> bytes:
    """One gzip member of what ``chunks`` yields, compressed as it comes (for bombs)."""
    import zlib

    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [compressor.compress(chunk) for chunk in chunks()]
    parts.append(compressor.flush())
    return b"".join(parts)


class Abuse:
    """The suite's helpers, as one fixture."""

    GOOD_TEXT = GOOD_TEXT
    GOOD_TITLE = GOOD_TITLE
    HTML_PAGE = HTML_PAGE
    bounded = staticmethod(bounded)
    outcome_of = staticmethod(outcome_of)
    accounted = staticmethod(accounted)
    failure_reasons = staticmethod(failure_reasons)
    good_read = staticmethod(good_read)
    warc_record = staticmethod(warc_record)
    gzip_members = staticmethod(gzip_members)
    gzip_bomb = staticmethod(gzip_bomb)
    stream_gzip = staticmethod(stream_gzip)


@pytest.fixture(scope="session")
def abuse() -> Abuse:
    return Abuse()
