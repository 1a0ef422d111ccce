"""The summary evaluation: ROUGE of synopsis's digest summary beside Lead and LexRank.

Input is a JSON-lines file of events in the NeuS format: ``{"event": …,
"articles": [{"title": …, "text": …}, …], "reference": {"summary": …}}``
(``reference`` may also be a plain string). For each event the three systems
write a summary for the event's articles at the reference's word count, in
the same run:

* **synopsis**: the digest of the event's articles taken as one story (copy
  detection, claim alignment, ranking), its summary lines in order;
* **Lead**: the first sentences of the first article;
* **LexRank** (sumy): the most central sentences of all the articles.

Each summary is cut to the reference's word count before scoring, so no
system gains by being longer. Scores are ROUGE-1/2/L F1 (rouge-score, with
stemming), averaged over events.
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Settings
from ..copies import find_copies
from ..errors import InputError
from ..pipeline import Pipeline, digest_story
from ..records import Article, RankedLine, Story
from ..text.segment import split_sentences

SYSTEMS = ("synopsis", "lead", "lexrank")
METRICS = ("rouge1", "rouge2", "rougeL")


@dataclass(frozen=True, slots=True)
class Event:
    """One event: its articles (title, text) and the reference summary."""

    id: str
    articles: tuple[tuple[str, str], ...]
    reference: str

    @property
    def budget(self) -> int:
        """The reference's word count: every system's summary is cut to it."""
        return len(self.reference.split())


@dataclass(frozen=True, slots=True)
class Rouge:
    """Mean ROUGE F1 of one system over the events."""

    rouge1: float
    rouge2: float
    rougeL: float


@dataclass(frozen=True, slots=True)
class SummaryEvaluation:
    """Every system's scores on the same events at the same budgets."""

    events: int
    scores: dict[str, Rouge]

    def ratio(self, system: str, baseline: str, metric: str = "rouge2") -> float:
        base = getattr(self.scores[baseline], metric)
        return getattr(self.scores[system], metric) / base if base else float("inf")


def read_events(path: str | Path, limit: int | None = None) -> list[Event]:
    """The events of a NeuS-style JSON-lines file; a bad line raises naming the line and field."""
    events: list[Event] = []
    source = Path(path)
    try:
        handle = source.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(str(source), f"cannot read: {exc}") from exc
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            if limit is not None and len(events) >= limit:
                break
            where = f"{source}:{number}"
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(where, f"not JSON: {exc}") from exc
            events.append(_event(data, where))
    if not events:
        raise InputError(str(source), "no events")
    return events


def _event(data: Any, where: str) -> Event:
    if not isinstance(data, dict):
        raise InputError(where, "expected a JSON object")
    articles = data.get("articles")
    if not isinstance(articles, list) or not articles:
        raise InputError(where, "field 'articles' must be a non-empty list")
    pairs: list[tuple[str, str]] = []
    for n, article in enumerate(articles):
        if not isinstance(article, dict) or not isinstance(article.get("text"), str):
            raise InputError(where, f"articles[{n}].text must be a string")
        pairs.append((str(article.get("title") or ""), article["text"]))
    reference = data.get("reference")
    if isinstance(reference, dict):
        reference = reference.get("summary")
    if not isinstance(reference, str) or not reference.strip():
        raise InputError(where, "field 'reference' must hold a summary")
    return Event(str(data.get("event", where)), tuple(pairs), reference)


def cut(text: str, words: int) -> str:
    """The first ``words`` words of ``text``."""
    return " ".join(text.split()[:words])


def _sentences(text: str) -> list[str]:
    found: list[str] = []
    for paragraph in text.split("\n"):
        found.extend(paragraph[a:b] for a, b in split_sentences(paragraph))
    return [s for s in found if s.strip()]


def lead_summary(event: Event) -> str:
    """The first sentences of the first article, up to the budget."""
    chosen: list[str] = []
    for sentence in _sentences(event.articles[0][1]):
        if sum(len(s.split()) for s in chosen) >= event.budget:
            break
        chosen.append(sentence)
    return cut(" ".join(chosen), event.budget)


