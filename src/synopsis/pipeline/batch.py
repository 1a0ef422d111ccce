"""The batch pipeline: read → prepare → copies → stories → the story path, per story.

Stages are plain functions over records; this module only runs them in
order, keeps every input accounted for (an article, a failure or a skip) and
reports progress. Preparing (clean, segment, language, vectors) runs on an
executor: for a large batch in worker processes, or on a Dask cluster
(``PipelineSettings.executor``; see :mod:`.dask`), here for a small one; the
rest (copies, stories, digests) runs here, in order, so every executor gives
the same report. It knows nothing of storage, the CLI or the web.
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import BrokenExecutor
from dataclasses import dataclass, field
from functools import partial
from os import PathLike
from typing import Any

from ..compare import make_comparison
from ..config import Settings
from ..copies import find_copies
from ..embed import CachedEmbedder, Embedder, embedder_recipe, load_embedder
from ..fetch import Fetcher
from ..readers import read_inputs
from ..readers.web import WebReader
from ..records import Article, Digest, Failure, Story
from ..report import Report
from ..stories import cluster_stories
from ..types import Matrix, Vector
from .executors import Executor, InProcess, WorkerPool, default_workers
from .stages import PreparedBatch, digest_story, prepare_for_digest, stack

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` while a run advances."""

InputItem = str | PathLike[str] | Mapping[str, Any]

logger = logging.getLogger(__name__)


def _no_progress(stage: str, done: int, total: int) -> None:
    return None


@dataclass(slots=True)
class Prepared:
    """Articles ready for comparison, with their vectors, and what could not be prepared."""

    articles: list[Article]
    sentence_vectors: dict[str, Matrix]
    document_vectors: dict[str, Vector]
    failures: list[Failure] = field(default_factory=list)


