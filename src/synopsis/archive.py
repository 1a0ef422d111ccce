"""An archive: the pipeline over a store, so stories stay current as articles arrive.

``ingest`` cleans, embeds and stores new articles, links them to the copies
already stored and puts each into a story with the same algorithm the
one-shot digest uses; ``story_report`` rebuilds the cited digest of one
stored story from the store (vectors come from the store's cache).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .closing import Closeable
from .compare import make_comparison
from .config import Settings
from .copies import find_copies
from .embed import CachedEmbedder, Embedder, load_embedder
from .errors import StoreError
from .pipeline import InputItem, Pipeline, Progress
from .pipeline.stages import digest_story
from .readers import read_inputs
from .records import Article, CopyLink, Failure, Skip, StoryListing
from .report import Report
from .store import Store, StoryRow, open_store
from .stories import (
    Merge,
    StoryClusterer,
    StoryState,
    Vector,
    assign_articles,
    build_story,
    linked_articles,
)
from .text.segment import segment

_DOCUMENT_KEY = "doc:"
# The clusterer's term statistics, kept in the vector table under a model name of their own.
_TERMS_MODEL = "synopsis.stories.terms"
_TERMS_KEY = "document-frequencies"


@dataclass(slots=True)
class IngestResult:
    """What one ingest did with each input."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)


