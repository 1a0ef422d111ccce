"""Entities: names merged across spellings, types voted, titles, speaker resolution."""

from __future__ import annotations

import pytest

from synopsis.compare.entities import (
    EntityRecognizer,
    NameIndex,
    clean_name,
    find_entities,
    name_key,
)
from synopsis.records import Article, Entity, Story
from synopsis.text.segment import segment


def article(article_id: str, text: str, title: str | None = None) -> Article:
    prepared = segment(Article(id=article_id, text=text, source=article_id, title=title))
    prepared.language = "en"
    return prepared


TEXTS = {
    "a": (
        "Secretary of State Antony Blinken met Chinese President Xi Jinping in Beijing on "
        "Friday. Blinken had earlier held talks with Foreign Minister Wang Yi and with Public "
        "Security Minister Wang Xiaohong. Blinken said the talks were useful."
    ),
    "b": (
        "Anthony Blinken arrived in Beijing on Wednesday. Xi Jinping told Blingen that China "
        "wants stable ties. Ji told Blinken that China wants to see a confident America. "
        "Xi Jinping later met Blinken again. Xi Jinping said little else."
    ),
    "c": "Blinken meets with XI Jingping in Beijing as Antony Blinken presses Xi Jinping.",
}


@pytest.fixture(scope="module")
def names() -> NameIndex:
    articles = {key: article(key, text) for key, text in TEXTS.items()}
    story = Story("s", list(articles), source_groups=[[a] for a in articles])
    return find_entities(story, articles, EntityRecognizer())


def by_name(names: NameIndex, name: str) -> str:
    return next(e.id for e in names.entities if e.name == name)


def test_name_keys_ignore_case_accents_and_possessives() -> None:
    assert name_key("Nancy Pelosi’s") == name_key("nancy pelosi") == "nancy pelosi"
    assert clean_name("the Mr. Wang's") == "Wang"


def test_spelling_variants_join_one_entity(names: NameIndex) -> None:
    blinken = names.entity(by_name(names, "Antony Blinken"))
    xi = names.entity(by_name(names, "Xi Jinping"))
    assert blinken.type == "person" and xi.type == "person"
    assert {"Anthony Blinken", "Blingen"} <= set(blinken.variants)
    assert {"XI Jingping", "Ji"} <= set(xi.variants)
    # the short form is a reference, not a variant spelling
    assert "Blinken" not in blinken.variants


def test_titles_and_surnames_resolve_to_people(names: NameIndex) -> None:
    xi, wang_yi = by_name(names, "Xi Jinping"), by_name(names, "Wang Yi")
    assert names.resolve("the Chinese president", "a", 0) == (xi, ())
    assert names.resolve("the foreign minister", "a", 0) == (wang_yi, ())
    entity, candidates = names.resolve("Wang", "a", 0)
    assert entity is None
    assert set(candidates) == {wang_yi, by_name(names, "Wang Xiaohong")}


def test_pronoun_is_the_last_person_named_as_a_subject(names: NameIndex) -> None:
    text = TEXTS["b"]
    position = text.index("Xi Jinping said") + len("Xi Jinping said")
    assert names.resolve("he", "b", position)[0] == by_name(names, "Xi Jinping")
    after_told = text.index("again") + 1
    # "... met Blinken again": Blinken is the object, so "he" is Xi
    assert names.resolve("he", "b", after_told)[0] == by_name(names, "Xi Jinping")


def test_recognizer_caches_by_content() -> None:
    recognizer = EntityRecognizer()
    first = recognizer.spans(["Petra Lindqvist spoke in Marrendal."])
    again = recognizer.spans(["Petra Lindqvist spoke in Marrendal."])
    assert first == again and len(recognizer._cache) == 1


def test_a_shared_surname_goes_to_the_person_named_most() -> None:
    from synopsis.compare.entities import NameIndex, PlacedMention

    def person(entity_id: str, name: str) -> Entity:
        return Entity(entity_id, name, "person", (), ())

    def named(entity: str | None, at: int, *candidates: str) -> PlacedMention:
        return PlacedMention(at, at + 3, entity, "person", candidates)

    index = NameIndex(
        entities=[person("yi", "Wang Yi"), person("xh", "Wang Xiaohong")],
        by_key={},
        placed={
            "a": [named("yi", 0), named("xh", 10), named(None, 20, "yi", "xh")],
            "b": [named("yi", 0), named("yi", 30)],
            "c": [named("xh", 0), named("yi", 5), named("xh", 9)],
        },
        titles={},
    )
    assert index.most_named("a", ["yi", "xh"]) == "yi"  # a tie here; the story names Wang Yi more
    assert index.most_named("c", ["yi", "xh"]) == "xh"  # this article names Wang Xiaohong more
    assert index.resolve("he", "a", 40) == ("yi", ())
    even = NameIndex(
        entities=index.entities,
        by_key={},
        placed={"a": [named("yi", 0), named("xh", 10)]},
        titles={},
    )
    assert even.most_named("a", ["yi", "xh"]) is None  # left ambiguous
