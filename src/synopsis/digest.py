"""The digest: an extractive, cited summary of a story, and its facts.

Nothing here writes a sentence: every line shown is a sentence of a source,
chosen from a claim group and cited with every article that states it.
Claims are ranked by independent support, then by centrality and position,
redundant ones are skipped, and the chosen lines are put in reading order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .align import Matrix, claim_centroid
from .config import DigestSettings
from .records import Article, Citation, ClaimGroup, Digest, Fact, Sentence, Story, SummaryLine

_CENTRALITY_WEIGHT = 0.5
_LEAD_WEIGHT = 0.5


def build_digest(
    story: Story,
    claims: Sequence[ClaimGroup],
    articles: Mapping[str, Article],
    sentence_vectors: Mapping[str, Matrix],
    settings: DigestSettings | None = None,
) -> Digest:
    """The digest of ``story`` from its claim groups."""
    settings = settings or DigestSettings()
    order = {article_id: n for n, article_id in enumerate(story.article_ids)}
    centroids = {claim.id: claim_centroid(claim, sentence_vectors) for claim in claims}
    position = {claim.id: _relative_position(claim, articles) for claim in claims}
    lines = {c.id: _summary_line(c, centroids[c.id], sentence_vectors, order) for c in claims}
    candidates = [c for c in claims if not is_fragment(lines[c.id].text)]
    ranked = sorted(
        candidates,
        key=lambda c: (-_score(c, position[c.id]), position[c.id], c.id),
    )
    chosen = _select(ranked, centroids, lines, settings)
    chosen.sort(key=lambda c: (position[c.id], c.id))
    summary = [lines[c.id] for c in chosen]
    corroborated = [c for c in candidates if len(c.articles) > 1]
    corroborated.sort(key=lambda c: (-c.independent_support, -len(c.articles), -c.centrality, c.id))
    facts = [_fact(lines[c.id]) for c in corroborated[: settings.max_facts]]
    return Digest(story=story, summary=summary, facts=facts, claims=list(claims))


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
) -> Sentence:
    """The wording that shows the claim: the sentence closest to the group's centroid."""
    return max(
        claim.sentences,
        key=lambda s: (
            round(float(sentence_vectors[s.article_id][s.index] @ centroid), 4),
            -order.get(s.article_id, 0),
        ),
    )


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
) -> SummaryLine:
    shown = representative(claim, centroid, sentence_vectors, order)
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


__all__ = ["build_digest", "representative"]
