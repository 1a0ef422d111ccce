"""The clusterer's second look: dates as hard evidence, figures, close calls and splits."""

from datetime import UTC, date, datetime, timedelta

import numpy as np

from synopsis.config import StorySettings
from synopsis.records import Article
from synopsis.stories import StoryClusterer, StoryState, article_signature
from synopsis.stories.representation import count_terms, extract_terms
from synopsis.stories.signature import event_signature

BUCKETS = 1 << 12
QUAKE = np.array([1.0, 0.1, 0.0], dtype=np.float32) / np.linalg.norm([1.0, 0.1, 0.0])


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


def add(
    clusterer: StoryClusterer,
    article_id: str,
    title: str,
    lead: str,
    published: datetime | None = None,
    vector: np.ndarray = QUAKE,
) -> str:
    article = Article(id=article_id, source="test", title=title, text=lead, published=published)
    return clusterer.add(
        article_id,
        vector,
        published,
        terms=count_terms(extract_terms(title, lead), BUCKETS),
        signature=article_signature(article),
    )


def test_two_earthquakes_of_one_region_stay_apart_by_their_dates_and_magnitudes() -> None:
    clusterer = StoryClusterer(StorySettings(term_buckets=BUCKETS))
    lead = "An earthquake of magnitude {m} struck southern Iran near Bam in Kerman province on {d}."
    first = [
        add(
            clusterer,
            "2008-a",
            "Earthquake strikes Kerman",
            lead.format(m=6.1, d="September 12, 2008"),
        ),
        add(
            clusterer,
            "2008-b",
            "Quake hits Kerman province",
            lead.format(m=6.1, d="September 12, 2008"),
        ),
    ]
    # The same words, the same vector: only the date and the magnitude tell the second quake apart.
    second = [
        add(clusterer, "2013-a", "Earthquake strikes Kerman", lead.format(m=5.9, d="May 6, 2013")),
        add(clusterer, "2013-b", "Quake hits Kerman province", lead.format(m=5.9, d="May 6, 2013")),
        # published and dated by its text alone ("yesterday", against its publication date)
        add(
            clusterer,
            "2013-c",
            "Kerman counts the damage",
            "The magnitude 5.9 earthquake that struck near Bam on May 6, 2013 left villages"
            " in ruins.",
            datetime(2013, 5, 7, tzinfo=UTC),
        ),
    ]
    assert len(set(first)) == 1 and len(set(second)) == 1
    assert first[0] != second[0]
    kept = [d for d in clusterer.decisions if d.action == "kept-apart"]
    assert kept and kept[0].article_id == "2013-a"
    assert kept[0].reason == "kept apart: event dates 2013-05-06 vs 2008-09-12"
    story = next(s for s in clusterer.stories if s.id == second[0])
    assert story.decisions[0] == kept[0].reason  # the story keeps why it was opened
    assert story.event_dates is not None
    assert story.event_dates[0].date() == date(2013, 5, 6)


def test_a_story_told_over_three_days_with_relative_dates_stays_together() -> None:
    clusterer = StoryClusterer(StorySettings(term_buckets=BUCKETS))
    friday = datetime(2013, 7, 19, 22, tzinfo=UTC)
    fire = "A fire destroyed the Waitrose supermarket in Wellington High Street"
    stories = {
        add(clusterer, "fri", "Waitrose fire in Wellington", f"{fire} on Friday night.", friday),
        add(
            clusterer,
            "sat",
            "Wellington Waitrose destroyed by fire",
            f"{fire} yesterday, police said.",
            friday + timedelta(days=1),
        ),
        add(
            clusterer,
            "sun",
            "Arson suspected in Wellington Waitrose fire",
            "Police say the fire that destroyed the Waitrose supermarket in Wellington High "
            "Street on Friday may have been arson.",
            friday + timedelta(days=2),
        ),
    }
    assert len(stories) == 1


def test_nonsense_dates_never_crash_the_clusterer() -> None:
    clusterer = StoryClusterer(StorySettings(term_buckets=BUCKETS))
    for n, (published, text) in enumerate(
        [
            (datetime(1, 1, 1, tzinfo=UTC), "On Friday, February 30, 2013, yesterday, last month."),
            (
                datetime(9999, 12, 31, tzinfo=UTC),
                "Tomorrow, on Dec. 31, in the year 99999, last year.",
            ),
            (None, "On 31 April 2010 and June 0, 2012 a quake of magnitude 99 struck."),
            (None, "In 1000 and in 9999, on Monday, 0000-00-00."),
        ]
    ):
        assert add(clusterer, f"a{n}", "A quake", text, published)


