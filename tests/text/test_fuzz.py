"""Property-based fuzzing of the text stages and the figure and quote extractors.

Whatever text arrives, these never raise; what cleaning removes is text of
the input; sentences are exact spans of the text; figures and quotes are
pieces of their sentence or article. Examples are drawn from plain Unicode
and from a "newsy" alphabet of the tokens these stages look for (quotes,
dates, dashes, abbreviations, numbers, widgets), a few hundred per property.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime

import ftfy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from synopsis.compare.figures import extract_figures
from synopsis.compare.quotes import extract_quotes
from synopsis.config import QuoteSettings
from synopsis.records import Article, Sentence
from synopsis.text import timestamps
from synopsis.text.clean import classify_junk, clean, split_dateline
from synopsis.text.segment import segment, split_paragraphs, split_sentences

# Hypothesis keeps a folder of what it learnt: out of the work tree.
set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), "synopsis-hypothesis"))

FUZZ = settings(
    max_examples=int(os.environ.get("SYNOPSIS_FUZZ_EXAMPLES", "200")),
    deadline=None,
    database=None,  # no .hypothesis folder left in the work tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

TOKENS = (
    *("The", "ferry", "capsized", "off", "Marrendal", "and", "14", "people", "died", "said"),
    *("Mr.", "Dr.", "U.S.", "J.", "No.", "etc.", "Jan.", "a.m.", "p.m.", "vs."),
    *("“", "”", '"', "'", "‘", "’", "«", "»", "(", ")", "[", "]"),
    *(".", "!", "?", "…", ",", ";", ":", " - ", " — ", " – ", ".-", "#tag", "#news"),
    *(" ", " ", " ", "  ", "\n", "\n\n", "\t", "\r\n", "\u00a0", "\u2003", "\u200b"),
    *("Posted:", "Updated", "2024", "2012", "May 5, 2010", "Jul 07, 2012 7: 40 PM ET"),
    *("12 / 16 / 08", "1: 30 AM", "GMT+05: 00", "2013 - 09 - 26", "08. 07. 2012", "15:42"),
    *("$95 billion", "42 million euros", "5.5 hours", "more than", "about", "30%", "km/h"),
    *("WASHINGTON (AP) —", "BEIJING, April 26 (Reuters) -", "Beijing.-", "MARRENDAL,"),
    *("See also:", "Read more", "Share on Facebook", "Subscribe", "Photo: Reuters", "©"),
    *("Leave a comment", "3 Comments", "Advertisement", "Sign up for our newsletter"),
    *("he said", "she told reporters", "according to", "Wang", "Blinken", "the minister"),
    *("Ã©", "â€™", "Ã¼", "\ufffd", "é", "ß", "中文", "😀", "\x00", "\x1b"),
)

plain_text = st.text(max_size=400)
newsy_text = st.lists(st.sampled_from(TOKENS), max_size=80).map("".join)
any_text = st.one_of(plain_text, newsy_text)


def squashed(text: str) -> str:
    return " ".join(text.split())


def article(text: str, title: str | None = None) -> Article:
    return Article(id="fuzz", text=text, raw_text=text, source="fuzz", title=title)


@FUZZ
@given(any_text, st.one_of(st.none(), any_text))
def test_clean_never_raises_and_removes_only_input_text(text: str, title: str | None) -> None:
    cleaned = clean(article(text, title))
    repaired = squashed(ftfy.fix_text(text, uncurl_quotes=False))
    for removal in cleaned.removed:
        if title is not None and removal.text == title:
            continue  # a time stamp in the title slot
        assert squashed(removal.text) in repaired, removal
    assert squashed(cleaned.text) in repaired or all(
        squashed(p) in repaired for p in split_paragraphs(cleaned.text)
    )
    assert cleaned.published is None or isinstance(cleaned.published, datetime)


@FUZZ
@given(any_text)
def test_segment_gives_exact_spans_within_the_text(text: str) -> None:
    segmented = segment(article(text))
    size = len(segmented.text)
    last = 0
    for number, sentence in enumerate(segmented.sentences):
        assert 0 <= sentence.start <= sentence.end <= size
        assert sentence.start >= last
        assert segmented.text[sentence.start : sentence.end] == sentence.text
        assert sentence.index == number and sentence.text.strip()
        last = sentence.end


@FUZZ
@given(any_text)
def test_split_sentences_spans_stay_in_the_paragraph(paragraph: str) -> None:
    spans = split_sentences(paragraph)
    for start, end in spans:
        assert 0 <= start < end <= len(paragraph)
    assert spans == sorted(spans)


@FUZZ
@given(any_text)
def test_timestamp_reading_never_raises(line: str) -> None:
    stamp = timestamps.is_stamp(line)
    moment = timestamps.stamp_time(line)
    assert moment is None or (stamp and moment.tzinfo is not None)
    head, rest = timestamps.leading_stamp(line)
    if head:
        assert line.startswith(head) and line.endswith(rest) and timestamps.is_stamp(head)
    else:
        assert rest == line
    assert isinstance(timestamps.repair_spacing(line), str)


@FUZZ
@given(any_text)
def test_junk_and_dateline_checks_never_raise(paragraph: str) -> None:
    classify_junk(paragraph)
    dateline, rest = split_dateline(paragraph)
    assert paragraph == (paragraph[: len(paragraph) - len(rest)] + rest)
    assert not dateline or squashed(dateline) in squashed(paragraph)


@FUZZ
@given(any_text, st.sampled_from(["en", "es", "de", None]))
def test_figures_are_pieces_of_their_sentence(text: str, language: str | None) -> None:
    sentence = Sentence(article_id="fuzz", index=0, paragraph=0, start=0, end=len(text), text=text)
    for figure in extract_figures(sentence, language):
        assert figure.text and figure.text in text
        assert figure.low <= figure.high


@FUZZ
@given(any_text)
def test_quotes_are_pieces_of_their_article(text: str) -> None:
    segmented = segment(article(text))
    for quote in extract_quotes(segmented, None, QuoteSettings()):
        assert 0 <= quote.sentence < max(1, len(segmented.sentences))
        for part in quote.parts:
            assert part in segmented.text
