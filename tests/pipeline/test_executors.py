"""Execution in one place: the batch pipeline and the archive on worker processes.

Workers must give exactly what one process gives (the steps are the same
code), keep every input accounted for, and the story path must run once per
story wherever a report is asked for.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from collections.abc import Sequence
from functools import partial
from pathlib import Path

import pytest

from synopsis import Embedder, Pipeline, Report
from synopsis.archive import Archive
from synopsis.config import ConfigError, PipelineSettings, Settings
from synopsis.demo import corpus_path
from synopsis.embed.testing import HashedWordsEmbedder
from synopsis.pipeline import InProcess, WorkerPool, stages
from synopsis.pipeline.executors import default_workers
from synopsis.records import Article

NO_NER = {"compare.ner": False}


def settings(**pipeline: int) -> Settings:
    values: dict[str, object] = {**NO_NER, **{f"pipeline.{k}": v for k, v in pipeline.items()}}
    return Settings.from_mapping(values)


def run(settings: Settings) -> Report:
    return Pipeline(settings, HashedWordsEmbedder(dim=256)).run([corpus_path()])


def test_workers_give_the_report_of_one_process() -> None:
    one = run(settings(workers=1))
    two = run(settings(workers=2, chunk=3, parallel_min_articles=1))
    assert one.to_dict() == two.to_dict()
    assert len(one.articles) > 10 and one.digests
    assert multiprocessing.active_children() == []  # the pool is closed after the batch


def test_a_small_batch_is_prepared_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a batch under parallel_min_articles must not start workers")

    monkeypatch.setattr(WorkerPool, "__init__", refuse)
    report = run(settings(workers=2, parallel_min_articles=1000))
    assert report.digests


class UnpicklableEmbedder(HashedWordsEmbedder):
    """An encoder holding a lock: it cannot be sent to a worker process."""

    def __init__(self) -> None:
        super().__init__(dim=256)
        self.lock = threading.Lock()


def test_an_encoder_that_cannot_go_to_workers_runs_here() -> None:
    many = settings(workers=2, parallel_min_articles=1)
    report = Pipeline(many, UnpicklableEmbedder()).run([corpus_path()])
    assert report.to_dict() == run(settings(workers=1)).to_dict()


def test_a_bad_article_in_a_worker_is_a_failure_and_the_rest_go_on(tmp_path: Path) -> None:
    good = "The harbour of Marrendal reopened on Monday after the storm damaged its piers."
    (tmp_path / "a.txt").write_text(f"Harbour reopens\n\n{good}\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(f"Harbour reopens again\n\n{good} Ships came back.\n")
    (tmp_path / "tags.txt").write_text("Harbour news\n\n#breaking #news #world #today #port\n")
    report = Pipeline(
        settings(workers=2, chunk=1, parallel_min_articles=1), HashedWordsEmbedder()
    ).run([tmp_path])
    assert len(report.articles) == 2
    reasons = {Path(f.input).name: f.reason for f in report.failures}
    assert reasons == {"tags.txt": "no article text left after cleaning"}


def test_workers_that_die_leave_the_rest_to_this_process(
    caplog: pytest.LogCaptureFixture,
) -> None:
    crashing = HashedWordsEmbedder(dim=256, crash_on="Aurelia Star")  # kills its worker
    many = settings(workers=2, chunk=4, parallel_min_articles=1)
    with caplog.at_level(logging.WARNING, logger="synopsis.pipeline.batch"):
        report = Pipeline(many, crashing).run([corpus_path()])
    assert "worker processes failed" in caplog.text
    assert report.to_dict() == run(settings(workers=1)).to_dict()


def test_archive_ingest_on_workers_gives_the_stories_of_one_process(tmp_path: Path) -> None:
    made = []
    for name, pipeline in {
        "one": settings(workers=1),
        "two": settings(workers=2, chunk=4, parallel_min_articles=1),
    }.items():
        with Archive.open(tmp_path / f"{name}.db", pipeline, embedder=HashedWordsEmbedder()) as a:
            result = a.ingest([corpus_path()])
            assert not result.failures and result.added
            made.append({s.id: (s.articles, s.title) for s in a.stories()})
    assert made[0] == made[1] and len(made[0]) >= 4


def test_a_stored_story_is_aligned_once_per_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from synopsis.web.service import StoryService

    calls: list[str] = []
    align = stages.align_claims

    def counting(story, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(story.id)
        return align(story, *args, **kwargs)

    monkeypatch.setattr(stages, "align_claims", counting)
    with Archive.open(tmp_path / "s.db", settings(workers=1), embedder=HashedWordsEmbedder()) as a:
        a.ingest([corpus_path()])
        story = a.stories()[0].id
        data = StoryService(a).story(story)
    assert calls == [story]
    assert data.claims and data.sentences
    reported = {a["id"] for a in data.report["articles"]}
    assert set(data.sentences) == reported


def test_executors_run_a_step_over_chunks_in_order() -> None:
    chunks = [[], *([Article(id=f"a{n}", text="x", source="x")] * n for n in range(1, 6))]
    assert list(InProcess(HashedWordsEmbedder()).map(_sizes, chunks)) == [0, 1, 2, 3, 4, 5]
    with WorkerPool(2, partial(HashedWordsEmbedder, dim=8)) as pool:
        assert list(pool.map(_sizes, chunks)) == [0, 1, 2, 3, 4, 5]
        assert len(pool.start()) == 2
    assert multiprocessing.active_children() == []


def _sizes(chunk: Sequence[Article], embedder: Embedder) -> int:
    return len(chunk) * embedder.encode(["probe"]).shape[0]


def test_pipeline_settings_are_checked() -> None:
    with pytest.raises(ConfigError, match=r"pipeline\.workers"):
        PipelineSettings(workers=-1)
    with pytest.raises(ConfigError, match=r"pipeline\.chunk"):
        PipelineSettings(chunk=0)
    assert default_workers() >= 1
