"""Web archives (``.warc``, ``.warc.gz``): each HTML response is a page to read.

Needs :mod:`warcio`, imported only when an archive is read. Records are named
``file:N`` (N: the record's number in the archive, from 1). The URL is the
record's ``WARC-Target-URI``; the date is the page's own, else the
``WARC-Date`` (kept as ``metadata["warc_date"]``). Other records (requests,
metadata, images, scripts) are not articles and are passed over; a response
with an HTTP error status is skipped.

Archives are streamed record by record (crawl archives run to gigabytes), in
a file or in memory alike, and every bound of :class:`~synopsis.config.ReadSettings`
holds, each reported as a failure naming the file or the record:

* each record's payload is at most ``max_file_bytes`` once decompressed;
* each record's header lines (WARC and HTTP) take at most ``max_warc_header_bytes``
  (a header that is one endless line stops there);
* a gzipped archive decompresses to at most ``max_decompression_ratio`` times
  the compressed bytes read (and never less than ``max_file_bytes``);
* at most ``max_warc_records`` records are read.

A record cut short (the file ends inside it) or whose ``Content-Length`` does
not match its content is a failure for that record. An archive gzipped as one
stream rather than one gzip member per record is read all the same.
"""

from __future__ import annotations

import functools
import importlib
import io
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, BinaryIO

from ..config import ReadSettings
from ..records import Failure, Skip
from .fields import Draft, Outcome
from .html import draft_from_html_bytes

_MISSING = (
    "reading WARC files needs the 'warcio' package, which is not installed (pip install warcio)"
)
_GZIP_MAGIC = b"\x1f\x8b"
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.I)
_REASON_CHARS = 200
"""Failure reasons quote at most this much of what warcio said (it may quote a whole line)."""


class ArchiveLimit(Exception):
    """A bound of :class:`~synopsis.config.ReadSettings` was reached; the message says which."""


class DamagedArchive(Exception):
    """The archive's bytes are not what they claim (bad compressed data)."""


def read_warc(data: bytes, source: str, path: str) -> Iterator[Outcome]:
    """The pages of an archive already in memory, within the default :class:`ReadSettings`."""
    yield from read_warc_stream(io.BytesIO(data), source, path)


def read_warc_file(
    file: Path, source: str, settings: ReadSettings | None = None
) -> Iterator[Outcome]:
    """The pages of an archive on disk, streamed, within ``settings``' bounds."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        yield Failure(source, "file not found")
        return
    except OSError as exc:
        yield Failure(source, f"cannot read file: {exc.strerror or exc}")
        return
    with handle:
        yield from read_warc_stream(handle, source, str(file), settings)


def read_warc_stream(
    stream: BinaryIO, source: str, path: str, settings: ReadSettings | None = None
) -> Iterator[Outcome]:
    """The pages of an archive read from ``stream`` (seekable), within ``settings``' bounds."""
    settings = settings or ReadSettings()
    warcio = _guarded() if _import_archive_iterator() is not None else None
    if warcio is None:
        yield Failure(source, _MISSING)
        return
    head = stream.read(4096)
    if not head:
        yield Failure(source, "empty file")
        return
    if not _starts_like_warc(head):
        yield Failure(source, "not a valid WARC file: it does not start with a WARC/1.x record")
        return
    stream.seek(0)
    archive = warcio.iterator(stream, settings)
    records = iter(archive)
    pages = 0
    number = 0
    while True:
        try:
            record = next(records, None)
        except Exception as exc:  # warcio raises plain exceptions on damaged archives
            yield _damaged(source, number + 1, exc)
            return
        if record is None:
            break
        number += 1
        name = f"{source}:{number}"
        if number > settings.max_warc_records:
            yield Failure(
                source,
                f"more than {settings.max_warc_records:,} records (read.max_warc_records): "
                f"the records from number {number:,} on were not read",
            )
            return
        outcome = _read_record(record, name, path, settings.max_file_bytes, warcio)
        try:
            archive.read_to_end()  # the rest of the record, so it can be checked whole
        except Exception as exc:
            yield _damaged(source, number, exc, after=True)
            return
        problem = _record_problem(record, archive, warcio)
        if problem is not None:
            outcome = Failure(name, problem)
        if outcome is not None:
            pages += 1
            yield outcome
    if not pages:
        yield Skip(source, "no HTML responses in WARC file")


def _import_archive_iterator() -> ModuleType | None:
    try:
        return importlib.import_module("warcio.archiveiterator")
    except ImportError:
        return None


