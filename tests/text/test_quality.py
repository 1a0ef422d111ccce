"""Article quality flags: each with its evidence, in the report, and used by cleaning."""

from __future__ import annotations

import json

from synopsis import Report
from synopsis.records import Article, QualityKind, RemovalKind
from synopsis.text.clean import clean
from synopsis.text.quality import (
    artefact_count,
    assess,
    run_together_words,
    spinner_artefacts,
    translation_artefacts,
)


def article(*paragraphs: str) -> Article:
    body = "\n\n".join(paragraphs)
    return Article(id="q", text=body, raw_text=body, source="test")


def test_spinner_artefacts_are_found_with_context() -> None:
    text = (
        "The bill includes $8 billion to counter its aggressiveness once morest Taiwan. "
        "Wang spoke at the start of regarding five and a half hours of talks."
    )
    found = spinner_artefacts(text)
    assert len(found) == 2
    assert "once morest Taiwan" in found[0]
    assert "regarding five and a half" in found[1]
    assert spinner_artefacts("He warned regarding the dangers of miscalculation.") == []


def test_machine_translation_artefacts() -> None:
    text = (
        "Blinken spoke with Xi in Beijing on Friday. We had a meeting. China and the United "
        "States remain at an impasse on strategic issues. . Both sides recognise the risk of "
        'misunderstandings. to avoid miscalculations, he said. Despite his "no limits" In its '
        "partnership with Moscow, China has held back. It covers exchanges. meeting"
    )
    found = translation_artefacts(text)
    joined = " | ".join(found)
    for marker in (
        "We had a meeting.",
        "issues. . Both",
        "misunderstandings. to avoid",
        '"no limits" In its',
        "exchanges. meeting",
    ):
        assert marker in joined, marker
    clean_text = (
        'The U.S. officials met at 6 p.m. on Friday, etc. and more. He said: "We had talks."'
    )
    assert translation_artefacts(clean_text) == []


def test_run_together_words_but_not_brand_names() -> None:
    text = "An interview with CNN's Kylie AtwoodBefore he left Beijing. TikTok and YouTube grew."
    found = run_together_words(text)
    assert len(found) == 1 and "AtwoodBefore" in found[0]
    assert run_together_words("Three-day visit to ChinaIt comes as talks resume.") != []
    assert run_together_words("McDonald's and iPhone sales rose on TikTok.") == []


def test_clean_sets_flags_with_evidence() -> None:
    doubled = "Officials said the bridge would reopen on Monday after two weeks of repairs."
    done = clean(
        article(doubled, doubled, "Talks lasted regarding five hours, once morest the plan.")
    )
    kinds = {flag.kind: flag for flag in done.quality}
    assert kinds[QualityKind.DOUBLED_PARAGRAPHS].evidence == (doubled,)
    assert kinds[QualityKind.SPINNER].count == 2
    assert QualityKind.RUN_TOGETHER not in kinds
    assert assess(clean(article("A plain, clean sentence of news."))) == []


def test_clean_keeps_the_cleaner_of_two_doubled_paragraphs() -> None:
    garbled = (
        'Despite his "no limits" In its partnership with the northern alliance, the council '
        "has refrained from sending any weapons to the front"
    )
    tidy = (
        "Despite its \u201cunrestricted\u201d partnership with the northern alliance, the council "
        "has refrained from sending any weapons to the front"
    )
    done = clean(article("Talks began on Friday in Beijing.", garbled, tidy, "They ended late."))
    assert artefact_count(garbled) > artefact_count(tidy)
    assert done.text.split("\n\n") == [
        "Talks began on Friday in Beijing.",
        tidy,
        "They ended late.",
    ]
    assert [(r.kind, r.text) for r in done.removed] == [(RemovalKind.DUPLICATE_PARAGRAPH, garbled)]


def test_quality_flags_are_in_the_report_json() -> None:
    done = clean(article("It covers people-to-people exchanges. meeting"))
    data = json.loads(Report(articles=[done]).to_json())
    (flag,) = data["articles"][0]["quality"]
    assert flag["kind"] == "machine-translation-artefacts"
    assert flag["count"] == 1
    assert "exchanges. meeting" in flag["evidence"][0]


def test_seed_quality_flags(seeds_report: Report) -> None:
    flags = {
        (a.path or "")[-24:-21]: {str(f.kind) for f in a.quality} for a in seeds_report.articles
    }
    by_seed = {key[-3:]: value for key, value in flags.items()}
    assert "doubled-paragraphs" in by_seed["000"]
    assert "spinner-artefacts" in by_seed["001"]
    assert "machine-translation-artefacts" in by_seed["003"]
    assert "run-together-words" in by_seed["004"]


def test_markdown_sources_list_quality_flags() -> None:
    from synopsis.records import Digest, Story

    done = clean(article("It covers people-to-people exchanges. meeting"))
    report = Report(
        articles=[done],
        digests=[Digest(Story(id="s1", article_ids=[done.id], independent_sources=1), [], [])],
    )
    assert "   - quality: machine-translation-artefacts (1)" in report.to_markdown()
