"""Web archives and gzip gone wrong: bombs, cut records, wrong lengths, endless header lines."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import Any

import pytest

from synopsis.config import ReadSettings
from synopsis.readers import read_inputs
from synopsis.readers.warc import read_warc, read_warc_stream

BOMB_BYTES = 2_000_000_000
"""What each bomb inflates to: 2 GB, from a couple of megabytes."""


def header_bomb(abuse: Any) -> bytes:
    """A .warc.gz of about 2 MB whose first header line runs on for 2 GB."""
    prefix = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/"
    return bytes(abuse.gzip_bomb(prefix, b"a" * 10_000_000, BOMB_BYTES // 10_000_000))


def two_pages(abuse: Any) -> list[bytes]:
    second = abuse.HTML_PAGE.replace(b"Ferry capsizes", b"Boat sinks").replace(b"fourteen", b"nine")
    return [abuse.warc_record(), abuse.warc_record("https://example.org/boat", second)]


def read_one(path: Path, good: Path, abuse: Any, **bounds: float) -> Any:
    with abuse.bounded(seconds=bounds.get("seconds", 30), megabytes=bounds.get("megabytes", 300)):
        result = read_inputs([path, good])
    abuse.good_read(result, good)
    abuse.accounted(result, path)
    return result


def titles(result: Any, path: Path) -> list[str | None]:
    return [a.title for a in result.articles if a.source.startswith(f"{path}:")]


def test_uploaded_or_in_memory_archives_are_read(abuse: Any) -> None:
    """Finding 3: an archive read from memory (the upload path) gave "empty response"."""
    for data in (b"".join(two_pages(abuse)), abuse.gzip_members(two_pages(abuse))):
        outcomes = list(read_warc(data, "upload:crawl", "crawl"))
        assert [getattr(o, "title", None) for o in outcomes] == [
            "Ferry capsizes off Marrendal",
            "Boat sinks off Marrendal",
        ]
    stream = read_warc_stream(io.BytesIO(b"".join(two_pages(abuse))), "s", "s", ReadSettings())
    assert len(list(stream)) == 2


@pytest.mark.timeout(60)
def test_a_header_that_is_one_endless_line_is_a_bounded_failure(
    tmp_path: Path, good: Path, abuse: Any
) -> None:
    """Finding 4: a 2 MB .warc.gz whose header is one 2 GB line ran past 300 s."""
    path = tmp_path / "header-bomb.warc.gz"
    path.write_bytes(header_bomb(abuse))
    assert path.stat().st_size < 3_000_000
    result = read_one(path, good, abuse, seconds=20, megabytes=100)
    (reason,) = abuse.failure_reasons(result, path)
    assert reason.startswith("record headers over 1,000,000 bytes (read.max_warc_header_bytes)")


@pytest.mark.timeout(60)
def test_many_header_lines_are_bounded_too(tmp_path: Path, good: Path, abuse: Any) -> None:
    prefix = b"WARC/1.0\r\nWARC-Type: metadata\r\n"
    path = tmp_path / "many-lines.warc.gz"
    path.write_bytes(abuse.gzip_bomb(prefix, b"X-Filler: a\r\n" * 10_000, 1_000))
    result = read_one(path, good, abuse, seconds=20)
    assert "read.max_warc_header_bytes" in abuse.failure_reasons(result, path)[0]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", ["page", "other"])
def test_a_record_body_bomb_is_a_bounded_failure(
    tmp_path: Path, good: Path, kind: str, abuse: Any
) -> None:
    """A record declaring 2 GB of zeros (an HTML page, or a record passed over)."""
    if kind == "page":
        head = (
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/big\r\n"
            "Content-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {BOMB_BYTES + 100}\r\n\r\n"
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>"
        ).encode()
    else:
        head = (
            "WARC/1.0\r\nWARC-Type: resource\r\nWARC-Target-URI: https://example.org/big.bin\r\n"
            f"Content-Type: application/octet-stream\r\nContent-Length: {BOMB_BYTES}\r\n\r\n"
        ).encode()

    prefix = abuse.warc_record() + head  # a good page first: it stays
    path = tmp_path / "body-bomb.warc.gz"
    path.write_bytes(abuse.gzip_bomb(prefix, b"\0" * 10_000_000, BOMB_BYTES // 10_000_000))
    assert path.stat().st_size < 3_000_000
    result = read_one(path, good, abuse, seconds=20, megabytes=200)
    assert titles(result, path) == ["Ferry capsizes off Marrendal"]
    (reason,) = abuse.failure_reasons(result, path)
    assert "more than 100 times its compressed size (read.max_decompression_ratio)" in reason


@pytest.mark.timeout(60)
def test_a_page_over_the_record_limit_fails_and_the_next_is_read(
    tmp_path: Path, good: Path, abuse: Any
) -> None:
    words = " ".join(f"w{n * 7919 % 1_000_003}" for n in range(200_000)).encode()
    big = b"<html><body><p>" + words + b"</p></body></html>"  # 1.6 MB, compresses 3-4 times
    records = [abuse.warc_record("https://example.org/big", big), *two_pages(abuse)]
    path = tmp_path / "big-page.warc.gz"
    path.write_bytes(abuse.gzip_members(records))
    result = read_inputs([path, good], ReadSettings(max_file_bytes=1_000_000))
    assert abuse.failure_reasons(result, path) == ["record too large (over 1,000,000 bytes)"]
    assert titles(result, path) == ["Ferry capsizes off Marrendal", "Boat sinks off Marrendal"]


@pytest.mark.timeout(60)
def test_an_archive_of_endless_tiny_records_stops_at_the_record_limit(
    tmp_path: Path, good: Path, abuse: Any
) -> None:
    tiny = abuse.warc_record(record_type="metadata", body=b"x", content_type="text/plain")
    path = tmp_path / "many.warc.gz"
    path.write_bytes(abuse.gzip_bomb(abuse.warc_record(), tiny * 1_000, 200))
    with abuse.bounded(seconds=30, megabytes=200):
        result = read_inputs([path, good], ReadSettings(max_warc_records=5_000))
    assert titles(result, path) == ["Ferry capsizes off Marrendal"]
    (reason,) = abuse.failure_reasons(result, path)
    assert reason.startswith("more than 5,000 records (read.max_warc_records)")


@pytest.mark.timeout(30)
@pytest.mark.parametrize("compressed", [False, True])
def test_a_truncated_record_is_a_failure_naming_it(
    tmp_path: Path, good: Path, compressed: bool, abuse: Any
) -> None:
    """Finding 8: a record cut short by the end of the file was accepted silently."""
    records = two_pages(abuse)
    data = abuse.gzip_members(records) if compressed else b"".join(records)
    path = tmp_path / ("cut.warc.gz" if compressed else "cut.warc")
    path.write_bytes(data[: -(60 if compressed else 200)])
    result = read_one(path, good, abuse)
    assert titles(result, path) == ["Ferry capsizes off Marrendal"]
    failures = [f for f in result.failures if f.input.startswith(str(path))]
    assert [f.input for f in failures] == [f"{path}:2"]
    assert failures[0].reason.startswith("truncated WARC record: the archive ends after ")


def test_a_record_whose_length_is_wrong_is_a_failure(
    tmp_path: Path, good: Path, abuse: Any
) -> None:
    records = two_pages(abuse)
    short = abuse.warc_record(declared_length=len(records[0]) // 3)
    path = tmp_path / "wrong-length.warc"
    path.write_bytes(short + records[1])
    result = read_one(path, good, abuse)
    failures = [f for f in result.failures if f.input.startswith(str(path))]
    assert [f.input for f in failures] == [f"{path}:1"]
    assert "Content-Length does not match" in failures[0].reason
    assert titles(result, path) == ["Boat sinks off Marrendal"]


def test_one_gzip_stream_is_read_without_warcio_s_advice(
    tmp_path: Path, good: Path, capfd: pytest.CaptureFixture[str], abuse: Any
) -> None:
    """Finding 8: warcio's ten-line "recompress" advice was a failure reason."""
    path = tmp_path / "one-stream.warc.gz"
    path.write_bytes(gzip.compress(b"".join(two_pages(abuse))))
    result = read_one(path, good, abuse)
    assert titles(result, path) == ["Ferry capsizes off Marrendal", "Boat sinks off Marrendal"]
    assert not [f for f in result.failures if f.input.startswith(str(path))]
    assert "recompress" not in capfd.readouterr().err


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("zeros.warc.gz", None, "not a valid WARC file"),
        ("empty.warc", b"", "empty file"),
        ("text.warc", b"just some words, not an archive\r\n", "not a valid WARC file"),
        ("garbage-gzip.warc.gz", b"\x1f\x8b\x08\x00" + b"\xff" * 5_000, "not a valid WARC file"),
        ("bad-status.warc", b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: x\r\n\r\n", None),
    ],
)
def test_archives_that_are_not_archives_fail_in_one_line(
    tmp_path: Path, good: Path, name: str, data: bytes | None, reason: str | None, abuse: Any
) -> None:
    if data is None:
        data = abuse.gzip_bomb(b"", b"\0" * 10_000_000, 200)  # a plain gzip bomb, named .warc.gz
    path = tmp_path / name
    path.write_bytes(data)
    result = read_one(path, good, abuse, seconds=20, megabytes=200)
    for kind, _, why in abuse.outcome_of(result, path):
        assert kind in {"failure", "skip"} and len(why) <= 300
        if reason is not None:
            assert why.startswith(reason)


