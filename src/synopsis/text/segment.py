"""Segmentation: paragraphs and sentences, as exact spans of the cleaned text.

Every :class:`~synopsis.records.Sentence` satisfies
``article.text[s.start:s.end] == s.text``, which is what lets the digest prove
that each line it shows was written by a source.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..records import Article, Sentence

# Words that end with a period without ending a sentence.
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt ft gen col lt sgt capt cmdr adm gov sen rep rev hon
    pres sec atty supt insp det messrs mme mlle no nos vol fig op approx est dept univ
    corp inc ltd co bros jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed
    thu fri sat sun vs etc al e g i ie eg cf ca
    """.split()
)

# A candidate boundary: terminal punctuation, optional closing quotes/brackets, whitespace.
_BOUNDARY = re.compile(r"""([.!?…]+)(["'”’»)\]]*)(\s+)""")
_NEXT_STARTS_SENTENCE = re.compile(r"""["'“‘«(\[]*[A-Z0-9À-ÖØ-ÞĀ-ſ¿¡]""")
# "J" of "J. K. Lind", "U.S" of "U.S. officials": an initial or a dotted acronym.
_INITIAL = re.compile(r"(?:[A-Z]\.)*[A-Z]")
# What ends the word before a full stop when scanning back: a space, an opening bracket or quote.
_WORD_OPENERS = frozenset("(\"“‘'")


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of ``text``: blank-line separated blocks, or lines when unwrapped.

    A block whose lines look hard-wrapped (most lines 40–100 characters, not
    ending a sentence) is joined into one paragraph; otherwise every non-empty
    line is a paragraph of its own, which is how scraped text usually arrives.
    """
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if _looks_hard_wrapped(lines):
            paragraphs.append(" ".join(lines))
        else:
            paragraphs.extend(lines)
    return paragraphs


def _looks_hard_wrapped(lines: list[str]) -> bool:
    if len(lines) < 2:
        return False
    body = lines[:-1]
    wrapped = sum(
        1
        for line in body
        if 40 <= len(line) <= 100 and not line.endswith((".", "!", "?", ":", '"', "”"))
    )
    return wrapped >= 0.6 * len(body)


def join_paragraphs(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


def split_sentences(paragraph: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the sentences of one paragraph."""
    spans: list[tuple[int, int]] = []
    start = _skip_space(paragraph, 0)
    for match in _BOUNDARY.finditer(paragraph):
        end = match.end(2)
        if end <= start:
            continue
        # Matched in place, never on copies of the rest: linear on a long paragraph.
        if not _NEXT_STARTS_SENTENCE.match(paragraph, match.end()):
            continue
        if match.group(1) == "." and _ends_with_abbreviation(
            _last_word(paragraph, start, match.start(1))
        ):
            continue
        spans.append((start, end))
        start = match.end()
    tail_end = len(paragraph.rstrip())
    if tail_end > start:
        spans.append((start, tail_end))
    return spans


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index].isspace():
        index += 1
    return index


def _last_word(text: str, start: int, end: int) -> str:
    """The word of ``text[start:end]`` that ends at ``end``.

    Scans back from ``end`` to the last space or opening bracket or quote, so
    a sentence that runs on past many abbreviations ("Mr. A Mr. B …") costs
    each boundary only its own word, not the whole sentence so far.
    """
    index = end
    while index > start and not (text[index - 1].isspace() or text[index - 1] in _WORD_OPENERS):
        index -= 1
    return text[index:end]


def _ends_with_abbreviation(word: str) -> bool:
    if not word:
        return False
    if _INITIAL.fullmatch(word):
        return True
    return word.lower().rstrip(".") in _ABBREVIATIONS


def segment(article: Article) -> Article:
    """The article with ``paragraphs`` and ``sentences`` filled from its ``text``."""
    paragraphs = split_paragraphs(article.text)
    text = join_paragraphs(paragraphs)
    sentences: list[Sentence] = []
    offset = 0
    for number, paragraph in enumerate(paragraphs):
        for start, end in split_sentences(paragraph):
            sentences.append(
                Sentence(
                    article_id=article.id,
                    index=len(sentences),
                    paragraph=number,
                    start=offset + start,
                    end=offset + end,
                    text=paragraph[start:end],
                )
            )
        offset += len(paragraph) + 2
    return replace(article, text=text, paragraphs=paragraphs, sentences=sentences)
