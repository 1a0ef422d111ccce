"""The self-contained HTML report (synopsis.render.html)."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import pytest

from synopsis.records import (
    Article,
    Citation,
    CopyKind,
    CopyLink,
    Digest,
    Fact,
    Failure,
    Removal,
    RemovalKind,
    Skip,
    Story,
    SummaryLine,
)
from synopsis.report import Report
from synopsis.report.html import circle_layout, render_html, safe_href

EVIL_SCRIPT = "<script>alert(1)</script>"
EVIL_IMG = "<img src=x onerror=alert(1)>"

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input",
    "link", "meta", "param", "source", "track", "wbr",
}  # fmt: skip


def at(hour: int) -> datetime:
    return datetime(2024, 5, 1, hour, 0, tzinfo=UTC)


def quake_report() -> Report:
    """One story of three articles (two copies of each other), plus failures and skips."""
    articles = [
        Article(
            id="a1",
            text="A quake struck Izmir on Monday. It measured 6.1.",
            source="in/a1.html",
            title="Quake strikes Izmir",
            outlet="Wire Agency",
            url="https://wire.example/quake",
            published=at(8),
            language="en",
            removed=[
                Removal(RemovalKind.SHARE_WIDGET, "Share on Facebook"),
                Removal(RemovalKind.LINK_BAIT, "You won't believe what happened next"),
            ],
        ),
        Article(
            id="a2",
            text="A quake struck Izmir on Monday. It measured 6.1 on the scale.",
            source="in/a2.html",
            title="Izmir shaken",
            outlet="Daily Reprint",
            url="http://reprint.example/izmir",
            published=at(9),
            language="en",
        ),
        Article(
            id="a3",
            text="Ein Erdbeben erschütterte Izmir. Es hatte die Stärke 6,1.",
            source="in/a3.html",
            title="Erdbeben in Izmir",
            outlet="Rundschau",
            published=at(11),
            language="de",
        ),
    ]
    story = Story(
        id="s1",
        article_ids=["a1", "a2", "a3"],
        title="Earthquake hits Izmir",
        independent_sources=2,
        source_groups=[["a1", "a2"], ["a3"]],
        first_published=at(8),
        last_published=at(11),
    )
    summary = [
        SummaryLine(
            text="A quake struck Izmir on Monday.",
            article="a1",
            sentence=0,
            citations=("a1", "a3"),
            evidence=(
                Citation("a1", 0, "A quake struck Izmir on Monday."),
                Citation("a3", 0, "Ein Erdbeben erschütterte Izmir."),
            ),
            independent_support=2,
        ),
        SummaryLine(
            text="It measured 6.1.",
            article="a1",
            sentence=1,
            citations=("a2",),
            evidence=(Citation("a2", 1, "It measured 6.1 on the scale."),),
            independent_support=1,
        ),
    ]
    facts = [
        Fact(
            text="The quake measured 6.1.",
            article="a1",
            sentence=1,
            citations=("a1", "a3"),
            evidence=(
                Citation("a1", 1, "It measured 6.1."),
                Citation("a3", 1, "Es hatte die Stärke 6,1."),
            ),
            independent_support=2,
        )
    ]
    copies = [
        CopyLink("a1", "a2", CopyKind.NEAR_DUPLICATE, 0.83, origin="a1"),
        CopyLink("a1", "a3", CopyKind.TRANSLATION, 0.71),
    ]
    return Report(
        articles=articles,
        copies=copies,
        digests=[Digest(story=story, summary=summary, facts=facts)],
        failures=[Failure("in/broken.pdf", "could not extract any text")],
        skipped=[Skip("in/photo.jpg", "not an article (image file)")],
    )


def hostile_report() -> Report:
    evil = Article(
        id="evil",
        text=f"Body {EVIL_SCRIPT} {EVIL_IMG}",
        source="in/evil.html",
        title=EVIL_SCRIPT,
        outlet=EVIL_IMG,
        url="javascript:alert(1)",
        removed=[Removal(RemovalKind.MARKUP, EVIL_SCRIPT)],
    )
    story = Story(id="s9", article_ids=["evil"], title=EVIL_SCRIPT, independent_sources=1)
    line = SummaryLine(
        text=EVIL_SCRIPT,
        article="evil",
        sentence=0,
        citations=("evil",),
        evidence=(Citation("evil", 0, EVIL_IMG),),
        independent_support=1,
    )
    return Report(
        articles=[evil],
        digests=[Digest(story=story, summary=[line], facts=[])],
        failures=[Failure(EVIL_SCRIPT, EVIL_IMG)],
    )


class _Text(HTMLParser):
    """Visible text of a page (scripts and styles left out), whitespace collapsed."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def text_of(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


