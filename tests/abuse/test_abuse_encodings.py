"""Bytes that are not the text they claim: empty, binary, NUL bytes, broken or odd encodings."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import pytest

from synopsis import Pipeline
from synopsis.readers import read_inputs

BODY = (
    "Café owners in Brennstad reopened on Monday after the floods, the mayor said. "
    "Crews cleared the streets overnight and the market square was dry by noon."
)

CASES: dict[str, tuple[bytes, str | None]] = {
    # name: (bytes, the failure reason, or None for an article)
    "empty.txt": (b"", "empty file"),
    "blank.txt": (b" \n\t\r\n  ", "no text"),
    "binary.txt": (bytes(range(256)) * 40, "binary file, not text"),
    "nul.txt": (BODY.encode() + b"\x00\x00\x00" + BODY.encode(), "binary file, not text"),
    "png.md": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"IHDR" * 100, "binary file, not text"),
    "controls.html": (bytes(range(1, 32)) * 50, "binary file, not text"),
    "invalid-utf8.txt": (
        b"Title\n\n" + BODY.encode()[:40] + b"\xff\xfe\xc3\x28" + BODY.encode(),
        None,
    ),
    "utf16-bom.txt": (codecs.BOM_UTF16_LE + f"Flood\n\n{BODY}".encode("utf-16-le"), None),
    "utf16-be-bom.md": (codecs.BOM_UTF16_BE + f"# Flood\n\n{BODY}".encode("utf-16-be"), None),
    "utf32-bom.txt": (codecs.BOM_UTF32_LE + f"Flood\n\n{BODY}".encode("utf-32-le"), None),
    "utf8-bom.txt": (codecs.BOM_UTF8 + f"Flood\n\n{BODY}".encode(), None),
    "latin1.txt": (f"Flood\n\n{BODY} Ærø, Øresund, Ågård.".encode("latin-1"), None),
    "cp1252.html": (
        f"<html><body><p>{BODY} “quoted” – dash</p></body></html>".encode("cp1252"),
        None,
    ),
    "bom-only.txt": (codecs.BOM_UTF16_LE, "no text"),
    "half-utf16.txt": (codecs.BOM_UTF16_LE + "Flood".encode("utf-16-le") + b"\x00", None),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("name", sorted(CASES))
def test_odd_bytes_are_accounted_for_beside_a_good_file(
    tmp_path: Path, good: Path, name: str, abuse: Any
) -> None:
    data, reason = CASES[name]
    path = tmp_path / name
    path.write_bytes(data)
    with abuse.bounded(seconds=20, megabytes=200):
        result = read_inputs([path, good])
    abuse.good_read(result, good)
    found = abuse.accounted(result, path)
    if reason is None:
        assert [kind for kind, _, _ in found] in (["article"], ["failure"])
        if found[0][0] == "failure":  # a half-decoded file may be too short: said so
            reasons = abuse.failure_reasons(result, path)
            assert reasons[0].startswith(("text too short", "could not"))
    else:
        assert abuse.failure_reasons(result, path) == [reason]


def test_decoded_text_keeps_its_characters(tmp_path: Path) -> None:
    for name in ("utf16-bom.txt", "latin1.txt", "utf32-bom.txt"):
        path = tmp_path / name
        path.write_bytes(CASES[name][0])
        (article,) = read_inputs([path]).articles
        assert "Café owners" in article.text


@pytest.mark.timeout(120)
def test_a_folder_of_odd_bytes_digests_its_good_files(
    tmp_path: Path, pipeline: Pipeline, abuse: Any
) -> None:
    for name, (data, _) in CASES.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "good.txt").write_text(abuse.GOOD_TEXT, encoding="utf-8")
    with abuse.bounded(seconds=90, megabytes=500):
        report = pipeline.run([tmp_path])
    inputs = {a.source for a in report.articles} | {f.input for f in report.failures}
    inputs |= {s.input for s in report.skipped}
    assert {str(tmp_path / name) for name in CASES} | {str(tmp_path / "good.txt")} <= inputs
    assert any(a.title == "Harbour reopens" for a in report.articles)
    assert all(f.reason for f in report.failures)
