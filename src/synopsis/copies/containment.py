"""Cut and extended copies: most of one article's shingles are found in the other.

A reprint cut to its first half, or one with a few paragraphs added, shares
too small a part of the *union* of shingles to clear the Jaccard threshold,
but nearly all of the smaller article is in the larger one. Such pairs are
near-duplicates too; candidates come from MinHash LSH at the low candidate
threshold, and containment is checked on the exact (hashed) shingle sets.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from ..config import CopySettings
from ..records import Article, CopyKind, CopyLink
from .candidates import HashedTexts, MinHasher, band_candidates
from .origin import likely_origin

MIN_CONTAINED_SHINGLES = 20
"""The smaller article needs this many shingles: a one-line text is contained anywhere."""


def find_contained_copies(
    articles: Sequence[Article],
    settings: CopySettings,
    linked: set[tuple[str, str]],
    involving: Collection[str] | None = None,
    hashed: HashedTexts | None = None,
) -> list[CopyLink]:
    """Near-duplicate links for pairs where the smaller article is mostly inside the larger.

    With ``involving``, only pairs with at least one article in it;
    ``hashed`` (a row per article) where the caller has it.
    """
    if hashed is None:
        hasher = MinHasher(settings.num_perm, settings.seed, settings.shingle_words)
        hashed = hasher.hash_texts(a.text for a in articles)
    candidates = band_candidates(hashed.shingles, settings.candidate_shingle_threshold)
    links: list[CopyLink] = []
    for i, j in sorted(candidates):
        a, b = articles[i], articles[j]
        if (a.id, b.id) in linked or (b.id, a.id) in linked:
            continue
        if involving is not None and not (a.id in involving or b.id in involving):
            continue
        first, second = hashed.sets[i].shingles, hashed.sets[j].shingles
        smaller = min(len(first), len(second))
        if smaller < MIN_CONTAINED_SHINGLES:
            continue
        overlap = len(np.intersect1d(first, second, assume_unique=True))
        if overlap / smaller < settings.near_duplicate_containment:
            continue
        jaccard = overlap / (len(first) + len(second) - overlap)
        origin = likely_origin(a, b, overlap / len(first), overlap / len(second))
        links.append(CopyLink(a.id, b.id, CopyKind.NEAR_DUPLICATE, jaccard, origin))
        linked.add((a.id, b.id))
    return links


__all__ = ["MIN_CONTAINED_SHINGLES", "find_contained_copies"]
