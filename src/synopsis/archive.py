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

import logging
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from .closing import Closeable
from .compare import make_comparison
from .config import Settings
from .copies import find_aligned_pairs, find_copies, source_groups
from .copies.candidate_index import CandidateIndex
from .embed import CachedEmbedder, Embedder, MemoryVectorCache, VectorCache, load_embedder
from .errors import StoreError
from .fetch import Fetcher
from .pipeline import InputItem, Pipeline, Prepared, Progress
from .pipeline.stages import digest_story
from .readers import ReadResult, read_inputs
from .readers.web import WebReader
from .records import Article, CopyLink, Failure, Skip, StoryListing
from .report import Report
from .store import Store, StoryRow, open_store
from .stories import (
    Merge,
    StoryClusterer,
    StoryState,
    Vector,
    assign_articles,
    best_title,
    build_story,
    linked_articles,
    untitled_story_title,
)
from .stories.index import StoryIndex
from .stories.saved_index import REVISION_META, SavedStoryIndex
from .text.segment import segment

logger = logging.getLogger(__name__)

_DOCUMENT_KEY = "doc:"
# The clusterer's term statistics, kept in the vector table under a model name of their own.
_TERMS_MODEL = "synopsis.stories.terms"
_TERMS_KEY = "document-frequencies"
# The story clusterer's numbering (see StoryClusterer.sequence), in the store's metadata.
_SEQUENCE_META = "stories.sequence"
# Stored articles read per page when the copy-candidate indexes are rebuilt.
_REINDEX_PAGE = 200
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

    def extend(self, other: IngestResult) -> None:
        """Add what another ingest did (several ingests reported as one)."""
        self.added.extend(other.added)
        self.unchanged.extend(other.unchanged)
        self.failures.extend(other.failures)
        self.skipped.extend(other.skipped)
        self.stories.extend(other.stories)
        self.resumed.extend(other.resumed)


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
        self,
        store: Store,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
        fetcher: Fetcher | None = None,
    ) -> None:
        self.store = store
        self.settings = settings or Settings()
        self._base_embedder = embedder
        self._fetcher = fetcher
        self._pipeline: Pipeline | None = None
        self._candidate_index: CandidateIndex | None = None
        self._story_index_to_save: tuple[StoryIndex, datetime | None, str] | None = None
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
        fetcher: Fetcher | None = None,
    ) -> Archive:
        """The archive over the store at ``path``: a file path or a store URL.

        See :func:`~synopsis.store.open_store`; ``create=False`` refuses a
        store that does not exist yet; ``read_only=True`` (or a store this
        process cannot write) opens it for reading: stories and reports work,
        ``ingest`` raises :class:`StoreError`. ``fetcher`` reads URL inputs
        (default: one built from ``settings.fetch`` when first needed).
        """
        store = open_store(path, create=create, read_only=read_only)
        return cls(store, settings, embedder, fetcher)

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

    @property
    def fetcher(self) -> Fetcher:
        """What fetches URL inputs and feeds (built from ``settings.fetch`` on first use)."""
        with self._building:
            if self._fetcher is None:
                self._fetcher = Fetcher(self.settings.fetch)
            return self._fetcher

    def web_reader(self) -> WebReader:
        """Reads URLs for this store: what a stored article was read from is not fetched again."""
        return WebReader(
            self.fetcher, known=self.store.known_urls, workers=self.settings.follow.page_workers
        )

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
        read = read_inputs(items, self.settings.read, web=self.web_reader())
        return self.prepare_read(read, progress)

    def ingest_read(self, read: ReadResult, progress: Progress | None = None) -> IngestResult:
        """Store what has been read already (see :func:`synopsis.readers.collect_outcomes`)."""
        return self.finish_ingest([self.prepare_read(read, progress)], progress)[0]

    def prepare_read(self, read: ReadResult, progress: Progress | None = None) -> PreparedIngest:
        """:meth:`prepare_ingest` of what has been read already."""
        self._require_writable()
        result = IngestResult()
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
        self._story_index_to_save = None  # what a failed ingest left is not to be kept
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
        sentence_vectors = {**waiting.sentence_vectors}
        for batch in batches:
            sentence_vectors.update(batch.prepared.sentence_vectors)
        candidates = self._candidates()
        links = self._find_links(planned, sentence_vectors, progress)
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
            sentence_vectors.update(late.sentence_vectors)
            unplaced = set(orphans)
            replaced = [i for i in added.added if i not in unplaced]  # already in a story
            assign = [ready[i] for i in [*orphans, *replaced] if i in ready]
            if not assign:
                return results
            fresh_ids = set(added.added)
            if results:
                results[0].resumed = [a.id for a in assign if a.id not in fresh_ids]
            self._save_document_vectors({a.id: vectors[a.id] for a in assign if a.id in vectors})
            reindexed = self._reindex_candidates(candidates, assign, progress)
            if late.articles or not current or reindexed:
                # Articles to place that were not planned, another writer stored
                # articles since the links were found, or the stored articles were
                # not indexed when they were: find them again, under the lock.
                links = self._find_links(assign, sentence_vectors, progress)
            self.store.save_copies(links)
            candidates.add(assign, self._with_sentence_vectors(assign, sentence_vectors))
            touched, story_of = self._assign_stories(assign, vectors, links)
        candidates.save()
        self._save_story_index()
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

    def _candidates(self) -> CandidateIndex:
        """The store's persistent copy-candidate indexes, for this archive's encoder."""
        if self._candidate_index is None:
            name = self.pipeline.embedder.name
            self._candidate_index = CandidateIndex(self.store, self.settings.copies, name)
        return self._candidate_index

    def _find_links(
        self,
        new: Sequence[Article],
        sentence_vectors: Mapping[str, Vector],
        progress: Progress | None,
    ) -> list[CopyLink]:
        """The copy links between ``new`` and each other or a stored article.

        ``new`` is compared with its stored candidates only (see
        :class:`~synopsis.copies.candidate_index.CandidateIndex`), and no two
        stored articles are compared again. ``sentence_vectors`` holds those
        of ``new`` where known; the rest come from the cache.
        """
        if progress:
            progress("copies", 0, 1)
        new_ids = {a.id for a in new}
        # Rewrites and translations need sentence vectors; stored ones come from the cache.
        vectors = self._with_sentence_vectors(new, sentence_vectors)
        found = self._candidates().lookup(new, vectors)
        order = self.store.ingest_order(found.stored())
        stored = {a.id: segment(a) for a in self.store.get_articles(order)}
        vectors.update(self._sentence_vectors(list(stored.values())))
        banded = set(found.banded)
        settings = self.settings.copies
        compared = [*(stored[i] for i in order if i in banded), *new]
        # The new articles' word sets and signatures are those the lookup made.
        hashed = self._candidates().hashed(compared)
        links = find_copies(compared, settings, vectors, involving=new_ids, hashed=hashed)
        # The other neighbours share no band key with the article that found them:
        # they can only be rewrites or translations of it.
        linked = {(link.a, link.b) for link in links}
        rank = {article_id: n for n, article_id in enumerate(order)}
        by_id = {a.id: a for a in new}
        pairs = [
            (stored[other], by_id[article_id])
            for article_id, near in found.neighbours.items()
            for other in sorted((i for i in near if i in rank), key=rank.__getitem__)
            if other not in banded
        ]
        links += find_aligned_pairs(pairs, vectors, settings, linked)
        if progress:
            progress("copies", 1, 1)
        return links

    def _reindex_candidates(
        self, candidates: CandidateIndex, placing: Sequence[Article], progress: Progress | None
    ) -> bool:
        """Index every stored article but ``placing`` again if the indexes need it; whether so.

        A store whose indexes were made with other copy settings or another
        encoder (or by a synopsis without them) is re-indexed whole, once,
        inside the ingest's transaction.
        """
        if not candidates.needs_reindex():
            return False
        leave_out = {a.id for a in placing}
        total = self.store.article_count()
        if progress:
            progress("indexing stored articles", 0, total)
        done = candidates.reindex(
            self._stored_pages(leave_out, total, progress), self._sentence_vectors
        )
        logger.info("%r: copy candidates of %d stored articles indexed", self.store, done)
        return True

    def _stored_pages(
        self, leave_out: set[str], total: int, progress: Progress | None
    ) -> Iterator[list[Article]]:
        page: list[Article] = []
        for seen, article in enumerate(self.store.iter_articles(), start=1):
            if article.id not in leave_out:
                page.append(segment(article))
            if len(page) >= _REINDEX_PAGE:
                yield page
                page = []
                if progress:
                    progress("indexing stored articles", seen, total)
        if page:
            yield page

    def _with_sentence_vectors(
        self, articles: Sequence[Article], known: Mapping[str, Vector]
    ) -> dict[str, Vector]:
        """The sentence vectors of ``articles``: those in ``known``, the rest encoded (cached)."""
        vectors = {a.id: known[a.id] for a in articles if a.sentences and a.id in known}
        missing = [a for a in articles if a.sentences and a.id not in vectors]
        vectors.update(self._sentence_vectors(missing))
        return vectors

    def _sentence_vectors(self, articles: Sequence[Article]) -> dict[str, Vector]:
        """The sentence vectors of ``articles``, through the cache in one call for them all.

        One call, not one per article: the candidates of a late batch are
        thousands of stored articles, and a cache lookup per article cost
        more than reading their vectors.
        """
        with_sentences = [a for a in articles if a.sentences]
        texts = [s.text for a in with_sentences for s in a.sentences]
        if not texts:
            return {}
        rows = self.pipeline.embedder.encode(texts)
        out: dict[str, Vector] = {}
        start = 0
        for article in with_sentences:
            end = start + len(article.sentences)
            out[article.id] = rows[start:end]
            start = end
        return out

    def _assign_stories(
        self, new: Sequence[Article], vectors: dict[str, Vector], links: Sequence[CopyLink]
    ) -> tuple[list[str], dict[str, str]]:
        """Put the new articles into stories, save the stories they touched, record merges.

        The clusterer is restored from the open-story index the last ingest
        saved beside the store (see :mod:`synopsis.stories.saved_index`): it
        loads the stories its searches find and those of the stored articles
        the new ones copy, nothing else. Where that index is missing or stale
        it is rebuilt from the stories that can still gather articles (those
        inside the time window of the newest one, and the undated) and the
        copied articles' stories. Either way with the term statistics and the
        saved numbering: what a clusterer rebuilt from every stored story
        would use, so ingesting in several runs gives the stories of one run.
        Runs inside the ingest's transaction, so the state it reads is current
        until it is saved. Returns the stories touched and the story of each
        article.
        """
        settings = self.settings.stories
        placing = {a.id for a in new}
        copied = {i for link in links for i in (link.a, link.b) if i not in placing}
        copied_stories = sorted(set(self.store.stories_of(sorted(copied)).values()))
        saved_terms = self.store.get_vectors([_TERMS_KEY], _TERMS_MODEL).get(_TERMS_KEY)
        if saved_terms is not None and saved_terms.shape[0] != settings.term_buckets + 1:
            raise StoreError(
                f"the store's story term statistics have {saved_terms.shape[0] - 1} buckets but "
                f"stories.term_buckets is {settings.term_buckets}; keep the setting of the store"
            )
        sequence = self._story_sequence()
        saved_index = self._saved_story_index()
        restored = saved_index.restore(self.store.get_meta(REVISION_META))
        known: set[str] = set()  # the stored stories the clusterer holds

        def load(story_ids: Sequence[str]) -> list[StoryState]:
            rows = [row for row in self.store.get_stories(story_ids) if row.merged_into is None]
            known.update(row.id for row in rows)
            return self._states(rows)

        if restored is None:
            clock = self.store.story_clock()
            since = None if clock is None else clock - timedelta(days=settings.window_days)
            rows = {row.id: row for row in self.store.active_stories(since)}
            closed = [i for i in copied_stories if i not in rows]
            rows.update((row.id, row) for row in self.store.get_stories(closed))
            known.update(rows)
            states = self._states(list(rows.values()))
            clusterer = StoryClusterer(settings, states, saved_terms, sequence)
        else:
            index, clock = restored
            clusterer = StoryClusterer(
                settings, load(copied_stories), saved_terms, sequence, index, load, clock
            )
            clusterer.load_candidates([vectors[a.id] for a in new if a.id in vectors])
        start = clusterer.sequence
        placed = assign_articles(clusterer, new, vectors, linked_articles(links))
        story_of = {article.id: story_id for article, story_id in placed}
        # Every story this batch joined, merged or split numbers its change past ``start``.
        for state in clusterer.stories:
            if state.last_sequence > start:
                self._save_state(state)
        for gone, into in _merge_targets(clusterer.merges).items():
            if gone in known:
                self.store.record_merge(gone, into)
        self.store.put_vectors(_TERMS_MODEL, {_TERMS_KEY: clusterer.term_statistics()})
        self.store.set_meta(_SEQUENCE_META, str(clusterer.sequence))
        revision = uuid.uuid4().hex
        self.store.set_meta(REVISION_META, revision)
        if clusterer.index is not None:
            self._story_index_to_save = (clusterer.index, clusterer.clock, revision)
        return list(dict.fromkeys(story_of.values())), story_of

    def _states(self, rows: Sequence[StoryRow]) -> list[StoryState]:
        """The clustering states of stored stories (centroid and saved state read in two calls)."""
        ids = [row.id for row in rows]
        centroids = self.store.story_centroids(ids)
        saved = self.store.story_states(ids)
        return [self._state(row, centroids.get(row.id), saved.get(row.id)) for row in rows]

    def _saved_story_index(self) -> SavedStoryIndex:
        return SavedStoryIndex(
            self.store.index_folder(), self.pipeline.embedder.name, self.settings.stories
        )

    def _save_story_index(self) -> None:
        """Keep the open-story index of the ingest just committed (see ``_assign_stories``)."""
        pending, self._story_index_to_save = self._story_index_to_save, None
        if pending is not None:
            index, clock, revision = pending
            self._saved_story_index().save(index, clock, revision)

    def _story_sequence(self) -> int:
        """The clusterer's saved numbering; for a store saved without it, from every story once."""
        saved = self.store.get_meta(_SEQUENCE_META)
        if saved is not None:
            return int(saved)
        states = self.store.story_states([row.id for row in self.store.list_stories()])
        return max(
            (max(int(st.get("key", 0)), int(st.get("last_sequence", 0))) for st in states.values()),
            default=0,
        )

    def _state(
        self, row: StoryRow, centroid: Vector | None, saved: Mapping[str, Any] | None
    ) -> StoryState:
        return StoryState.from_saved(
            row.id,
            row.article_ids,
            centroid if centroid is not None else np.zeros(1, dtype=np.float32),
            row.first_published,
            row.last_published,
            saved or {},
        )

    def _save_state(self, state: StoryState) -> None:
        """Save a story the clusterer changed: title, members, sources, clustering state.

        Reads what the title and the source count need of every member (its
        title, document vector and copy links, not its text), as
        :func:`~synopsis.stories.build_story` would compute them.
        """
        titles = self.store.article_titles(state.article_ids)
        members = [i for i in state.article_ids if i in titles]
        title = best_title(members, titles, self._document_vectors(members), state.centroid)
        if title is None:
            first = self.store.get_articles(members[:1])
            title = untitled_story_title(first[0] if first else None)
        groups = source_groups(members, self.store.copies_among(members, evidence=False))
        self.store.save_story(
            state.id,
            title,
            members,
            state.first_published,
            state.last_published,
            state.vector_sum.astype(np.float32),
            {**state.to_state(), "independent_sources": len(groups)},
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
        state = self._state(
            row,
            np.sum(np.vstack(vectors), axis=0) if vectors else None,
            self.store.story_state(row.id),
        )
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
