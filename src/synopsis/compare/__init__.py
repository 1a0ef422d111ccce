"""Comparing the sources of a story: who said what, names, figures, conflicts, unique details.

- :mod:`.sources`: the stage's entry point, :func:`compare_sources`;
- :mod:`.quotes`: direct quotes, their speakers, one quote across sources;
- :mod:`.entities`: people, organisations and places with their spellings;
- :mod:`.figures`: numbers with units, qualifiers and ranges;
- :mod:`.conflicts`: a list of finders, one per :class:`ConflictKind`;
- :mod:`.unique`: what only one source group reports.
"""

from __future__ import annotations

from .conflicts import FINDERS, ConflictInputs, ConflictKind, find_conflicts
from .sources import Comparison, SourceComparison, compare_sources, make_comparison

__all__ = [
    "FINDERS",
    "Comparison",
    "ConflictInputs",
    "ConflictKind",
    "SourceComparison",
    "compare_sources",
    "find_conflicts",
    "make_comparison",
]
