"""Article quality signals: what in the wording shows scraping, spinning or translation.

Each signal is a :class:`~synopsis.records.QualityFlag` with the snippets
that show it, so a reader can check it, and an article's artefact count lets
later stages prefer the cleanest wording of a claim (and cleaning keep the
cleaner of two doubled paragraphs). Patterns are deliberately narrow: a
flag must point at something a reader would agree is broken.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..records import Article, QualityFlag, QualityKind, RemovalKind

_CONTEXT = 30

# Article-spinner output: synonym swaps that produce non-English. "once morest"
# is a spinner's rewrite of "against" (against → again-st → once more-st);
# "regarding" before a quantity replaces "about" in the sense "approximately".
_SPINNER = re.compile(
    r"\bonce morest\b"
    r"|\bregarding (?:\d|(?:one|two|three|four|five|six|seven|eight|nine|ten|a dozen|"
    r"a hundred|a thousand|half)\b)",
    re.IGNORECASE,
)

# Machine-translation and re-assembly artefacts: an empty sentence (". ."),
# a space before a comma, a sentence that continues in lower case after a
# full stop ("misunderstandings. to avoid"), a stray word after the last full
# stop of a paragraph ("exchanges. meeting"), and a capitalised function word
# in mid-sentence ('"no limits" In its partnership').
_MACHINE_TRANSLATION = re.compile(
    r"[.!?]\s+\.(?!\.)"
    r"|\w\s+,(?=\s)"
    r"|\b(?!(?:etc|vs|approx|incl|cf|al)\.)[a-z]{3,}\.\s+[a-z]{2,}\b"
    r"|[.!?]\s+[a-z]+$"
    r"|(?<=[a-z,\"”’]) (?:In|Of|With|To|For|From|And|On|At|By)\s+(?:its|his|her|their|the|a|an)\b",
    re.MULTILINE,
)

# A short first-person filler sentence inside third-person reporting, outside
# quotes ("..., the Middle East and Ukraine. We had a meeting."): left behind
# when a translator or summariser turns a quote fragment into a sentence.
_FILLER_SENTENCE = re.compile(r"(?<=[.!?] )(?:We|I) (?:had|have|held|did) [a-z]+(?: [a-z]+){0,2}\.")

# Two words run together by scraping: a word, then a capitalised word that
# usually opens a sentence ("AtwoodBefore", "ChinaIt"). Brand names in camel
# case (TikTok, YouTube, iPhone) do not end in such a word.
_SENTENCE_STARTERS = (
    "A|After|Also|An|And|As|At|Before|But|By|During|For|He|Her|His|However|I|If|In|It|Its|"
    "Meanwhile|On|She|So|That|The|Their|There|These|They|This|Those|To|We|When|While|With|You"
)
_RUN_TOGETHER = re.compile(rf"\b[A-Z]?[a-z]{{2,}}(?:{_SENTENCE_STARTERS})\b(?=[\s,.;:])")


# The signs that make one sentence a worse wording of a claim than another:
# a wire dateline, spinner swaps, spaced or doubled punctuation, hashtags, doubled
# spaces, words run together, a lower-case start and a doubled word. Broader than
# the flags above, since it only ranks wordings against each other.
_WORDING = re.compile(
    r"^[A-Z][A-Z .'-]{2,},[^()]{0,60}\([^)]*\)\s*[-–—]|"
    r"\bonce morest\b|\bregarding (?:five|\d)|\s[.,;:]\s|\.\s*\.|#\w|\s{2,}|"
    r"[a-z][A-Z][a-z]|^[a-z]|\b(\w+) \1\b"
)


def assess(article: Article) -> list[QualityFlag]:
    """The quality flags of ``article`` (after cleaning), each with its evidence."""
    flags: list[QualityFlag] = []
    doubled = tuple(r.text for r in article.removed if r.kind is RemovalKind.DUPLICATE_PARAGRAPH)
    if doubled:
        flags.append(QualityFlag(QualityKind.DOUBLED_PARAGRAPHS, doubled))
    for kind, snippets in (
        (QualityKind.SPINNER, spinner_artefacts(article.text)),
        (QualityKind.MACHINE_TRANSLATION, translation_artefacts(article.text)),
        (QualityKind.RUN_TOGETHER, run_together_words(article.text)),
    ):
        if snippets:
            flags.append(QualityFlag(kind, tuple(snippets)))
    return flags


def spinner_artefacts(text: str) -> list[str]:
    return _snippets(text, _SPINNER.finditer(text))


def translation_artefacts(text: str) -> list[str]:
    matches = [*_MACHINE_TRANSLATION.finditer(text), *_FILLER_SENTENCE.finditer(text)]
    return _snippets(text, sorted(matches, key=lambda m: m.start()))


def run_together_words(text: str) -> list[str]:
    return _snippets(text, _RUN_TOGETHER.finditer(text))


def artefact_count(text: str) -> int:
    """How many artefacts of any kind ``text`` shows: lower is cleaner wording."""
    return (
        len(spinner_artefacts(text))
        + len(translation_artefacts(text))
        + len(run_together_words(text))
    )


def wording_artefacts(text: str) -> int:
    """How many signs of spinning, machine translation or bad extraction sentence ``text`` shows.

    Used to show each claim in its cleanest wording.
    """
    return len(_WORDING.findall(text))


_LOADED = re.compile(
    r"\b(?:dictators?|despots?|tyrants?|regimes?|thugs?|warmongers?|puppets?|butchers?|"
    r"strongmen|strongman|so-called|mouthpieces?)\b",
    re.IGNORECASE,
)


def loaded_labels(text: str) -> int:
    """How many loaded labels ``text`` uses for its people or governments ("the dictator").

    A wording of a claim without them ("Chinese President Xi Jinping") is the
    neutral one to show.
    """
    return len(_LOADED.findall(text))


def _snippets(text: str, matches: Iterable[re.Match[str]]) -> list[str]:
    out: list[str] = []
    for match in matches:
        start = max(0, match.start() - _CONTEXT)
        end = min(len(text), match.end() + _CONTEXT)
        snippet = " ".join(text[start:end].split())
        if snippet not in out:
            out.append(snippet)
    return out


__all__ = [
    "artefact_count",
    "assess",
    "loaded_labels",
    "run_together_words",
    "spinner_artefacts",
    "translation_artefacts",
    "wording_artefacts",
]