def _starts_like_warc(data: bytes) -> bool:
    """True when the (possibly gzipped) data opens with a ``WARC/`` version line."""
    head = data[:4096]
    if head.startswith(_GZIP_MAGIC):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 16)
        except zlib.error:
            return False
    return head.lstrip(b"\r\n").startswith(b"WARC/")


def _damaged(source: str, number: int, exc: Exception, *, after: bool = False) -> Failure:
    """The failure of an archive that cannot be read on from record ``number``."""
    reason = _one_line(exc)
    if isinstance(exc, ArchiveLimit):
        return Failure(f"{source}:{number}", f"{reason}; the rest of the archive was not read")
    if number == 1 and not after:
        return Failure(source, f"not a valid WARC file: {reason}")
    return Failure(
        f"{source}:{number}", f"damaged WARC record: {reason}; the rest of the archive was not read"
    )


def _one_line(exc: Exception) -> str:
    """What ``exc`` says, on one line and short: warcio's messages run over many lines."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    if len(text) > _REASON_CHARS:
        text = text[: _REASON_CHARS - 1].rstrip() + "…"
    return text


def _record_problem(record: Any, archive: Any, warcio: _Guarded) -> str | None:
    """Why a record read to its end is damaged: cut short, or longer than it said; else ``None``."""
    raw = record.raw_stream
    if isinstance(raw, warcio.limit_reader) and raw.limit > 0:
        declared = int(getattr(raw, "_orig_limit", 0))
        return (
            f"truncated WARC record: the archive ends after {declared - raw.limit:,} of its "
            f"{declared:,} bytes"
        )
    if archive.misaligned:
        return "damaged WARC record: its Content-Length does not match its content"
    return None


def _read_record(
    record: Any, name: str, path: str, max_bytes: int, warcio: _Guarded
) -> Outcome | None:
    """The outcome of one WARC record; ``None`` for records that are not HTML pages."""
    if record.rec_type != "response" or record.http_headers is None:
        return None
    content_type = str(record.http_headers.get_header("Content-Type") or "")
    if "html" not in content_type.lower():
        return None
    status = str(record.http_headers.get_statuscode() or "")
    if status and not status.startswith("2"):
        return Skip(name, f"HTTP status {status}")
    try:
        payload: bytes = warcio.payload_stream(record).read(max_bytes + 1)
    except Exception as exc:  # a truncated or badly compressed payload
        return Failure(name, f"damaged WARC record: {_one_line(exc)}")
    if len(payload) > max_bytes:
        return Failure(name, f"record too large (over {max_bytes:,} bytes)")
    if not payload.strip():
        return Failure(name, "empty response")
    url = _header(record, "WARC-Target-URI")
    draft = draft_from_html_bytes(payload, name, path, url=url, charset=_charset(content_type))
    if isinstance(draft, Draft):
        _add_warc_date(draft, _header(record, "WARC-Date"))
    return draft


def _header(record: Any, name: str) -> str | None:
    value = record.rec_headers.get_header(name)
    text = str(value).strip() if value else ""
    return text or None


def _charset(content_type: str) -> str | None:
    match = _CHARSET.search(content_type)
    return match.group(1) if match else None


def _add_warc_date(draft: Draft, warc_date: str | None) -> None:
    if not warc_date:
        return
    draft.metadata["warc_date"] = warc_date
    if draft.published is None:
        draft.set_published(warc_date)


@dataclass(frozen=True, slots=True)
class _Guarded:
    """warcio's iterator and readers, bounded and quiet (see :func:`_guarded_classes`)."""

    iterator: Any
    limit_reader: Any
    payload_stream: Callable[[Any], Any]


@functools.cache
def _guarded() -> _Guarded | None:
    """warcio's reader classes, guarded; ``None`` when warcio is not installed."""
    try:
        archive = importlib.import_module("warcio.archiveiterator")
        buffered = importlib.import_module("warcio.bufferedreaders")
        limit = importlib.import_module("warcio.limitreader")
    except ImportError:
        return None
    return _guarded_classes(archive, buffered, limit)


