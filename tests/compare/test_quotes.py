"""Quotes: extraction, speakers, and the same quote across sources."""

from __future__ import annotations

import pytest

from synopsis.compare.entities import EntityRecognizer, NameIndex, find_entities
from synopsis.compare.quotes import extract_quotes, group_quotes, overlap
from synopsis.config import QuoteSettings
from synopsis.records import Article, Quote, Story
from synopsis.text.segment import segment

SETTINGS = QuoteSettings()
Setup = tuple[Story, dict[str, Article], NameIndex]

ARTICLES = {
    "wire": (
        "Chinese Foreign Minister Wang Yi met Secretary of State Antony Blinken. Chinese "
        "President Xi Jinping met him later.\n\n"
        "“Should China and the United States stay on the right path?” asked the Chinese "
        "president. “This is an important question for both countries.”\n\n"
        '"We will keep talking," Blinken said, adding that the talks were "useful and '
        'candid".'
    ),
    "other": (
        "Foreign Minister Wang Yi hosted Antony Blinken on Friday.\n\n"
        "“Should China and the United States stay on the right path?” Wang told Blinken.\n\n"
        "Commander Petra Lindqvist, who leads the search, said: “We will not stop searching "
        "while there is any chance.” She said the water was cold. “It is four degrees,” she "
        "added."
    ),
}


def article(article_id: str, text: str) -> Article:
    prepared = segment(Article(id=article_id, text=text, source=article_id))
    prepared.language = "en"
    return prepared


@pytest.fixture(scope="module")
def setup() -> Setup:
    articles = {key: article(key, text) for key, text in ARTICLES.items()}
    story = Story("s", list(articles), source_groups=[[a] for a in articles])
    return story, articles, find_entities(story, articles, EntityRecognizer())


def quotes_of(setup: Setup, key: str) -> list[Quote]:
    _, articles, names = setup
    return extract_quotes(articles[key], names, SETTINGS)


def speaker(names: NameIndex, quote: Quote) -> str | None:
    return names.entity(quote.speaker_entity).name if quote.speaker_entity else None


def test_quote_broken_by_a_speech_tag_is_one_quote_with_its_title_speaker(setup: Setup) -> None:
    _, _, names = setup
    quotes = quotes_of(setup, "wire")
    first = quotes[0]
    assert first.parts == (
        "Should China and the United States stay on the right path?",
        "This is an important question for both countries.",
    )
    assert first.speaker == "the Chinese president"
    assert speaker(names, first) == "Xi Jinping"


def test_straight_quotes_name_after_the_quote_and_short_fragments(setup: Setup) -> None:
    _, _, names = setup
    quotes = quotes_of(setup, "wire")
    texts = [q.text for q in quotes]
    assert "We will keep talking" in texts
    assert "useful and candid" in texts
    keep = next(q for q in quotes if q.text == "We will keep talking")
    assert speaker(names, keep) == "Antony Blinken"


def test_name_before_the_cue_and_pronoun_speakers(setup: Setup) -> None:
    _, _, names = setup
    quotes = quotes_of(setup, "other")
    by_text = {q.text: q for q in quotes}
    assert (
        speaker(names, by_text["Should China and the United States stay on the right path?"])
        == "Wang Yi"
    )
    search = by_text["We will not stop searching while there is any chance."]
    assert search.speaker == "Petra Lindqvist"
    assert (
        speaker(
            names,
            by_text["It is four degrees,"]
            if "It is four degrees," in by_text
            else by_text["It is four degrees"],
        )
        == "Petra Lindqvist"
    )


def test_same_quote_across_sources_is_one_group_with_both_speakers(setup: Setup) -> None:
    story, _, names = setup
    quotes = quotes_of(setup, "wire") + quotes_of(setup, "other")
    groups = group_quotes(story, quotes, None, SETTINGS, names)
    shared = [g for g in groups if len(g.articles) == 2]
    assert len(shared) == 1
    assert set(shared[0].speakers) == {"Xi Jinping", "Wang Yi"}


def test_overlap_is_share_of_the_shorter_wording() -> None:
    assert (
        overlap(
            "allies rather than adversaries".split(),
            "should be partners rather than adversaries".split(),
        )
        == 0.75
    )
    assert overlap("a b".split(), "a b c".split()) == 0.0
