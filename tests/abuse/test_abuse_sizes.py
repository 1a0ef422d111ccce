"""Inputs under the file size limit that used to run for minutes: long lines, huge pages.

Every stage after reading grows faster than an article's length (alignment
compares its sentences pairwise), so an article's text is capped
(``read.max_article_chars``): a longer one is a failure naming the limit, and
one at the cap goes through every stage within bounds.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from synopsis import Pipeline
from synopsis.config import ReadSettings
from synopsis.readers import read_inputs

WORDS = (
    "the harbour of brennstad reopened on monday after a week of repairs port authority said "
    "ships queued outside breakwater overnight ferry crossed sound minister promised inquiry"
).split()


def single_line(chars: int, seed: int = 1) -> str:
    """Sentences of twelve words, all on one line, ``chars`` long."""
    rng = random.Random(seed)
    parts: list[str] = []
    total = 0
    while total < chars:
        sentence = " ".join(rng.choice(WORDS) for _ in range(12)).capitalize() + ". "
        parts.append(sentence)
        total += len(sentence)
    return "".join(parts)[:chars]


def too_long(reason: str) -> bool:
    return reason.startswith("text too long (") and "read.max_article_chars" in reason


@pytest.mark.timeout(120)
def test_a_2_mb_single_line_text_is_a_failure_and_the_rest_is_digested(
    tmp_path: Path, good: Path, pipeline: Pipeline, abuse: Any
) -> None:
    """Finding 4: ``synopsis digest`` on a 2 MB single-line text ran for minutes."""
    path = tmp_path / "one-line.txt"
    path.write_text(single_line(2_000_000), encoding="utf-8")
    with abuse.bounded(seconds=60, megabytes=400, trace=False):
        report = pipeline.run([path, good])
    assert [a.title for a in report.articles] == [abuse.GOOD_TITLE]
    assert [(f.input, too_long(f.reason)) for f in report.failures] == [(str(path), True)]
    assert report.digests


@pytest.mark.timeout(180)
def test_a_19_9_mb_one_line_text_is_a_bounded_failure(
    tmp_path: Path, good: Path, pipeline: Pipeline, abuse: Any
) -> None:
    """Finding 4: a 19.9 MB one-line .txt (under the 20 MB limit) did not finish in 5 minutes."""
    path = tmp_path / "huge.txt"
    path.write_text(single_line(19_900_000, seed=2), encoding="utf-8")
    with abuse.bounded(seconds=90, megabytes=800, trace=False):
        report = pipeline.run([path, good])
    assert [a.title for a in report.articles] == [abuse.GOOD_TITLE]
    (failure,) = report.failures
    assert failure.input == str(path) and too_long(failure.reason)
    assert "(19,899,999 characters" in failure.reason  # the length it had, said


@pytest.mark.timeout(240)
def test_a_19_mb_html_page_is_a_bounded_failure(
    tmp_path: Path, good: Path, pipeline: Pipeline, abuse: Any
) -> None:
    """Finding 4: a 19 MB HTML page (under the 20 MB limit) did not finish in 5 minutes."""
    path = tmp_path / "huge.html"
    body = single_line(19_000_000, seed=3)
    path.write_text(
        f"<html><head><title>Huge</title></head><body><p>{body}</p></body></html>",
        encoding="utf-8",
    )
    with abuse.bounded(seconds=180, megabytes=2_500, trace=False):
        report = pipeline.run([path, good])
    assert [a.title for a in report.articles] == [abuse.GOOD_TITLE]
    (failure,) = report.failures
    assert failure.input == str(path) and too_long(failure.reason)


@pytest.mark.timeout(240)
@pytest.mark.parametrize(
    "pattern",
    [
        "Mr. A " * 16_000,  # one sentence past 16,000 abbreviations: was quadratic to segment
        single_line(95_000, seed=4),
        "".join(f"Line {n} of the list, with words.\n" for n in range(2_800)),
        "A" + ". a" * 31_000,
        "#tag " * 19_000,
        '"' * 95_000,
    ],
    ids=["abbreviations", "sentences", "lines", "dots", "hashtags", "quotes"],
)
def test_an_article_at_the_cap_goes_through_every_stage_within_bounds(
    tmp_path: Path, good: Path, pipeline: Pipeline, pattern: str, abuse: Any
) -> None:
    path = tmp_path / "at-cap.txt"
    path.write_text("At the cap\n\n" + pattern, encoding="utf-8")
    assert len(pattern) <= ReadSettings().max_article_chars
    with abuse.bounded(seconds=150, megabytes=1_500, trace=False):
        report = pipeline.run([path, good])
    assert abuse.GOOD_TITLE in [a.title for a in report.articles]
    inputs = [a.source for a in report.articles] + [f.input for f in report.failures]
    assert str(path) in inputs + [s.input for s in report.skipped]
    for failure in report.failures:
        assert failure.reason and "Error" not in failure.reason


def test_the_cap_applies_to_every_kind_of_input(tmp_path: Path, abuse: Any) -> None:
    settings = ReadSettings(max_article_chars=1_000)
    long = single_line(5_000)
    (tmp_path / "long.txt").write_text(long)
    (tmp_path / "long.jsonl").write_text(f'{{"id": "j", "text": "{long}"}}\n')
    (tmp_path / "long.html").write_text(f"<html><body><p>{long}</p></body></html>")
    result = read_inputs([tmp_path, {"id": "dict", "text": long}], settings)
    assert result.articles == []
    names = ["long.html", "long.jsonl:1", "long.txt"]
    expected = [str(tmp_path / name) for name in names]
    assert sorted(f.input for f in result.failures) == sorted([*expected, "<item 1>"])
    for failure in result.failures:
        assert failure.reason == (
            "text too long (5,000 characters; the limit is 1,000, read.max_article_chars)"
        )
    at_cap = read_inputs([{"text": single_line(1_000)}], settings)
    assert len(at_cap.articles) == 1
