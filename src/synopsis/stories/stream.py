"""The cheap path from raw articles to stories: clean, language, one vector, assign.

Each article costs one or two encoder calls (its lead as one text, its title),
a regular-expression pass for its terms and one index search, so a stream of
hundreds of articles a second can be kept in stories; sentence vectors, claim
alignment and digests (the heavy path) are left for the stories a reader opens.

An article whose body is empty after cleaning is placed by its title alone;
one with neither body nor title is reported as a failure. Undated articles
follow the dated ones of their batch, in input order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..clean import clean
from ..config import StorySettings
from ..embed import Embedder
from ..language import identify_language
from ..records import Article, Failure
from ..segment import segment
from . import publication_order
from .clusterer import StoryClusterer
from .representation import Vector, article_terms, signal_texts, title_lead_vector


@dataclass(slots=True)
class StreamResult:
    """Where each article of a batch went: story id by article id, and failures."""

    stories: dict[str, str] = field(default_factory=dict)
    failures: list[Failure] = field(default_factory=list)


def prepare_article(article: Article) -> Article:
    """Clean, segment and identify the language of one article (title-only ones kept)."""
    cleaned = clean(article) if article.text.strip() else article
    return identify_language(segment(cleaned))


def signal_vectors(
    articles: Sequence[Article], embedder: Embedder, sentences: int
) -> dict[str, Vector]:
    """The cheap document vector of each article: lead and title, encoded in one batch."""
    texts: list[str] = []
    spans: list[tuple[str, int, bool]] = []
    for article in articles:
        own = signal_texts(article, sentences)
        spans.append((article.id, len(texts), len(own) == 2))
        texts.extend(own)
    encoded = embedder.encode(texts) if texts else np.zeros((0, embedder.dim), np.float32)
    return {
        article_id: title_lead_vector(encoded[start + 1] if titled else None, encoded[start])
        for article_id, start, titled in spans
    }


class StoryStream:
    """Keeps stories current over a stream of raw articles (see the module's notes)."""

    def __init__(
        self,
        embedder: Embedder,
        settings: StorySettings | None = None,
        clusterer: StoryClusterer | None = None,
    ) -> None:
        self.settings = settings or StorySettings()
        self.embedder = embedder
        self.clusterer = clusterer or StoryClusterer(self.settings)

    def add(
        self, articles: Sequence[Article], copied_from: Mapping[str, Sequence[str]] | None = None
    ) -> StreamResult:
        """Prepare, embed and assign a batch of articles; one bad article never sinks it."""
        result = StreamResult()
        ready: list[Article] = []
        for article in articles:
            try:
                prepared = prepare_article(article)
            except Exception as exc:  # one bad article never sinks the batch
                result.failures.append(
                    Failure(article.source, f"cleaning failed: {type(exc).__name__}: {exc}")
                )
                continue
            if not prepared.sentences and not prepared.title:
                result.failures.append(Failure(article.source, "no title and no text to place"))
                continue
            ready.append(prepared)
        vectors = signal_vectors(ready, self.embedder, self.settings.signal_sentences)
        buckets = self.settings.term_buckets
        for article in publication_order(ready):
            result.stories[article.id] = self.clusterer.add(
                article.id,
                vectors[article.id],
                article.published,
                (copied_from or {}).get(article.id, ()),
                terms=article_terms(article, buckets),
                language=article.language,
            )
        return result


__all__ = ["StoryStream", "StreamResult", "prepare_article", "signal_vectors"]
