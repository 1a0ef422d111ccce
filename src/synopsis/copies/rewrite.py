"""Rewrites: the same text with other words (spins, edits) found by sentence alignment.

Word n-grams miss a content-farm spin ("said" → "stated", "killed" → "slain")
and a heavy edit: two of the seed reports derived from one wire text share
only about 9% of their 5-word shingles. Their sentences still mean the same,
so sentence vectors line up: a large share of the shorter article's sentences
have a counterpart in the other, mostly in the same order. Independent
reports of one event share facts, but not most of their sentences in order.
"""

from __future__ import annotations

from ..config import CopySettings
from ..records import AlignedPassage, Article, CopyKind, CopyLink
from .origin import likely_origin
from .sentence_alignment import Alignment, Matrix, align_sentences


def is_rewrite(alignment: Alignment, settings: CopySettings) -> bool:
    """Enough in-order aligned sentences, a large share of the shorter article, in order.

    Two short leads of one event (two or three sentences each) often say the
    same thing in similar words; when fewer than ``rewrite_min_sentences``
    pairs align, they must be near-verbatim (``rewrite_short_similarity``).
    """
    aligned = len(alignment.pairs)
    if aligned < 2 or alignment.share < settings.rewrite_min_share:
        return False
    if alignment.order < settings.rewrite_min_order:
        return False
    if aligned < settings.rewrite_min_sentences:
        return alignment.mean_similarity >= settings.rewrite_short_similarity
    return True


def aligned_link(
    a: Article,
    b: Article,
    alignment: Alignment,
    kind: CopyKind,
) -> CopyLink:
    """A copy link of ``kind`` whose evidence is the aligned sentence pairs."""
    evidence = tuple(
        AlignedPassage(i, j, a.sentences[i].text, b.sentences[j].text, round(score, 4))
        for i, j, score in alignment.pairs
    )
    origin = likely_origin(a, b, alignment.containment_ab, alignment.containment_ba)
    return CopyLink(a.id, b.id, kind, round(alignment.share, 4), origin, evidence)


def detect_rewrite(
    a: Article, b: Article, a_vectors: Matrix, b_vectors: Matrix, settings: CopySettings
) -> CopyLink | None:
    """A ``rewrite`` link between ``a`` and ``b`` (same language), or ``None``."""
    alignment = align_sentences(a_vectors, b_vectors, settings.sentence_match)
    if not is_rewrite(alignment, settings):
        return None
    return aligned_link(a, b, alignment, CopyKind.REWRITE)


__all__ = ["aligned_link", "detect_rewrite", "is_rewrite"]
