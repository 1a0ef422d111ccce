from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from synopsis.records import Article
from synopsis.stories.event_dates import EventDate, find_dates
from synopsis.stories.signature import (
    Figure,
    article_signature,
    event_signature,
    figures_conflict,
    figures_of,
)

MONDAY = date(2013, 7, 22)


def days(text: str, reference: date | None = MONDAY) -> list[tuple[str, str, str]]:
    return [
        (d.first.isoformat(), d.last.isoformat(), d.precision) for d in find_dates(text, reference)
    ]


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("The fire broke out on July 21, 2013 in the town centre.", "2013-07-21"),
        ("Published 21 July 2013, the report said", "2013-07-21"),
        ("Posted: Jul. 7, 2012 7:40 PM ET", "2012-07-07"),
        ("December 15th, 2008: the offer", "2008-12-15"),
        ("updated 2013 - 09 - 26", "2013-09-26"),
    ],
)
def test_absolute_dates_need_no_reference(text: str, first: str) -> None:
    (found,) = find_dates(text, None)
    assert found.first.isoformat() == first == found.last.isoformat()
    assert found.precision == "day" and found.confidence == 1.0
    assert found.phrase in text


def test_relative_dates_resolve_against_the_reference() -> None:
    assert days("Crews were called yesterday") == [("2013-07-21", "2013-07-21", "day")]
    assert days("The blaze began on Friday night") == [("2013-07-19", "2013-07-19", "day")]
    assert days("He was charged on Monday") == [("2013-07-22", "2013-07-22", "day")]
    assert days("It happened last Monday") == [("2013-07-15", "2013-07-15", "day")]
    assert days("prices rose last month") == [("2013-06-01", "2013-06-30", "month")]
    assert days("the vote in March") == [("2013-03-01", "2013-03-31", "month")]
    assert days("the vote in December") == [("2012-12-01", "2012-12-31", "month")]
    assert days("the rule of Dec. 11") == [("2012-12-11", "2012-12-11", "day")]
    assert days("must act by August 9") == [("2013-08-09", "2013-08-09", "day")]
    assert days("a record set in 2008") == [("2008-01-01", "2008-12-31", "year")]
    # without a reference a relative phrase says nothing
    assert days("Crews were called yesterday on Friday", None) == []


def test_lower_case_months_and_weekdays_are_words_not_dates() -> None:
    assert days("it may 5 times be so; a march on sunday") == []


@pytest.mark.parametrize(
    "text",
    ["February 30, 2013", "on 31 April 2010", "in the year 99999", "2013-13-45", "June 0, 2012"],
)
def test_nonsense_dates_resolve_to_nothing(text: str) -> None:
    assert find_dates(text, MONDAY) == []


@pytest.mark.parametrize("reference", [date.min, date.max, date(1000, 1, 1), date(9998, 12, 31)])
def test_references_at_the_ends_of_the_calendar_never_raise(reference: date) -> None:
    text = "yesterday, last Friday, last week, last month, last year, in March, on Dec. 31, Jan 1"
    for found in find_dates(text, reference):
        assert found.first <= found.last


@given(st.text(max_size=300), st.dates())
def test_no_text_and_no_reference_makes_it_raise(text: str, reference: date) -> None:
    for found in find_dates(text, reference):
        assert isinstance(found, EventDate) and found.first <= found.last


def test_distance_between_periods() -> None:
    a = EventDate(date(2013, 7, 1), date(2013, 7, 31), "month", 0.5, "in July")
    b = EventDate(date(2013, 8, 10), date(2013, 8, 10), "day", 1.0, "August 10, 2013")
    assert a.distance_days(b) == b.distance_days(a) == 10
    assert a.distance_days(a) == 0


def test_figures_counts_magnitudes_and_scores() -> None:
    text = (
        "A magnitude 6.1 quake killed seven people; 23 Somali pirates were held. "
        "United won with a 3-1 victory after two hours and 2013 fans"
    )
    # counts in text order, then magnitudes, then scores; "2013 fans" is a year, "two hours" time
    assert figures_of(text) == [
        Figure("people", 7.0),
        Figure("pirates", 23.0),
        Figure("magnitude", 6.1),
        Figure("score", 3001.0),
    ]
    assert figures_of("a 5.9-magnitude earthquake") == [Figure("magnitude", 5.9)]


def test_figures_conflict_only_on_a_shared_kind_with_no_value_in_common() -> None:
    assert figures_conflict([Figure("pirates", 23.0)], [Figure("pirates", 26.0)])
    assert not figures_conflict([Figure("pirates", 23.0)], [Figure("pirates", 23.0)])
    assert not figures_conflict([Figure("pirates", 23.0)], [Figure("ships", 3.0)])
    assert not figures_conflict(
        [Figure("magnitude", 6.1)], [Figure("magnitude", 6.0)], tolerance=0.05
    )
    assert figures_conflict([Figure("magnitude", 6.1)], [Figure("magnitude", 5.2)])


def test_the_signature_reads_the_lead() -> None:
    signature = event_signature(
        "Wladimir Klitschko stops Tony Thompson to retain titles",
        [
            "Wladimir Klitschko stopped Tony Thompson in the sixth round in Bern on Saturday.",
            "A crowd of 27,000 fans watched at Stade de Suisse.",
        ],
        date(2012, 7, 9),
    )
    assert signature.date is not None and signature.date.first == date(2012, 7, 7)
    assert signature.date.phrase == "Saturday"
    assert signature.places == ("Bern", "Stade de Suisse")
    assert "Tony Thompson" in signature.actors and "Bern" not in signature.actors
    assert Figure("fans", 27000.0) in signature.figures
    assert signature.action == "stops"


def test_an_undated_article_takes_the_date_its_text_gives() -> None:
    article = Article(
        id="a",
        source="test",
        text="An earthquake of magnitude 6.1 struck Kerman on September 12, 2008. Dozens died.",
        title="Quake strikes Kerman",
    )
    signature = article_signature(article)
    assert signature.date is not None and signature.date.first == date(2008, 9, 12)
    assert Figure("magnitude", 6.1) in signature.figures
    assert article_signature(Article(id="b", source="test", text="", title="")).empty
