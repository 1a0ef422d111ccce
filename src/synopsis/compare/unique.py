"""Unique details: claims that only one source group reports.

A claim stated by one article, or only by copies of one original, is a detail
the other outlets did not carry. The most informative come first: those that
name figures or entities, then the most central to the story.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..records import Citation, ClaimGroup, Story, UniqueDetail

_DETAIL_BONUS = 0.25
"""Added to a claim's centrality for each kind of detail it holds (a figure, a name)."""


def unique_details(
    story: Story,
    claims: Sequence[ClaimGroup],
    *,
    shown: Callable[[ClaimGroup], tuple[str, int, str]],
    has_figure: Callable[[ClaimGroup], bool],
    has_entity: Callable[[ClaimGroup], bool],
    is_claim: Callable[[str], bool],
    elsewhere: Callable[[ClaimGroup], float],
    limit: int,
    threshold: float,
) -> list[UniqueDetail]:
    """Up to ``limit`` claims of ``story`` reported by a single source group.

    ``shown(claim)`` gives the (article, sentence, text) that shows the claim;
    ``elsewhere(claim)`` how close the nearest sentence of another source
    group comes to it: a claim that other sources word differently (too
    differently to be aligned, but at ``threshold`` or closer) is not unique.
    """
    if len(story.source_groups) < 2:
        return []  # with one source everything is "unique": nothing to point out
    picked: list[tuple[float, int, UniqueDetail]] = []
    for number, claim in enumerate(claims):
        if claim.independent_support != 1:
            continue
        article, sentence, text = shown(claim)
        if not is_claim(text) or elsewhere(claim) >= threshold:
            continue
        score = claim.centrality
        score += _DETAIL_BONUS * has_figure(claim) + _DETAIL_BONUS * has_entity(claim)
        evidence = tuple(Citation(s.article_id, s.index, s.text) for s in claim.sentences)
        detail = UniqueDetail(
            text=text,
            article=article,
            sentence=sentence,
            citations=tuple(claim.articles),
            evidence=evidence,
        )
        picked.append((score, number, detail))
    picked.sort(key=lambda item: (-item[0], item[1]))
    return [detail for _, _, detail in picked[:limit]]


__all__ = ["unique_details"]
