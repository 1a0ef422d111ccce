"""Exact copies: the same body once quotes, dashes, case and spacing are normalised."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

from ..records import Article, CopyKind, CopyLink, content_hash
from .origin import likely_origin


def find_exact_copies(
    articles: Sequence[Article], involving: Collection[str] | None = None
) -> list[CopyLink]:
    """A link between every two articles whose cleaned bodies are identical.

    With ``involving``, only pairs with at least one article in it.
    """
    by_hash: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        if article.text.strip():
            by_hash[content_hash(article.text)].append(article)
    links: list[CopyLink] = []
    for group in by_hash.values():
        for i, first in enumerate(group):
            for second in group[i + 1 :]:
                if involving is not None and not (first.id in involving or second.id in involving):
                    continue
                origin = likely_origin(first, second)
                links.append(CopyLink(first.id, second.id, CopyKind.EXACT, 1.0, origin))
    return links
