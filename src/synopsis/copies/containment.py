"""Cut and extended copies: most of one article's shingles are found in the other.

A reprint cut to its first half, or one with a few paragraphs added, shares
too small a part of the *union* of shingles to clear the Jaccard threshold,
but nearly all of the smaller article is in the larger one. Such pairs are
near-duplicates too; candidates come from MinHash LSH at the low candidate
threshold, and containment is checked on the exact shingle sets.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from ..config import CopySettings
from ..records import Article, CopyKind, CopyLink
from .candidates import MinHasher, WordSets, band_candidates
from .near_duplicate import shingles
from .origin import likely_origin

MIN_CONTAINED_SHINGLES = 20
"""The smaller article needs this many shingles: a one-line text is contained anywhere."""


def find_contained_copies(
    articles: Sequence[Article],
    settings: CopySettings,
    linked: set[tuple[str, str]],
    involving: Collection[str] | None = None,
    word_sets: Sequence[WordSets] | None = None,
) -> list[CopyLink]:
    """Near-duplicate links for pairs where the smaller article is mostly inside the larger.

    With ``involving``, only pairs with at least one article in it;
    ``word_sets`` (one per article) where the caller has them.
    """
    hasher = MinHasher(settings.num_perm, settings.seed, settings.shingle_words)
    sets = (
        list(word_sets) if word_sets is not None else [hasher.word_sets(a.text) for a in articles]
    )
    candidates = band_candidates(
        hasher.signatures(s.shingles for s in sets), settings.candidate_shingle_threshold
    )
    cache: dict[int, set[bytes]] = {}

    def own(n: int) -> set[bytes]:
        if n not in cache:
            cache[n] = shingles(articles[n].text, settings.shingle_words)
        return cache[n]

    links: list[CopyLink] = []
    for i, j in sorted(candidates):
        a, b = articles[i], articles[j]
        if (a.id, b.id) in linked or (b.id, a.id) in linked:
            continue
        if involving is not None and not (a.id in involving or b.id in involving):
            continue
        first, second = own(i), own(j)
        smaller = min(len(first), len(second))
        if smaller < MIN_CONTAINED_SHINGLES:
            continue
        overlap = len(first & second)
        if overlap / smaller < settings.near_duplicate_containment:
            continue
        jaccard = overlap / len(first | second)
        origin = likely_origin(a, b, overlap / len(first), overlap / len(second))
        links.append(CopyLink(a.id, b.id, CopyKind.NEAR_DUPLICATE, jaccard, origin))
        linked.add((a.id, b.id))
    return links


__all__ = ["MIN_CONTAINED_SHINGLES", "find_contained_copies"]
