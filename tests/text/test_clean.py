from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

import demo_truths as truths
from synopsis.demo import corpus_path
from synopsis.readers import read_inputs
from synopsis.records import Article, RemovalKind
from synopsis.text.clean import check_removals, classify_junk, clean, parse_timestamp


def article(*paragraphs: str) -> Article:
    body = "\n\n".join(paragraphs)
    return Article(id="t", text=body, raw_text=body, source="test")


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("#Floods #Rescue #Kaldemark", RemovalKind.HASHTAGS),
        ("Leave a Reply", RemovalKind.COMMENT_FORM),
        (
            "Your email address will not be published. Required fields are marked *",
            RemovalKind.COMMENT_FORM,
        ),
        ("Share on Facebook", RemovalKind.SHARE_WIDGET),
        ("Sign up for our newsletter", RemovalKind.SHARE_WIDGET),
        ("Get the top stories in your inbox every morning.", RemovalKind.SHARE_WIDGET),
        ("See also: Floods hit the north", RemovalKind.LINK_BAIT),
        ("See also  Senate debates a bill as the deadline nears", RemovalKind.LINK_BAIT),
        ("Read more", RemovalKind.LINK_BAIT),
        ("Photo: Nils Aaberg/Nordpress", RemovalKind.CAPTION),
        (
            "Rescue boats in the sound on Saturday. Photo: Nils Aaberg/Nordpress",
            RemovalKind.CAPTION,
        ),
        ("Mark Lindgren/Pool/AFP/Getty Images", RemovalKind.CAPTION),
        ("This story has been updated with additional details.", RemovalKind.BOILERPLATE),
        ("2024-05-01 03:30:35", RemovalKind.TIMESTAMP),
        ("Updated 15 March 2026, 09:42", RemovalKind.TIMESTAMP),
    ],
)
def test_junk_lines_are_classified(line: str, kind: RemovalKind) -> None:
    assert classify_junk(line) is kind


@pytest.mark.parametrize(
    "line",
    [
        "See also the minister's remarks, which contradicted the coast guard's account.",
        "The sea was calm by Saturday night.",
        "Readers shared the photo on Facebook more than 10,000 times, the company said.",
        "He left on 15 March 2026.",
        "Share prices fell 4 percent after the announcement.",
        "Comments by the minister drew criticism from the opposition on Friday.",
        "The #MeToo movement reached the country's parliament in 2018.",
    ],
)
def test_article_sentences_are_not_junk(line: str) -> None:
    assert classify_junk(line) is None


def test_doubled_paragraphs_collapse_to_the_first_with_an_audit() -> None:
    straight = 'She said: "We will rebuild the harbour before the winter storms arrive."'
    curly = "She said: \u201cWe will rebuild the harbour before the winter storms arrive.\u201d"
    done = clean(article("The harbour flooded on Friday.", straight, curly, "Repairs start soon."))
    assert done.text.split("\n\n") == [
        "The harbour flooded on Friday.",
        straight,
        "Repairs start soon.",
    ]
    assert [(r.kind, r.text) for r in done.removed] == [(RemovalKind.DUPLICATE_PARAGRAPH, curly)]


def test_near_identical_paragraph_is_a_duplicate_but_a_rewrite_is_not() -> None:
    first = "Despite its partnership with Moscow, the country has refrained from supplying weapons."
    edited = "Despite its partnership with Moscow, the country has refrained from supplying arms."
    rewrite = "Allied with Moscow, the government has not sent any weapons so far, officials say."
    done = clean(article(first, edited, rewrite))
    assert done.text.split("\n\n") == [first, rewrite]
    assert [r.kind for r in done.removed] == [RemovalKind.DUPLICATE_PARAGRAPH]


def test_trailing_timestamp_sets_published_when_missing() -> None:
    done = clean(article("The vote passed on Tuesday.", "#vote #parliament", "2024-05-01 03:30:35"))
    assert done.published == datetime(2024, 5, 1, 3, 30, 35, tzinfo=UTC)
    assert [r.kind for r in done.removed] == [RemovalKind.HASHTAGS, RemovalKind.TIMESTAMP]
    assert done.text == "The vote passed on Tuesday."


def test_teaser_list_after_related_header_is_removed() -> None:
    done = clean(
        article(
            "The bridge reopened on Monday after repairs.",
            "Related articles",
            "- Bridge closed after cracks found",
            "- Mayor promises quick repairs",
            "Traffic returned to normal by the evening, police said.",
        )
    )
    assert done.text.split("\n\n") == [
        "The bridge reopened on Monday after repairs.",
        "Traffic returned to normal by the evening, police said.",
    ]
    assert [r.kind for r in done.removed] == [RemovalKind.LINK_BAIT] * 3


def test_mojibake_is_repaired_and_curly_quotes_kept() -> None:
    done = clean(article("The caf\u00c3\u00a9 reopened. \u201cWe are back,\u201d the owner said."))
    assert done.text == "The caf\u00e9 reopened. \u201cWe are back,\u201d the owner said."


def test_parse_timestamp_formats() -> None:
    assert parse_timestamp("Published: March 14, 2026 at 6:40 p.m. CET") == datetime.fromisoformat(
        "2026-03-14T18:40:00+01:00"
    )
    assert parse_timestamp("Not a date at all.") is None


def test_demo_messy_page_cleans_to_its_article_paragraphs() -> None:
    read = read_inputs([corpus_path() / truths.MESSY_PAGE_FILE])
    done = clean(read.articles[0])
    assert done.text.split("\n\n") == truths.MESSY_PAGE_PARAGRAPHS
    removed = {r.text.lstrip("- "): str(r.kind) for r in done.removed}
    for junk, kind in truths.MESSY_PAGE_JUNK.items():
        assert removed.get(junk) == kind, junk
    for paragraph in truths.MESSY_PAGE_MUST_KEEP:
        assert paragraph in done.text
    for _first, second in truths.MESSY_PAGE_DUPLICATED:
        assert removed.get(second) == "duplicate-paragraph"


