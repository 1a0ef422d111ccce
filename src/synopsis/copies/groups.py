"""Source groups: articles joined by copy links count as one independent source."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..records import CopyLink


def source_groups(article_ids: Sequence[str], links: Iterable[CopyLink]) -> list[list[str]]:
    """Connected components of the copy graph over ``article_ids``.

    Groups keep the order of ``article_ids`` inside and among themselves;
    links to articles outside ``article_ids`` are ignored.
    """
    parent = {article_id: article_id for article_id in article_ids}

    def find(item: str) -> str:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for link in links:
        if link.a in parent and link.b in parent:
            root_a, root_b = find(link.a), find(link.b)
            if root_a != root_b:
                parent[root_b] = root_a
    groups: dict[str, list[str]] = {}
    for article_id in article_ids:
        groups.setdefault(find(article_id), []).append(article_id)
    return list(groups.values())
