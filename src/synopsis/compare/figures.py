"""Figures: money, counts, durations, percentages, distances, speeds and times in a sentence.

Each figure keeps the words as written, a value in a base unit, the qualifier
("about", "more than", "up to" …) and the range of values the statement
allows, so that two statements are compared as ranges: "about 5.5 hours" and
"more than five hours" agree, "$95 billion" and "$59 billion" do not. Numbers
may be written in digits or in English words ("five and a half hours").
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

from ..records import Figure, Sentence

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
}
_SCALES = {
    "thousand": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "billions": 1e9,
    "bn": 1e9,
    "trillion": 1e12,
    "millones": 1e6,
    "mil": 1e3,
}
_WORD = "|".join(sorted(_UNITS, key=len, reverse=True))
_NUMBER = (
    r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
    rf"|(?:{_WORD})(?:[- ](?:{_WORD}))*(?: and a half)?)"
)
_SCALE = r"(?:\s?(?:thousand|millions?|billions?|trillion|bn|mn|m|millones|mil)\b)?"

# Qualifiers, longest first; each maps to how the stated value bounds the truth.
_QUALIFIERS: Sequence[tuple[str, str]] = (
    ("more than", "more than"),
    ("greater than", "more than"),
    ("upwards of", "at least"),
    ("at least", "at least"),
    ("no fewer than", "at least"),
    ("no less than", "at least"),
    ("over", "more than"),
    ("above", "more than"),
    ("in excess of", "more than"),
    ("less than", "less than"),
    ("fewer than", "less than"),
    ("under", "less than"),
    ("below", "less than"),
    ("up to", "up to"),
    ("as much as", "up to"),
    ("as many as", "up to"),
    ("at most", "up to"),
    ("no more than", "up to"),
    ("nearly", "nearly"),
    ("almost", "nearly"),
    ("close to", "nearly"),
    ("just under", "nearly"),
    ("about", "about"),
    ("around", "about"),
    ("roughly", "about"),
    ("approximately", "about"),
    ("some", "about"),
    ("an estimated", "about"),
    ("estimated", "about"),
    ("regarding", "about"),  # a content farm's spin of "about"
    ("shortly after", "about"),
    ("shortly before", "about"),
)
_QUALIFIER_RE = "|".join(re.escape(q) for q, _ in _QUALIFIERS)
_QUALIFIER_OF = dict(_QUALIFIERS)
_APPROXIMATE = 0.1
"""How far an "about" figure may be from the truth, as a fraction."""

_CLOCK_SLACK = 30.0
"""Minutes either side of a qualified clock time ("around 6:40 p.m.")."""

_CURRENCY_SYMBOL = {"€": "EUR", "$": "USD", "US$": "USD", "£": "GBP", "¥": "JPY"}
_CURRENCY_WORD = {
    "euro": "EUR",
    "euros": "EUR",
    "eur": "EUR",
    "dollar": "USD",
    "dollars": "USD",
    "usd": "USD",
    "pound": "GBP",
    "pounds": "GBP",
    "gbp": "GBP",
    "yuan": "CNY",
    "de euros": "EUR",
    "de dólares": "USD",
}
_DURATION_HOURS = {
    "second": 1 / 3600,
    "minute": 1 / 60,
    "hour": 1.0,
    "day": 24.0,
    "week": 168.0,
    "month": 730.0,
    "year": 8760.0,
}
_MEASURES = {
    "kilometres per hour": ("speed", "km/h", 1.0),
    "kilometers per hour": ("speed", "km/h", 1.0),
    "km/h": ("speed", "km/h", 1.0),
    "kph": ("speed", "km/h", 1.0),
    "miles per hour": ("speed", "km/h", 1.609344),
    "mph": ("speed", "km/h", 1.609344),
    "knots": ("speed", "km/h", 1.852),
    "kilometres": ("distance", "km", 1.0),
    "kilometers": ("distance", "km", 1.0),
    "km": ("distance", "km", 1.0),
    "metres": ("distance", "km", 0.001),
    "meters": ("distance", "km", 0.001),
    "miles": ("distance", "km", 1.609344),
    "degrees celsius": ("temperature", "°C", 1.0),
    "degrees": ("temperature", "°C", 1.0),
    "percent": ("percent", "%", 1.0),
    "per cent": ("percent", "%", 1.0),
    "percentage points": ("percent", "%", 1.0),
    "%": ("percent", "%", 1.0),
}
_MEASURE_RE = "|".join(re.escape(m) for m in sorted(_MEASURES, key=len, reverse=True))
_DURATION_RE = r"(?:second|minute|hour|day|week|month|year)s?"
_CURRENCY_WORD_RE = "|".join(re.escape(w) for w in sorted(_CURRENCY_WORD, key=len, reverse=True))

_FIGURE = re.compile(
    rf"(?:(?P<qual>{_QUALIFIER_RE})\s+)?"
    r"(?:(?P<cur>US\$|[€$£¥])\s?)?"
    rf"(?P<num>{_NUMBER}){_SCALE.replace('(?:', '(?P<scale>', 1)}"
    rf"(?:(?:\s|-)(?P<dur>{_DURATION_RE})\b(?!-old)"
    rf"|\s?(?P<measure>{_MEASURE_RE})(?![A-Za-z])"
    rf"|\s(?P<curword>{_CURRENCY_WORD_RE})\b"
    r"|\s(?P<noun>(?-i:[^\W\d_A-Z])[^\W\d_]*(?:'[^\W\d_]+)?)(?![\w-]))?",
    re.IGNORECASE,
)
_CLOCK = re.compile(
    rf"(?:(?P<qual>{_QUALIFIER_RE})\s+)?"
    r"\b(?P<h>\d{1,2})[:.](?P<m>\d{2})\s*(?P<ampm>a\.m\.|p\.m\.|am\b|pm\b)?",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")
# Words after a number that are not what it counts.
_NOT_COUNTED = frozenset(
    """
    a an the of and or to in on at for by from with as is are was were be been has have had
    that this these those which who whom it its their his her our your my than then per
    times time out into over under after before percent cent people's
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    """.split()
)


def extract_figures(sentence: Sentence, language: str | None = "en") -> list[Figure]:
    """The figures stated in ``sentence``, in order.

    Counts ("14 people") are read in English only: elsewhere the word after a
    number is not reliably what it counts. Money, measures and times are read
    in any language.
    """
    english = language in (None, "en")
    text = sentence.text
    figures: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for match in _CLOCK.finditer(text):
        separator = text[match.end("h")]
        if match.group("ampm") is None and separator == ".":
            # "18.40" is a clock time only when a time word precedes it.
            before = text[max(0, match.start() - 12) : match.start()].lower()
            if not re.search(r"\b(?:at|las|hacia|by|until|from)\s*$", before):
                continue
        hour, minute = int(match.group("h")), int(match.group("m"))
        ampm = (match.group("ampm") or "").lower().replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        if ampm == "am" and hour == 12:
            hour = 0
        if hour > 23 or minute > 59:
            continue
        qualifier = _QUALIFIER_OF.get((match.group("qual") or "").lower(), "")
        figures.append(
            _figure(
                sentence,
                match.group(0),
                "time",
                "minute of day",
                hour * 60 + minute,
                qualifier,
            )
        )
        taken.append(match.span())
    for match in _FIGURE.finditer(text):
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        if not _word_bounded(text, match.start("num"), match.end("num")):
            continue
        number = parse_number(match.group("num"))
        if number is None:
            continue
        raw_number = match.group("num")
        if _YEAR.fullmatch(raw_number) and not (
            match.group("cur") or match.group("measure") or match.group("curword")
        ):
            figures.append(_figure(sentence, raw_number, "date", "year", number, "", trim=True))
            continue
        if match.group("scale"):
            number *= _SCALES[match.group("scale").strip().lower()]
        qualifier = _QUALIFIER_OF.get((match.group("qual") or "").lower(), "")
        written = match.group(0)
        currency = match.group("cur") or ""
        if currency:
            end = match.end("scale") if match.group("scale") else match.end("num")
            written = text[match.start() : end]
        if currency or match.group("curword"):
            unit = _CURRENCY_SYMBOL.get(currency) or _CURRENCY_WORD[match.group("curword").lower()]
            figures.append(_figure(sentence, written, "money", unit, number, qualifier))
        elif match.group("dur"):
            base = match.group("dur").lower().rstrip("s")
            figures.append(
                _figure(
                    sentence,
                    written,
                    "duration",
                    "hours",
                    number * _DURATION_HOURS[base],
                    qualifier,
                )
            )
        elif match.group("measure"):
            kind, unit, factor = _MEASURES[match.group("measure").lower()]
            figures.append(_figure(sentence, written, kind, unit, number * factor, qualifier))
        elif not english:
            continue
        elif match.group("noun") and match.group("noun").lower() not in _NOT_COUNTED:
            noun = _singular(match.group("noun").lower())
            figures.append(_figure(sentence, written, "count", noun, number, qualifier))
        elif not raw_number.isalpha() and qualifier:
            figures.append(
                _figure(sentence, written.rstrip(), "count", "", number, qualifier, trim=False)
            )
    return figures


def _word_bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not before.isalnum() and not (
        after.isalpha() and after.islower() and end - start > 0 and text[start:end][-1].isdigit()
    )


def _singular(noun: str) -> str:
    if noun.endswith("ies") and len(noun) > 4:
        return noun[:-3] + "y"
    if noun.endswith("s") and not noun.endswith("ss") and len(noun) > 3:
        return noun[:-1]
    return noun


def _figure(
    sentence: Sentence,
    written: str,
    kind: str,
    unit: str,
    value: float,
    qualifier: str,
    *,
    trim: bool = True,
) -> Figure:
    if kind == "time":
        low, high = (value - _CLOCK_SLACK, value + _CLOCK_SLACK) if qualifier else (value, value)
    else:
        low, high = figure_range(value, qualifier)
    text = written.strip() if trim else written
    return Figure(
        sentence.article_id, sentence.index, text, kind, unit, value, qualifier, low, high
    )


def figure_range(value: float, qualifier: str) -> tuple[float, float]:
    """The values a statement "``qualifier`` ``value``" allows."""
    if qualifier in ("more than", "at least"):
        return value, math.inf
    if qualifier in ("less than", "up to"):
        return 0.0, value
    if qualifier == "nearly":
        return value * (1 - _APPROXIMATE), value
    if qualifier == "about":
        return value * (1 - _APPROXIMATE), value * (1 + _APPROXIMATE)
    return value, value


def parse_number(text: str) -> float | None:
    """``"1,200"`` → 1200, ``"five and a half"`` → 5.5, ``"twenty-one"`` → 21."""
    cleaned = text.strip().lower()
    if re.fullmatch(r"[\d,]+(?:\.\d+)?", cleaned):
        return float(cleaned.replace(",", ""))
    half = cleaned.endswith(" and a half")
    if half:
        cleaned = cleaned[: -len(" and a half")]
    total = 0.0
    current = 0.0
    for word in re.split(r"[- ]+", cleaned):
        if word not in _UNITS:
            return None
        amount = _UNITS[word]
        if word == "hundred":
            current = max(current, 1.0) * 100
        else:
            current += amount
    total += current
    return total + (0.5 if half else 0.0)


def story_figures(sentences: Iterable[Sentence]) -> list[Figure]:
    """Every figure of ``sentences``."""
    return [figure for sentence in sentences for figure in extract_figures(sentence)]


def comparable(a: Figure, b: Figure) -> bool:
    """Whether two figures measure the same kind of thing, so that they may be compared."""
    return a.kind == b.kind and a.unit == b.unit and a.kind not in ("date",)


__all__ = ["comparable", "extract_figures", "figure_range", "parse_number", "story_figures"]
