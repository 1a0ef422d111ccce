"""Figures: parsing digits and words, qualifiers as ranges, agreement."""

from __future__ import annotations

import math

import pytest

from demo_truths import AGREEING_FIGURES, FIGURE_CONFLICT
from synopsis.compare.figures import extract_figures, figure_range, parse_number
from synopsis.records import Figure, Sentence


def figures(text: str, language: str = "en") -> list[Figure]:
    return extract_figures(Sentence("a", 0, 0, 0, len(text), text), language)


def only(text: str) -> Figure:
    found = figures(text)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,200", 1200), ("5.5", 5.5), ("five and a half", 5.5), ("twenty-one", 21), ("two", 2)],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == value


def test_qualifiers_become_ranges() -> None:
    assert figure_range(230, "more than") == (230, math.inf)
    assert figure_range(85, "up to") == (0, 85)
    low, high = figure_range(5.5, "about")
    assert (round(low, 2), round(high, 2)) == (4.95, 6.05)


def test_money_with_symbol_scale_and_words() -> None:
    money = only("the $95 billion foreign aid package")
    assert (money.kind, money.unit, money.value, money.text) == (
        "money",
        "USD",
        95e9,
        "$95 billion",
    )
    euros = only("The government has promised 42 million euros for the search")
    assert (euros.unit, euros.value) == ("EUR", 42e6)
    spanish = figures("un fondo de 42 millones de euros", "es")
    assert [(f.unit, f.value) for f in spanish] == [("EUR", 42e6)]


def test_durations_in_words_and_digits_agree_within_qualifiers() -> None:
    about = only("at the start of about 5.5 hours of talks")
    more = only("Blinken spent more than five hours meeting")
    words = only("at the start of five and a half hours of talks")
    assert (about.kind, about.unit, about.qualifier) == ("duration", "hours", "about")
    assert words.value == 5.5
    assert about.agrees_with(more) and about.agrees_with(words) and more.agrees_with(words)


def test_different_amounts_disagree() -> None:
    assert not only("a $95 billion package").agrees_with(only("a $59 billion package"))
    a = only(FIGURE_CONFLICT["sentence_a"])
    b = only(FIGURE_CONFLICT["sentence_b"])
    assert (a.value, b.value) == (FIGURE_CONFLICT["amount_a"], FIGURE_CONFLICT["amount_b"])
    assert not a.agrees_with(b)


@pytest.mark.parametrize("pair", AGREEING_FIGURES, ids=lambda p: p["note"])
def test_agreeing_figures_never_disagree(pair: dict[str, str]) -> None:
    language_b = "es" if pair["b"] == "es-1" else "en"
    for fa in figures(pair["expr_a"]):
        for fb in figures(pair["expr_b"], language_b):
            if fa.kind == fb.kind and fa.unit == fb.unit and fa.kind != "date":
                assert fa.agrees_with(fb), (fa, fb)


def test_clock_times_in_12_and_24_hour_notation() -> None:
    twelve = only("at around 6:40 p.m. local time")
    twentyfour = figures("hacia las 18.40 hora local", "es")
    assert twelve.kind == "time" and twelve.value == 18 * 60 + 40
    assert [f.value for f in twentyfour] == [18 * 60 + 40]
    assert twelve.agrees_with(twentyfour[0])


def test_ages_years_and_non_english_counts_are_not_counts() -> None:
    found = figures("handing the 46-year-old a three-year contract in 2024")
    assert [(f.text, f.kind) for f in found] == [("three-year", "duration"), ("2024", "date")]
    assert figures("14 personas murieron", "es") == []
