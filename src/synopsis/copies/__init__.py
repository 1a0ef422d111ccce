"""Copy detection: which articles are not independent of each other.

One entry point, :func:`find_copies`, runs each detector (one module per
algorithm) and merges their links; :func:`source_groups` turns links into
groups of dependent articles, so support is counted per independent source.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..config import CopySettings
from ..records import Article, CopyLink
from .exact import find_exact_copies
from .groups import source_groups
from .near_duplicate import NearDuplicateIndex, find_near_duplicates
from .origin import likely_origin

__all__ = [
    "NearDuplicateIndex",
    "find_copies",
    "find_exact_copies",
    "find_near_duplicates",
    "likely_origin",
    "source_groups",
]


def find_copies(
    articles: Sequence[Article], settings: CopySettings | None = None
) -> list[CopyLink]:
    """Every copy link among ``articles``: exact reprints, then near-duplicates.

    A pair gets one link, of the strongest kind that holds.
    """
    settings = settings or CopySettings()
    links = find_exact_copies(articles)
    linked = {(link.a, link.b) for link in links}
    for link in find_near_duplicates(articles, settings):
        if (link.a, link.b) not in linked:
            links.append(link)
            linked.add((link.a, link.b))
    order = {article.id: i for i, article in enumerate(articles)}
    return sorted(links, key=lambda link: (order[link.a], order[link.b]))
