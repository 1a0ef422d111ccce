"""The Dask executor on a real LocalCluster: the stories and copy links of one process.

One cluster serves the module: two worker processes on the loopback, started
by an executor that owns it (the last test on it checks that closing the
executor closes it), with the hashed-words test encoder
(``synopsis.embed.testing``), so no model is loaded. Pipelines reach it by
its scheduler's address, as they would a remote cluster. The tests of
settings and of a missing extra need no Dask and always run.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from functools import partial
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner

from synopsis import Embedder, Pipeline, Report
from synopsis.archive import Archive
from synopsis.cli import app
from synopsis.config import PipelineSettings, Settings
from synopsis.demo import corpus_path
from synopsis.embed import embedder_recipe
from synopsis.embed.testing import HashedWordsEmbedder
from synopsis.errors import ConfigError
from synopsis.pipeline.stream import StoryStream
from synopsis.readers import read_inputs
from synopsis.records import Article

if TYPE_CHECKING:
    from synopsis.pipeline.dask import DaskExecutor

needs_dask = pytest.mark.skipif(
    find_spec("distributed") is None,
    reason="needs Dask: pip install 'synopsis[dask]' (or the dev extra)",
)
"""A test that starts or uses a Dask cluster."""

ENCODER = partial(HashedWordsEmbedder, dim=256)


def settings(**pipeline: object) -> Settings:
    values = {"compare.ner": False, **{f"pipeline.{k}": v for k, v in pipeline.items()}}
    return Settings.from_mapping(values)


def on_dask(scheduler: str, **pipeline: object) -> Settings:
    return settings(executor="dask", scheduler=scheduler, parallel_min_articles=1, **pipeline)


def story_sets(report: Report) -> dict[str, frozenset[str]]:
    return {d.story.id: frozenset(d.story.article_ids) for d in report.digests}


def link_kinds(report: Report) -> set[tuple[str, str, str]]:
    return {(link.a, link.b, str(link.kind)) for link in report.copies}


@pytest.fixture(scope="module")
def owned() -> Iterator[DaskExecutor]:
    """An executor with a LocalCluster of its own: two workers, ``ahead`` 3.

    Its scheduler gives up on a task at the first worker lost with it.
    """
    import dask

    from synopsis.pipeline.dask import DaskExecutor

    executor = DaskExecutor(embedder_recipe(ENCODER()), workers=2, ahead=3)
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        executor.start()
    yield executor
    executor.close()


@pytest.fixture(scope="module")
def scheduler(owned: DaskExecutor) -> str:
    """The address of that cluster's scheduler, for other executors to use."""
    assert owned.cluster is not None
    return str(owned.cluster.scheduler_address)


@needs_dask
def test_digest_on_dask_gives_the_stories_and_copies_of_one_process(scheduler: str) -> None:
    here = Pipeline(settings(), ENCODER()).run([corpus_path()])
    there = Pipeline(on_dask(scheduler, chunk=3), ENCODER()).run([corpus_path()])
    assert story_sets(there) == story_sets(here) and len(here.digests) >= 4
    assert link_kinds(there) == link_kinds(here) and here.copies
    assert there.to_dict() == here.to_dict()  # and everything else in the report


@needs_dask
def test_archive_ingest_on_dask_gives_the_stories_and_copies_of_one_process(
    tmp_path: Path, scheduler: str
) -> None:
    made = []
    for name, chosen in {"here": settings(), "dask": on_dask(scheduler, chunk=4)}.items():
        with Archive.open(tmp_path / f"{name}.db", chosen, embedder=ENCODER()) as archive:
            result = archive.ingest([corpus_path()])
            assert not result.failures and result.added
            stories = {row.id: tuple(row.article_ids) for row in archive.store.list_stories()}
            ids = [a for row in stories.values() for a in row]
            links = {(c.a, c.b, str(c.kind)) for c in archive.store.copies_among(ids)}
            made.append((stories, links))
    (stories_here, links_here), (stories_dask, links_dask) = made
    assert stories_dask == stories_here and len(stories_here) >= 4
    assert links_dask == links_here and links_here