class Pipeline:
    """Runs synopsis's stages over a batch of inputs.

    The embedder is loaded on first use (so commands that never embed start
    fast) and wrapped in a cache keyed by sentence content, so a sentence
    repeated across copies is encoded once. ``executor`` fixes where
    articles are prepared; by default a batch of at least
    ``settings.pipeline.parallel_min_articles`` articles is prepared in
    ``settings.pipeline.workers`` processes (one per core), or on a Dask
    cluster where ``settings.pipeline.executor`` is ``"dask"``, a smaller one
    here.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
        *,
        executor: Executor | None = None,
        fetcher: Fetcher | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self._embedder = CachedEmbedder(embedder) if embedder is not None else None
        self._executor = executor
        self._fetcher = fetcher

    @property
    def embedder(self) -> CachedEmbedder:
        if self._embedder is None:
            self._embedder = CachedEmbedder(load_embedder(self.settings.embed))
        return self._embedder

    def web_reader(self) -> WebReader:
        """Reads URL inputs (the fetcher is built from ``settings.fetch`` unless one was given)."""
        if self._fetcher is None:
            self._fetcher = Fetcher(self.settings.fetch)
        return WebReader(self._fetcher, workers=self.settings.follow.page_workers)

    def use_embedder(self, embedder: CachedEmbedder) -> None:
        """Encode with ``embedder`` (already cached, e.g. by a store) from now on."""
        self._embedder = embedder

    def run(self, items: Iterable[InputItem], progress: Progress | None = None) -> Report:
        """Read ``items`` and produce the full report."""
        progress = progress or _no_progress
        read = read_inputs(
            items,
            self.settings.read,
            on_progress=_reading_progress(progress),
            web=self.web_reader(),
        )
        inputs = len(read.articles) + len(read.failures) + len(read.skipped)
        progress("read", inputs, inputs)
        prepared = self.prepare(read.articles, progress)
        links = find_copies(prepared.articles, self.settings.copies, prepared.sentence_vectors)
        progress("stories", 0, 1)
        stories = cluster_stories(
            prepared.articles, prepared.document_vectors, links, self.settings.stories
        )
        progress("stories", 1, 1)
        digests = self.digest_stories(stories, prepared, progress)
        return Report(
            articles=prepared.articles,
            copies=links,
            digests=digests,
            failures=[*read.failures, *prepared.failures],
            skipped=list(read.skipped),
        )

    def prepare(
        self,
        articles: Sequence[Article],
        progress: Progress | None = None,
        *,
        already_clean: bool = False,
    ) -> Prepared:
        """Clean, segment, identify the language of and embed ``articles``.

        ``already_clean`` skips cleaning, for articles read back from a store.
        An article that fails a stage, or has no text left after cleaning,
        becomes a :class:`Failure` naming its input; the others go on.
        """
        progress = progress or _no_progress
        step = partial(
            prepare_for_digest,
            lead_sentences=self.settings.stories.lead_sentences,
            already_clean=already_clean,
        )
        size = self.settings.pipeline.chunk
        chunks = [articles[i : i + size] for i in range(0, len(articles), size)]
        executor, owned = self._executor_for(len(articles))
        batch = PreparedBatch()
        taken = 0
        here = isinstance(executor, InProcess)
        try:
            try:
                for part in executor.map(step, chunks):
                    self._take(batch, part, here, progress, len(articles))
                    taken += 1
            except BrokenExecutor as exc:
                if here:
                    raise
                # Nothing is lost: what the workers did not hand back is prepared here.
                logger.warning("worker processes failed (%s); preparing the rest here", exc)
                for part in InProcess(self.embedder).map(step, chunks[taken:]):
                    self._take(batch, part, True, progress, len(articles))
        finally:
            if owned:
                executor.close()
        return Prepared(
            batch.articles, batch.sentence_vectors, batch.document_vectors, batch.failures
        )

    def _take(
        self, batch: PreparedBatch, part: PreparedBatch, here: bool, progress: Progress, total: int
    ) -> None:
        """Add one prepared chunk to ``batch`` (``here``: prepared in this process)."""
        batch.extend(part)
        if not here:  # vectors made elsewhere: keep them, as encoding here would have
            self.embedder.remember(part.encoded, stack(part.encoded_vectors, self.embedder.dim))
        done = len(batch.articles) + len(batch.failures)
        progress("clean", done, total)
        progress("embed", done, total)

    def _executor_for(self, articles: int) -> tuple[Executor, bool]:
        """The executor for a batch of ``articles``, and whether this call must close it."""
        if self._executor is not None:
            return self._executor, False
        settings = self.settings.pipeline
        if articles < settings.parallel_min_articles:
            return InProcess(self.embedder), True
        if settings.executor == "dask":
            return self._dask_executor(), True
        workers = settings.workers or default_workers()
        if workers > 1:
            recipe = embedder_recipe(self.embedder, threads=1)
            if _picklable(recipe):  # else the encoder cannot be rebuilt in a worker
                return WorkerPool(workers, recipe), True
        return InProcess(self.embedder), True

    def _dask_executor(self) -> Executor:
        """The Dask executor of ``settings.pipeline`` (a ConfigError without the extra)."""
        from .dask import DaskExecutor  # imports Dask: only when asked for

        settings = self.settings.pipeline
        return DaskExecutor(
            embedder_recipe(self.embedder, threads=1),
            scheduler=settings.scheduler,
            workers=None if settings.scheduler else settings.dask_workers or None,
        )

    def digest_stories(
        self, stories: Sequence[Story], prepared: Prepared, progress: Progress | None = None
    ) -> list[Digest]:
        """The digest of every story, most independently sourced first."""
        progress = progress or _no_progress
        by_id = {article.id: article for article in prepared.articles}
        comparison = make_comparison(self.settings, self.embedder.encode)
        digests = []
        for done, story in enumerate(stories, start=1):
            digests.append(
                digest_story(story, by_id, prepared.sentence_vectors, self.settings, comparison)
            )
            progress("digest", done, len(stories))
        input_order = {article.id: n for n, article in enumerate(prepared.articles)}
        digests.sort(
            key=lambda d: (
                -d.story.independent_sources,
                -len(d.story.article_ids),
                min(input_order[a] for a in d.story.article_ids),
            )
        )
        return digests


def _picklable(value: object) -> bool:
    try:
        pickle.dumps(value)
    except Exception:  # pickle raises many kinds: any of them means "not here"
        return False
    return True


def _reading_progress(progress: Progress) -> Callable[[str], None]:
    count = 0

    def advance(_name: str) -> None:
        nonlocal count
        count += 1
        progress("read", count, 0)  # the number of records is unknown until read

    return advance


__all__ = ["InputItem", "Pipeline", "Prepared", "Progress"]