def test_garbage_after_the_last_record_is_a_failure_for_it(
    tmp_path: Path, good: Path, abuse: Any
) -> None:
    path = tmp_path / "trailing.warc.gz"
    path.write_bytes(abuse.gzip_members(two_pages(abuse)) + b"this is not gzip nor WARC\r\n" * 3)
    result = read_one(path, good, abuse)
    assert titles(result, path) == ["Ferry capsizes off Marrendal", "Boat sinks off Marrendal"]
    reasons = abuse.failure_reasons(result, path)
    assert len(reasons) == 1 and "\n" not in reasons[0] and len(reasons[0]) < 300


@pytest.mark.timeout(120)
def test_a_bomb_in_a_folder_leaves_the_good_files_results(
    tmp_path: Path, abuse: Any, pipeline: Any
) -> None:
    """Finding 4: in a folder, the header bomb took the good files' results down with it."""

    (tmp_path / "a-bomb.warc.gz").write_bytes(header_bomb(abuse))
    (tmp_path / "b-good.txt").write_text(abuse.GOOD_TEXT, encoding="utf-8")
    (tmp_path / "c-crawl.warc.gz").write_bytes(abuse.gzip_members(two_pages(abuse)))
    with abuse.bounded(seconds=90, megabytes=400):
        report = pipeline.run([tmp_path])
    assert sorted(a.title or "" for a in report.articles) == [
        "Boat sinks off Marrendal",
        "Ferry capsizes off Marrendal",
        "Harbour reopens",
    ]
    assert [f.input for f in report.failures] == [f"{tmp_path / 'a-bomb.warc.gz'}:1"]
