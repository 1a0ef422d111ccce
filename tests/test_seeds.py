"""The five real seed reports in ../shared/seeds (skipped when ../shared is absent)."""

import json
from pathlib import Path

from typer.testing import CliRunner

from synopsis import Report
from synopsis.cli import app


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
