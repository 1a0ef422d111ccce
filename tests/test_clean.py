from datetime import UTC, datetime

import pytest

import demo_truths as truths
from synopsis.clean import classify_junk, clean, parse_timestamp
from synopsis.demo import corpus_path
from synopsis.readers import read_inputs
from synopsis.records import Article, RemovalKind


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
