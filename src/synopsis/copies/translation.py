"""Translations: the same text in another language, aligned with the multilingual embedder.

The packaged encoder (multilingual USE) maps a sentence and its translation
close together, so the alignment that finds rewrites finds translations too;
cross-language similarities run a little lower, so the sentence threshold is
its own setting. A pair is a translation only when both languages are known
and differ; otherwise it is a question for the rewrite detector.
"""

from __future__ import annotations

from ..config import CopySettings
from ..records import Article, CopyKind, CopyLink
from .rewrite import aligned_link, is_rewrite
from .sentence_alignment import Matrix, align_sentences


def languages_differ(a: Article, b: Article) -> bool:
    """Both languages known (primary subtag) and different."""
    if not a.language or not b.language:
        return False
    return a.language.split("-")[0].lower() != b.language.split("-")[0].lower()


def detect_translation(
    a: Article, b: Article, a_vectors: Matrix, b_vectors: Matrix, settings: CopySettings
) -> CopyLink | None:
    """A ``translation`` link between ``a`` and ``b`` (different languages), or ``None``."""
    alignment = align_sentences(a_vectors, b_vectors, settings.translation_sentence_match)
    if not is_rewrite(alignment, settings):
        return None
    return aligned_link(a, b, alignment, CopyKind.TRANSLATION)


__all__ = ["detect_translation", "languages_differ"]