def test_a_story_that_joined_two_events_splits_and_the_halves_stay_apart() -> None:
    settings = StorySettings(term_buckets=BUCKETS, split_min_members=5)
    clusterer = StoryClusterer(settings)
    # No terms: the vectors alone decide, against vector_threshold (0.55). One event's
    # articles score 0.58 with the other's: close enough that the first ones join.
    a = unit(1.0, 0.0)
    b = unit(0.58, np.sqrt(1 - 0.58**2))
    order = [("a1", a), ("b1", b), ("a2", a), ("b2", b), ("a3", a)]
    for article_id, vector in order:
        clusterer.add(article_id, vector)
    (split,) = clusterer.splits
    founded = clusterer.story_of("a1")
    assert split.from_id == founded  # the half with the founding article keeps the id
    assert set(split.moved) == {"b1", "b2"}
    assert clusterer.story_of("b1") == clusterer.story_of("b2") == split.new_id
    assert {clusterer.story_of(i) for i in ("a2", "a3")} == {founded}
    assert "split" in split.reason and split.reason in clusterer.stories[0].decisions
    # A later article of the second event joins its half; the halves never merge again.
    clusterer.add("b3", b)
    clusterer.add("a4", a)
    assert clusterer.story_of("b3") == split.new_id
    assert len(clusterer.stories) == 2
    assert not clusterer.merges


def test_a_story_splitting_off_the_same_article_again_later_gives_the_half_a_new_id() -> None:
    # Once a half was merged away its id is spent: the same story may split the same
    # article off again at a later point of the numbering (seen at 21,000 stored articles).
    settings = StorySettings(term_buckets=BUCKETS, split_min_members=5)
    a = unit(1.0, 0.0)
    b = unit(0.58, np.sqrt(1 - 0.58**2))
    halves = []
    for sequence in (0, 500):
        clusterer = StoryClusterer(settings, sequence=sequence)
        for article_id, vector in [("a1", a), ("b1", b), ("a2", a), ("b2", b), ("a3", a)]:
            clusterer.add(article_id, vector)
        (split,) = clusterer.splits
        halves.append((split.from_id, split.new_id))
    assert halves[0][0] == halves[1][0]  # the same story
    assert halves[0][1] != halves[1][1]  # its half, split off later, is a new story


def test_saved_states_keep_what_a_split_needs() -> None:
    clusterer = StoryClusterer(StorySettings(term_buckets=BUCKETS))
    published = datetime(2012, 7, 8, tzinfo=UTC)
    add(
        clusterer,
        "k1",
        "Klitschko stops Thompson in Bern",
        "Wladimir Klitschko stopped Tony Thompson in Bern on July 7, 2012, before 27,000 fans.",
        published,
    )
    (state,) = clusterer.stories
    saved = state.to_state()
    restored = StoryState.from_saved(
        state.id,
        state.article_ids,
        state.vector_sum,
        state.first_published,
        state.last_published,
        saved,
    )
    assert restored.members is not None and state.members is not None
    (member,) = restored.members
    (original,) = state.members
    assert member.article_id == "k1" and member.event == original.event
    assert np.array_equal(member.vector, original.vector)
    assert np.array_equal(member.term_keys, original.term_keys)
    assert member.figures == original.figures and member.names == original.names
    assert restored.event == state.event and restored.figures == state.figures
    # A state saved before members were kept restores as one that cannot split.
    old = {k: v for k, v in saved.items() if k != "members"}
    assert (
        StoryState.from_saved(state.id, ["k1"], state.vector_sum, None, None, old).members is None
    )


def test_two_halves_with_splits_give_the_stories_of_one_run() -> None:
    settings = StorySettings(term_buckets=BUCKETS, split_min_members=5)
    a = unit(1.0, 0.0)
    b = unit(0.58, np.sqrt(1 - 0.58**2))
    items = [(f"{kind}{n}", vector) for n in range(6) for kind, vector in (("a", a), ("b", b))]

    def run(part: list, states: list[StoryState] = (), sequence: int = 0) -> StoryClusterer:
        clusterer = StoryClusterer(settings, states, sequence=sequence)
        for article_id, vector in part:
            clusterer.add(article_id, vector)
        return clusterer

    once = run(items)
    half = run(items[:5])
    saved = [
        StoryState.from_saved(
            s.id, s.article_ids, s.vector_sum, s.first_published, s.last_published, s.to_state()
        )
        for s in half.stories
    ]
    rest = run(items[5:], saved, half.sequence)
    assert once.splits
    assert [(s.id, sorted(s.article_ids)) for s in rest.stories] == [
        (s.id, sorted(s.article_ids)) for s in once.stories
    ]


def test_event_signature_of_a_lead_without_dates_or_names_is_empty() -> None:
    signature = event_signature("", ["it was a quiet day, they said."], date(2013, 1, 1))
    assert signature.empty
