"""Comparing the sources of one story: the comparison stage's entry point.

:func:`compare_sources` runs the comparison finders over a story's claim
groups: quotes and who each source credits (:mod:`.quotes`), people,
organisations and places with their spellings (:mod:`.entities`), figures
(:mod:`.figures`, extracted once per story), conflicts (:mod:`.conflicts`)
and details only one source group reports (:mod:`.unique`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

import numpy as np

from ..config import CompareSettings, QuoteSettings, Settings
from ..records import (
    Article,
    ClaimGroup,
    Conflict,
    Entity,
    Fact,
    Figure,
    Quote,
    QuoteGroup,
    Story,
    SummaryLine,
    UniqueDetail,
)
from ..summary import is_fragment
from ..types import Encode, Matrix
from .conflicts import ConflictInputs, find_conflicts
from .entities import EntityRecognizer, NameIndex, find_entities
from .figures import extract_figures
from .quotes import extract_quotes, group_quotes
from .unique import unique_details

L = TypeVar("L", SummaryLine, Fact)


@dataclass(slots=True)
class Comparison:
    """What comparing the sources needs beyond the vectors: NER and a sentence encoder.

    Without a recognizer there are no entities (and quote speakers stay as
    written); without an encoder, quotes are grouped by their words only.
    """

    recognizer: EntityRecognizer | None = None
    encode: Encode | None = None
    quotes: QuoteSettings = field(default_factory=QuoteSettings)
    compare: CompareSettings = field(default_factory=CompareSettings)


def make_comparison(settings: Settings, encode: Encode | None) -> Comparison:
    """The comparison tools ``settings`` ask for, for one run (NER results cached within it)."""
    recognizer = EntityRecognizer(settings.compare.ner_model) if settings.compare.ner else None
    return Comparison(recognizer, encode, settings.quotes, settings.compare)


@dataclass(slots=True)
class SourceComparison:
    """What the sources of a story agree and differ on."""

    quotes: list[QuoteGroup] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    unique: list[UniqueDetail] = field(default_factory=list)
    speakers: dict[tuple[str, int], str] = field(default_factory=dict)
    """Who speaks in, or whom the subject pronoun of, a sentence means: by (article, sentence)."""

    def attributed(self, line: L) -> L:
        """``line`` naming its speaker, where its words leave the speaker to a pronoun."""
        if not needs_speaker(line.text):
            return line
        speaker = self.speakers.get((line.article, line.sentence))
        return replace(line, speaker=speaker) if speaker else line


def compare_sources(
    story: Story,
    claims: Sequence[ClaimGroup],
    articles: Mapping[str, Article],
    sentence_vectors: Mapping[str, Matrix],
    shown: Mapping[str, SummaryLine],
    comparison: Comparison,
) -> SourceComparison:
    """Quotes, entities, figures, conflicts and unique details of ``story``.

    ``shown`` holds the line that shows each claim (by claim id): a unique
    detail is shown in the same wording as in the summary.
    """
    settings = comparison.compare
    result = SourceComparison()
    names: NameIndex | None = None
    if comparison.recognizer is not None:
        names = find_entities(story, articles, comparison.recognizer)
    quotes: list[Quote] = []
    for article_id in story.article_ids:
        quotes.extend(extract_quotes(articles[article_id], names, comparison.quotes))
    result.quotes = group_quotes(story, quotes, comparison.encode, comparison.quotes, names)
    if names is not None:
        result.speakers = _speakers(story, articles, quotes, names)
    stated: dict[tuple[str, int], list[Figure]] = {}
    for article_id in story.article_ids:
        article = articles[article_id]
        for sentence in article.sentences:
            found = extract_figures(sentence, article.language)
            stated[(article_id, sentence.index)] = found
            result.figures.extend(found)
    if names is not None:
        # Most widely named first; type and spellings decided over all mentions.
        ranked_entities = sorted(
            names.entities, key=lambda e: (-len(e.articles), -len(e.mentions), e.name)
        )
        result.entities = ranked_entities[: settings.max_entities]
    result.conflicts = find_conflicts(
        ConflictInputs(
            story=story,
            articles=articles,
            claims=claims,
            quotes=result.quotes,
            names=names,
            figures=stated,
            wording_max_words=settings.wording_max_words,
        )
    )
    figure_places = {(f.article, f.sentence) for f in result.figures}
    entity_places = {(m.article, m.sentence) for e in result.entities for m in e.mentions}
    nearest = _nearest_elsewhere(story, claims, sentence_vectors)
    result.unique = unique_details(
        story,
        claims,
        shown=lambda c: (shown[c.id].article, shown[c.id].sentence, shown[c.id].text),
        has_figure=lambda c: any((s.article_id, s.index) in figure_places for s in c.sentences),
        has_entity=lambda c: any((s.article_id, s.index) in entity_places for s in c.sentences),
        is_claim=lambda text: not is_fragment(text),
        elsewhere=lambda c: nearest[c.id],
        limit=settings.max_unique,
        threshold=settings.unique_threshold,
    )
    return result


_SAID = re.compile(
    r"[”\"’'],?\s+(?:he|she|they)\s+(?:said|asked|added|says|asks|adds|told\s+\w+|warned|"
    r"stressed|insisted|noted)\W*$",
    re.IGNORECASE,
)
_PRONOUN_SUBJECT = re.compile(r"^(?:[“\"‘']?)(He|She)\b")


def needs_speaker(text: str) -> bool:
    """True for a sentence that leaves its speaker to a pronoun: "…,” he said." or "He …"."""
    return bool(_SAID.search(text) or _PRONOUN_SUBJECT.match(text))


def _speakers(
    story: Story, articles: Mapping[str, Article], quotes: Sequence[Quote], names: NameIndex
) -> dict[tuple[str, int], str]:
    """The speaker each quote is credited to, and whom each "He …"/"She …" sentence means."""
    found: dict[tuple[str, int], str] = {}
    for quote in quotes:
        if quote.speaker_entity is not None:
            found.setdefault(
                (quote.article, quote.sentence), names.entity(quote.speaker_entity).name
            )
    for article_id in story.article_ids:
        for sentence in articles[article_id].sentences:
            match = _PRONOUN_SUBJECT.match(sentence.text)
            if match is None or (article_id, sentence.index) in found:
                continue
            entity, _ = names.resolve(match.group(1), article_id, sentence.start)
            if entity is not None:
                found[(article_id, sentence.index)] = names.entity(entity).name
    return found


def _nearest_elsewhere(
    story: Story, claims: Sequence[ClaimGroup], sentence_vectors: Mapping[str, Matrix]
) -> dict[str, float]:
    """For each claim, the highest similarity of its sentences to another source group's."""
    group_of = {a: n for n, group in enumerate(story.source_groups) for a in group}
    rows: list[Matrix] = []
    owners: list[int] = []
    for claim in claims:
        for sentence in claim.sentences:
            rows.append(sentence_vectors[sentence.article_id][sentence.index])
            owners.append(group_of.get(sentence.article_id, -1))
    nearest = {claim.id: 0.0 for claim in claims}
    if not rows:
        return nearest
    matrix = np.vstack(rows)
    owner = np.array(owners)
    start = 0
    for claim in claims:
        size = len(claim.sentences)
        groups = {group_of.get(s.article_id, -1) for s in claim.sentences}
        others = ~np.isin(owner, list(groups))
        if others.any():
            scores = matrix[start : start + size] @ matrix[others].T
            nearest[claim.id] = float(scores.max())
        start += size
    return nearest


__all__ = ["Comparison", "SourceComparison", "compare_sources", "make_comparison", "needs_speaker"]