def test_caption_style_line_is_removed_but_a_sentence_is_not() -> None:
    caption = "The mayor meets with flood victims at the town hall in Brennstad"
    sentence = "The mayor meets with flood victims at the town hall in Brennstad on Friday."
    assert classify_junk(caption) is RemovalKind.CAPTION
    assert classify_junk(sentence) is None
    assert classify_junk("During his visit, the minister raised the issue of funding") is None


@pytest.mark.parametrize(
    ("opening", "dateline"),
    [
        (
            "MARRENDAL, Kaldemark, March 14 (Nordpress) \u2013 ",
            "MARRENDAL, Kaldemark, March 14 (Nordpress) \u2013",
        ),
        ("WASHINGTON (AP) \u2014 ", "WASHINGTON (AP) \u2014"),
        ("Beijing.- ", "Beijing.-"),
        ("Brennstad, April 26, 2024 (Reuters) - ", "Brennstad, April 26, 2024 (Reuters) -"),
    ],
)
def test_dateline_is_split_off_the_first_paragraph(opening: str, dateline: str) -> None:
    body = "At least 14 people were killed when the ferry capsized in strong winds."
    done = clean(article(opening + body, "Rescuers worked through the night."))
    assert done.text.split("\n\n")[0] == body
    assert [(r.kind, r.text) for r in done.removed] == [(RemovalKind.DATELINE, dateline)]


def test_dateline_with_a_year_sets_published() -> None:
    done = clean(
        article("Brennstad, April 26, 2024 (Reuters) - The river rose two metres overnight.")
    )
    assert done.published == datetime(2024, 4, 26, tzinfo=UTC)


@pytest.mark.parametrize(
    "opening",
    [
        "Anna Berg - the mayor - said the town would rebuild.",
        "The Mayor, Anna Berg, said: the town will rebuild.",
        "NATO said on Friday that it would send more ships.",
    ],
)
def test_no_dateline_in_ordinary_openings(opening: str) -> None:
    done = clean(article(opening))
    assert done.text == opening
    assert done.removed == []


def test_template_repeats_and_short_repeated_lines_stay() -> None:
    question = "What inspired you to start cooking for other people at home?"
    paragraphs = [
        "Three cooks answered our questions this week.",
        question,
        "My grandmother did, and she still does.",
        question,
        "Travelling in Georgia as a student, mostly.",
        question,
        "Honestly, hunger at the end of long shifts.",
        "Eat every two hours",
        "A small breakfast keeps you going until lunch.",
        "Eat every two hours",
    ]
    done = clean(article(*paragraphs))
    assert done.text.split("\n\n") == paragraphs
    assert done.removed == []


def test_long_paragraph_doubled_far_away_is_removed() -> None:
    long = (
        "The state attorney general is investigating the company amid layoffs, and the company "
        "confirmed that it had received a request for documents last week."
    )
    filler = [f"Paragraph number {n} of the article says something different." for n in range(6)]
    done = clean(article(long, *filler, long))
    assert done.text.split("\n\n") == [long, *filler]
    assert [r.kind for r in done.removed] == [RemovalKind.DUPLICATE_PARAGRAPH]


def test_seed_removals_hold_no_article_text(seeds: list[Path]) -> None:
    articles = [clean(a) for a in read_inputs(seeds).articles]
    checks = check_removals(articles)
    assert [c for c in checks if c.suspect] == []
    kinds = {Path(a.path or "").name[:3]: Counter(str(r.kind) for r in a.removed) for a in articles}
    assert kinds["000"]["duplicate-paragraph"] == 5
    assert kinds["000"]["caption"] == 3
    assert kinds["001"] == Counter({"dateline": 1, "hashtags": 1, "timestamp": 1})
    assert kinds["004"]["link-bait"] == 2 and kinds["004"]["comment-form"] == 2
    assert not kinds["002"] and not kinds["003"]
    # Every doubled paragraph of seed 000 now appears once.
    seed = next(a for a in articles if Path(a.path or "").name.startswith("000"))
    keys = [" ".join(p.casefold().split()) for p in seed.text.split("\n\n")]
    assert len(keys) == len(set(keys))


def test_html_extraction_keeps_article_tables_and_drops_the_sidebar() -> None:
    from synopsis.readers.fields import Draft
    from synopsis.readers.html import draft_from_html

    rows = "".join(
        f"<tr><td>{n}</td><td>Driver {n}</td><td>{5000 - n * 10} points</td></tr>"
        for n in range(1, 6)
    )
    body = "".join(
        f"<p>Paragraph {n} of the race report describes lap {n * 10} of the final at length, "
        "with the positions of the leading drivers and the weather on the circuit.</p>"
        for n in range(1, 6)
    )
    page = (
        "<html><head><title>Final standings</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>Final standings</h1>{body}<table>{rows}</table></article>"
        "<aside><h3>Most read</h3><ul><li><a href='/x'>Another story entirely</a></li></ul></aside>"
        "</body></html>"
    )
    draft = draft_from_html(page, "page.html", "page.html")
    assert isinstance(draft, Draft)
    assert "Driver 3" in draft.body and "4970 points" in draft.body
    assert "Paragraph 5 of the race report" in draft.body
    assert "Another story entirely" not in draft.body
    assert draft.metadata["extractor"] == "trafilatura"