class Archive(Closeable):
    """The pipeline bound to a store. Use ``Archive.open(path)`` as a context manager."""

    def __init__(
        self, store: Store, settings: Settings | None = None, embedder: Embedder | None = None
    ) -> None:
        self.store = store
        self.settings = settings or Settings()
        self._base_embedder = embedder
        self._pipeline: Pipeline | None = None

    @classmethod
    def open(
        cls,
        path: str | Path,
        settings: Settings | None = None,
        *,
        create: bool = True,
        embedder: Embedder | None = None,
    ) -> Archive:
        """The archive over the store at ``path``: a file path or a store URL.

        See :func:`~synopsis.store.open_store`; ``create=False`` refuses a
        store that does not exist yet.
        """
        return cls(open_store(path, create=create), settings, embedder)

    def close(self) -> None:
        self.store.close()

    @property
    def pipeline(self) -> Pipeline:
        """The pipeline, encoding through the store's vector cache (built on first use)."""
        if self._pipeline is None:
            base = self._base_embedder or load_embedder(self.settings.embed)
            self._pipeline = Pipeline(self.settings)
            self._pipeline.use_embedder(CachedEmbedder(base, self.store))
        return self._pipeline

    def ingest(self, items: Iterable[InputItem], progress: Progress | None = None) -> IngestResult:
        """Store new articles, link their copies and assign them to stories."""
        result = IngestResult()
        read = read_inputs(items, self.settings.read)
        result.failures.extend(read.failures)
        result.skipped.extend(read.skipped)
        fresh: list[Article] = []
        for article in read.articles:
            if self.store.has_article(article.id) and (
                self.store.get_article(article.id).content_hash == article.content_hash
            ):
                result.unchanged.append(article.id)
            else:
                fresh.append(article)
        prepared = self.pipeline.prepare(fresh, progress)
        result.failures.extend(prepared.failures)
        if not prepared.articles:
            return result
        added = self.store.add_articles(prepared.articles)
        result.added.extend(added.added)
        result.unchanged.extend(added.unchanged)
        self._save_document_vectors(prepared.document_vectors)
        links = self._link_copies(prepared.articles, progress)
        result.stories = self._assign_stories(prepared.articles, prepared.document_vectors, links)
        return result

    def _save_document_vectors(self, vectors: dict[str, Vector]) -> None:
        model = self.pipeline.embedder.name
        self.store.put_vectors(model, {_DOCUMENT_KEY + k: v for k, v in vectors.items()})

    def _document_vectors(self, article_ids: Sequence[str]) -> dict[str, Vector]:
        keys = [_DOCUMENT_KEY + a for a in article_ids]
        found = self.store.get_vectors(keys, self.pipeline.embedder.name)
        return {k[len(_DOCUMENT_KEY) :]: v for k, v in found.items()}

    def _link_copies(self, new: Sequence[Article], progress: Progress | None) -> list[CopyLink]:
        new_ids = {a.id for a in new}
        stored = [segment(a) for a in self.store.iter_articles() if a.id not in new_ids]
        everything = stored + list(new)
        if progress:
            progress("copies", 0, 1)
        # Rewrites and translations need sentence vectors; stored ones come from the cache.
        encode = self.pipeline.embedder.encode
        vectors = {a.id: encode([s.text for s in a.sentences]) for a in everything if a.sentences}
        links = [
            link
            for link in find_copies(everything, self.settings.copies, vectors)
            if link.a in new_ids or link.b in new_ids
        ]
        self.store.save_copies(links)
        if progress:
            progress("copies", 1, 1)
        return links

    def _assign_stories(
        self, new: Sequence[Article], vectors: dict[str, Vector], links: Sequence[CopyLink]
    ) -> list[str]:
        """Put the new articles into stories, save the stories they touched, record merges.

        The clusterer is rebuilt from the stored stories and term statistics,
        so ingesting in several runs gives the stories of one run.
        """
        centroids = self.store.story_centroids()
        states = [self._state(row, centroids.get(row.id)) for row in self.store.list_stories()]
        saved_terms = self.store.get_vectors([_TERMS_KEY], _TERMS_MODEL).get(_TERMS_KEY)
        settings = self.settings.stories
        if saved_terms is not None and saved_terms.shape[0] != settings.term_buckets + 1:
            raise StoreError(
                f"the store's story term statistics have {saved_terms.shape[0] - 1} buckets but "
                f"stories.term_buckets is {settings.term_buckets}; keep the setting of the store"
            )
        clusterer = StoryClusterer(settings, states, saved_terms)
        placed = assign_articles(clusterer, new, vectors, linked_articles(links))
        touched = list(dict.fromkeys(story_id for _, story_id in placed))
        live = {s.id: s for s in clusterer.stories}
        final = _merge_targets(clusterer.merges)
        stored = {row.id for row in self.store.list_stories()}
        for story_id in dict.fromkeys(final.get(t, t) for t in touched):
            self._save_state(live[story_id])
        for gone, into in final.items():
            if gone in stored:
                self.store.record_merge(gone, into)
        self.store.put_vectors(_TERMS_MODEL, {_TERMS_KEY: clusterer.term_statistics()})
        return [story_id for story_id in dict.fromkeys(final.get(t, t) for t in touched)]

    def _state(self, row: StoryRow, centroid: Vector | None) -> StoryState:
        return StoryState.from_saved(
            row.id,
            row.article_ids,
            centroid if centroid is not None else np.zeros(1, dtype=np.float32),
            row.first_published,
            row.last_published,
            self.store.story_state(row.id) or {},
        )

    def _save_state(self, state: StoryState) -> None:
        articles = self.store.get_articles(state.article_ids)
        story = build_story(
            state,
            {a.id: a for a in articles},
            self._document_vectors(state.article_ids),
            self.store.copies_among(state.article_ids),
        )
        self.store.save_story(
            state.id,
            story.title,
            story.article_ids,
            story.first_published,
            story.last_published,
            state.vector_sum.astype(np.float32),
            {**state.to_state(), "independent_sources": story.independent_sources},
        )

    def stories(self) -> list[StoryListing]:
        """Every current story (merged ones excluded), most recently updated first."""
        listings = []
        languages = self.store.story_languages()
        for row in self.store.list_stories():
            state = self.store.story_state(row.id) or {}
            listings.append(
                StoryListing(
                    id=row.id,
                    title=row.title,
                    articles=len(row.article_ids),
                    independent_sources=int(state.get("independent_sources", len(row.article_ids))),
                    first_published=row.first_published.isoformat()
                    if row.first_published
                    else None,
                    last_published=row.last_published.isoformat() if row.last_published else None,
                    languages=languages.get(row.id, []),
                )
            )
        return listings

    def story_report(self, story_id: str) -> Report:
        """The report of one stored story: its articles, copy links and cited digest."""
        row = self.store.get_story(story_id)
        while row.merged_into:
            row = self.store.get_story(row.merged_into)
        articles = self.store.get_articles(row.article_ids)
        prepared = self.pipeline.prepare(articles, already_clean=True)
        if not prepared.articles:
            return Report(failures=prepared.failures)
        ids = [a.id for a in prepared.articles]
        links = self.store.copies_among(ids)
        by_id = {a.id: a for a in prepared.articles}
        vectors = [prepared.document_vectors[a] for a in ids]
        state = self._state(row, np.sum(np.vstack(vectors), axis=0) if vectors else None)
        story = build_story(state, by_id, prepared.document_vectors, links)
        comparison = make_comparison(self.settings, self.pipeline.embedder.encode)
        digest = digest_story(story, by_id, prepared.sentence_vectors, self.settings, comparison)
        return Report(
            articles=prepared.articles, copies=links, digests=[digest], failures=prepared.failures
        )


def _merge_targets(merges: Sequence[Merge]) -> dict[str, str]:
    """Each merged-away story id mapped to the live story that finally holds its articles."""
    into = {merge.from_id: merge.into_id for merge in merges}
    final: dict[str, str] = {}
    for gone in into:
        target = into[gone]
        while target in into:
            target = into[target]
        final[gone] = target
    return final


__all__ = ["Archive", "IngestResult", "StoryListing"]