class _Balance(HTMLParser):
    """Checks that every non-void element is closed, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.seen: dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen[tag] = self.seen.get(tag, 0) + 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()


def balance(page: str) -> _Balance:
    checker = _Balance()
    checker.feed(page)
    checker.close()
    return checker


class _Blocks(HTMLParser):
    """The inner HTML-free text of every element carrying a given class."""

    def __init__(self, cls: str) -> None:
        super().__init__()
        self.cls = cls
        self.blocks: list[list[str]] = []
        self._depth: list[int] = []
        self._level = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        self._level += 1
        classes = (dict(attrs).get("class") or "").split()
        if self.cls in classes:
            self._depth.append(self._level)
            self.blocks.append([])

    def handle_endtag(self, tag: str) -> None:
        if self._depth and self._depth[-1] == self._level:
            self._depth.pop()
        self._level -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.blocks[-1].append(data)


def blocks(page: str, cls: str) -> list[str]:
    parser = _Blocks(cls)
    parser.feed(page)
    return [" ".join(" ".join(parts).split()) for parts in parser.blocks]


def svgs(page: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", page, flags=re.S)


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(quake_report().to_dict())


# ------------------------------------------------------------------------- content


def test_page_is_a_complete_document_with_title(page: str) -> None:
    assert page.lstrip().startswith("<!DOCTYPE html>")
    assert "<title>synopsis report</title>" in page
    assert "<h1>synopsis report</h1>" in page
    assert "synopsis.report/1" in page


def test_every_summary_line_is_shown(page: str) -> None:
    lines = blocks(page, "text")
    assert lines == ["A quake struck Izmir on Monday.", "It measured 6.1."]


def test_story_section_has_its_id_and_title(page: str) -> None:
    assert '<section class="story" id="story-s1">' in page
    assert "Earthquake hits Izmir" in text_of(page)
    assert 'href="#story-s1"' in page  # table of contents


def test_independent_sources_count_is_prominent(page: str) -> None:
    assert "3 articles · 2 independent sources" in text_of(page)
    assert re.search(r'class="sources-count"[^>]*>[^<]*<strong>2</strong>', page)


def test_time_span_and_languages(page: str) -> None:
    text = text_of(page)
    assert "2024-05-01 08:00 UTC – 2024-05-01 11:00 UTC" in text
    assert "Languages: en, de" in text


def test_counts_in_header(page: str) -> None:
    counts = blocks(page, "counts")[0]
    assert counts == "3 articles 1 story 1 failure 1 skipped"


def test_every_outlet_is_listed(page: str) -> None:
    sources = blocks(page, "sources")[0]
    for outlet in ("Wire Agency", "Daily Reprint", "Rundschau"):
        assert outlet in sources


def test_citation_markers_are_numbered_by_story_position(page: str) -> None:
    buttons = re.findall(r'<button[^>]*class="cite"[^>]*data-article="(\w+)"[^>]*>([^<]*)<', page)
    assert buttons == [("a1", "[1]"), ("a3", "[3]"), ("a2", "[2]")]


def test_cite_buttons_control_a_hidden_evidence_block(page: str) -> None:
    controls = re.findall(r'class="cite"[^>]*aria-expanded="false" aria-controls="([^"]+)"', page)
    assert len(controls) == 3
    for target in controls:
        assert re.search(rf'<div class="evidence" id="{target}" hidden>', page)


def test_evidence_blocks_contain_the_cited_sentences(page: str) -> None:
    first, second = blocks(page, "evidence")
    assert "Wire Agency" in first and "A quake struck Izmir on Monday." in first
    assert "Rundschau" in first and "Ein Erdbeben erschütterte Izmir." in first
    assert "Daily Reprint" in second and "It measured 6.1 on the scale." in second
    assert "Ein Erdbeben" not in second


def test_facts_table_lists_text_outlets_and_support(page: str) -> None:
    (facts,) = blocks(page, "facts")
    assert "The quake measured 6.1." in facts
    assert "[1] Wire Agency" in facts and "[3] Rundschau" in facts
    assert re.search(r'<td class="num">2</td>', page)


def test_sources_show_copy_links_and_source_groups(page: str) -> None:
    sources = blocks(page, "sources")[0]
    assert "near-duplicate of [1] (0.83), which is likely the original" in sources
    assert "copied by [2] as near-duplicate (0.83)" in sources
    assert "translation of [3] (0.71)" in sources
    assert "source group 1 (with [2])" in sources
    assert "source group 2 (independent)" in sources


def test_http_and_https_urls_become_links(page: str) -> None:
    assert 'href="https://wire.example/quake"' in page
    assert 'href="http://reprint.example/izmir"' in page


def test_removed_items_appear_in_details(page: str) -> None:
    details = re.findall(r"<details>.*?</details>", page, flags=re.S)
    assert len(details) == 1  # only a1 had anything removed
    text = text_of(details[0])
    assert "What cleaning removed (2)" in text
    assert "share-widget Share on Facebook" in text
    assert "link-bait You won't believe what happened next" in text.replace("&#39;", "'")


def test_failures_and_skipped_are_listed(page: str) -> None:
    section = re.search(r'<section class="panel" id="not-processed">.*?</section>', page, re.S)
    assert section is not None
    text = text_of(section.group(0))
    assert "Inputs not processed" in text
    assert "in/broken.pdf — could not extract any text" in text
    assert "in/photo.jpg — not an article (image file)" in text


def test_nothing_failed_says_so() -> None:
    report = quake_report()
    report.failures.clear()
    report.skipped.clear()
    assert "Every input was processed." in text_of(render_html(report.to_dict()))


# --------------------------------------------------------------------------- graph


def test_svg_draws_one_edge_per_copy_link_and_one_node_per_article(page: str) -> None:
    (svg,) = svgs(page)
    assert len(re.findall(r"<line\b|<path\b", svg)) == 2
    assert len(re.findall(r"<circle\b", svg)) == 3
    assert ">near-duplicate</text>" in svg and ">translation</text>" in svg


def test_only_links_with_known_origin_get_arrows(page: str) -> None:
    (svg,) = svgs(page)
    edges = re.findall(r"<line\b[^>]*>", svg)
    arrowed = [e for e in edges if "marker-end" in e]
    assert len(arrowed) == 1 and 'stroke="#c4620a"' in arrowed[0]


def test_edge_colours_differ_by_kind_and_legend_names_them(page: str) -> None:
    (svg,) = svgs(page)
    colours = re.findall(r'<line\b[^>]*stroke="(#[0-9a-f]+)"', svg)
    assert len(set(colours)) == 2
    legend = blocks(page, "legend")[0]
    assert legend == "near-duplicate translation"


def test_arrow_points_from_origin_to_copy() -> None:
    report = quake_report()
    report.copies = [CopyLink("a1", "a2", CopyKind.EXACT, 1.0, origin="a2")]
    (svg,) = svgs(render_html(report.to_dict()))
    nodes = {
        int(n): (float(x), float(y))
        for x, y, n in re.findall(
            r'<circle cx="([\d.]+)" cy="([\d.]+)"[^>]*/><text[^>]*>(\d+)<', svg
        )
    }
    x1, y1, x2, y2 = map(
        float, re.findall(r'<line x1="([\d.]+)" y1="([\d.]+)" x2="([\d.]+)" y2="([\d.]+)"', svg)[0]
    )
    # the line starts near [2] (the origin) and ends near [1] (the copy)
    assert math.dist((x1, y1), nodes[2]) < math.dist((x1, y1), nodes[1])
    assert math.dist((x2, y2), nodes[1]) < math.dist((x2, y2), nodes[2])


def test_circle_layout_places_points_on_one_circle() -> None:
    points = circle_layout(5, size=200, margin=20)
    radii = {round(math.dist(p, (100, 100)), 0) for p in points}
    assert radii == {80.0}
    assert len(set(points)) == 5
    assert circle_layout(1, size=200) == [(100.0, 100.0)]


# ------------------------------------------------------------------------ security


def test_hostile_content_is_escaped() -> None:
    page = render_html(hostile_report().to_dict())
    body = page.split("<body>", 1)[1]
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert body.count("<script>") == 1  # only our own inline script


def test_javascript_url_is_text_not_a_link() -> None:
    page = render_html(hostile_report().to_dict())
    assert 'href="javascript:' not in page.lower()
    assert "javascript:alert(1)" in text_of(page)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/x", "https://a.example/x"),
        ("HTTP://A.EXAMPLE", "HTTP://A.EXAMPLE"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("data:text/html,<b>x</b>", None),
        ("//evil.example/x", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_href(url: str | None, expected: str | None) -> None:
    assert safe_href(url) == expected


def test_page_is_self_contained(page: str) -> None:
    assert "<link" not in page
    assert not re.search(r"<(script|img|iframe)\b[^>]*\bsrc=", page)
    assert "@import" not in page and "url(http" not in page
    external = set(re.findall(r'(?:src|href)="(https?://[^"]+)"', page))
    assert external == {"https://wire.example/quake", "http://reprint.example/izmir"}


# ------------------------------------------------------------------ structure, edge cases


@pytest.mark.parametrize("make", [quake_report, hostile_report, Report])
def test_page_is_well_formed(make: Any) -> None:
    checker = balance(render_html(make().to_dict()))
    assert checker.errors == []
    assert checker.stack == []
    assert checker.seen.get("section", 0) >= 1
    if make().digests:
        assert checker.seen.get("div", 0) >= 1


def test_balance_checker_catches_unclosed_tags() -> None:
    checker = balance("<section><div><p>x</p></section>")
    assert checker.errors or checker.stack


def test_report_with_zero_stories_renders() -> None:
    page = render_html(Report(skipped=[Skip("notes.txt", "empty file")]).to_dict())
    text = text_of(page)
    assert "synopsis report" in text
    assert "No stories were found in this run." in text
    assert 'class="story"' not in page and "<svg" not in page
    assert "notes.txt — empty file" in text


def test_articles_outside_any_story_are_listed() -> None:
    report = quake_report()
    report.articles.append(Article(id="lone", text="x", source="in/lone", outlet="Lone Gazette"))
    page = render_html(report.to_dict())
    assert "Articles in no story" in page and "Lone Gazette" in blocks(page, "panel")[0]


class _ExtendedReport(Report):
    """A report whose stories carry the sections later versions add."""

    def to_dict(self) -> dict[str, Any]:
        data = Report.to_dict(self)
        data["stories"][0].update(
            {
                "quotes": [
                    {"text": "We felt it twice", "speaker": "a resident", "citations": ["a3"]}
                ],
                "entities": [{"name": "Izmir", "citations": ["a1", "a2"]}],
                "figures": [{"value": "6.1", "citations": [{"article": "a1"}]}],
                "unique": [{"text": "Schools closed early.", "citations": ["a3"]}],
                "conflicts": [
                    {
                        "kind": "number",
                        "about": "death toll",
                        "values": [
                            {"value": "12 dead", "citations": ["a1"]},
                            {"value": "14 dead", "citations": ["a3"]},
                        ],
                    }
                ],
            }
        )
        return data


def test_later_sections_render_when_present() -> None:
    base = quake_report()
    report = _ExtendedReport(articles=base.articles, copies=base.copies, digests=base.digests)
    page = render_html(report.to_dict())
    text = text_of(page)
    assert "Quotes We felt it twice (a resident) [3]" in text
    assert "Entities Izmir [1] [2]" in text
    assert "Figures 6.1 [1]" in text
    assert "Reported by one source only Schools closed early. [3]" in text
    assert "Conflicting reports death toll (number) 12 dead [1] 14 dead [3]" in text
    assert balance(page).errors == []


def test_later_sections_absent_show_nothing(page: str) -> None:
    for heading in ("Quotes", "Entities", "Figures", "Conflicting reports", "one source only"):
        assert heading not in page


def test_links_to_another_story_are_listed_but_not_drawn() -> None:
    report = quake_report()
    report.articles.append(Article(id="b1", text="x", source="in/b1", outlet="Other Times"))
    report.digests.append(
        Digest(Story(id="s2", article_ids=["b1"], independent_sources=1), summary=[], facts=[])
    )
    report.copies.append(CopyLink("a1", "b1", CopyKind.REWRITE, 0.4))
    page = render_html(report.to_dict())
    first, second = svgs(page)
    assert len(re.findall(r"<line\b", first)) == 2
    assert len(re.findall(r"<line\b", second)) == 0
    assert "rewrite of Other Times (0.40)" in blocks(page, "sources")[0]


def test_quality_flags_and_copy_evidence_are_shown() -> None:
    from synopsis.records import AlignedPassage, QualityFlag, QualityKind

    first = Article(id="a1", text="The ferry sank.", source="a1", outlet="Wire")
    second = Article(id="a2", text="The ferry went down.", source="a2", outlet="Spinner")
    second.quality = [QualityFlag(next(iter(QualityKind)), ("once morest the wind",))]
    link = CopyLink(
        "a1",
        "a2",
        CopyKind.REWRITE,
        0.9,
        "a1",
        evidence=(AlignedPassage(0, 0, "The ferry sank.", "The ferry went down.", 0.91),),
    )
    story = Story(
        id="s1",
        article_ids=["a1", "a2"],
        title="Ferry",
        independent_sources=1,
        source_groups=[["a1", "a2"]],
    )
    report = Report(
        articles=[first, second], copies=[link], digests=[Digest(story=story, summary=[], facts=[])]
    )
    page = render_html(report.to_dict())
    assert "once morest the wind" in page and "Quality flags" in page
    assert "The ferry went down." in page and "0.91" in page and "aligned sentence" in page


def test_the_second_looks_decisions_are_shown_in_every_rendering() -> None:
    import dataclasses
    import json

    from synopsis.report import render_markdown

    report = quake_report()
    reason = "kept apart: event dates 2013-05-06 vs 2008-09-12"
    digest = report.digests[0]
    report = dataclasses.replace(
        report,
        digests=[
            dataclasses.replace(digest, story=dataclasses.replace(digest.story, decisions=[reason]))
        ],
    )
    data = report.to_dict()
    assert reason in text_of(render_html(data))
    assert f"*Story decisions: {reason}*" in render_markdown(data)
    story = json.loads(json.dumps(data))["stories"][0]
    assert story["decisions"] == [reason]
    # a story without decisions shows no such line
    plain = quake_report().to_dict()
    assert "Story decisions" not in render_markdown(plain)
    assert "Story decisions" not in text_of(render_html(plain))


def test_facts_past_the_shown_ones_are_folded_away_not_dropped() -> None:
    from synopsis.report.layout import SHOWN_FACTS

    report = quake_report()
    digest = report.digests[0]
    template = digest.facts[0]
    digest.facts = [
        Fact(
            text=f"Fact number {n} was reported.",
            article=template.article,
            sentence=template.sentence,
            citations=template.citations,
            evidence=template.evidence,
            independent_support=2,
        )
        for n in range(SHOWN_FACTS + 3)
    ]
    data = report.to_dict()
    assert len(data["stories"][0]["facts"]) == SHOWN_FACTS + 3  # the JSON lists them all
    html = render_html(data)
    folded = html.split('<details class="more-facts">')[1].split("</details>")[0]
    assert f"Show all {SHOWN_FACTS + 3} facts (3 more" in folded
    assert f"Fact number {SHOWN_FACTS + 2} was reported." in folded
    assert "Fact number 0 was reported." not in folded
    assert "Fact number 0 was reported." in html
    web = _web_story_page(data)
    folded = web.split('<details class="more-facts">')[1].split("</details>")[0]
    assert f"Fact number {SHOWN_FACTS + 2} was reported." in folded
    assert "Fact number 0 was reported." in web.split('<details class="more-facts">')[0]
    markdown = report.to_markdown()
    assert f"Fact number {SHOWN_FACTS - 1} was reported." in markdown
    assert f"Fact number {SHOWN_FACTS} was reported." not in markdown
    assert "3 more facts, less supported" in markdown


def _web_story_page(data: dict[str, Any]) -> str:
    """The web's story page for the report's first story (it shares the report's story view)."""
    import json

    from synopsis.web.service import StoryData
    from synopsis.web.templating import render
    from synopsis.web.views import story_page

    story_data = StoryData("s1", "v1", data, json.dumps(data).encode(), [], {})
    return render("story.html.j2", page=story_page(story_data), story_id=story_data.id)