def broken_batch() -> list[Article]:
    """The demo articles, with one that cleaning cannot handle and one with no text to keep."""
    articles = list(read_inputs([corpus_path()]).articles)
    broken = Article(id="broken", text=None, source="broken.txt")  # type: ignore[arg-type]
    tags = Article(id="tags", text="#breaking #news #world #today #port", source="tags.txt")
    articles[3:3] = [broken]
    articles[9:9] = [tags]
    return articles


@needs_dask
def test_a_bad_article_in_a_partition_is_a_failure_and_the_rest_go_on(scheduler: str) -> None:
    articles = broken_batch()
    here = Pipeline(settings(chunk=2), ENCODER()).prepare(articles)
    there = Pipeline(on_dask(scheduler, chunk=2), ENCODER()).prepare(articles)
    assert [f.input for f in there.failures] == ["broken.txt", "tags.txt"]
    assert there.failures == here.failures
    assert there.failures[0].reason.startswith("cleaning failed: AttributeError")
    assert [a.id for a in there.articles] == [a.id for a in here.articles]
    assert len(there.articles) == len(articles) - 2


@needs_dask
def test_the_story_stream_on_dask_gives_the_stories_of_one_process(scheduler: str) -> None:
    from synopsis.pipeline.dask import DaskExecutor

    articles = list(read_inputs([corpus_path()]).articles)
    batches = [articles[:6], articles[6:11], articles[11:]]
    placed = []
    with DaskExecutor(embedder_recipe(ENCODER()), scheduler=scheduler) as executor:
        for stream in (
            StoryStream(ENCODER(), chunk=2),
            StoryStream(ENCODER(), chunk=2, executor=executor),
        ):
            with stream:
                placed.append([r.stories for r in stream.add_many(batches)])
        assert executor.client is not None  # the stream leaves a given executor open
    assert placed[0] == placed[1] and placed[0][0]


@needs_dask
def test_a_lost_worker_is_reported_and_the_rest_is_prepared_here(
    scheduler: str, caplog: pytest.LogCaptureFixture
) -> None:
    crashing = HashedWordsEmbedder(dim=256, crash_on="Aurelia Star")  # kills its worker
    with caplog.at_level("WARNING", logger="synopsis.pipeline.batch"):
        report = Pipeline(on_dask(scheduler, chunk=4), crashing).run([corpus_path()])
    assert "worker processes failed" in caplog.text and "Dask workers died" in caplog.text
    assert report.to_dict() == Pipeline(settings(), ENCODER()).run([corpus_path()]).to_dict()


@needs_dask
def test_an_executor_keeps_chunks_in_order_and_closes_its_local_cluster(
    owned: DaskExecutor,
) -> None:
    import psutil
    from distributed.core import Status

    pulled: list[int] = []

    def chunks() -> Iterator[list[Article]]:
        for n in range(12):
            pulled.append(n)
            yield [Article(id=f"a{n}-{i}", text="x", source=f"<{n}>") for i in range(n)]

    results = []
    for size in owned.map(_sizes, chunks()):
        assert len(pulled) <= len(results) + 3  # never more than ``ahead`` in flight
        results.append(size)
    assert results == list(range(12))
    cluster, client = owned.cluster, owned.client
    assert cluster is not None and client is not None
    client.wait_for_workers(2, timeout=60)  # a worker lost by the test above is back
    assert len(owned.start()) == 2
    pids = list(client.run(os.getpid).values())
    owned.close()  # the last test on this cluster
    assert owned.cluster is None and owned.client is None
    assert cluster.status == Status.closed
    assert not [pid for pid in pids if psutil.pid_exists(pid)]


def _sizes(chunk: Sequence[Article], embedder: Embedder) -> int:
    return len(chunk) * embedder.encode(["probe"]).shape[0]


