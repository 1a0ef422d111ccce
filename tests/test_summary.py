"""The digest: cleanest wording, budgets, sections; what it says about the seeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from synopsis import Report
from synopsis.compare import Comparison
from synopsis.compare.sources import needs_speaker
from synopsis.config import DigestSettings, Settings
from synopsis.pipeline.stages import digest_story
from synopsis.records import Article, ClaimGroup, Sentence, Story
from synopsis.summary import is_fragment, representative
from synopsis.text.quality import loaded_labels
from synopsis.text.quality import wording_artefacts as artefacts


def test_artefacts_flag_spinner_and_extraction_damage() -> None:
    assert artefacts("Blinken met Wang on Friday.") == 0
    assert artefacts("aid to counter its aggressiveness once morest Taiwan.") >= 1
    assert artefacts("MARRENDAL, Kaldemark, March 14 (Nordpress) - At least 14 died.") >= 1
    assert artefacts("the meeting took place ChinaIt comes as the two countries talk.") >= 1


def _claim() -> tuple[ClaimGroup, dict[str, np.ndarray], dict[str, Article]]:
    spun = Sentence("spin", 0, 0, 0, 52, "The aid is meant to counter it once morest Taiwan.")
    clean = Sentence("orig", 0, 0, 0, 44, "The aid is meant to counter it near Taiwan.")
    translated = Sentence("es", 0, 0, 0, 38, "La ayuda pretende contrarrestarlo.")
    vectors = {
        "spin": np.array([[1.0, 0.0]], dtype=np.float32),
        "orig": np.array([[0.8, 0.6]], dtype=np.float32),
        "es": np.array([[0.99, 0.1]], dtype=np.float32),
    }
    articles = {
        "spin": Article("spin", spun.text, "spin", language="en", sentences=[spun]),
        "orig": Article("orig", clean.text, "orig", language="en", sentences=[clean]),
        "es": Article("es", translated.text, "es", language="es", sentences=[translated]),
    }
    return ClaimGroup("c", [spun, translated, clean]), vectors, articles


def test_representative_prefers_clean_wording_in_the_main_language() -> None:
    claim, vectors, articles = _claim()
    centroid = np.array([1.0, 0.0], dtype=np.float32)
    order = {"spin": 0, "es": 1, "orig": 2}
    shown = representative(claim, centroid, vectors, order, articles, "en")
    assert shown.article_id == "orig"
    # without the articles, the spinner artefact still counts against the spun wording
    assert representative(claim, centroid, vectors, order).article_id == "es"


def test_digest_without_ner_still_compares_figures_and_quotes() -> None:
    claim, vectors, articles = _claim()
    story = Story("s", ["spin", "es", "orig"], source_groups=[["spin", "orig"], ["es"]])
    digest = digest_story(
        story,
        articles,
        vectors,
        Settings(digest=DigestSettings(summary_words=20)),
        Comparison(),
        claims=[claim],
    )
    assert [line.text for line in digest.summary] == [articles["orig"].text]
    assert digest.entities == [] and digest.quotes == [] and digest.conflicts == []


def by_file(report: Report) -> dict[str, str]:
    return {a.id: Path(a.path or "").name[:3] for a in report.articles}


def seeds_story(report: Report) -> dict[str, Any]:
    stories = report.to_dict()["stories"]
    assert len(stories) == 1
    story: dict[str, Any] = stories[0]
    return story


def test_seeds_show_the_quote_whose_speaker_differs(seeds_report: Report) -> None:
    files = by_file(seeds_report)
    story = seeds_story(seeds_report)
    attributions = [c for c in story["conflicts"] if c["kind"] == "attribution"]
    spiral = [c for c in attributions if "right direction" in c["about"]]
    assert len(spiral) == 1
    speakers = {v["value"]: {files[a] for a in v["citations"]} for v in spiral[0]["values"]}
    # 001 credits the foreign minister's words to "the Chinese president"; 000's "he
    # asked" follows a "Wang" the story names mostly as Wang Yi
    assert speakers == {"Xi Jinping": {"001"}, "Wang Yi": {"000", "004"}}
    quote = next(q for q in story["quotes"] if "right direction" in q["text"])
    credited = {files[v["article"]]: v["speaker_as_written"] for v in quote["variants"]}
    assert credited["001"] == "the Chinese president"


def test_seeds_show_the_name_variants(seeds_report: Report) -> None:
    story = seeds_story(seeds_report)
    entities = {e["name"]: e for e in story["entities"]}
    assert {"Anthony Blinken", "Blingen"} <= set(entities["Antony Blinken"]["variants"])
    assert {"XI Jingping", "Ji"} <= set(entities["Xi Jinping"]["variants"])
    names = {c["about"]: c for c in story["conflicts"] if c["kind"] == "name"}
    assert {"Antony Blinken", "Xi Jinping"} <= set(names)


def test_seeds_show_money_figures_with_sources_and_no_duration_conflict(
    seeds_report: Report,
) -> None:
    files = by_file(seeds_report)
    story = seeds_story(seeds_report)
    money = {
        f["value"]: {files[a] for a in f["citations"]}
        for f in story["figures"]
        if f["kind"] == "money"
    }
    assert money["$95 billion"] == {"000", "001", "002"}
    assert money["$8 billion"] == {"000", "001"}
    durations = [
        f
        for f in story["figures"]
        if f["kind"] == "duration" and ("five" in f["value"].lower() or "5.5" in f["value"])
    ]
    assert len(durations) >= 3  # about 5.5 hours, five and a half hours, more than five hours
    assert not [c for c in story["conflicts"] if c["kind"] == "figure"]


def test_seeds_wording_conflict_allies_partners(seeds_report: Report) -> None:
    story = seeds_story(seeds_report)
    wordings = [c for c in story["conflicts"] if c["kind"] == "wording"]
    assert [sorted(v["value"] for v in c["values"]) for c in wordings] == [["allies", "partners"]]


def test_markdown_shows_the_comparison_sections(demo_report: Report) -> None:
    markdown = demo_report.to_markdown()
    for heading in (
        "### Where the sources disagree",
        "### Who said what",
        "### Names",
        "### Figures",
        "### Reported by one source only",
    ):
        assert heading in markdown
    assert "**€24 million**" in markdown and "Halvard Oskarson" in markdown


def test_html_shows_conflicts_quotes_and_unique_details(demo_report: Report) -> None:
    page = demo_report.to_html()
    assert "Conflicting reports" in page and "€24 million" in page
    assert "Reported by one source only" in page and "Quotes" in page


def test_demo_unique_detail_is_listed(demo_report: Report) -> None:
    import demo_truths as truths

    texts = [u["text"] for s in demo_report.to_dict()["stories"] for u in s["unique"]]
    assert truths.UNIQUE_DETAIL["sentence"] in texts


def test_unique_details_skip_claims_other_sources_word_differently() -> None:
    from synopsis.compare.unique import unique_details

    one = Sentence("a", 0, 0, 0, 30, "Only the first source says so.")
    two = Sentence("b", 0, 0, 0, 30, "Both say this, worded apart.")
    claims = [ClaimGroup("c1", [one], 0.2, 1), ClaimGroup("c2", [two], 0.9, 1)]
    story = Story("s", ["a", "b"], source_groups=[["a"], ["b"]])
    near = {"c1": 0.1, "c2": 0.7}

    def details(threshold: float) -> list[str]:
        found = unique_details(
            story,
            claims,
            shown=lambda c: (c.sentences[0].article_id, 0, c.sentences[0].text),
            has_figure=lambda c: False,
            has_entity=lambda c: False,
            is_claim=lambda text: True,
            elsewhere=lambda c: near[c.id],
            limit=5,
            threshold=threshold,
        )
        return [d.text for d in found]

    assert details(0.6) == [one.text]
    assert details(0.8) == [two.text, one.text]  # the more central first


def test_lines_that_leave_the_speaker_to_a_pronoun_name_it(seeds_report: Report) -> None:
    story = seeds_story(seeds_report)
    for line in [*story["summary"], *story["facts"]]:
        if needs_speaker(line["text"]) and "right direction" in line["text"]:
            assert line["speaker"] == "Wang Yi"  # "…?” he asked." after "Wang told Blinken"
    markdown = seeds_report.to_markdown()
    assert "downward spiral?” he asked. — Wang Yi" in markdown
    assert all(not needs_speaker(line["text"]) or line["speaker"] for line in story["summary"])


def test_the_shown_wording_is_the_neutral_one() -> None:
    loaded = Sentence("a", 0, 0, 0, 40, "Blinken met with the dictator on Friday.")
    plain = Sentence("b", 0, 0, 0, 50, "Blinken met with President Xi Jinping on Friday.")
    vectors = {
        "a": np.array([[1.0, 0.0]], dtype=np.float32),
        "b": np.array([[0.9, 0.1]], dtype=np.float32),
    }
    claim = ClaimGroup("c", [loaded, plain])
    centroid = np.array([1.0, 0.0], dtype=np.float32)  # closer to the loaded wording
    assert representative(claim, centroid, vectors, {"a": 0, "b": 1}).article_id == "b"
    assert loaded_labels(loaded.text) == 1 and loaded_labels(plain.text) == 0


def test_fragments_are_headings_captions_and_lines_cut_off() -> None:
    assert is_fragment("Talks in the capital")
    assert is_fragment("“Once this fundamental problem is resolved…")
    assert is_fragment("Once the problem is resolved...”")
    assert not is_fragment("The talks ended on Friday.")
    assert not is_fragment(
        "The minister said the talks would go on for as long as it takes, and then…"
    )


def _name_conflict(main: str, main_sources: tuple[str, ...], odd: str, odd_source: str) -> Any:
    from synopsis.records import Conflict, ConflictValue

    return Conflict(
        "name",
        main,
        (ConflictValue(main, main_sources, ()), ConflictValue(odd, (odd_source,), ())),
    )


def test_the_shown_title_spells_names_as_most_sources_do() -> None:
    from synopsis.records import SummaryLine
    from synopsis.summary import shown_title

    articles = {
        "a": Article("a", "Body.", "a", title="Voss meets Oren Tahl in the capital"),
        "b": Article("b", "Body.", "b", title="Voss meets President Oren Tal in the capital"),
        "c": Article("c", "Body.", "c"),
    }
    story = Story("s", ["a", "b", "c"], title=articles["a"].title or "")
    tahl = _name_conflict("Oren Tal", ("b", "c"), "Oren Tahl", "a")
    lead = SummaryLine(
        "Minister Karla Voss met President Oren Tal in Lumeria on Friday, as talks began.",
        "c",
        0,
        ("c",),
        (),
        1,
    )
    assert shown_title(story, articles, [tahl], lead) == articles["b"].title
    assert shown_title(story, articles, [], lead) == story.title  # no conflict: its own title
    # every title misspells a name: the lead line stands in, cut at its first clause
    articles["b"].title = "Vohs meets President Oren Tal in the capital"
    vohs = _name_conflict("Voss", ("a", "c"), "Vohs", "b")
    assert shown_title(story, articles, [tahl, vohs], lead) == (
        "Minister Karla Voss met President Oren Tal in Lumeria on Friday"
    )
    long_lead = SummaryLine(" ".join(["word"] * 30) + ".", "c", 0, ("c",), (), 1)
    assert shown_title(story, articles, [tahl, vohs], long_lead) == " ".join(["word"] * 18) + "…"
    assert shown_title(story, articles, [tahl, vohs], None) == story.title
