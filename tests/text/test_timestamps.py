from datetime import UTC, datetime, timedelta, timezone

import pytest

from synopsis.records import Article, RemovalKind
from synopsis.text.clean import clean
from synopsis.text.timestamps import is_stamp, leading_stamp, repair_spacing, stamp_time


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("December 15th, 2008, 7: 35 am", utc(2008, 12, 15, 7, 35)),
        ("12 / 16 / 08 1: 30 AM", utc(2008, 12, 16, 1, 30)),
        ("2013 - 09 - 26", utc(2013, 9, 26)),
        ("Sat Nov 12 2011, 01: 19 hrs", utc(2011, 11, 12, 1, 19)),
        ("Published on: Fri, 11 Nov 2011 at 09: 56 IST", utc(2011, 11, 11, 9, 56)),
        ("Published: 2012. 08. 08 09: 01 AM", utc(2012, 8, 8, 9, 1)),
        ("9: 53 AM, MON 22 JUL 2013", utc(2013, 7, 22, 9, 53)),
        (
            "12: 52 p. m. EDT May 2, 2013",
            datetime(2013, 5, 2, 12, 52, tzinfo=timezone(timedelta(hours=-4))),
        ),
        ("Sunday, March 17, 2013 | 5: 00 PM", utc(2013, 3, 17, 17, 0)),
        ("First Posted 23: 37: 00 05 / 05 / 2010", utc(2010, 5, 5, 23, 37)),
        ("2024-05-01T03:30:35Z", utc(2024, 5, 1, 3, 30, 35)),
        (
            "Updated 2024-05-01 03:30 +0200",
            datetime(2024, 5, 1, 3, 30, tzinfo=timezone(timedelta(hours=2))),
        ),
        ("Mon, 15 March 2026 09.42", utc(2026, 3, 15, 9, 42)),
        ("15 March 2026, 09:42 AMT", utc(2026, 3, 15, 9, 42)),  # an unknown zone: read as UTC
        # two stamps on a line: the first is read
        ("Posted: 04 / 9 / 2012 8: 33 am Updated: 04 / 10 / 2012 8: 33 am", utc(2012, 4, 9, 8, 33)),
        # GMT+05:00 on a page means five hours east of Greenwich, not west
        (
            "26 September 2013, 10: 00 (GMT+05: 00)",
            datetime(2013, 9, 26, 10, 0, tzinfo=timezone(timedelta(hours=5))),
        ),
    ],
)
def test_stamps_in_the_formats_pages_print(line: str, expected: datetime) -> None:
    assert is_stamp(line)
    assert stamp_time(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Two people died on May 5, 2010.",
        "The 2012 season",
        "NASA 2010",
        "FIFA World Cup 2010",
        "NASA 2010 10:00",
        "2012 10:00 NASA",
        "Red Sox offer Teixeira $200 million",
        "July 7 5: 59 PM EDT",  # no year: no date to trust
        "Posted 1 year, 160 days ago",
        "",
    ],
)
def test_lines_that_say_something_else_are_not_stamps(line: str) -> None:
    assert not is_stamp(line)
    assert stamp_time(line) is None


def test_spacing_of_tokenised_text_is_repaired() -> None:
    assert repair_spacing("7: 35 p. m. on 11 / 27 / 2005") == "7:35 pm on 11/27/2005"


def test_a_stamp_opening_a_paragraph_is_split_off() -> None:
    assert leading_stamp("May 5 2010 15: 14 Three people have suffocated in a bank fire") == (
        "May 5 2010 15: 14",
        "Three people have suffocated in a bank fire",
    )
    # a date that begins a sentence is the sentence's
    sentence = "May 5, 2010 was the day three people died in a bank fire in Athens"
    assert leading_stamp(sentence) == ("", sentence)
    assert leading_stamp("Mumbai, Nov 11 - Indian Navy foils an attack") == (
        "",
        "Mumbai, Nov 11 - Indian Navy foils an attack",
    )


def test_cleaning_dates_an_article_from_its_stamps() -> None:
    article = Article(
        id="a",
        text=(
            "Posted: Jul 07, 2012 7: 40 PM ET\n\n"
            "Last Updated: Jul 07, 2012 8: 44 PM ET\n\n"
            "Wladimir Klitschko stopped Tony Thompson in the sixth round on Saturday night."
        ),
        source="a.txt",
        title="Klitschko stops Thompson",
    )
    done = clean(article)
    assert done.published == utc(2012, 7, 7, 19, 40)
    assert done.text.startswith("Wladimir Klitschko")
    assert [r.kind for r in done.removed] == [RemovalKind.TIMESTAMP, RemovalKind.TIMESTAMP]


def test_a_title_that_is_a_stamp_gives_the_date_and_is_dropped() -> None:
    article = Article(
        id="b",
        text="Esther Williams, swimming star, dies at 91. She starred in aquatic musicals.",
        source="b.txt",
        title="Friday, June 7, 2013",
    )
    done = clean(article)
    assert done.title is None
    assert done.published == utc(2013, 6, 7)
    assert done.removed[0].kind is RemovalKind.TIMESTAMP
    assert done.removed[0].text == "Friday, June 7, 2013"


def test_a_known_publication_time_is_kept() -> None:
    known = utc(2012, 7, 8, 6)
    article = Article(
        id="c",
        text="July 08, 2012 Wladimir Klitschko stopped Tony Thompson in the sixth round.",
        source="c.txt",
        published=known,
    )
    done = clean(article)
    assert done.published == known
    assert done.text.startswith("Wladimir Klitschko")
