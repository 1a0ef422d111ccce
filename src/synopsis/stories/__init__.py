"""Stories: articles grouped by the event they report, one article at a time.

- :mod:`.representation`: what an article and a story are made of (a
  multilingual vector, salient terms and names, a time);
- :mod:`.index`: the nearest-neighbour index over open stories;
- :mod:`.clusterer`: the incremental clusterer (join, open, merge, window);
- :func:`assign_articles`: the one loop that feeds articles to the
  clusterer in publication order.

One-shot digests (:func:`cluster_stories`), incremental ingest and the story
stream (:mod:`synopsis.pipeline.stream`) all assign through
:func:`assign_articles`, so they give the same stories for the same input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ..config import StorySettings
from ..copies import source_groups
from ..records import Article, CopyLink, Story
from ..text.segment import segment
from .clusterer import (
    MemberSignal,
    Merge,
    Split,
    StoryClusterer,
    StoryDecision,
    StoryState,
    story_id_for,
)
from .representation import Vector, article_terms, document_vector
from .signature import EventSignature, article_signature


def publication_order(articles: Sequence[Article]) -> list[Article]:
    """Articles by publication time, ties in input order.

    An undated article is taken as arriving with the dated article before it
    in the input (ingest order where there is no date): it keeps its place
    after that article. Undated articles before any dated one come first.
    """
    keyed: list[tuple[float, int, Article]] = []
    arrival = float("-inf")
    for position, article in enumerate(articles):
        if article.published is not None:
            arrival = article.published.timestamp()
        keyed.append((arrival, position, article))
    keyed.sort(key=lambda item: (item[0], item[1]))
    return [article for _, _, article in keyed]


def linked_articles(links: Sequence[CopyLink]) -> dict[str, list[str]]:
    """For each article, the articles a copy link joins it to."""
    linked: dict[str, list[str]] = {}
    for link in links:
        linked.setdefault(link.a, []).append(link.b)
        linked.setdefault(link.b, []).append(link.a)
    return linked


def assign_articles(
    clusterer: StoryClusterer,
    articles: Sequence[Article],
    vectors: Mapping[str, Vector],
    linked: Mapping[str, Sequence[str]],
    terms: Callable[[Article], Mapping[int, float]] | None = None,
    signatures: Callable[[Article], EventSignature] | None = None,
) -> list[tuple[Article, str]]:
    """Put ``articles`` into stories in publication order: (article, story id) in that order.

    ``linked`` names the copies of each article (see :func:`linked_articles`);
    ``terms(article)`` gives its term counts (by default
    :func:`~.representation.article_terms` of its text) and
    ``signatures(article)`` its event signature (by default
    :func:`~.signature.article_signature`). An article without a vector is
    left out. Each story id is where the article is once the whole batch is
    placed: a merge or split later in the batch may have moved it.
    """
    buckets = clusterer.settings.term_buckets
    placed: list[Article] = []
    for article in publication_order(articles):
        if article.id not in vectors:
            continue
        clusterer.add(
            article.id,
            vectors[article.id],
            article.published,
            linked.get(article.id, ()),
            terms=terms(article) if terms is not None else article_terms(article, buckets),
            language=article.language,
            signature=signatures(article) if signatures is not None else article_signature(article),
        )
        placed.append(article)
    return [(article, clusterer.story(article.id)) for article in placed]


def cluster_stories(
    articles: Sequence[Article],
    vectors: Mapping[str, Vector],
    links: Sequence[CopyLink],
    settings: StorySettings | None = None,
) -> list[Story]:
    """Group ``articles`` into stories in one pass (see :class:`StoryClusterer`)."""
    clusterer = StoryClusterer(settings)
    assign_articles(clusterer, articles, vectors, linked_articles(links))
    by_id = {article.id: article for article in articles}
    return [build_story(state, by_id, vectors, links) for state in clusterer.stories]


def build_story(
    state: StoryState,
    articles: Mapping[str, Article],
    vectors: Mapping[str, Vector],
    links: Sequence[CopyLink],
) -> Story:
    """A :class:`Story` record from a clusterer state: title, sources, time span."""
    members = [articles[a] for a in state.article_ids if a in articles]
    groups = source_groups([a.id for a in members], links)
    return Story(
        id=state.id,
        article_ids=[a.id for a in members],
        title=story_title(members, vectors, state.centroid),
        independent_sources=len(groups),
        source_groups=groups,
        first_published=state.first_published,
        last_published=state.last_published,
        decisions=list(state.decisions),
    )


def story_title(members: Sequence[Article], vectors: Mapping[str, Vector], centroid: Vector) -> str:
    """The title of the member closest to the story's centroid (titled members first)."""
    ids = [a.id for a in members]
    title = best_title(ids, {a.id: a.title for a in members}, vectors, centroid)
    return title if title is not None else untitled_story_title(members[0] if members else None)


def best_title(
    member_ids: Sequence[str],
    titles: Mapping[str, str | None],
    vectors: Mapping[str, Vector],
    centroid: Vector,
) -> str | None:
    """The title of the titled member closest to the centroid; ``None`` if none has a title.

    ``titles`` by member id; members without a document vector come last.
    """
    titled = [i for i in member_ids if titles.get(i)]
    if not titled:
        return None
    # Scores are rounded so that float noise cannot pick the title: members of a
    # two-article story score the same in exact arithmetic. Ties go to the earliest member.
    order = {article_id: n for n, article_id in enumerate(member_ids)}

    def key(article_id: str) -> tuple[float, int]:
        score = float(vectors[article_id] @ centroid) if article_id in vectors else -1.0
        return (round(score, 4), -order[article_id])

    return titles[max(titled, key=key)] or ""


def untitled_story_title(first_member: Article | None) -> str:
    """The title of a story none of whose members has one: its first member's first sentence."""
    if first_member is None:
        return ""
    sentences = first_member.sentences or segment(first_member).sentences
    return sentences[0].text[:120] if sentences else ""


__all__ = [
    "EventSignature",
    "MemberSignal",
    "Merge",
    "Split",
    "StoryClusterer",
    "StoryDecision",
    "StoryState",
    "Vector",
    "article_signature",
    "assign_articles",
    "best_title",
    "build_story",
    "cluster_stories",
    "document_vector",
    "linked_articles",
    "publication_order",
    "story_id_for",
    "story_title",
    "untitled_story_title",
]
