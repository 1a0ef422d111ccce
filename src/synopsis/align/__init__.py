"""Alignment: which sentences across a story's sources state the same claim.

- :mod:`.scorer`: :class:`ClaimScorer`, the "same claim" probability of two
  sentences (vectors plus names, numbers, negation and shared words);
- :mod:`.claims`: :func:`align_claims`, the story's claim groups (many to
  many: a sentence supports every claim it states).
"""

from __future__ import annotations

from .claims import Matrix, align_claims, claim_centroid, claim_sentences
from .scorer import FEATURES, ClaimScorer

__all__ = [
    "FEATURES",
    "ClaimScorer",
    "Matrix",
    "align_claims",
    "claim_centroid",
    "claim_sentences",
]
