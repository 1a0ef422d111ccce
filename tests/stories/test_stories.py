from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from synopsis.config import StorySettings
from synopsis.embed.testing import HashedWordsEmbedder
from synopsis.errors import ConfigError
from synopsis.pipeline.stream import StoryStream
from synopsis.records import Article, CopyKind, CopyLink
from synopsis.stories import (
    StoryClusterer,
    StoryState,
    cluster_stories,
    publication_order,
    story_id_for,
)
from synopsis.stories.representation import (
    TermStatistics,
    count_terms,
    extract_terms,
    sparse_dot,
    term_bucket,
)

BUCKETS = 1 << 12


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def terms(text: str) -> dict[int, float]:
    return count_terms(extract_terms("", text), BUCKETS)


DAY = datetime(2026, 3, 1, tzinfo=UTC)
QUAKE = unit(1, 0.1, 0)


def test_similar_articles_join_and_different_ones_open_stories() -> None:
    clusterer = StoryClusterer(StorySettings(vector_threshold=0.8))
    first = clusterer.add("a", unit(1, 0, 0), DAY)
    assert clusterer.add("b", unit(0.95, 0.1, 0), DAY) == first
    other = clusterer.add("c", unit(0, 1, 0), DAY)
    assert other != first
    assert first == story_id_for("a") and other == story_id_for("c")
    assert clusterer.add("a", unit(0, 0, 1), DAY) == first  # already placed: unchanged


def test_copy_links_override_vectors() -> None:
    clusterer = StoryClusterer(StorySettings(vector_threshold=0.9))
    story = clusterer.add("a", unit(1, 0, 0), DAY)
    assert clusterer.add("b", unit(0, 1, 0), DAY, copied_from=["a"]) == story


def test_window_closes_old_stories() -> None:
    clusterer = StoryClusterer(StorySettings(vector_threshold=0.8, window_days=7))
    old = clusterer.add("a", unit(1, 0, 0), DAY)
    assert clusterer.add("c", unit(1, 0, 0), DAY + timedelta(days=5)) == old
    assert clusterer.open_stories == 1
    later = clusterer.add("b", unit(1, 0, 0), DAY + timedelta(days=30))
    assert later != old
    assert clusterer.open_stories == 1  # the old story left the index
    # an undated article joins an open story, never a closed one
    assert clusterer.add("u", unit(1, 0, 0)) == later


def test_terms_tell_two_events_of_the_same_kind_apart() -> None:
    clusterer = StoryClusterer(StorySettings(term_buckets=BUCKETS))
    bam = "Earthquake of magnitude 6.6 strikes Bam in Kerman province; Mohammad Khatami visits"
    qeshm = "Earthquake of magnitude 5.9 hits Qeshm island near Bandar Abbas in Hormozgan"
    # cosine 0.55 with QUAKE: the encoder sees two earthquakes (on ECB+, title + lead vectors
    # of two events of the same kind have a median cosine of 0.46, a 75th percentile of 0.56)
    other_quake = unit(1, 1.9, 0)
    first = clusterer.add("bam-1", QUAKE, DAY, terms=terms(bam))
    second = clusterer.add("qeshm-1", other_quake, DAY, terms=terms(qeshm))
    assert first != second  # the names and numbers differ
    assert clusterer.add("bam-2", unit(1, 0.2, 0), DAY, terms=terms(bam + " rescue")) == first
    assert clusterer.add("qeshm-2", unit(1, 1.7, 0), DAY, terms=terms(qeshm + " damage")) == second
    assert not clusterer.merges


def test_another_language_joins_by_vector_alone() -> None:
    clusterer = StoryClusterer(StorySettings(term_buckets=BUCKETS))
    english = clusterer.add("en", QUAKE, DAY, terms=terms("Earthquake strikes Bam"), language="en")
    spanish = clusterer.add(
        "es", unit(1, 0.12, 0), DAY, terms=terms("Un terremoto sacude Bam"), language="es"
    )
    assert spanish == english


def test_converging_stories_merge_into_the_older() -> None:
    clusterer = StoryClusterer(StorySettings(vector_threshold=0.9, merge_margin=0.01))
    older = clusterer.add("a", unit(1, 0), DAY)
    younger = clusterer.add("b", unit(0.85, 0.527), DAY)  # cosine 0.85: a story of its own
    assert younger != older
    assert clusterer.add("c", unit(0.93, 0.37), DAY) == younger
    assert not clusterer.merges
    # d is closer to b's story, which it pulls within reach of a's: the two merge
    assert clusterer.add("d", unit(0.97, 0.24), DAY) == older
    assert [(m.from_id, m.into_id) for m in clusterer.merges] == [(younger, older)]
    assert [(s.id, s.article_ids) for s in clusterer.stories] == [(older, ["a", "b", "c", "d"])]
    assert clusterer.story_of("b") == older


def test_publication_order_places_undated_with_the_article_before_them() -> None:
    def art(article_id: str, day: int | None) -> Article:
        when = DAY + timedelta(days=day) if day is not None else None
        return Article(id=article_id, text="x", source=article_id, published=when)

    ordered = publication_order(
        [art("u0", None), art("late", 3), art("u1", None), art("early", 1), art("u2", None)]
    )
    assert [a.id for a in ordered] == ["u0", "early", "u2", "late", "u1"]