@needs_dask
def test_a_scheduler_unreachable_or_without_workers_is_a_config_error_naming_it() -> None:
    from distributed import LocalCluster

    from synopsis.pipeline.dask import DaskExecutor

    recipe = embedder_recipe(ENCODER())
    with (
        pytest.raises(ConfigError, match="cannot reach the Dask scheduler") as error,
        DaskExecutor(recipe, scheduler="tcp://127.0.0.1:9", timeout=1) as executor,
    ):
        executor.start()
    assert error.value.setting == "pipeline.scheduler"
    with (
        LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address="127.0.0.1:0") as empty,
        pytest.raises(ConfigError, match="no Dask worker joined") as error,
        DaskExecutor(recipe, scheduler=empty.scheduler_address, timeout=1) as executor,
    ):
        executor.start()
    assert error.value.setting == "pipeline.scheduler" and executor.client is None


@pytest.mark.parametrize(
    ("values", "setting"),
    [
        ({"pipeline.executor": ""}, "pipeline.executor"),
        ({"pipeline.executor": "spark"}, "pipeline.executor"),
        ({"pipeline.scheduler": "tcp://10.0.0.5:8786"}, "pipeline.scheduler"),  # not with local
        ({"pipeline.executor": "dask", "pipeline.scheduler": "tcp://a b:1"}, "pipeline.scheduler"),
        ({"pipeline.executor": "dask", "pipeline.dask_workers": -1}, "pipeline.dask_workers"),
        (
            {"pipeline.executor": "dask", "pipeline.scheduler": "h:1", "pipeline.dask_workers": 2},
            "pipeline.dask_workers",
        ),
    ],
)
def test_a_bad_executor_setting_is_a_config_error_naming_it(
    values: dict[str, Any], setting: str
) -> None:
    with pytest.raises(ConfigError) as error:
        Settings.from_mapping(values)
    assert error.value.setting == setting


def test_executor_settings_from_the_environment_and_the_command_line() -> None:
    env = {"SYNOPSIS_PIPELINE__EXECUTOR": "dask", "SYNOPSIS_PIPELINE__SCHEDULER": "tcp://h:8786"}
    chosen = Settings.from_env(env).pipeline
    assert (chosen.executor, chosen.scheduler, chosen.dask_workers) == ("dask", "tcp://h:8786", 0)
    blank = Settings.from_env({**env, "SYNOPSIS_PIPELINE__SCHEDULER": " "}).pipeline
    assert blank.scheduler is None
    assert Settings().with_executor("dask:3").pipeline == PipelineSettings(
        executor="dask", dask_workers=3
    )
    assert Settings().with_executor(None, "tcp://h:1").pipeline.executor == "dask"
    assert Settings.from_env(env).with_executor("local").pipeline == PipelineSettings()
    assert Settings().with_executor(None) == Settings()
    for spec in ("dask:x", "local:2", "spark"):
        with pytest.raises(ConfigError) as error:
            Settings().with_executor(spec)
        assert error.value.setting == "pipeline.executor"


def test_the_command_line_refuses_an_unknown_executor() -> None:
    result = CliRunner().invoke(app, ["digest", "-q", "--executor", "spark", "x.txt"])
    assert result.exit_code == 2
    assert "pipeline.executor" in result.output


def test_without_dask_asking_for_it_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    monkeypatch.delitem(sys.modules, "synopsis.pipeline.dask", raising=False)
    pipeline = Pipeline(settings(executor="dask", parallel_min_articles=1), ENCODER())
    with pytest.raises(ConfigError, match=r"pip install 'synopsis\[dask\]'") as error:
        pipeline.prepare(list(read_inputs([corpus_path()]).articles))
    assert error.value.setting == "pipeline.executor"
    small = Pipeline(settings(executor="dask"), ENCODER()).prepare(broken_batch()[:4])
    assert len(small.articles) == 3  # a small batch is prepared here: Dask is never asked for
    result = CliRunner().invoke(app, ["ingest", "-q", "--executor", "dask:2", "x.txt"])
    assert result.exit_code == 2
    assert "synopsis[dask]" in result.output
