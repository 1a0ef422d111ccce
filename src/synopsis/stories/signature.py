"""An article's event signature: when, where, who, how many and what happened.

Two events of the same kind (two earthquakes in one region, two title
defences by one boxer) get close vectors and share most words; a reader
tells them apart by the date, the place, the people and the figures. The
signature reads those from the title and the lead, cheaply enough for every
article of a stream (regular expressions, no tagger):

- ``date``: the event date (:mod:`.event_dates`): the first date phrase of
  the lead, resolved against the publication date or dateline; the most
  confident one where a sentence gives several;
- ``places``: capitalised names after "in", "at", "near", "off", "outside"
  (most specific first: in text order, "Banstead, Surrey");
- ``actors``: the other capitalised names of the title and first sentence;
- ``figures``: counts with their noun ("23 pirates", "seven people"),
  magnitudes ("magnitude 6.1", "6.1-magnitude") and scores ("3-1");
- ``action``: the title's first lower-case word after its first name
  ("Klitschko *stops* Thompson"), where the title has that shape.

Two signatures *conflict* on a figure when both give the same kind of
figure ("pirates", "magnitude") and no value agrees, and on the date when
both dates are confident and further apart than the window allows.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from ..records import Article
from ..text.numbers import COUNT_WORDS
from ..text.stopwords import english_stop_words
from .event_dates import EventDate, find_dates

_NUMBER_WORDS = COUNT_WORDS
_PLURALS = "people|children|men|women|police|dead|injured|wounded"  # counts without an -s
_NUMBER = r"\d+(?:[.,]\d+)*|" + "|".join(_NUMBER_WORDS)
# A count and its noun, with up to two words between ("23 Somali pirates").
_COUNT = re.compile(
    rf"\b(?P<value>{_NUMBER})\s+(?:(?:[a-z][a-z'-]*)\s+){{0,2}}?(?P<unit>[a-z]{{3,}}s|{_PLURALS})\b",
    re.IGNORECASE,
)
_MAGNITUDE = re.compile(
    r"\bmagnitude(?:\s+of)?\s+(?P<after>\d+(?:\.\d+)?)|\b(?P<before>\d+(?:\.\d+)?)[\s-]+magnitude\b",
    re.IGNORECASE,
)
_SCORE = re.compile(r"\b(?P<a>\d{1,3})\s*[-–]\s*(?P<b>\d{1,3})\s+(?:win|victory|defeat|loss|draw)")
# Nouns that measure time or repeat, not the event's figure ("two hours", "three times").
_NOT_UNITS = frozenset(
    "years hours minutes days weeks months times seconds rounds decades centuries others "
    "percent points goals".split()
)
_NAME = re.compile(
    r"[A-ZÀ-ÖØ-Þ][\w'’\-]*(?:[ \t]+(?:(?:of|de|del|la|von|van|al|bin)[ \t]+)?[A-ZÀ-ÖØ-Þ][\w'’\-]*)*"
)
_PLACE = re.compile(
    r"\b(?:in|at|near|off|outside|from)[ \t]+(?:the[ \t]+)?"
    r"(?P<place>[A-ZÀ-ÖØ-Þ][\w'’\-]*"
    r"(?:[ \t]+(?:(?:of|de|del|la|di|du|von|van|al)[ \t]+)?[A-ZÀ-ÖØ-Þ][\w'’\-]*)*)"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_STOP = english_stop_words()
_MONTH_OR_DAY = frozenset(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure of the event: ``value`` of ``unit`` ("pirates", "magnitude", "score")."""

    unit: str
    value: float


@dataclass(frozen=True, slots=True)
class EventSignature:
    """What tells an event from another of its kind (see the module's notes)."""

    date: EventDate | None = None
    places: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    figures: tuple[Figure, ...] = ()
    action: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.date or self.places or self.actors or self.figures)