class SentenceTokenizer:
    """A sumy tokenizer that uses synopsis's sentence splitter (nltk data is not needed)."""

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(_sentences(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(re.findall(r"\w+", sentence))


def lexrank_summary(event: Event) -> str:
    """The fewest LexRank-best sentences (in document order) that fill the budget."""
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer

    text = "\n\n".join(body for _, body in event.articles)
    document = PlaintextParser.from_string(text, SentenceTokenizer()).document
    summarizer = LexRankSummarizer()
    total = len(document.sentences)
    chosen: Sequence[Any] = ()
    for count in range(1, total + 1):
        chosen = summarizer(document, count)
        if sum(len(str(s).split()) for s in chosen) >= event.budget:
            break
    return cut(" ".join(str(s) for s in chosen), event.budget)


class SynopsisSummarizer:
    """synopsis's digest summary of an event's articles, taken as one story."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline

    def __call__(self, event: Event) -> str:
        articles = [
            Article(id=f"{event.id}-{n}", text=text, source=f"{event.id}-{n}", title=title or None)
            for n, (title, text) in enumerate(event.articles)
        ]
        prepared = self.pipeline.prepare(articles)
        if not prepared.articles:
            return ""
        settings = self.pipeline.settings
        links = find_copies(prepared.articles, settings.copies, prepared.sentence_vectors)
        story = _one_story(event.id, prepared.articles, links)
        by_id = {a.id: a for a in prepared.articles}
        digest = digest_story(
            story,
            by_id,
            prepared.sentence_vectors,
            settings,
            comparison=None,
            rank_all=True,
            encode=self.pipeline.embedder.encode,
        )
        return fill_budget(digest.ranking, event.budget)


def fill_budget(ranked: Sequence[RankedLine], budget: int) -> str:
    """The best lines up to ``budget`` words, in reading order.

    Lines are taken in rank order until the budget is reached; the last one
    taken (the lowest ranked) is cut at the budget's last word, as the
    baselines are cut.
    """
    chosen: list[tuple[RankedLine, list[str]]] = []
    words = 0
    for item in ranked:
        if words >= budget:
            break
        tokens = item.line.text.split()[: budget - words]
        chosen.append((item, tokens))
        words += len(tokens)
    chosen.sort(key=lambda pair: pair[0].position)
    return " ".join(" ".join(tokens) for _, tokens in chosen)


def _one_story(event_id: str, articles: Sequence[Article], links: Sequence[Any]) -> Story:
    from ..copies import source_groups

    ids = [a.id for a in articles]
    groups = source_groups(ids, links)
    return Story(
        id=event_id,
        article_ids=ids,
        title=articles[0].title or "",
        independent_sources=len(groups),
        source_groups=groups,
    )


def evaluate_summaries(
    events: Sequence[Event],
    pipeline: Pipeline | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SummaryEvaluation:
    """ROUGE of synopsis, Lead and LexRank on ``events``, same budgets, same run."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    synopsis = SynopsisSummarizer(pipeline or Pipeline(Settings()))
    systems: dict[str, Callable[[Event], str]] = {
        "synopsis": synopsis,
        "lead": lead_summary,
        "lexrank": lexrank_summary,
    }
    totals: dict[str, dict[str, list[float]]] = {s: {m: [] for m in METRICS} for s in SYSTEMS}
    for done, event in enumerate(events, start=1):
        for name, summarize in systems.items():
            scores = scorer.score(event.reference, summarize(event))
            for metric in METRICS:
                totals[name][metric].append(scores[metric].fmeasure)
        if progress is not None:
            progress(done, len(events))
    return SummaryEvaluation(
        events=len(events),
        scores={
            name: Rouge(*(statistics.fmean(totals[name][m]) for m in METRICS)) for name in SYSTEMS
        },
    )


def iter_summaries(events: Sequence[Event], pipeline: Pipeline) -> Iterator[tuple[str, str]]:
    """(event id, synopsis summary) for each event: for looking at what was written."""
    summarize = SynopsisSummarizer(pipeline)
    for event in events:
        yield event.id, summarize(event)


__all__ = [
    "Event",
    "Rouge",
    "SentenceTokenizer",
    "SummaryEvaluation",
    "cut",
    "evaluate_summaries",
    "fill_budget",
    "lead_summary",
    "lexrank_summary",
    "read_events",
]
