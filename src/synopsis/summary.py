"""The summary: an extractive, cited summary of a story, and its facts.

Nothing here writes a sentence: every line shown is a sentence of a source,
chosen from a claim group and cited with every article that states it.
Claims are ranked by independent support, then by centrality and position,
redundant ones are skipped, and the chosen lines are put in reading order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from .align import claim_centroid
from .config import DigestSettings
from .records import (
    Article,
    Citation,
    CitedLine,
    ClaimGroup,
    Conflict,
    Fact,
    RankedLine,
    Sentence,
    Story,
    SummaryLine,
)
from .text.quality import loaded_labels, wording_artefacts
from .types import Matrix

_CENTRALITY_WEIGHT = 0.5
_LEAD_WEIGHT = 0.5


@dataclass(slots=True)
class Summary:
    """What summarising a story chose.

    ``lines`` is the summary in reading order and ``facts`` the corroborated
    claims, best supported first; ``shown`` holds the line that shows each
    claim (by claim id), and ``ranking`` every non-redundant line in rank
    order without a word budget (filled only when asked for).
    """

    lines: list[SummaryLine]
    facts: list[Fact]
    shown: dict[str, SummaryLine]
    ranking: list[RankedLine] = field(default_factory=list)


def summarize(
    story: Story,
    claims: Sequence[ClaimGroup],
    articles: Mapping[str, Article],
    sentence_vectors: Mapping[str, Matrix],
    settings: DigestSettings | None = None,
    *,
    rank_all: bool = False,
) -> Summary:
    """The summary and facts of ``story`` from its claim groups.

    ``rank_all`` also ranks every line without the word budget, for callers
    that fill a budget their own way (the summary evaluation cuts the
    lowest-ranked line it takes at the budget's last word).
    """
    settings = settings or DigestSettings()
    ranked, lines, centroids, position = _rank(story, claims, articles, sentence_vectors)
    chosen = _select(ranked, centroids, lines, settings)
    chosen.sort(key=lambda c: (position[c.id], c.id))
    corroborated = [c for c in ranked if len(c.articles) > 1]
    corroborated.sort(key=lambda c: (-c.independent_support, -len(c.articles), -c.centrality, c.id))
    ranking: list[RankedLine] = []
    if rank_all:
        unbounded = replace(settings, summary_words=10**9)
        ranking = [
            RankedLine(lines[c.id], position[c.id])
            for c in _select(ranked, centroids, lines, unbounded)
        ]
    facts = _distinct(corroborated, lines)
    return Summary(
        lines=[lines[c.id] for c in chosen],
        facts=[Fact.from_line(lines[c.id]) for c in facts],
        shown=lines,
        ranking=ranking,
    )


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
    coverage: dict[tuple[str, int], int] = {}
    for claim in claims:
        if len(claim.articles) > 1:
            for sentence in claim.sentences:
                key = (sentence.article_id, sentence.index)
                coverage[key] = coverage.get(key, 0) + 1
    lines = {
        c.id: _summary_line(
            c, centroids[c.id], sentence_vectors, order, articles, language, coverage
        )
        for c in claims
    }
    candidates = [c for c in claims if not is_fragment(lines[c.id].text)]
    ranked = sorted(
        candidates,
        key=lambda c: (-_score(c, position[c.id]), position[c.id], c.id),
    )
    return ranked, lines, centroids, position


def _main_language(story: Story, articles: Mapping[str, Article]) -> str | None:
    counts: dict[str | None, int] = {}
    for article_id in story.article_ids:
        language = articles[article_id].language
        counts[language] = counts.get(language, 0) + 1
    return max(counts, key=lambda lang: (counts[lang], lang or "")) if counts else None


_TERMINAL = (".", "!", "?", "…", '"', "'", "”", "’", ")")
_MIN_HEADLINE_WORDS = 10


_CUT_OFF = ("…", "...")


def is_fragment(text: str) -> bool:
    """A short line without closing punctuation (a subheading or a caption), or one cut
    off by an ellipsis ("“Once this problem is resolved…"): not a claim."""
    end = text.rstrip().rstrip("\"'”’")
    if len(text.split()) >= _MIN_HEADLINE_WORDS:
        return False
    return not text.rstrip().endswith(_TERMINAL) or end.endswith(_CUT_OFF)


def _score(claim: ClaimGroup, position: float) -> float:
    return (
        claim.independent_support
        + _CENTRALITY_WEIGHT * claim.centrality
        + _LEAD_WEIGHT * (1.0 - position)
    )


def _relative_position(claim: ClaimGroup, articles: Mapping[str, Article]) -> float:
    """How early the claim comes, 0 (first sentence) to 1 (last), best over the articles
    that state it as a whole (a sentence that supports it as part of saying more
    leads with its own claim)."""
    positions = []
    for sentence in claim.own:
        count = len(articles[sentence.article_id].sentences)
        positions.append(sentence.index / max(1, count - 1))
    return min(positions)


def _distinct(claims: Sequence[ClaimGroup], lines: Mapping[str, SummaryLine]) -> list[ClaimGroup]:
    """``claims`` without those shown by a sentence an earlier one shows.

    With many-to-many alignment one sentence supports several claims; two
    groups that come to be shown by the same sentence would show the reader
    one line twice.
    """
    seen: set[tuple[str, int]] = set()
    kept: list[ClaimGroup] = []
    for claim in claims:
        key = (lines[claim.id].article, lines[claim.id].sentence)
        if key not in seen:
            seen.add(key)
            kept.append(claim)
    return kept


def _select(
    ranked: Sequence[ClaimGroup],
    centroids: Mapping[str, Matrix],
    lines: Mapping[str, SummaryLine],
    settings: DigestSettings,
) -> list[ClaimGroup]:
    """Claims in rank order that fit the word budget and repeat no chosen claim."""
    chosen: list[ClaimGroup] = []
    shown: set[tuple[str, int]] = set()
    words = 0
    for claim in _distinct(ranked, lines):
        if any((s.article_id, s.index) in shown for s in claim.sentences):
            continue  # a line already chosen states this claim too
        length = len(lines[claim.id].text.split())
        if words + length > settings.summary_words:
            continue
        if any(
            float(centroids[claim.id] @ centroids[c.id]) >= settings.redundancy_threshold
            for c in chosen
        ):
            continue
        chosen.append(claim)
        shown.add((lines[claim.id].article, lines[claim.id].sentence))
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
    coverage: Mapping[tuple[str, int], int] | None = None,
) -> Sentence:
    """The wording that shows the claim.

    Among the sentences that state the claim as a whole (not as part of
    saying more), the cleanest sentence in the story's main language (no spinner or
    translation artefacts), then the most neutral (no loaded labels such as
    "the dictator"), then the one that states the most corroborated claims
    (``coverage``, by article and sentence index: one line then shows them
    all), then the one closest to the group's centroid, then the earliest
    article (the likely origin).
    """

    def key(s: Sentence) -> tuple[bool, int, int, int, float, int]:
        article = articles.get(s.article_id) if articles is not None else None
        in_language = article is None or language is None or article.language == language
        return (
            in_language,
            -wording_artefacts(s.text),
            -loaded_labels(s.text),
            coverage.get((s.article_id, s.index), 0) if coverage is not None else 0,
            round(float(sentence_vectors[s.article_id][s.index] @ centroid), 4),
            -order.get(s.article_id, 0),
        )

    return max(claim.own, key=key)


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
    coverage: Mapping[tuple[str, int], int],
) -> SummaryLine:
    shown = representative(claim, centroid, sentence_vectors, order, articles, language, coverage)
    citations, evidence = _citations(claim, order)
    return SummaryLine(
        text=shown.text,
        article=shown.article_id,
        sentence=shown.index,
        citations=citations,
        evidence=evidence,
        independent_support=claim.independent_support,
    )


_TITLE_CUT = re.compile(
    r",\s|;\s|:\s|\s[—–-]\s|\s(?=(?:as part of|as|after|while|which|who|when|where|because|"
    r"amid|despite|before|following)\s)",
)
_TITLE_MIN_WORDS = 6
_TITLE_MAX_WORDS = 18


def shown_title(
    story: Story,
    articles: Mapping[str, Article],
    conflicts: Sequence[Conflict],
    lead: CitedLine | None,
) -> str:
    """The story's title as its digest shows it, by the rule of the shown wordings.

    Among its members' titles: the one that spells every name as most sources
    do (a spelling that a name conflict shows fewer sources using counts
    against it: "XI Jingping", "Blingen"), then without loaded labels, then
    without spinner or translation artefacts; on a tie the story's own title
    (the one closest to the story), then the earliest. Where every title
    misspells a name, the lead line (the most corroborated claim) stands in,
    cut at its first clause boundary (or after ``_TITLE_MAX_WORDS`` words).
    """
    minority = _minority_spellings(conflicts)
    titles = [
        title
        for article_id in story.article_ids
        if (title := (articles[article_id].title if article_id in articles else None))
    ]
    if story.title and story.title not in titles:
        titles.insert(0, story.title)
    if not titles:
        return story.title

    def key(title: str) -> tuple[int, int, int, bool]:
        return (
            sum(1 for spelling in minority if _spells(title, spelling)),
            loaded_labels(title),
            wording_artefacts(title),
            title != story.title,
        )

    best = min(titles, key=key)  # min keeps the earliest of equals
    if key(best)[0] and lead is not None:
        return _headline(lead.text)
    return best


def _minority_spellings(conflicts: Sequence[Conflict]) -> set[str]:
    """The spellings of names that fewer sources use than the name's main spelling."""
    found: set[str] = set()
    for conflict in conflicts:
        if conflict.kind != "name" or not conflict.values:
            continue
        most = max(len(value.citations) for value in conflict.values)
        found.update(v.value for v in conflict.values if len(v.citations) < most)
    return found


def _spells(title: str, spelling: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(spelling)}(?!\w)", title) is not None


def _headline(text: str) -> str:
    """``text`` cut at its first clause boundary after a few words, or after the most words."""
    words = text.split()
    for match in _TITLE_CUT.finditer(text):
        if len(text[: match.start()].split()) >= _TITLE_MIN_WORDS:
            head = text[: match.start()].rstrip(" ,;:")
            if len(head.split()) <= _TITLE_MAX_WORDS:
                return head
            break
    if len(words) <= _TITLE_MAX_WORDS:
        return text.rstrip()
    return " ".join(words[:_TITLE_MAX_WORDS]).rstrip(" ,;:") + "…"


__all__ = ["Summary", "is_fragment", "representative", "shown_title", "summarize"]
