"""Conflicts: where the sources of a story disagree, with the evidence.

Four kinds, each found by rules over what alignment, quotes and entities
produced:

* ``figure``: two sentences of one claim group (the same claim in different
  sources) state figures of the same kind and unit whose ranges do not meet
  ("€42 million" vs "€24 million"; "about 5.5 hours" and "more than five
  hours" meet, so they agree);
* ``attribution``: one quote group whose quotes are credited to different
  people (a quote credited to an ambiguous surname conflicts with nobody it
  could be);
* ``name``: an entity written with a misspelled word in some sources
  ("Oskarson" for "Oskarsen"; a dropped first name or a middle initial is not
  a misspelling);
* ``wording``: two wordings of one quote, in the same language, identical but
  for one or two replaced content words ("allies" vs "partners"). Wordings
  that differ all along are re-translations, and translation noise alone is
  not a conflict.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

from rapidfuzz.fuzz import ratio

from ..records import (
    Article,
    Citation,
    ClaimGroup,
    Conflict,
    ConflictValue,
    Figure,
    Quote,
    QuoteGroup,
    Sentence,
    Story,
)
from .entities import HEADLINE, NameIndex, clean_name, name_key
from .figures import comparable
from .quotes import overlap

_STOPWORDS = frozenset(
    """
    a an the of and or to in on at for by from with as is are was were be been being has have
    had do does did that this these those which who whom it its their his her our your my we
    they he she i you not no but so than then there here will would shall should can could
    may might must also very just only all any some such into over about up out more most
    """.split()
)


class ConflictKind(StrEnum):
    """What the sources disagree on (the ``kind`` of a :class:`~synopsis.records.Conflict`)."""

    FIGURE = "figure"
    ATTRIBUTION = "attribution"
    NAME = "name"
    WORDING = "wording"


@dataclass(frozen=True, slots=True)
class ConflictInputs:
    """What the finders look at: a story's claims, quotes, names and figures.

    ``figures`` holds the figures of each sentence, by ``(article id,
    sentence index)``, extracted once per story; ``names`` is ``None``
    without NER (then attributions and names are not compared).
    """

    story: Story
    articles: Mapping[str, Article]
    claims: Sequence[ClaimGroup]
    quotes: Sequence[QuoteGroup]
    names: NameIndex | None
    figures: Mapping[tuple[str, int], Sequence[Figure]]
    wording_max_words: int = 2


ConflictFinder = Callable[[ConflictInputs], list[Conflict]]
"""Finds the conflicts of one kind."""


def find_conflicts(
    inputs: ConflictInputs, finders: Sequence[ConflictFinder] | None = None
) -> list[Conflict]:
    """Every conflict of a story, finder by finder (by default :data:`FINDERS`, in order)."""
    chosen = FINDERS if finders is None else finders
    return [conflict for finder in chosen for conflict in finder(inputs)]


def _citation(articles: Mapping[str, Article], article_id: str, sentence: int) -> Citation:
    article = articles[article_id]
    if sentence == HEADLINE:
        return Citation(article_id, HEADLINE, article.title or "")
    return Citation(article_id, sentence, article.sentences[sentence].text)


def _value(
    text: str, places: Sequence[tuple[str, int]], articles: Mapping[str, Article]
) -> ConflictValue:
    unique = list(dict.fromkeys(places))
    return ConflictValue(
        value=text,
        citations=tuple(dict.fromkeys(a for a, _ in unique)),
        evidence=tuple(_citation(articles, a, s) for a, s in unique),
    )


# ----------------------------------------------------------------------------- figures


def figure_conflicts(inputs: ConflictInputs) -> list[Conflict]:
    """Incompatible figures within aligned claims."""
    story, claims, figures = inputs.story, inputs.claims, inputs.figures
    source_of = {a: n for n, group in enumerate(story.source_groups) for a in group}
    conflicts: list[Conflict] = []
    for claim in claims:
        stated = [(s, figures.get((s.article_id, s.index), ())) for s in claim.sentences]
        disagreeing: dict[tuple[str, str], list[tuple[Sentence, Figure]]] = {}
        for i, (a, figures_a) in enumerate(stated):
            for b, figures_b in stated[i + 1 :]:
                if source_of.get(a.article_id, a.article_id) == source_of.get(
                    b.article_id, b.article_id
                ):
                    continue
                for fa, fb in _counterparts(a.text, figures_a, b.text, figures_b):
                    if not fa.agrees_with(fb):
                        found = disagreeing.setdefault((fa.kind, fa.unit), [])
                        found.extend([(a, fa), (b, fb)])
        for (kind, unit), pairs in disagreeing.items():
            values = _buckets(pairs)
            if len(values) < 2:
                continue
            about = f"{kind} ({unit})" if unit else kind
            conflicts.append(
                Conflict(
                    kind=ConflictKind.FIGURE,
                    about=f"{about} in: {claim.sentences[0].text}",
                    values=tuple(
                        ConflictValue(
                            value=figure.text,
                            citations=tuple(dict.fromkeys(s.article_id for s in sentences)),
                            evidence=tuple(
                                dict.fromkeys(
                                    Citation(s.article_id, s.index, s.text) for s in sentences
                                )
                            ),
                        )
                        for figure, sentences in values
                    ),
                )
            )
    return conflicts


def _counterparts(
    text_a: str, a: Sequence[Figure], text_b: str, b: Sequence[Figure]
) -> list[tuple[Figure, Figure]]:
    """Figure pairs that state the same quantity: the only one of its kind and unit on each side.

    Counts must also count the same thing in the same role: the same word after them
    ("14 people were killed" and "nine people were killed", not "nine people still missing").
    """
    pairs: list[tuple[Figure, Figure]] = []
    for fa in a:
        same_a = [f for f in a if comparable(f, fa)]
        same_b = [f for f in b if comparable(f, fa)]
        if len(same_a) != 1 or len(same_b) != 1:
            continue
        fb = same_b[0]
        if fa.kind == "count" and (
            not fa.unit or _word_after(text_a, fa) != _word_after(text_b, fb)
        ):
            continue
        pairs.append((fa, fb))
    return pairs


def _word_after(text: str, figure: Figure) -> str:
    at = text.find(figure.text)
    following = _words(text[at + len(figure.text) :]) if at >= 0 else []
    return following[0] if following else ""


def _buckets(pairs: Sequence[tuple[Sentence, Figure]]) -> list[tuple[Figure, list[Sentence]]]:
    """Group stated figures into mutually agreeing values, in order of first statement."""
    buckets: list[tuple[Figure, list[Sentence]]] = []
    for sentence, figure in pairs:
        for shown, sentences in buckets:
            if shown.agrees_with(figure):
                if sentence not in sentences:
                    sentences.append(sentence)
                break
        else:
            buckets.append((figure, [sentence]))
    return buckets


# ----------------------------------------------------------------------------- quotes


def attribution_conflicts(inputs: ConflictInputs) -> list[Conflict]:
    """Quote groups whose quotes are credited to different people."""
    articles, groups, names = inputs.articles, inputs.quotes, inputs.names
    conflicts: list[Conflict] = []
    if names is None:
        return conflicts
    for group in groups:
        by_speaker: dict[str, list[Quote]] = {}
        for quote in group.quotes:
            if quote.speaker_entity is not None:
                by_speaker.setdefault(quote.speaker_entity, []).append(quote)
        if len(by_speaker) < 2:
            continue
        conflicts.append(
            Conflict(
                kind=ConflictKind.ATTRIBUTION,
                about=f"“{group.text}”",
                values=tuple(
                    _value(
                        names.entity(speaker).name,
                        [(q.article, q.sentence) for q in quotes],
                        articles,
                    )
                    for speaker, quotes in by_speaker.items()
                ),
            )
        )
    return conflicts


def wording_conflicts(inputs: ConflictInputs) -> list[Conflict]:
    """Wordings of one quote that differ only in one or two content words."""
    articles, groups, max_words = inputs.articles, inputs.quotes, inputs.wording_max_words
    conflicts: list[Conflict] = []
    for group in groups:
        found: dict[tuple[str, str], tuple[list[tuple[str, int]], list[tuple[str, int]]]] = {}
        quotes = group.quotes
        for i, qa in enumerate(quotes):
            for qb in quotes[i + 1 :]:
                if articles[qa.article].language != articles[qb.article].language:
                    continue  # a translation words a quote its own way
                for pa in qa.parts:
                    for pb in qb.parts:
                        change = replaced_words(pa, pb, max_words)
                        if change is None:
                            continue
                        places = found.setdefault(change, ([], []))
                        places[0].append((qa.article, qa.sentence))
                        places[1].append((qb.article, qb.sentence))
        for (old, new), (places_a, places_b) in found.items():
            conflicts.append(
                Conflict(
                    kind=ConflictKind.WORDING,
                    about=f"“{group.text}”",
                    values=(_value(old, places_a, articles), _value(new, places_b, articles)),
                )
            )
    return conflicts


def _words(text: str) -> list[str]:
    return [w.casefold() for w in re.findall(r"[\w']+", text)]


def replaced_words(a: str, b: str, max_words: int = 2) -> tuple[str, str] | None:
    """The words of ``a`` replaced in ``b`` when the two are otherwise identical.

    Only the stretch the two wordings share is compared (one may quote a
    fragment of the other). Returns ``None`` unless exactly one run of at most
    ``max_words`` content words differs, with at least two shared words around
    it, and the change is not a spelling variant.
    """
    wa, wb = _words(a), _words(b)
    if overlap(wa, wb) < 0.5:
        return None
    matcher = SequenceMatcher(None, wa, wb, autojunk=False)
    blocks = [m for m in matcher.get_matching_blocks() if m.size]
    if not blocks:
        return None
    ops = matcher.get_opcodes()
    # Trim what lies outside the shared stretch, keeping a replaced run at its edge
    # at the same length on both sides.
    inner: list[tuple[str, int, int, int, int]] = []
    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        edge = n == 0 or n == len(ops) - 1
        if tag == "equal":
            inner.append((tag, i1, i2, j1, j2))
            continue
        if edge:
            if tag != "replace":
                continue
            length = min(i2 - i1, j2 - j1)
            if n == 0:
                i1, j1 = i2 - length, j2 - length
            else:
                i2, j2 = i1 + length, j1 + length
            if length == 0:
                continue
        inner.append((tag, i1, i2, j1, j2))
    changes = [op for op in inner if op[0] != "equal"]
    shared = sum(op[2] - op[1] for op in inner if op[0] == "equal")
    if len(changes) != 1 or shared < 2:
        return None
    kind, i1, i2, j1, j2 = changes[0]
    if kind != "replace" or i2 - i1 > max_words or j2 - j1 > max_words:
        return None
    old, new = wa[i1:i2], wb[j1:j2]
    if any(w in _STOPWORDS for w in old + new):
        return None
    if any(w.isdigit() for w in old + new):
        return None
    if ratio(" ".join(old), " ".join(new)) >= 80:
        return None  # a spelling variant, not another word
    return " ".join(old), " ".join(new)


# ----------------------------------------------------------------------------- names


def misspelled_words(variant: str, canonical: str) -> list[str]:
    """Words of ``variant`` that are near-misses of a word of ``canonical``."""
    canon = [_orthography(w) for w in name_key(canonical).split() if len(w) > 1]
    wrong: list[str] = []
    for word in name_key(variant).split():
        if len(word) <= 1 or _orthography(word) in canon:
            continue
        if any(_near(_orthography(word), c) for c in canon):
            wrong.append(word)
    return wrong


def _orthography(word: str) -> str:
    """A word with British/American and hyphenation differences levelled ("co-operation")."""
    return re.sub(r"is(ation|e|ed|es|ing)$", r"iz\1", word.replace("-", ""))


def _near(a: str, b: str) -> bool:
    if a.rstrip("s") == b.rstrip("s"):
        return False  # "Elections" for "Election": a plural, not a misspelling
    if min(len(a), len(b)) <= 3:
        return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1
    return ratio(a, b) >= 75 and abs(len(a) - len(b)) <= 2


def name_conflicts(inputs: ConflictInputs) -> list[Conflict]:
    """Entities whose name some sources misspell."""
    conflicts: list[Conflict] = []
    if inputs.names is None:
        return conflicts
    articles = inputs.articles
    for entity in inputs.names.entities:
        wrong = [v for v in entity.variants if misspelled_words(v, entity.name)]
        if not wrong:
            continue
        spelled: dict[str, list[tuple[str, int]]] = {}
        for mention in entity.mentions:
            written = name_key(clean_name(mention.text))
            key = next((v for v in [entity.name, *wrong] if name_key(v) == written), None)
            if key is not None:
                spelled.setdefault(key, []).append((mention.article, mention.sentence))
        if entity.name not in spelled or len(spelled) < 2:
            continue
        ordered = [entity.name, *(v for v in wrong if v in spelled)]
        conflicts.append(
            Conflict(
                kind=ConflictKind.NAME,
                about=entity.name,
                values=tuple(_value(v, spelled[v], articles) for v in ordered),
            )
        )
    return conflicts


FINDERS: tuple[ConflictFinder, ...] = (
    figure_conflicts,
    attribution_conflicts,
    name_conflicts,
    wording_conflicts,
)
"""The finders :func:`find_conflicts` runs, in the order their conflicts are listed."""


__all__ = [
    "FINDERS",
    "ConflictFinder",
    "ConflictInputs",
    "ConflictKind",
    "attribution_conflicts",
    "figure_conflicts",
    "find_conflicts",
    "misspelled_words",
    "name_conflicts",
    "replaced_words",
    "wording_conflicts",
]
