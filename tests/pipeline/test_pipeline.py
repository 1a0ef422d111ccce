"""The demo corpus end to end: its truths (tests/demo_truths.py) against the report."""

import json

import numpy as np
import pytest

import demo_truths as truths
import synopsis
from synopsis import Pipeline, Report
from synopsis.records import CopyKind


def keys_by_id(report: Report) -> dict[str, str]:
    return {a.id: truths.article_key(a.id, a.path) for a in report.articles}


def story_sets(report: Report) -> list[frozenset[str]]:
    names = keys_by_id(report)
    return [frozenset(names[a] for a in d.story.article_ids) for d in report.digests]


def test_every_demo_article_is_read_and_nothing_fails(demo_report: Report) -> None:
    assert len(demo_report.articles) == truths.ARTICLE_COUNT
    assert demo_report.failures == [] and demo_report.skipped == []
    names = keys_by_id(demo_report)
    for article in demo_report.articles:
        assert article.language == truths.LANGUAGES[names[article.id]]


def test_unrelated_stories_come_out_separate(demo_report: Report) -> None:
    found = story_sets(demo_report)
    for story in truths.UNRELATED_STORIES:
        assert story in found, f"{sorted(story)} not one story in {found}"
    main = next(s for s in found if truths.WIRE_ID in s)
    assert main <= truths.MAIN_STORY
    assert main >= truths.MAIN_STORY_ENGLISH


def test_copies_are_linked(demo_report: Report) -> None:
    names = keys_by_id(demo_report)
    near = {
        frozenset((names[link.a], names[link.b]))
        for link in demo_report.copies
        if link.kind in (CopyKind.NEAR_DUPLICATE, CopyKind.EXACT)
    }
    for a, b in truths.NEAR_DUPLICATE_PAIRS:
        assert frozenset((a, b)) in near
    for link in demo_report.copies:  # no copy link between independent reports
        pair = {names[link.a], names[link.b]}
        assert not (pair & truths.INDEPENDENT_IDS and len(pair & truths.INDEPENDENT_IDS) == 2)
    wire = next(link for link in demo_report.copies if names[link.a] == truths.WIRE_ID)
    assert names[wire.origin or ""] == truths.WIRE_ID


def test_main_story_counts_copies_once(demo_report: Report) -> None:
    names = keys_by_id(demo_report)
    main = next(
        d
        for d in demo_report.digests
        if any(names[a] == truths.WIRE_ID for a in d.story.article_ids)
    )
    wire_group = next(
        g for g in main.story.source_groups if any(names[a] == truths.WIRE_ID for a in g)
    )
    assert {names[a] for a in wire_group} >= {truths.WIRE_ID, truths.COPY1_ID, truths.COPY2_ID}
    assert main.story.independent_sources == len(main.story.source_groups)
    assert main.story.independent_sources <= len(main.story.article_ids) - 2


def test_every_summary_line_and_fact_is_a_cited_source_sentence(demo_report: Report) -> None:
    texts = {a.id: a.text for a in demo_report.articles}
    for digest in demo_report.digests:
        assert digest.summary, digest.story.title
        for line in [*digest.summary, *digest.facts]:
            assert line.citations and line.article in line.citations
            assert line.text in texts[line.article]
            for evidence in line.evidence:
                assert evidence.text in texts[evidence.article]
                assert evidence.article in line.citations
            assert line.independent_support <= len(line.citations)


def test_summary_honours_the_word_budget(embedder: synopsis.Embedder) -> None:
    from synopsis.demo import corpus_path

    report = synopsis.digest([corpus_path()], summary_words=40, embedder=embedder)
    for digest in report.digests:
        words = sum(len(line.text.split()) for line in digest.summary)
        assert words <= 40 or len(digest.summary) == 1


def test_json_report_contract(demo_report: Report) -> None:
    data = json.loads(demo_report.to_json())
    assert data["schema"] == "synopsis.report/1"
    assert set(data) >= {"articles", "copies", "stories", "failures"}
    article = data["articles"][0]
    assert set(article) >= {
        "id",
        "path",
        "url",
        "outlet",
        "title",
        "published",
        "language",
        "text",
        "removed",
    }
    story = data["stories"][0]
    assert set(story) >= {"id", "title", "articles", "independent_sources", "summary", "facts"}
    assert set(story["summary"][0]) >= {"text", "article", "citations"}
    assert set(story["facts"][0]) >= {"text", "citations", "independent_support"}
    assert set(data["copies"][0]) >= {"a", "b", "kind", "score", "origin"}
    ids = {a["id"] for a in data["articles"]}
    assert ids >= truths.JSONL_IDS  # the input's own ids are kept


def test_demo_ids_are_stable_across_runs(demo_report: Report, embedder: synopsis.Embedder) -> None:
    from synopsis.demo import corpus_path

    again = Pipeline(embedder=embedder).run([corpus_path()])
    assert [a.id for a in again.articles] == [a.id for a in demo_report.articles]
    assert [(d.story.id, d.story.article_ids) for d in again.digests] == [
        (d.story.id, d.story.article_ids) for d in demo_report.digests
    ]


def test_bad_inputs_are_reported_and_the_rest_digested(tmp_path, embedder) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "good.txt").write_text(
        "Harbour reopens\n\nThe harbour of Brennstad reopened on Monday after a week of repairs, "
        "the port authority said. Ships queued outside the breakwater overnight."
    )
    report = synopsis.digest(tmp_path, embedder=embedder)
    reasons = {f.input.rsplit("/", 1)[-1]: f.reason for f in report.failures}
    assert set(reasons) == {"empty.txt", "binary.txt"}
    assert "empty" in reasons["empty.txt"] and "binary" in reasons["binary.txt"]
    assert [a.title for a in report.articles] == ["Harbour reopens"]
    assert len(report.digests) == 1 and not report.ok


def test_api_accepts_dicts(embedder: synopsis.Embedder) -> None:
    report = synopsis.digest(
        [
            {
                "id": "x1",
                "outlet": "Test",
                "text": "The bridge reopened on Monday after repairs, officials said.",
            }
        ],
        embedder=embedder,
    )
    assert [a.id for a in report.articles] == ["x1"]
    assert report.digests[0].summary[0].citations == ("x1",)


def test_vectors_are_normalised(embedder: synopsis.Embedder) -> None:
    vectors = embedder.encode(["One sentence.", "Another sentence here."])
    assert vectors.shape == (2, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_renderers_show_every_story(demo_report: Report, fmt: str) -> None:
    text = demo_report.to_markdown() if fmt == "md" else demo_report.to_html()
    for digest in demo_report.digests:
        assert digest.summary[0].text.split()[0] in text