def test_cluster_stories_counts_independent_sources() -> None:
    articles = [Article(id=i, text="t", source=i, title=None, published=DAY) for i in "abcd"]
    vectors = {"a": unit(1, 0), "b": unit(1, 0.05), "c": unit(1, 0.1), "d": unit(0, 1)}
    links = [CopyLink("a", "b", CopyKind.NEAR_DUPLICATE, 0.9)]
    stories = cluster_stories(articles, vectors, links, StorySettings(vector_threshold=0.8))
    assert [s.article_ids for s in stories] == [["a", "b", "c"], ["d"]]
    assert [s.independent_sources for s in stories] == [2, 1]
    assert stories[0].source_groups == [["a", "b"], ["c"]]
    assert stories[0].first_published == DAY


def _events(n: int) -> list[tuple[str, np.ndarray, datetime, dict[int, float]]]:
    rng = np.random.default_rng(7)
    centres = [unit(*rng.normal(size=16)) for _ in range(5)]
    names = ["Bam Kerman", "Qeshm Hormozgan", "Lohan Betty Ford", "Reid Promises", "Klitschko"]
    items = []
    for i in range(n):
        event = int(rng.integers(5))
        vector = unit(*(centres[event] + rng.normal(scale=0.25, size=16)))
        when = DAY + timedelta(hours=6 * i)
        items.append((f"a{i}", vector, when, terms(f"{names[event]} report {i}")))
    return items


def _run(
    items: Sequence[tuple[str, np.ndarray, datetime, dict[int, float]]],
    settings: StorySettings,
    states: Sequence[StoryState] = (),
    statistics: np.ndarray | None = None,
) -> StoryClusterer:
    clusterer = StoryClusterer(settings, states, statistics)
    for article_id, vector, when, counts in items:
        clusterer.add(article_id, vector, when, terms=counts)
    return clusterer


def _saved(clusterer: StoryClusterer) -> list[StoryState]:
    """The states as a store returns them: JSON state, float32 vector sum."""
    return [
        StoryState.from_saved(
            s.id,
            s.article_ids,
            s.vector_sum.astype(np.float32),
            s.first_published,
            s.last_published,
            s.to_state(),
        )
        for s in clusterer.stories
    ]


def test_two_halves_give_the_stories_of_one_run() -> None:
    settings = StorySettings(term_buckets=BUCKETS, window_days=3)
    items = _events(60)
    once = _run(items, settings)
    half = _run(items[:30], settings)
    rest = _run(items[30:], settings, _saved(half), half.term_statistics())
    assert [(s.id, s.article_ids) for s in rest.stories] == [
        (s.id, s.article_ids) for s in once.stories
    ]
    assert len(once.stories) >= 5
    again = _run(items, settings)
    assert [s.id for s in again.stories] == [s.id for s in once.stories]


def test_term_statistics_round_trip_and_check_their_size() -> None:
    stats = TermStatistics(BUCKETS)
    stats.observe({1: 2.0, 5: 1.0})
    restored = TermStatistics(BUCKETS, stats.to_array())
    assert restored.documents == 1 and restored.document_frequency[5] == 1
    with pytest.raises(ValueError, match="buckets"):
        TermStatistics(BUCKETS * 2, stats.to_array())


def test_terms_and_sparse_dot() -> None:
    found = extract_terms(
        "Tony Thompson loses", "Klitschko stopped Tony Thompson in round 6, 2012."
    )
    assert "p:tony thompson" in found and "n:2012" in found and "klitschko" in found
    assert "in" not in found and "n:6" not in found
    assert term_bucket("bam", BUCKETS) == term_bucket("bam", BUCKETS) < BUCKETS
    keys = np.array([1, 3, 7], dtype=np.int64)
    weights = np.array([0.5, 0.5, 1.0], dtype=np.float32)
    other = np.array([3, 7, 9], dtype=np.int64)
    assert sparse_dot(keys, weights, other, np.ones(3, dtype=np.float32)) == pytest.approx(1.5)


def test_story_settings_are_checked() -> None:
    with pytest.raises(ConfigError, match=r"stories\.vector_weight"):
        StorySettings(vector_weight=1.5)
    with pytest.raises(ConfigError, match=r"stories\.term_buckets"):
        StorySettings(term_buckets=10)
    with pytest.raises(ConfigError, match=r"stories\.candidates"):
        StorySettings(candidates=0)


def test_stream_places_title_only_articles_and_reports_empty_ones() -> None:
    stream = StoryStream(HashedWordsEmbedder(name="words"), StorySettings(term_buckets=BUCKETS))
    text = "The mayor of Marrendal opened the new bridge over the Kalde river on Monday."
    result = stream.add(
        [
            Article(id="full", text=text, source="full", title="Marrendal opens Kalde bridge"),
            Article(id="title", text="", source="title", title="Marrendal opens Kalde bridge"),
            Article(id="empty", text="", source="empty.txt"),
        ]
    )
    assert result.stories["title"] == result.stories["full"]
    assert "empty" not in result.stories
    assert [f.input for f in result.failures] == ["empty.txt"]


def test_dates_at_the_ends_of_the_calendar_do_not_overflow_the_window() -> None:
    from datetime import UTC, datetime

    import numpy as np

    from synopsis.stories import StoryClusterer

    clusterer = StoryClusterer()
    vector = np.ones(8, dtype=np.float32) / np.sqrt(8)
    first = clusterer.add("ancient", vector, datetime(1, 1, 2, tzinfo=UTC))
    second = clusterer.add("future", vector, datetime(9999, 12, 30, tzinfo=UTC))
    third = clusterer.add("ancient-2", vector, datetime(1, 1, 3, tzinfo=UTC))
    assert first != second  # far apart in time: never one story
    assert third != second  # closed by the clock or joined: never the far-future story
