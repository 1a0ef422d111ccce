"""The digest: an extractive, cited summary of a story, and its facts.

Nothing here writes a sentence: every line shown is a sentence of a source,
chosen from a claim group and cited with every article that states it.
Claims are ranked by independent support, then by centrality and position,
redundant ones are skipped, and the chosen lines are put in reading order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .align import Matrix, claim_centroid
from .compare.conflicts import find_conflicts
from .compare.entities import EntityRecognizer, NameIndex, find_entities
from .compare.figures import extract_figures
from .compare.quotes import Encode, extract_quotes, group_quotes
from .compare.unique import unique_details
from .config import CompareSettings, DigestSettings, QuoteSettings, Settings
from .records import (
    Article,
    Citation,
    ClaimGroup,
    Digest,
    Fact,
    Quote,
    Sentence,
    Story,
    SummaryLine,
)

_CENTRALITY_WEIGHT = 0.5
_LEAD_WEIGHT = 0.5


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


def build_digest(
    story: Story,
    claims: Sequence[ClaimGroup],
    articles: Mapping[str, Article],
    sentence_vectors: Mapping[str, Matrix],
    settings: DigestSettings | None = None,
    comparison: Comparison | None = None,
) -> Digest:
    """The digest of ``story`` from its claim groups, with what the sources agree and differ on."""
    settings = settings or DigestSettings()
    comparison = comparison or Comparison()
    ranking = _rank(story, claims, articles, sentence_vectors)
    ranked, lines, centroids, position = ranking
    candidates = ranked
    chosen = _select(ranked, centroids, lines, settings)
    chosen.sort(key=lambda c: (position[c.id], c.id))
    summary = [lines[c.id] for c in chosen]
    corroborated = [c for c in candidates if len(c.articles) > 1]
    corroborated.sort(key=lambda c: (-c.independent_support, -len(c.articles), -c.centrality, c.id))
    facts = [_fact(lines[c.id]) for c in corroborated[: settings.max_facts]]
    digest = Digest(story=story, summary=summary, facts=facts, claims=list(claims))
    _compare(digest, articles, sentence_vectors, lines, comparison)
    return digest


@dataclass(frozen=True, slots=True)
class RankedLine:
    """A summary line with its place: ``position`` 0 (lead) to 1 (end of the articles)."""

    line: SummaryLine
    position: float


def ranked_lines(
    story: Story,
    claims: Sequence[ClaimGroup],
    articles: Mapping[str, Article],
    sentence_vectors: Mapping[str, Matrix],
    settings: DigestSettings | None = None,
) -> list[RankedLine]:
    """Every non-redundant summary line in rank order, without a word budget.

    For callers that fill a budget their own way (the summary evaluation cuts
    the lowest-ranked line it takes to the budget's last word).
    """
    settings = replace(settings or DigestSettings(), summary_words=10**9)
    ranked, lines, centroids, position = _rank(story, claims, articles, sentence_vectors)
    chosen = _select(ranked, centroids, lines, settings)
    return [RankedLine(lines[c.id], position[c.id]) for c in chosen]


_Ranking = tuple[list[ClaimGroup], dict[str, SummaryLine], dict[str, Matrix], dict[str, float]]


def _rank(
    story: Story,
    claims: Sequence[ClaimGroup],
    articles: Mapping[str, Article],
    sentence_vectors: Mapping[str, Matrix],
) -> _Ranking:
    """Claims that are not fragments, best first, with their lines, centroids and positions."""
    order = {article_id: n for n, article_id in enumerate(story.article_ids)}
    language = _main_language(story, articles)
    centroids = {claim.id: claim_centroid(claim, sentence_vectors) for claim in claims}
    position = {claim.id: _relative_position(claim, articles) for claim in claims}
    lines = {
        c.id: _summary_line(c, centroids[c.id], sentence_vectors, order, articles, language)
        for c in claims
    }
    candidates = [c for c in claims if not is_fragment(lines[c.id].text)]
    ranked = sorted(
        candidates,
        key=lambda c: (-_score(c, position[c.id]), position[c.id], c.id),
    )
    return ranked, lines, centroids, position


def _compare(
    digest: Digest,
    articles: Mapping[str, Article],
    sentence_vectors: Mapping[str, Matrix],
    lines: Mapping[str, SummaryLine],
    comparison: Comparison,
) -> None:
    """Fill the digest's quotes, entities, figures, conflicts and unique details."""
    story, claims = digest.story, digest.claims
    settings = comparison.compare
    names: NameIndex | None = None
    if comparison.recognizer is not None:
        names = find_entities(story, articles, comparison.recognizer)
    quotes: list[Quote] = []
    for article_id in story.article_ids:
        quotes.extend(extract_quotes(articles[article_id], names, comparison.quotes))
    digest.quotes = group_quotes(story, quotes, comparison.encode, comparison.quotes, names)
    figures = [
        figure
        for article_id in story.article_ids
        for sentence in articles[article_id].sentences
        for figure in extract_figures(sentence, articles[article_id].language)
    ]
    digest.figures = figures
    if names is not None:
        # Most widely named first; type and spellings decided over all mentions.
        ranked_entities = sorted(
            names.entities, key=lambda e: (-len(e.articles), -len(e.mentions), e.name)
        )
        digest.entities = ranked_entities[: settings.max_entities]
    digest.conflicts = find_conflicts(
        story,
        articles,
        claims,
        digest.quotes,
        names,
        wording_max_words=settings.wording_max_words,
    )
    figure_places = {(f.article, f.sentence) for f in figures}
    entity_places = {(m.article, m.sentence) for e in digest.entities for m in e.mentions}
    nearest = _nearest_elsewhere(story, claims, sentence_vectors)
    digest.unique = unique_details(
        story,
        claims,
        shown=lambda c: (lines[c.id].article, lines[c.id].sentence, lines[c.id].text),
        has_figure=lambda c: any((s.article_id, s.index) in figure_places for s in c.sentences),
        has_entity=lambda c: any((s.article_id, s.index) in entity_places for s in c.sentences),
        is_claim=lambda text: not is_fragment(text),
        elsewhere=lambda c: nearest[c.id],
        limit=settings.max_unique,
        threshold=settings.unique_threshold,
    )


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


def _main_language(story: Story, articles: Mapping[str, Article]) -> str | None:
    counts: dict[str | None, int] = {}
    for article_id in story.article_ids:
        language = articles[article_id].language
        counts[language] = counts.get(language, 0) + 1
    return max(counts, key=lambda lang: (counts[lang], lang or "")) if counts else None


_TERMINAL = (".", "!", "?", "…", '"', "'", "”", "’", ")")
_MIN_HEADLINE_WORDS = 10


def is_fragment(text: str) -> bool:
    """A short line without closing punctuation: a subheading or a caption, not a claim."""
    return not text.rstrip().endswith(_TERMINAL) and len(text.split()) < _MIN_HEADLINE_WORDS


def _score(claim: ClaimGroup, position: float) -> float:
    return (
        claim.independent_support
        + _CENTRALITY_WEIGHT * claim.centrality
        + _LEAD_WEIGHT * (1.0 - position)
    )


def _relative_position(claim: ClaimGroup, articles: Mapping[str, Article]) -> float:
    """How early the claim comes, 0 (first sentence) to 1 (last), best over its articles."""
    positions = []
    for sentence in claim.sentences:
        count = len(articles[sentence.article_id].sentences)
        positions.append(sentence.index / max(1, count - 1))
    return min(positions)


def _select(
    ranked: Sequence[ClaimGroup],
    centroids: Mapping[str, Matrix],
    lines: Mapping[str, SummaryLine],
    settings: DigestSettings,
) -> list[ClaimGroup]:
    """Claims in rank order that fit the word budget and repeat no chosen claim."""
    chosen: list[ClaimGroup] = []
    words = 0
    for claim in ranked:
        length = len(lines[claim.id].text.split())
        if words + length > settings.summary_words:
            continue
        if any(
            float(centroids[claim.id] @ centroids[c.id]) >= settings.redundancy_threshold
            for c in chosen
        ):
            continue
        chosen.append(claim)
        words += length
    if not chosen and ranked:
        chosen.append(ranked[0])
    return chosen


def representative(
    claim: ClaimGroup,
    centroid: Matrix,
    sentence_vectors: Mapping[str, Matrix],
    order: Mapping[str, int],
    articles: Mapping[str, Article] | None = None,
    language: str | None = None,
) -> Sentence:
    """The wording that shows the claim.

    The cleanest sentence in the story's main language (no spinner or
    translation artefacts), then the one closest to the group's centroid, then
    the earliest article (the likely origin).
    """

    def key(s: Sentence) -> tuple[bool, int, float, int]:
        article = articles.get(s.article_id) if articles is not None else None
        in_language = article is None or language is None or article.language == language
        return (
            in_language,
            -artefacts(s.text),
            round(float(sentence_vectors[s.article_id][s.index] @ centroid), 4),
            -order.get(s.article_id, 0),
        )

    return max(claim.sentences, key=key)


_ARTEFACTS = re.compile(
    r"^[A-Z][A-Z .'-]{2,},[^()]{0,60}\([^)]*\)\s*[-–—]|"  # a wire dateline
    r"\bonce morest\b|\bregarding (?:five|\d)|\s[.,;:]\s|\.\s*\.|#\w|\s{2,}|"
    r"[a-z][A-Z][a-z]|^[a-z]|\b(\w+) \1\b"
)


def artefacts(text: str) -> int:
    """How many signs of spinning, machine translation or bad extraction ``text`` shows."""
    return len(_ARTEFACTS.findall(text))


def _citations(
    claim: ClaimGroup, order: Mapping[str, int]
) -> tuple[tuple[str, ...], tuple[Citation, ...]]:
    sentences = sorted(claim.sentences, key=lambda s: order.get(s.article_id, 0))
    evidence = tuple(Citation(s.article_id, s.index, s.text) for s in sentences)
    return tuple(dict.fromkeys(s.article_id for s in sentences)), evidence


def _summary_line(
    claim: ClaimGroup,
    centroid: Matrix,
    sentence_vectors: Mapping[str, Matrix],
    order: Mapping[str, int],
    articles: Mapping[str, Article],
    language: str | None,
) -> SummaryLine:
    shown = representative(claim, centroid, sentence_vectors, order, articles, language)
    citations, evidence = _citations(claim, order)
    return SummaryLine(
        text=shown.text,
        article=shown.article_id,
        sentence=shown.index,
        citations=citations,
        evidence=evidence,
        independent_support=claim.independent_support,
    )


def _fact(line: SummaryLine) -> Fact:
    return Fact(
        text=line.text,
        article=line.article,
        sentence=line.sentence,
        citations=line.citations,
        evidence=line.evidence,
        independent_support=line.independent_support,
    )


__all__ = [
    "Comparison",
    "RankedLine",
    "artefacts",
    "build_digest",
    "is_fragment",
    "make_comparison",
    "ranked_lines",
    "representative",
]