def event_signature(
    title: str | None, lead: Sequence[str], reference: date | None
) -> EventSignature:
    """The signature of an article from its title, lead sentences and reference date."""
    title = title or ""
    sentences = [s for s in (title, *lead) if s.strip()]
    text = "\n".join(sentences)
    first = lead[0] if lead else title
    places = _unique(
        m.group("place")
        for m in _PLACE.finditer(text)
        if m.group("place").split()[0].lower() not in _MONTH_OR_DAY
    )
    place_set = set(places)
    actors = _unique(
        name
        for name in _names(first if _headline_case(title) else f"{title}\n{first}")
        if name not in place_set and name.lower() not in _MONTH_OR_DAY
    )
    return EventSignature(
        date=_event_date(sentences, reference),
        places=tuple(places[:6]),
        actors=tuple(actors[:8]),
        figures=tuple(figures_of(text)),
        action=_action(title),
    )


def article_signature(article: Article, lead_sentences: int = 3) -> EventSignature:
    """The signature of an article: its title, first sentences and publication date."""
    lead = [s.text for s in article.sentences[:lead_sentences]]
    if not lead and article.text:
        lead = [s for s in _SENTENCE_END.split(article.text[:2000]) if s.strip()][:lead_sentences]
    reference = article.published.date() if article.published is not None else None
    return event_signature(article.title, lead, reference)


def figures_of(text: str) -> list[Figure]:
    """The counts, magnitudes and scores ``text`` states, in text order, each once."""
    found: list[Figure] = []
    for match in _COUNT.finditer(text):
        unit = match.group("unit").lower()
        value = _value(match.group("value"))
        if unit in _NOT_UNITS or unit in _STOP or value is None or 1900 <= value <= 2100:
            continue  # a year is a date, not a count
        found.append(Figure(unit, value))
    for match in _MAGNITUDE.finditer(text):
        value = _value(match.group("after") or match.group("before"))
        if value is not None and value < 10:
            found.append(Figure("magnitude", value))
    for match in _SCORE.finditer(text):
        a, b = sorted((int(match.group("a")), int(match.group("b"))), reverse=True)
        found.append(Figure("score", a * 1000.0 + b))
    return list(dict.fromkeys(found))


def figures_conflict(a: Iterable[Figure], b: Iterable[Figure], tolerance: float = 0.05) -> bool:
    """Whether the two sets give the same kind of figure and no value of it agrees."""
    by_unit: dict[str, list[float]] = {}
    for figure in a:
        by_unit.setdefault(figure.unit, []).append(figure.value)
    shared = False
    for figure in b:
        values = by_unit.get(figure.unit)
        if values is None:
            continue
        shared = True
        if any(abs(v - figure.value) <= tolerance * max(abs(v), abs(figure.value)) for v in values):
            return False
    return shared


def _value(text: str) -> float | None:
    word = _NUMBER_WORDS.get(text.lower())
    if word is not None:
        return word
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def _event_date(sentences: Sequence[str], reference: date | None) -> EventDate | None:
    for sentence in sentences:
        found = find_dates(sentence, reference)
        if found:
            return max(found, key=lambda d: d.confidence)  # ties: the first
    return None


def _names(text: str) -> Iterable[str]:
    """Capitalised names, not the capitalised first word of a sentence unless it is a name."""
    for sentence in _SENTENCE_END.split(text):
        for match in _NAME.finditer(sentence):
            name = match.group(0)
            if name.lower() in _STOP:
                continue
            yield name


def _action(title: str) -> str | None:
    """The title's first lower-case content word after a capitalised one ("Klitschko stops")."""
    words: list[str] = _WORD.findall(title)
    for before, word in itertools.pairwise(words):
        if before[:1].isupper() and word.islower() and word not in _STOP and len(word) > 2:
            return word
    return None


def _headline_case(title: str) -> bool:
    """Whether the title capitalises its words ("Obama Overturns Bush Rule"): no names to read."""
    words = [w for w in _WORD.findall(title) if w.lower() not in _STOP]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) > 0.7 * len(words)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


__all__ = [
    "EventSignature",
    "Figure",
    "article_signature",
    "event_signature",
    "figures_conflict",
    "figures_of",
]
