"""Bytes to text: binary detection and encoding detection.

Decoding tries, in order: a byte-order mark (UTF-8, UTF-16, UTF-32), strict
UTF-8, the charset the input declares (an HTML ``<meta charset>``, an HTTP
``Content-Type``), then :mod:`charset_normalizer`'s best guess.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from ..records import Failure

BINARY_SAMPLE_BYTES = 8192
"""How much of the start of a file the binary check looks at."""

MAX_CONTROL_SHARE = 0.10
"""Above this share of control bytes in the sample, a file is binary."""

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Bytes that may appear in text: tab, newline, form feed, carriage return,
# escape, everything printable, and every byte >= 0x80 (any 8-bit encoding).
_TEXT_BYTES = bytes([8, 9, 10, 12, 13, 27, *range(0x20, 0x7F), *range(0x80, 0x100)])

# Pages that declare Latin-1 or ASCII are read as Windows-1252, as browsers do.
_AS_BROWSERS_READ = {"iso8859-1": "cp1252", "ascii": "cp1252"}

_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, newlines normalised to ``\\n``."""

    text: str
    encoding: str


def has_bom(data: bytes) -> bool:
    return any(data.startswith(bom) for bom, _ in _BOMS)


def looks_binary(data: bytes) -> bool:
    """True for data that is not text: NUL bytes or many control bytes early on."""
    if has_bom(data):
        return False
    sample = data[:BINARY_SAMPLE_BYTES]
    if not sample:
        return False
    if b"\0" in sample:
        return True
    control = len(sample.translate(None, _TEXT_BYTES))
    return control / len(sample) > MAX_CONTROL_SHARE


def declared_html_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in a ``<meta>`` near its start, if any."""
    match = _DECLARED_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def decode_text(data: bytes, declared: str | None = None) -> Decoded | None:
    """Decode ``data``; ``None`` when no encoding fits."""
    decoded = _decode_with_bom(data) or _decode_strict(data, "utf-8")
    if decoded is None and declared:
        decoded = _decode_strict(data, declared)
    if decoded is None:
        decoded = _decode_by_detection(data)
    if decoded is None:
        return None
    return Decoded(normalise_newlines(decoded.text), decoded.encoding)


def decode_or_fail(data: bytes, source: str, declared: str | None = None) -> Decoded | Failure:
    """Decode ``data``, or say why it cannot be read as text."""
    decoded = decode_text(data, declared)
    if decoded is None:
        return Failure(source, "could not detect the text encoding")
    if not decoded.text.strip():
        return Failure(source, "no text")
    return decoded


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_with_bom(data: bytes) -> Decoded | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            codec = "utf-8" if encoding == "utf-8-sig" else encoding
            return _decode_strict(data[len(bom) :], codec, name=encoding)
    return None


def _decode_strict(data: bytes, encoding: str, name: str | None = None) -> Decoded | None:
    try:
        codec = codecs.lookup(encoding).name
        codec = _AS_BROWSERS_READ.get(codec, codec)
        return Decoded(data.decode(codec), name or codec)
    except (LookupError, UnicodeDecodeError):
        return None


def _decode_by_detection(data: bytes) -> Decoded | None:
    best = from_bytes(data).best()
    if best is None:
        return None
    text = str(best)
    # Western text often fits several code pages equally; name the common one.
    if best.encoding != "cp1252" and _decode_strict(data, "cp1252") == Decoded(text, "cp1252"):
        return Decoded(text, "cp1252")
    return Decoded(text, best.encoding)
