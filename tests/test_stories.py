from datetime import UTC, datetime, timedelta

import numpy as np

from synopsis.config import StorySettings
from synopsis.records import Article, CopyKind, CopyLink
from synopsis.stories import StoryClusterer, cluster_stories, publication_order, story_id_for


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


DAY = datetime(2026, 3, 1, tzinfo=UTC)


def test_similar_articles_join_and_different_ones_open_stories() -> None:
    clusterer = StoryClusterer(StorySettings(join_threshold=0.8))
    first = clusterer.add("a", unit(1, 0, 0), DAY)
    assert clusterer.add("b", unit(0.95, 0.1, 0), DAY) == first
    other = clusterer.add("c", unit(0, 1, 0), DAY)
    assert other != first
    assert first == story_id_for("a") and other == story_id_for("c")
    assert clusterer.add("a", unit(0, 0, 1), DAY) == first  # already placed: unchanged


def test_copy_links_override_vectors() -> None:
    clusterer = StoryClusterer(StorySettings(join_threshold=0.9))
    story = clusterer.add("a", unit(1, 0, 0), DAY)
    assert clusterer.add("b", unit(0, 1, 0), DAY, copied_from=["a"]) == story


def test_window_keeps_old_stories_from_attracting_articles() -> None:
    clusterer = StoryClusterer(StorySettings(join_threshold=0.8, window_days=7))
    old = clusterer.add("a", unit(1, 0, 0), DAY)
    assert clusterer.add("b", unit(1, 0, 0), DAY + timedelta(days=30)) != old
    assert clusterer.add("c", unit(1, 0, 0), DAY + timedelta(days=5)) == old


def test_publication_order_puts_undated_last_in_input_order() -> None:
    def art(article_id: str, day: int | None) -> Article:
        when = DAY + timedelta(days=day) if day is not None else None
        return Article(id=article_id, text="x", source=article_id, published=when)

    ordered = publication_order([art("u1", None), art("late", 3), art("early", 1), art("u2", None)])
    assert [a.id for a in ordered] == ["early", "late", "u1", "u2"]


def test_cluster_stories_counts_independent_sources() -> None:
    articles = [
        Article(id=i, text="t", source=i, title=f"title {i}", published=DAY) for i in "abcd"
    ]
    vectors = {"a": unit(1, 0), "b": unit(1, 0.05), "c": unit(1, 0.1), "d": unit(0, 1)}
    links = [CopyLink("a", "b", CopyKind.NEAR_DUPLICATE, 0.9)]
    stories = cluster_stories(articles, vectors, links, StorySettings(join_threshold=0.8))
    assert [s.article_ids for s in stories] == [["a", "b", "c"], ["d"]]
    assert [s.independent_sources for s in stories] == [2, 1]
    assert stories[0].source_groups == [["a", "b"], ["c"]]
    assert stories[0].first_published == DAY


def test_same_input_gives_same_stories() -> None:
    articles = [Article(id=str(i), text="t", source=str(i), published=DAY) for i in range(6)]
    rng = np.random.default_rng(7)
    vectors = {a.id: unit(*rng.normal(size=8)) for a in articles}
    first = cluster_stories(articles, vectors, [], StorySettings(join_threshold=0.2))
    second = cluster_stories(articles, vectors, [], StorySettings(join_threshold=0.2))
    assert [(s.id, s.article_ids) for s in first] == [(s.id, s.article_ids) for s in second]
