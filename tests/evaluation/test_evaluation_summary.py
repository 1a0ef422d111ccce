"""The summary evaluation: reading events, the baselines, budgets, and the side-by-side run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from synopsis import Pipeline
from synopsis.cli import app
from synopsis.embed import CachedEmbedder
from synopsis.errors import InputError
from synopsis.evaluation.summary import (
    Event,
    SentenceTokenizer,
    evaluate_summaries,
    fill_budget,
    lead_summary,
    lexrank_summary,
    read_events,
)
from synopsis.records import RankedLine, SummaryLine

EVENT = {
    "event": "e1",
    "articles": [
        {
            "title": "Storm closes port",
            "text": "A storm closed the port of Marrendal on Monday. Ferries stayed in harbour. "
            "Officials said the port would reopen on Tuesday.",
        },
        {
            "title": "Port shut by storm",
            "text": "The port of Marrendal was closed by a storm on Monday. It will reopen on "
            "Tuesday, officials said. Fishermen were angry.",
        },
        {
            "title": "Storm hits coast",
            "text": "Strong winds hit the coast on Monday and closed the port of Marrendal. "
            "The port reopens on Tuesday.",
        },
    ],
    "reference": {
        "title": "Storm closes Marrendal port",
        "summary": "A storm closed the port of Marrendal on Monday; it reopens on Tuesday.",
    },
}


def write(path: Path, *events: object) -> Path:
    path.write_text("\n".join(json.dumps(e) for e in events) + "\n", encoding="utf-8")
    return path


def test_read_events_and_budget(tmp_path: Path) -> None:
    (event,) = read_events(write(tmp_path / "e.jsonl", EVENT))
    assert event.id == "e1" and len(event.articles) == 3
    assert event.budget == 13


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"event": "x", "articles": [], "reference": "r"}, "articles"),
        ({"event": "x", "articles": [{"title": "t"}], "reference": "r"}, "articles[0].text"),
        ({"event": "x", "articles": [{"text": "t"}], "reference": {"title": "t"}}, "reference"),
    ],
)
def test_bad_events_name_the_line_and_field(tmp_path: Path, record: object, message: str) -> None:
    path = write(tmp_path / "bad.jsonl", EVENT, record)
    with pytest.raises(InputError) as error:
        read_events(path)
    assert f"{path}:2" in str(error.value) and message in str(error.value)


def test_baselines_are_cut_to_the_budget() -> None:
    event = Event("e", (("t", "One two three. Four five six seven. Eight."),), "a b c d e")
    assert lead_summary(event) == "One two three. Four five"
    assert len(lexrank_summary(event).split()) == 5
    tokenizer = SentenceTokenizer()
    assert tokenizer.to_sentences("One two. Three four.") == ("One two.", "Three four.")
    assert tokenizer.to_words("Three, four.") == ("Three", "four")


def test_fill_budget_cuts_the_lowest_ranked_line_and_keeps_reading_order() -> None:
    def line(text: str) -> SummaryLine:
        return SummaryLine(text, "a", 0, ("a",), (), 1)

    ranked = [
        RankedLine(line("late but best line here"), 0.9),
        RankedLine(line("early second line with many words"), 0.1),
        RankedLine(line("never used"), 0.5),
    ]
    assert fill_budget(ranked, 7) == "early second late but best line here"


def test_side_by_side_run(tmp_path: Path, embedder: CachedEmbedder) -> None:
    events = read_events(write(tmp_path / "e.jsonl", EVENT, {**EVENT, "event": "e2"}))
    result = evaluate_summaries(events, Pipeline(embedder=embedder))
    assert result.events == 2 and set(result.scores) == {"synopsis", "lead", "lexrank"}
    for scores in result.scores.values():
        assert 0 < scores.rouge2 <= scores.rouge1 <= 1
    assert result.ratio("synopsis", "lead") > 0


def test_cli_eval_summary(tmp_path: Path) -> None:
    path = write(tmp_path / "e.jsonl", EVENT)
    result = CliRunner().invoke(app, ["eval", "summary", str(path), "-q"])
    assert result.exit_code == 0, result.output
    assert "synopsis" in result.stdout and "lexrank" in result.stdout
    assert "synopsis / LexRank ROUGE-2" in result.stdout
    missing = CliRunner().invoke(app, ["eval", "summary", str(tmp_path / "none.jsonl"), "-q"])
    assert missing.exit_code == 2