def _guarded_classes(archive: ModuleType, buffered: ModuleType, limit: ModuleType) -> _Guarded:
    """warcio's iterator and readers with synopsis's bounds, and quiet.

    warcio writes its warnings to stderr and reads header lines of any
    length; these subclasses raise :class:`ArchiveLimit` at a bound and
    :class:`DamagedArchive` on bad compressed data instead, and keep stderr
    clean.
    """

    reader_base: Any = buffered.DecompressingBufferedReader
    buffered_base: Any = buffered.BufferedReader
    chunked_base: Any = buffered.ChunkedDataReader
    iterator_base: Any = archive.ArchiveIterator

    class StrictDecompress:
        """Bad compressed data raises (warcio prints it and reads on as if the data ended)."""

        decompressor: Any
        decomp_type: str | None
        num_block_read: int
        _init_decomp: Callable[[str | None], None]  # warcio's, found after this class

        def _decompress(self, data: bytes) -> bytes:
            if not (self.decompressor and data):
                return data
            try:
                out: bytes = self.decompressor.decompress(data)
            except Exception as exc:
                if self.num_block_read:
                    raise DamagedArchive(f"bad compressed data ({_one_line(exc)})") from exc
                # Not compressed after all (warcio's rule for a first block).
                if self.decomp_type == "deflate":
                    self._init_decomp("deflate_alt")
                    return self._decompress(data)
                self.decompressor = None
                return data
            self._inflated(len(data), len(out))
            return out

        def _inflated(self, compressed: int, decompressed: int) -> None:
            return None

    class GuardedReader(StrictDecompress, reader_base):  # type: ignore[misc]
        """The archive's reader: header bytes per record and decompression ratio bounded."""

        def __init__(self, stream: BinaryIO, settings: ReadSettings) -> None:
            super().__init__(stream)
            self.settings = settings
            self.header_budget = settings.max_warc_header_bytes
            self.compressed = 0
            self.decompressed = 0

        def readline(self, length: int | None = None) -> bytes:
            budget = self.header_budget
            cap = budget + 1 if length is None or length < 0 else min(length, budget + 1)
            line: bytes = super().readline(cap)
            if len(line) > budget:
                raise ArchiveLimit(
                    f"record headers over {self.settings.max_warc_header_bytes:,} bytes "
                    "(read.max_warc_header_bytes)"
                )
            self.header_budget -= len(line)
            return line

        def _inflated(self, compressed: int, decompressed: int) -> None:
            self.compressed += compressed
            self.decompressed += decompressed
            ratio = self.settings.max_decompression_ratio
            allowed = max(self.settings.max_file_bytes, ratio * self.compressed)
            if self.decompressed > allowed:
                raise ArchiveLimit(
                    f"decompresses to over {allowed:,} bytes, more than {ratio} times its "
                    "compressed size (read.max_decompression_ratio)"
                )

    class QuietBuffered(StrictDecompress, buffered_base):  # type: ignore[misc]
        """A payload's Content-Encoding decoder."""

    class QuietChunked(StrictDecompress, chunked_base):  # type: ignore[misc]
        """A payload's Transfer-Encoding: chunked decoder."""

    class GuardedIterator(iterator_base):  # type: ignore[misc]
        """warcio's iterator over a :class:`GuardedReader`, without its stderr warnings."""

        def __init__(self, stream: BinaryIO, settings: ReadSettings) -> None:
            super().__init__(stream)
            self.reader = GuardedReader(self.fh, settings)
            self.misaligned = False

        def _next_record(self, next_line: bytes | None) -> Any:
            self.reader.header_budget = self.reader.settings.max_warc_header_bytes
            self.misaligned = False
            return super()._next_record(next_line)

        def _raise_invalid_gzip_err(self) -> None:
            # One gzip stream for the whole archive, not one member per record: warcio
            # refuses it (such files cannot be seeked into), but it reads fine in order.
            return None

        def _consume_blanklines(self) -> tuple[bytes | None, int]:
            # warcio's, less the warning it writes to stderr: a record not followed by
            # a blank line is flagged (its Content-Length was wrong), the line dropped.
            empty_size = 0
            first_line = True
            while True:
                line: bytes = self.reader.readline()
                if not line:
                    return None, empty_size
                stripped = line.rstrip()
                if not stripped or first_line:
                    empty_size += len(line)
                    if stripped:
                        self.misaligned = True
                    first_line = False
                    continue
                return line, empty_size

    def payload_stream(record: Any) -> Any:
        """The record's payload, decoded as warcio's ``content_stream`` does, quietly."""
        if not record.http_headers:
            return record.raw_stream
        encoding = record.http_headers.get_header("content-encoding")
        if encoding:
            encoding = encoding.lower()
            if encoding not in buffered.BufferedReader.get_supported_decompressors():
                encoding = None
        if record.http_headers.get_header("transfer-encoding") == "chunked":
            return QuietChunked(record.raw_stream, decomp_type=encoding)
        if encoding:
            return QuietBuffered(record.raw_stream, decomp_type=encoding)
        return record.raw_stream

    return _Guarded(GuardedIterator, limit.LimitReader, payload_stream)
