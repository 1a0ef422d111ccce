"""An archive: the pipeline over a store, so stories stay current as articles arrive.

``ingest`` cleans, embeds and stores new articles, links them to the copies
already stored and puts each into a story with the same algorithm the
one-shot digest uses; ``story_report`` rebuilds the cited digest of one
stored story from the store (vectors come from the store's cache).

An ingest is one unit: the slow work (cleaning, encoding, copy detection)
happens first, outside any lock, and then the articles, their document
vectors, copy links, stories, memberships, merges and term statistics are
written in one store transaction, which also holds the store's write lock
while the story state is read and the articles are assigned. So an ingest
that is killed leaves nothing half-done, and two ingests into one store at
once give the stories one of them gives. Articles that an interrupted ingest
of an older synopsis stored without a story are assigned by the next ingest.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .closing import Closeable
from .compare import make_comparison
from .config import Settings
from .copies import find_copies
from .embed import CachedEmbedder, Embedder, MemoryVectorCache, VectorCache, load_embedder
from .errors import StoreError
from .pipeline import InputItem, Pipeline, Prepared, Progress
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
# How long an ingest waits for another ingest's write transaction to end, in seconds.
_WRITE_WAIT = 600.0


@dataclass(slots=True)
class IngestResult:
    """What one ingest did with each input."""

    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    stories: list[str] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)
    """Articles an earlier, interrupted ingest stored without a story, assigned by this one."""


@dataclass(frozen=True, slots=True)
class PreparedIngest:
    """Articles read, cleaned and encoded for an ingest, not stored yet.

    Made by :meth:`Archive.prepare_ingest`, stored by :meth:`Archive.finish_ingest`.
    """

    result: IngestResult
    prepared: Prepared


class Archive(Closeable):
    """The pipeline bound to a store. Use ``Archive.open(path)`` as a context manager."""

    def __init__(
        self, store: Store, settings: Settings | None = None, embedder: Embedder | None = None
    ) -> None:
        self.store = store
        self.settings = settings or Settings()
        self._base_embedder = embedder
        self._pipeline: Pipeline | None = None
        self._building = threading.Lock()

    @classmethod
    def open(
        cls,
        path: str | Path,
        settings: Settings | None = None,
        *,
        create: bool = True,
        read_only: bool = False,
        embedder: Embedder | None = None,
    ) -> Archive:
        """The archive over the store at ``path``: a file path or a store URL.

        See :func:`~synopsis.store.open_store`; ``create=False`` refuses a
        store that does not exist yet; ``read_only=True`` (or a store this
        process cannot write) opens it for reading: stories and reports work,
        ``ingest`` raises :class:`StoreError`.
        """
        return cls(open_store(path, create=create, read_only=read_only), settings, embedder)

    def close(self) -> None:
        self.store.close()

    @property
    def pipeline(self) -> Pipeline:
        """The pipeline, encoding through the store's vector cache (built on first use).

        Over a read-only store, vectors encoded here are kept in memory only.
        """
        with self._building:  # threads of a web server may ask at once
            if self._pipeline is None:
                base = self._base_embedder or load_embedder(self.settings.embed)
                cache: VectorCache = self.store
                if self.store.read_only:
                    cache = _ReadOnlyCache(self.store)
                pipeline = Pipeline(self.settings)
                pipeline.use_embedder(CachedEmbedder(base, cache))
                self._pipeline = pipeline
            return self._pipeline

    def ingest(self, items: Iterable[InputItem], progress: Progress | None = None) -> IngestResult:
        """Store new articles, link their copies and assign them to stories, as one unit.

        Cleaning and encoding, then copy detection, run first, outside any
        lock (readers and other writers go on meanwhile). Then one store
        transaction, holding the write lock, stores the articles and puts
        every article no story holds into a story (those of this ingest, and
        any an interrupted ingest left): a re-run after a kill finishes what
        the killed run started, and of two ingests at once the second finds
        the first's articles stored and placed. The same as
        ``finish_ingest([prepare_ingest(items)])``.
        """
        return self.finish_ingest([self.prepare_ingest(items, progress)], progress)[0]

    def prepare_ingest(
        self, items: Iterable[InputItem], progress: Progress | None = None
    ) -> PreparedIngest:
        """The first part of an ingest: read, leave out what is stored unchanged, clean, encode.

        Takes no lock and writes nothing but the vector cache, so several
        may run at once (the web server prepares each upload in its own
        thread); :meth:`finish_ingest` stores them.
        """
        self._require_writable()
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
        return PreparedIngest(result, prepared)

    def finish_ingest(
        self, batches: Sequence[PreparedIngest], progress: Progress | None = None
    ) -> list[IngestResult]:
        """Store prepared ingests, all of them as one unit; the result of each, in order.

        Copy links are found first, against the store as it is, without a
        lock. Then one transaction, holding the store's write lock, adds the
        articles, reads which articles no story holds (these batches' new
        ones, and any an interrupted ingest left: they go to the first
        result's ``resumed``), saves their document vectors and copy links
        (found again under the lock if another writer added articles
        meanwhile) and assigns them to stories with the story state read
        under the lock.
        """
        self._require_writable()
        results = [_copy_result(batch.result) for batch in batches]
        articles: dict[str, Article] = {}
        vectors: dict[str, Vector] = {}
        owner: dict[str, int] = {}  # the batch whose version of each article is stored
        for n, batch in enumerate(batches):  # as if stored one after the other
            for article in batch.prepared.articles:
                earlier = articles.get(article.id)
                if earlier is not None and earlier.content_hash == article.content_hash:
                    results[n].unchanged.append(article.id)
                    continue
                if earlier is not None:  # a new version replaces the one of an earlier batch
                    results[owner[article.id]].added.append(article.id)
                articles[article.id] = article
                owner[article.id] = n
                if article.id in batch.prepared.document_vectors:
                    vectors[article.id] = batch.prepared.document_vectors[article.id]
        new = list(articles.values())
        snapshot = self.store.articles_changed()
        waiting = self._prepare_stored(
            [i for i in self.store.articles_without_story() if i not in articles]
        )
        if not new and not waiting.articles:
            return results
        planned = [*waiting.articles, *new]
        links, seen = self._find_links(planned, progress)
        with self.store.transaction(timeout=_WRITE_WAIT):
            current = self.store.articles_changed() == snapshot
            added = self.store.add_articles(new)
            for article_id in added.added:
                results[owner[article_id]].added.append(article_id)
            for article_id in added.unchanged:
                results[owner[article_id]].unchanged.append(article_id)
            # Read under the write lock: what no story holds now is this run's to place.
            orphans = self.store.articles_without_story()
            ready = {a.id: a for a in planned}
            vectors = {**waiting.document_vectors, **vectors}
            late = self._prepare_stored([i for i in orphans if i not in ready])
            ready.update((a.id, a) for a in late.articles)
            vectors.update(late.document_vectors)
            unplaced = set(orphans)
            replaced = [i for i in added.added if i not in unplaced]  # already in a story
            assign = [ready[i] for i in [*orphans, *replaced] if i in ready]
            if not assign:
                return results
            fresh_ids = set(added.added)
            if results:
                results[0].resumed = [a.id for a in assign if a.id not in fresh_ids]
            self._save_document_vectors({a.id: vectors[a.id] for a in assign if a.id in vectors})
            if late.articles:  # articles to place that were not planned: find all their links
                links, _ = self._find_links(assign, progress)
            elif not current:  # another writer stored articles since: compare with those too
                links = self._links_with_changes(assign, links, seen, progress)
            self.store.save_copies(links)
            touched, story_of = self._assign_stories(assign, vectors, links)
        if len(results) == 1:
            results[0].stories = touched
        else:
            for result in results:
                ids = [*result.added, *result.resumed]
                result.stories = list(dict.fromkeys(story_of[i] for i in ids if i in story_of))
        return results

    def _require_writable(self) -> None:
        if self.store.read_only:
            raise StoreError(f"{self.store!r}: opened read-only; ingest needs a writable store")

    def _prepare_stored(self, article_ids: Sequence[str]) -> Prepared:
        """Stored articles made ready for story assignment again: sentences and document vectors.

        Their cleaned text is stored; the document vector is the stored one
        where there is one (the vectors of sentences come from the cache).
        """
        if not article_ids:
            return Prepared([], {}, {}, [])
        prepared = self.pipeline.prepare(self.store.get_articles(article_ids), already_clean=True)
        prepared.document_vectors.update(self._document_vectors(article_ids))
        return prepared

    def _save_document_vectors(self, vectors: dict[str, Vector]) -> None:
        model = self.pipeline.embedder.name
        self.store.put_vectors(model, {_DOCUMENT_KEY + k: v for k, v in vectors.items()})

    def _document_vectors(self, article_ids: Sequence[str]) -> dict[str, Vector]:
        keys = [_DOCUMENT_KEY + a for a in article_ids]
        found = self.store.get_vectors(keys, self.pipeline.embedder.name)
        return {k[len(_DOCUMENT_KEY) :]: v for k, v in found.items()}

    def _find_links(
        self,
        new: Sequence[Article],
        progress: Progress | None,
        among: Sequence[Article] | None = None,
    ) -> tuple[list[CopyLink], dict[str, str]]:
        """The copy links between ``new`` and each other or a stored article.

        Compares with every stored article (or those in ``among``); also
        returns the content hash of each stored article compared with.
        """
        new_ids = {a.id for a in new}
        others = self.store.iter_articles() if among is None else among
        stored = [segment(a) for a in others if a.id not in new_ids]
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
        if progress:
            progress("copies", 1, 1)
        return links, {a.id: a.content_hash for a in stored}

    def _links_with_changes(
        self,
        assign: Sequence[Article],
        links: Sequence[CopyLink],
        seen: Mapping[str, str],
        progress: Progress | None,
    ) -> list[CopyLink]:
        """``links`` (found against the articles ``seen``) brought up to date, under the lock.

        The articles stored or replaced since are compared with ``assign``;
        links to the old text of a replaced article are dropped.
        """
        placing = {a.id for a in assign}
        changed = [  # in ingest order
            article_id
            for article_id, digest in self.store.article_hashes().items()
            if article_id not in placing and seen.get(article_id) != digest
        ]
        gone = set(changed)
        kept = [
            link
            for link in links
            if (link.a in placing or link.b in placing)
            and link.a not in gone
            and link.b not in gone
        ]
        if not changed:
            return kept
        extra, _ = self._find_links(assign, progress, among=self.store.get_articles(changed))
        return kept + [link for link in extra if link.a in gone or link.b in gone]

    def _assign_stories(
        self, new: Sequence[Article], vectors: dict[str, Vector], links: Sequence[CopyLink]
    ) -> tuple[list[str], dict[str, str]]:
        """Put the new articles into stories, save the stories they touched, record merges.

        The clusterer is rebuilt from the stored stories and term statistics,
        so ingesting in several runs gives the stories of one run. Runs inside
        the ingest's transaction, so the state it reads is current until it
        is saved. Returns the stories touched and the story of each article.
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
        story_of = {article.id: final.get(story_id, story_id) for article, story_id in placed}
        return list(dict.fromkeys(final.get(t, t) for t in touched)), story_of

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


class _ReadOnlyCache:
    """The store's vector cache, read but never written: new vectors stay in memory."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._memory = MemoryVectorCache()

    def get_vectors(self, keys: Sequence[str], model: str) -> dict[str, Vector]:
        found = self._store.get_vectors(keys, model)
        found.update(self._memory.get_vectors([k for k in keys if k not in found], model))
        return found

    def put_vectors(self, model: str, vectors: Mapping[str, Vector]) -> None:
        self._memory.put_vectors(model, vectors)


def _copy_result(result: IngestResult) -> IngestResult:
    return IngestResult(
        list(result.added),
        list(result.unchanged),
        list(result.failures),
        list(result.skipped),
        list(result.stories),
        list(result.resumed),
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


__all__ = ["Archive", "IngestResult", "PreparedIngest", "StoryListing"]
