"""Plain text and Markdown files: an optional title line, then the body."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..records import Failure
from .decoding import decode_or_fail
from .fields import Draft, Outcome

MAX_TITLE_CHARS = 200

# A full stop ending a word, then more text on the same line: "Rain fell. Then…".
# Headlines may hold "?" or "!" mid-line; "Mr. Smith" and "U.S. vote" are no break.
_SENTENCE_BREAK = re.compile(r"(?<=[a-z]{2})\.[\"'”’)\]]*\s+\S")
_NOT_TITLE_ENDINGS = (".", ",", ";", ":")
_ATX_HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+?)(?:\s+#+)?\s*$")
_SETEXT_UNDERLINE = re.compile(r"^(?:={3,}|-{3,})\s*$")


def read_txt(data: bytes, source: str, path: str) -> Iterator[Outcome]:
    yield _read_text_file(data, source, path, markdown=False)


def read_markdown(data: bytes, source: str, path: str) -> Iterator[Outcome]:
    yield _read_text_file(data, source, path, markdown=True)


def _read_text_file(data: bytes, source: str, path: str, *, markdown: bool) -> Draft | Failure:
    decoded = decode_or_fail(data, source)
    if isinstance(decoded, Failure):
        return decoded
    title, body = split_title(decoded.text, markdown=markdown)
    return Draft(source, body, path=path, title=title, metadata={"encoding": decoded.encoding})


def split_title(text: str, *, markdown: bool = False) -> tuple[str | None, str]:
    """``(title, body)``: the first non-empty line is the title if it looks like one.

    A title is at most :data:`MAX_TITLE_CHARS` characters, holds no full stop
    followed by more text, does not end like a sentence (``.``, ``,``, ``;``,
    ``:``), has body text after it, and is not the first line of a wrapped
    paragraph (followed directly by a line starting in lower case). In
    Markdown, a first-line heading (``# Title`` or an underlined line) is
    always the title.
    """
    lines = text.strip().split("\n")
    first, rest = lines[0].strip(), lines[1:]
    body = "\n".join(rest).strip()
    if not body:
        return None, text.strip()
    if markdown:
        heading = _markdown_heading(first, rest)
        if heading is not None:
            return heading
    if _looks_like_title(first, rest[0]):
        return first, body
    return None, text.strip()


def _markdown_heading(first: str, rest: list[str]) -> tuple[str, str] | None:
    match = _ATX_HEADING.match(first)
    if match:
        return match.group("title").strip(), "\n".join(rest).strip()
    body = "\n".join(rest[1:]).strip()
    if _SETEXT_UNDERLINE.match(rest[0].strip()) and body and _has_word(first):
        return first, body
    return None


def _looks_like_title(line: str, next_line: str) -> bool:
    if not _has_word(line) or len(line) > MAX_TITLE_CHARS or _SENTENCE_BREAK.search(line):
        return False
    if line.endswith(_NOT_TITLE_ENDINGS):
        return False
    follower = next_line.strip()
    return not (follower and follower[0].islower())


def _has_word(line: str) -> bool:
    return any(char.isalnum() for char in line)
