"""Conflicts: the demo corpus's planted ones, and nothing else; wording rules."""

from __future__ import annotations

from typing import Any

import pytest

import demo_truths as truths
from synopsis import Report
from synopsis.compare.conflicts import misspelled_words, replaced_words


def key_of(report: Report) -> dict[str, str]:
    return {a.id: truths.article_key(a.id, a.path) for a in report.articles}


def main_story(report: Report) -> dict[str, Any]:
    keys = key_of(report)
    for story in report.to_dict()["stories"]:
        if {keys[a] for a in story["articles"]} & {truths.WIRE_ID}:
            return story
    raise AssertionError("no main story")


def named(values: list[dict[str, Any]], report: Report) -> dict[str, set[str]]:
    keys = key_of(report)
    return {v["value"]: {keys[a] for a in v["citations"]} for v in values}


def test_demo_reports_exactly_the_planted_conflicts(demo_report: Report) -> None:
    story = main_story(demo_report)
    kinds = sorted(c["kind"] for c in story["conflicts"])
    assert kinds == ["attribution", "figure", "name"]
    by_kind = {c["kind"]: c for c in story["conflicts"]}

    figure = named(by_kind["figure"]["values"], demo_report)
    conflict = truths.FIGURE_CONFLICT
    assert set(figure) == {conflict["value_a"], conflict["value_b"]}
    assert figure[conflict["value_b"]] == {conflict["article_b"]}
    assert conflict["article_a"] in figure[conflict["value_a"]]
    assert conflict["article_b"] not in figure[conflict["value_a"]]

    quote = truths.MISATTRIBUTED_QUOTE
    assert quote["quote"] in by_kind["attribution"]["about"]
    speakers = named(by_kind["attribution"]["values"], demo_report)
    assert speakers[quote["speaker_other"]] == {quote["article_other"]}
    assert set(quote["correct_in"]) <= speakers[quote["speaker_wire"]]

    name = truths.MISSPELLED_NAME
    spellings = named(by_kind["name"]["values"], demo_report)
    assert by_kind["name"]["about"] == name["correct"]
    assert spellings[name["variant"]] == {name["article"]}
    assert name["article"] not in spellings[name["correct"]]


def test_every_conflict_value_carries_its_evidence(demo_report: Report) -> None:
    texts = {a.id: a.text for a in demo_report.articles}
    for story in demo_report.to_dict()["stories"]:
        for conflict in story["conflicts"]:
            for value in conflict["values"]:
                assert value["citations"] and value["evidence"]
                for evidence in value["evidence"]:
                    assert evidence["article"] in value["citations"]
                    assert evidence["text"] in texts[evidence["article"]]


def test_unrelated_demo_stories_have_no_conflicts(demo_report: Report) -> None:
    others = [s for s in demo_report.to_dict()["stories"] if s is not main_story(demo_report)]
    assert all(not s["conflicts"] for s in others if s["id"] != main_story(demo_report)["id"])


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (
            "allies rather than adversaries",
            "China and the US should be partners rather than adversaries; help each other",
            ("allies", "partners"),
        ),
        # translation noise: reworded in several places
        (
            "China's legitimate development rights have been unreasonably suppressed and our "
            "core interests are facing challenges",
            "China's legitimate development rights are being unduly suppressed, and our core "
            "interests are facing difficulties",
            None,
        ),
        # a fragment that stops where the other goes on
        (
            "committed to maintaining and strengthening ties",
            "We are committed to maintaining and strengthening the lines of communication",
            None,
        ),
        ("We will not stop searching", "We will not stop searching", None),
        ("the defence of the realm", "the defense of the realm", None),
    ],
)
def test_replaced_words(a: str, b: str, expected: tuple[str, str] | None) -> None:
    assert replaced_words(a, b) == expected


def test_misspelled_words_are_near_misses_not_dropped_names() -> None:
    assert misspelled_words("Halvard Oskarson", "Halvard Oskarsen") == ["oskarson"]
    assert misspelled_words("Ji", "Xi Jinping") == ["ji"]
    assert misspelled_words("Antony J. Blinken", "Antony Blinken") == []
    assert misspelled_words("US State Department", "State Department") == []
    assert misspelled_words("Organisation for Co-operation", "Organization for Cooperation") == []
    assert misspelled_words("Turkmenbashi", "Turkmens") == []


def test_compare_and_quote_settings_are_checked() -> None:
    from synopsis.config import CompareSettings, QuoteSettings, Settings
    from synopsis.errors import ConfigError

    with pytest.raises(ConfigError, match=r"compare\.max_unique"):
        CompareSettings(max_unique=0)
    with pytest.raises(ConfigError, match=r"quotes\.vector_threshold"):
        QuoteSettings(vector_threshold=1.5)
    settings = Settings.from_mapping({"compare.ner": "false", "quotes.min_words": "4"})
    assert settings.compare.ner is False and settings.quotes.min_words == 4


def test_the_finders_run_are_the_ones_given() -> None:
    from synopsis.compare import FINDERS, ConflictInputs, ConflictKind, find_conflicts
    from synopsis.records import Conflict, Story

    inputs = ConflictInputs(
        story=Story("s", []), articles={}, claims=[], quotes=[], names=None, figures={}
    )

    def planted(_: ConflictInputs) -> list[Conflict]:
        return [Conflict(ConflictKind.NAME, "x", ())]

    assert find_conflicts(inputs, []) == []  # none asked for, none run
    assert find_conflicts(inputs, [planted]) == planted(inputs)
    assert find_conflicts(inputs) == [] and len(FINDERS) == 4
