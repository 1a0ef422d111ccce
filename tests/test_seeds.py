"""The five real seed reports in ../shared/seeds (skipped when ../shared is absent)."""

import json
from pathlib import Path

from typer.testing import CliRunner

from synopsis import Report
from synopsis.cli import app
from synopsis.records import Digest


def test_seeds_make_one_story_with_verbatim_cited_lines(seeds_report: Report) -> None:
    assert len(seeds_report.articles) == 5 and not seeds_report.failures
    assert len(seeds_report.digests) == 1
    story = seeds_report.digests[0]
    assert sorted(story.story.article_ids) == sorted(a.id for a in seeds_report.articles)
    texts = {a.id: a.text for a in seeds_report.articles}
    for line in story.summary:
        assert line.citations
        assert line.text in texts[line.article]


def test_seeds_cleaning_removes_junk_and_keeps_the_article(seeds_report: Report) -> None:
    by_name = {Path(a.path or "").name[:3]: a for a in seeds_report.articles}
    kinds = {name: {str(r.kind) for r in a.removed} for name, a in by_name.items()}
    assert "duplicate-paragraph" in kinds["000"]
    assert {"hashtags", "timestamp"} <= kinds["001"]
    assert {"comment-form", "link-bait"} <= kinds["004"]
    assert by_name["001"].published is not None
    for article in seeds_report.articles:
        for removal in article.removed:
            if str(removal.kind) == "duplicate-paragraph":
                # a doubled paragraph's twin is still in the text
                assert removal.text.split()[0] in article.text


def test_cli_digest_json_on_seeds(seeds: list[Path]) -> None:
    result = CliRunner().invoke(app, ["digest", "--format", "json", "-q", *map(str, seeds)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["stories"]) == 1 and len(data["stories"][0]["articles"]) == 5
    articles = {a["id"]: a for a in data["articles"]}
    for line in data["stories"][0]["summary"]:
        assert line["citations"] and line["text"] in articles[line["article"]]["text"]


def _support(story: Digest, *words: str) -> int:
    """The best independent support of a fact with a sentence holding all ``words``."""
    found = [
        fact.independent_support
        for fact in story.facts
        if any(all(w.casefold() in e.text.casefold() for w in words) for e in fact.evidence)
    ]
    return max(found, default=0)


def test_seeds_lead_with_the_meeting_all_four_sources_report(seeds_report: Report) -> None:
    story = seeds_report.digests[0]
    first = story.summary[0]
    assert first.independent_support == 4 == len(story.story.source_groups)
    assert "Xi" in first.text and "Blinken" in first.text and "dictator" not in first.text
    assert story.facts[0].text == first.text
    # both titled seeds misspell a name ("XI Jingping", "Blingen"): the title is not theirs
    assert "Jingping" not in story.story.title and "Blingen" not in story.story.title
    assert "Xi Jinping" in story.story.title


def test_seeds_claims_are_counted_across_outlets_in_other_words(seeds_report: Report) -> None:
    story = seeds_report.digests[0]
    assert _support(story, "stabilize", "relation") >= 3
    assert _support(story, "negative factors") >= 3
    assert _support(story, "five hours", "Wang") >= 3
    assert _support(story, "TikTok", "sell") >= 3
    assert _support(story, "narcotics") >= 3


def test_seeds_facts_are_distinct_and_cite_each_article_once(seeds_report: Report) -> None:
    story = seeds_report.digests[0]
    shown = [(f.article, f.sentence) for f in story.facts]
    assert len(shown) == len(set(shown))
    for fact in story.facts:
        articles = [e.article for e in fact.evidence]
        assert len(articles) == len(set(articles)) >= 2
        # a topic word shared with another claim does not join them ("red line": weapons vs Taiwan)
        texts = " ".join(e.text for e in fact.evidence)
        assert not ("weapons" in texts and "insurmountable" in texts)
        # what one outlet denies another does not state ("refrained from supplying weapons")
        assert not ("refrained" in texts and "Helped Moscow" in texts)
    for line in story.summary:
        if line.text.rstrip().endswith(("he said.", "he asked.")):
            assert line.speaker
