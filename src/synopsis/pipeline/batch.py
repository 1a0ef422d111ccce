"""The pipeline: read → clean → segment → language → embed → copies → stories → align → digest.

Stages are plain functions over records; this module only runs them in
order, keeps every input accounted for (an article, a failure or a skip) and
reports progress. It knows nothing of storage, the CLI or the web.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from typing import Any

from ..align import Matrix, align_claims
from ..config import Settings
from ..copies import find_copies
from ..embed import CachedEmbedder, Embedder, load_embedder
from ..readers import read_inputs
from ..records import Article, Digest, Failure, Story
from ..report import Report
from ..stories import Vector, cluster_stories, document_vector
from ..summary import build_digest, make_comparison
from ..text.clean import clean
from ..text.language import identify_language
from ..text.segment import segment

Progress = Callable[[str, int, int], None]
"""Called as ``progress(stage, done, total)`` while a run advances."""

InputItem = str | PathLike[str] | Mapping[str, Any]


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
    repeated across copies is encoded once.
    """

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None) -> None:
        self.settings = settings or Settings()
        self._embedder = CachedEmbedder(embedder) if embedder is not None else None

    @property
    def embedder(self) -> CachedEmbedder:
        if self._embedder is None:
            self._embedder = CachedEmbedder(load_embedder(self.settings.embed))
        return self._embedder

    def run(self, items: Iterable[InputItem], progress: Progress | None = None) -> Report:
        """Read ``items`` and produce the full report."""
        progress = progress or _no_progress
        read = read_inputs(items, self.settings.read, on_progress=_reading_progress(progress))
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
        ready: list[Article] = []
        failures: list[Failure] = []
        for done, article in enumerate(articles, start=1):
            try:
                cleaned = article if already_clean else clean(article)
                prepared = identify_language(segment(cleaned))
            except Exception as exc:  # one bad article never sinks the batch
                failures.append(
                    Failure(article.source, f"cleaning failed: {type(exc).__name__}: {exc}")
                )
                continue
            if not prepared.sentences:
                failures.append(Failure(article.source, "no article text left after cleaning"))
            else:
                ready.append(prepared)
            progress("clean", done, len(articles))
        sentence_vectors, document_vectors = self.embed(ready, progress)
        return Prepared(ready, sentence_vectors, document_vectors, failures)

    def embed(
        self, articles: Sequence[Article], progress: Progress | None = None
    ) -> tuple[dict[str, Matrix], dict[str, Vector]]:
        """Sentence vectors (a row per sentence) and document vectors per article."""
        progress = progress or _no_progress
        sentence_vectors: dict[str, Matrix] = {}
        document_vectors: dict[str, Vector] = {}
        lead = self.settings.stories.lead_sentences
        for done, article in enumerate(articles, start=1):
            texts = [s.text for s in article.sentences]
            if article.title:
                texts.append(article.title)
            vectors = self.embedder.encode(texts)
            rows = vectors[: len(article.sentences)]
            title = vectors[-1] if article.title else None
            sentence_vectors[article.id] = rows
            document_vectors[article.id] = document_vector(title, rows, lead)
            progress("embed", done, len(articles))
        return sentence_vectors, document_vectors

    def digest_stories(
        self, stories: Sequence[Story], prepared: Prepared, progress: Progress | None = None
    ) -> list[Digest]:
        """The digest of every story, most independently sourced first."""
        progress = progress or _no_progress
        by_id = {article.id: article for article in prepared.articles}
        comparison = make_comparison(self.settings, self.embedder.encode)
        digests = []
        for done, story in enumerate(stories, start=1):
            claims = align_claims(story, by_id, prepared.sentence_vectors, self.settings.align)
            digests.append(
                build_digest(
                    story,
                    claims,
                    by_id,
                    prepared.sentence_vectors,
                    self.settings.digest,
                    comparison,
                )
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


def _reading_progress(progress: Progress) -> Callable[[str], None]:
    count = 0

    def advance(_name: str) -> None:
        nonlocal count
        count += 1
        progress("read", count, 0)  # the number of records is unknown until read

    return advance


__all__ = ["InputItem", "Pipeline", "Prepared", "Progress"]
