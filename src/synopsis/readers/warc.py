"""Web archives (``.warc``, ``.warc.gz``): each HTML response is a page to read.

Needs :mod:`warcio`, imported only when an archive is read. Records are named
``file:N`` (N: the record's number in the archive, from 1). The URL is the
record's ``WARC-Target-URI``; the date is the page's own, else the
``WARC-Date`` (kept as ``metadata["warc_date"]``). Other records (requests,
metadata, images, scripts) are not articles and are passed over; a response
with an HTTP error status is skipped.

Archives are streamed record by record (crawl archives run to gigabytes), so
the size limit applies to each record's payload, not to the file.
"""

from __future__ import annotations

import importlib
import io
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, BinaryIO

from ..records import Failure, Skip
from .fields import Draft, Outcome
from .html import draft_from_html_bytes

_MISSING = (
    "reading WARC files needs the 'warcio' package, which is not installed (pip install warcio)"
)
_GZIP_MAGIC = b"\x1f\x8b"
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.I)


def read_warc(data: bytes, source: str, path: str) -> Iterator[Outcome]:
    """The pages of an archive already in memory."""
    yield from read_warc_stream(io.BytesIO(data), source, path)


def read_warc_file(file: Path, source: str, max_record_bytes: int) -> Iterator[Outcome]:
    """The pages of an archive on disk, streamed; each payload at most ``max_record_bytes``."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        yield Failure(source, "file not found")
        return
    except OSError as exc:
        yield Failure(source, f"cannot read file: {exc.strerror or exc}")
        return
    with handle:
        yield from read_warc_stream(handle, source, str(file), max_record_bytes)


def read_warc_stream(
    stream: BinaryIO, source: str, path: str, max_record_bytes: int | None = None
) -> Iterator[Outcome]:
    archive = _import_archive_iterator()
    if archive is None:
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
    records = iter(archive.ArchiveIterator(stream))
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
        outcome = _read_record(record, f"{source}:{number}", path, max_record_bytes)
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


def _damaged(source: str, number: int, exc: Exception) -> Failure:
    if number == 1:
        return Failure(source, f"not a valid WARC file: {exc}")
    return Failure(f"{source}:{number}", f"damaged WARC record: {exc}")


def _read_record(record: Any, name: str, path: str, max_bytes: int | None = None) -> Outcome | None:
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
        payload: bytes = record.content_stream().read(
            max_bytes + 1 if max_bytes is not None else -1
        )
    except Exception as exc:  # a truncated or badly compressed payload
        return Failure(name, f"damaged WARC record: {exc}")
    if max_bytes is not None and len(payload) > max_bytes:
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
